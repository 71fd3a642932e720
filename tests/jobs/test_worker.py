"""Real worker processes: a job runs end to end through the database queue (SQLite or PostgreSQL, as the
suite) and through Redis; a job queued while no worker runs waits for one; two workers never run one job;
a killed worker's job is marked failed and leaves nothing half done."""

import json
import os
import signal
import socket

import pytest
import redis
from django.conf import settings

from tests.jobs.rig import Rig, postgresql, rig_database

# The rig's processes use a database of their own, but the suite's must be set up too (its conftest loads the
# reference data there): without a test using it, pytest-django would set none up.
pytestmark = pytest.mark.django_db

START = (
    "from tests.jobs.kinds import register_test_kinds; register_test_kinds(); "
    "from jalon.jobs.services import job_start; "
    "print(job_start(actor=None, kind='test-counting', params={params}).pk)"
)


def enqueue(rig: Rig, **params) -> int:
    return int(rig.python(START.format(params=repr(params))).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def rig(tmp_path_factory, django_db_setup):
    folder = tmp_path_factory.mktemp("rig")
    # Named after the test database (itself per pytest-xdist worker and per DATABASE_URL): two runs of the
    # suite on one server never share a rig.
    made = Rig(folder=folder, url=rig_database(folder, f"rig_{settings.DATABASES['default']['NAME']}"))
    made.jalon("migrate", "--verbosity", "0")
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
    jobs = [enqueue(rig, count=2, sleep=0.1) for _ in range(8)]
    workers = [rig.start("worker", "--batch") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=180) == 0
    assert all(rig.job(pk)["status"] == "succeeded" for pk in jobs)
    # Each job was claimed once: its task result lists one worker.
    claims = rig.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    assert all(len(json.loads(ids) if isinstance(ids, str) else ids) == 1 for (ids,) in claims)


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
