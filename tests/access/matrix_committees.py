"""Access table rows for committees (see matrix.py): pages first, then API endpoints."""


def _page_rows() -> list:
    # The rows and the records they need live beside the committee page tests (owned with the pages).
    from tests.committees.test_pages_access import ROWS

    return ROWS


PAGE_CASES: list = [
    # Pages ---------------------------------------------------------------------------------------------
    *_page_rows(),
]


def _api_rows() -> list:
    # The rows and the records they need live beside the committee tests (owned with the API).
    from tests.committees.api_rows import ROWS

    return ROWS


API_CASES: list = [
    # API -----------------------------------------------------------------------------------------------
    *_api_rows(),
]

CASES = PAGE_CASES + API_CASES
