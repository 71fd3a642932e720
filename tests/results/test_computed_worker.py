"""A write that changes a computed indicator's inputs returns without recomputing, and the indicator shows the
new value once the worker has run: real `jalon` processes on a database of the suite's kind (SQLite or
PostgreSQL, tests/jobs/rig.py), the queue in that database."""

from decimal import Decimal

import pytest

from tests.jobs.rig import Rig

TASK = "jalon.results.tasks.computed_refresh"

# The test reads nothing of the suite's own database, but pytest-django creates it (and the rig is named
# after it) only for a session with a test that asks for it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rig(rig_make):
    made = rig_make("rig_computed")
    made.python("from tests.results.computed_rig import world_build; world_build()")
    yield made
    made.stop_all()


def trained(rig: Rig) -> Decimal:
    [(value,)] = rig.query(
        "SELECT m.value FROM results_measurement m JOIN results_indicator i ON i.id = m.indicator_id "
        "WHERE i.code = 'T1' AND m.dimension_value_id IS NULL"
    )
    return Decimal(str(value))


def marks(rig: Rig) -> tuple[bool, bool]:
    """(pending, refreshing) of the rig's programme."""
    [(pending, refreshing)] = rig.query(
        "SELECT computed_pending_since, computed_refreshing_since FROM results_programme WHERE code = 'rig'"
    )
    return pending is not None, refreshing is not None


def refreshes(rig: Rig, status: str) -> int:
    [(count,)] = rig.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND status = %s", (TASK, status)
    )
    return count


def attendance(rig: Rig, present: bool) -> None:
    rig.python(f"from tests.results.computed_rig import attendance_write; attendance_write(present={present!r})")


def test_a_write_returns_without_recomputing_and_the_worker_brings_the_new_value(rig):
    # One test: its steps build on each other in the rig's database (the suite runs in a random order).
    assert trained(rig) == 0 and marks(rig) == (False, False)
    assert refreshes(rig, "READY") == 0

    attendance(rig, True)  # Ada was present: she is trained
    # The write has returned: nothing recomputed, the programme waits for its one refresh.
    assert trained(rig) == 0
    assert marks(rig) == (True, False)
    assert refreshes(rig, "READY") == 1

    worker = rig.start("worker", "--batch")
    assert worker.wait(timeout=120) == 0, worker.stdout.read()
    assert trained(rig) == 1
    assert marks(rig) == (False, False)
    assert (refreshes(rig, "READY"), refreshes(rig, "SUCCESSFUL")) == (0, 1)

    # Without a worker, `jalon refresh-computed` recomputes at once and clears the mark.
    attendance(rig, False)
    assert trained(rig) == 1 and marks(rig) == (True, False)
    rig.jalon("refresh-computed")
    assert trained(rig) == 0 and marks(rig) == (False, False)
