"""`jalon worker`: run the queued background jobs, with the backend the settings choose (TASKS_BACKEND).

- database: the queue in jalon's database (django-tasks-db's worker). On PostgreSQL, run as many workers as
  there are cores to spare, on any machine that reaches the database: a worker takes a job by locking its
  row and skipping rows other workers hold. On SQLite, run one worker.
- redis: RQ's worker on the queue in Redis (TASKS_REDIS_URL), on any machine that reaches Redis.

Whatever the backend, the worker first marks failed the jobs a dead worker left running, enqueues again the
jobs that never reached the queue and removes orphaned uploads; then it does the same every minute.
"""

import argparse
import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from jalon.jobs.services import jobs_recover, worker_name

logger = logging.getLogger(__name__)

RECOVER_EVERY = 60  # seconds
# The database queue keeps a row per task run; finished ones older than this are removed, once an hour.
PRUNE_EVERY, PRUNE_AFTER_DAYS = 3600, 14


def recover_now() -> None:
    try:
        found = jobs_recover()
    except Exception:  # recovery must never stop the worker: the next round tries again
        logger.exception("Job recovery failed")
    else:
        if any(found.values()):
            logger.warning("Job recovery: %s", found)
    finally:
        close_old_connections()


def prune_now() -> None:
    """The queue's own record of finished task runs (jobs keep theirs in jalon.jobs.Job): pruned so that the
    table does not grow with history."""
    if settings.TASKS_BACKEND != "database":
        return  # RQ expires its results itself
    try:
        call_command("prune_db_task_results", queue_name="*", min_age_days=PRUNE_AFTER_DAYS, verbosity=0)
    except Exception:
        logger.exception("Pruning finished task results failed")
    finally:
        close_old_connections()


def watch(stop: threading.Event, parent: int | None) -> None:
    """Recover every minute, prune every hour; and, for a worker started by `jalon serve`, stop when that
    server is gone."""
    recovered = pruned = time.monotonic()
    while not stop.wait(1):
        if parent is not None and os.getppid() != parent:
            # The server was killed without stopping us: stop as if told to, finishing the job at hand.
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if time.monotonic() - recovered >= RECOVER_EVERY:
            recover_now()
            recovered = time.monotonic()
        if time.monotonic() - pruned >= PRUNE_EVERY:
            prune_now()
            pruned = time.monotonic()


class Command(BaseCommand):
    help = "Run the background jobs (imports, certificates, reports, computed indicators) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", help="Queue to take jobs from (default: default).")
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs queued now, then stop (database backend)."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)  # the `jalon serve` that started it

    def handle(self, *args, queue: list[str] | None, batch: bool, interval: float, parent: int | None, **options):
        backend = settings.TASKS_BACKEND
        if backend == "immediate":
            raise CommandError("TASKS_BACKEND is immediate: jobs run at once in the web process; no worker is needed.")
        queues = queue or ["default"]
        self.stdout.write(f"jalon worker {worker_name()}: {backend} queue, {', '.join(queues)}")
        recover_now()
        prune_now()
        stop = threading.Event()
        # In a thread of the worker process (never of the web server): the queue's own loop has no hook.
        threading.Thread(target=watch, args=(stop, parent), daemon=True).start()
        try:
            if backend == "database":
                self._database_worker(queues, batch=batch, interval=interval)
            else:
                call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=batch)
        finally:
            stop.set()

    def _database_worker(self, queues: list[str], *, batch: bool, interval: float) -> None:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=queues,
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_name(),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
