"""Access table rows for committees (see matrix.py)."""

CASES: list = []
