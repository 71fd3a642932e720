"""Access table rows for activities (see matrix.py): pages first, then API endpoints."""

PAGE_CASES: list = [
    # Pages ---------------------------------------------------------------------------------------------
]

API_CASES: list = [
    # API -----------------------------------------------------------------------------------------------
]

CASES = PAGE_CASES + API_CASES
