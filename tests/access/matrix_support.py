"""Access table rows for support (see matrix.py)."""

CASES: list = []
