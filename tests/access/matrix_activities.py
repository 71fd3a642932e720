"""Access table rows for activities (see matrix.py): pages first, then API endpoints."""

PAGE_CASES: list = [
    # Pages ---------------------------------------------------------------------------------------------
    # Reach and certificates: rows and the records they need in tests/activities/reach_rows.py.
    *__import__("tests.activities.reach_rows", fromlist=["ROWS"]).ROWS,
    # Participant imports and certificate batches (background jobs): tests/activities/import_rows.py.
    *__import__("tests.activities.import_rows", fromlist=["ROWS"]).ROWS,
    # Activity list, calendar and page, organisers' forms, registration, people: rows and the records they need
    # in tests/activities/page_rows.py.
    *__import__("tests.activities.page_rows", fromlist=["ROWS"]).ROWS,
    # Running a workshop: calendars, participants page, exports, bulk actions, personal links:
    # tests/activities/workshop_rows.py.
    *__import__("tests.activities.workshop_rows", fromlist=["ROWS"]).ROWS,
]

API_CASES: list = [
    # API -----------------------------------------------------------------------------------------------
    # Activities, sessions, participants, registrations, attendance, evaluations, certificates: rows and the
    # records they need in tests/activities/api_rows.py.
    *__import__("tests.activities.api_rows", fromlist=["ROWS"]).ROWS,
]

CASES = PAGE_CASES + API_CASES
