"""Access table rows for activities (see matrix.py)."""

CASES: list = []
