"""Real worker processes: a job runs end to end through the database queue (SQLite or PostgreSQL, as the
suite) and through Redis; a job queued while no worker runs waits for one; two workers never run one job;
a killed worker's job is marked failed and leaves nothing half done."""

import json
import os
import signal
import socket

import pytest
import redis

from tests.jobs.rig import Rig, postgresql

# The rig's processes use a database of their own, but the suite's must be set up too (its conftest loads the
# reference data there): without a test using it, pytest-django would set none up.
pytestmark = pytest.mark.django_db

START = (
    "from tests.jobs.kinds import register_test_kinds; register_test_kinds(); "
    "from jalon.jobs.services import job_start; "
    "print(*(job_start(actor=None, kind='test-counting', params={params}).pk for _ in range({jobs})))"
)


CANCEL = (
    "from jalon.jobs.models import Job; from jalon.jobs.services import job_cancel; "
    "job_cancel(actor=None, job=Job.objects.get(pk={pk}))"
)


def enqueue(rig: Rig, **params) -> int:
    return enqueue_many(rig, 1, **params)[0]


def enqueue_many(rig: Rig, jobs: int, **params) -> list[int]:
    """Jobs queued by one process (each process's Django start is a second or two)."""
    return [int(pk) for pk in rig.python(START.format(params=repr(params), jobs=jobs)).strip().splitlines()[-1].split()]


@pytest.fixture(scope="module")
def rig(rig_make):
    made = rig_make("rig")
    yield made
    made.stop_all()


@pytest.fixture(autouse=True)
def stop_processes(rig):
    yield
    rig.stop_all()


def test_a_job_queued_while_no_worker_runs_is_run_once_a_worker_starts(rig):
    pk = enqueue(rig, count=5)
    assert rig.job(pk)["status"] == "queued"
    worker = rig.start("worker", "--batch")
    assert worker.wait(timeout=120) == 0, worker.stdout.read()
    job = rig.job(pk)
    assert (job["status"], job["done"], job["total"]) == ("succeeded", 5, 5)
    result = job["result"] if isinstance(job["result"], dict) else json.loads(job["result"])
    assert result["counted"] == 5
    assert job["worker"].startswith(f"{socket.gethostname()}:")


def test_progress_moves_while_the_worker_runs_the_job(rig):
    pk = enqueue(rig, count=20, sleep=0.3)
    rig.start("worker")
    seen = rig.wait_for(lambda: rig.job(pk)["done"] or None)
    assert 0 < seen < 20
    rig.wait_for(lambda: rig.job(pk)["status"] == "succeeded")
    assert rig.job(pk)["done"] == 20


def test_a_killed_worker_leaves_its_job_failed_once_another_worker_starts(rig):
    pk = enqueue(rig, count=100, sleep=0.2)
    worker = rig.start("worker")
    rig.wait_for(lambda: rig.job(pk)["done"] > 0)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert rig.job(pk)["status"] == "running"  # nobody has noticed yet
    rig.start("worker", "--batch").wait(timeout=120)
    job = rig.job(pk)
    assert job["status"] == "failed" and job["message"]


@pytest.mark.skipif(not postgresql(), reason="on SQLite one worker runs (documented): PostgreSQL shares jobs")
def test_two_workers_never_run_the_same_job(rig):
    jobs = enqueue_many(rig, 8, count=2, sleep=0.1)
    workers = [rig.start("worker", "--batch") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=180) == 0
    assert all(rig.job(pk)["status"] == "succeeded" for pk in jobs)
    # Each job was claimed once: its task result lists one worker.
    claims = rig.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    assert all(len(json.loads(ids) if isinstance(ids, str) else ids) == 1 for (ids,) in claims)


@pytest.mark.skipif(not postgresql(), reason="on SQLite the work's transaction holds the one write lock")
def test_progress_inside_the_works_transaction_is_seen_and_a_cancel_stops_it_there(rig):
    pk = enqueue(rig, count=100, sleep=0.1, atomic=True)
    rig.start("worker")
    # Seen while the work's transaction is open (it commits only after the last of the 100 points).
    rig.wait_for(lambda: 0 < rig.job(pk)["done"] < 100)
    # The job's row is not held by the work: the cancel returns at once, and the work stops at its next point.
    rig.python(CANCEL.format(pk=pk))
    rig.wait_for(lambda: rig.job(pk)["status"] != "running")
    job = rig.job(pk)
    assert job["status"] == "cancelled" and job["done"] < 100
    assert rig.query("SELECT count(*) FROM jobs_job WHERE kind = 'marker'") == [(0,)]


REDIS_URL = os.environ.get("JALON_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_available() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False
    return True


def test_a_job_runs_end_to_end_through_redis(rig):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the Redis backend's test, and Redis does not answer at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    rig.backend, rig.extra = "redis", {"REDIS_URL": REDIS_URL}
    try:
        pk = enqueue(rig, count=3)
        assert rig.job(pk)["status"] == "queued"
        worker = rig.start("worker", "--batch")
        assert worker.wait(timeout=120) == 0, worker.stdout.read()
        assert rig.job(pk)["status"] == "succeeded"
    finally:
        rig.backend, rig.extra = "database", {}


def test_the_worker_prunes_the_queues_record_of_long_finished_tasks(rig):
    old, recent = enqueue_many(rig, 2, count=1)
    assert rig.start("worker", "--batch").wait(timeout=120) == 0
    table = "django_tasks_database_dbtaskresult"
    task_of = {
        pk: rig.query(f"SELECT id FROM {table} WHERE CAST(args_kwargs AS TEXT) LIKE %s", (f"%[{pk}]%",))[0][0]
        for pk in (old, recent)
    }  # noqa: S608
    rig.query(f"UPDATE {table} SET finished_at = %s WHERE id = %s", ("2020-01-01 00:00:00+00:00", task_of[old]))  # noqa: S608
    assert rig.start("worker", "--batch").wait(timeout=120) == 0
    remaining = {row[0] for row in rig.query(f"SELECT id FROM {table}")}  # noqa: S608
    assert task_of[recent] in remaining and task_of[old] not in remaining
    # The jobs themselves are kept: they are the owners' history.
    assert rig.job(old)["status"] == "succeeded"
