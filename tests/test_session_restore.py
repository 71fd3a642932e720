"""The session's data (reference data, ISO members, the role users) comes back whole after a transactional test's
flush (tests/conftest.py session_data_restore): the tests that follow on the same worker read it."""

import json

from django.core.management import call_command
from django.db import connection

from tests.conftest import _session_data, session_data_restore


def _rows(serialised: str) -> list[dict]:
    # The JSON serialiser writes a time under a millisecond past the second as ".000", which reads back as a whole
    # second: the same value.
    rows = json.loads(serialised.replace(".000Z", "Z"))
    return sorted(rows, key=lambda row: (row["model"], str(row["pk"])))


def test_the_session_data_comes_back_whole_after_a_flush(transactional_db):
    call_command("flush", interactive=False, verbosity=0)
    session_data_restore()
    assert _rows(connection.creation.serialize_db_to_string()) == _rows(_session_data[connection.alias])
