"""Putting tasks on the queue with the transaction that asks for them, and what the worker's periodic
recovery does besides recovering jobs.

Any task, with or without a Job record (a job a person started; a computed-indicator refresh nobody
started) is queued by `task_enqueue_with_commit`: queued if and only if the transaction that asks for it
commits, and never run before the data it reads are visible.

Apps whose tasks have no Job record, and must not be lost when one could not be queued or its worker died,
register with `recovery_register` what to queue again: the worker calls it when it starts and every minute.
jalon.jobs imports no domain app: the domains register here from AppConfig.ready().
"""

import logging
from collections.abc import Callable
from contextlib import nullcontext

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def task_enqueue(task, *args):
    """Queue `task(*args)` now: its result, or None if the queue refused it (logged; the caller's recovery
    queues it again). Inside a transaction, a savepoint keeps a database error from breaking it."""
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return task.enqueue(*args)
    except Exception:
        logger.exception("Could not queue %s%r", getattr(task, "module_path", task), args)
        return None


def task_enqueue_with_commit(
    task, *args, then: Callable[[object], None] | None = None, immediate_in_transaction: bool = False
) -> None:
    """Queue `task(*args)` if and only if the current transaction commits (at once outside a transaction).

    A queue in jalon's database takes the task inside the transaction: its row commits or rolls back with
    the data, and no worker sees it before the data. Any other queue (Redis; the immediate backend of the
    tests, which runs the task at once) gets it once the transaction has committed, so that the task reads
    what the transaction wrote. `immediate_in_transaction`: the immediate backend runs it inside the
    transaction instead (a job a person started runs in their request in the tests, as a whole).
    `then(result)` follows a successful enqueue (a job keeps its task's id)."""
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    def enqueue() -> None:
        result = task_enqueue(task, *args)
        if result is not None and then is not None:
            then(result)

    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend) or (immediate_in_transaction and isinstance(backend, ImmediateBackend)):
        enqueue()
    else:
        transaction.on_commit(enqueue)


# What the worker's periodic recovery also runs: name -> a function returning how many tasks it queued again.
RECOVERIES: dict[str, Callable[[], int]] = {}


def recovery_register(name: str, recover: Callable[[], int]) -> None:
    RECOVERIES[name] = recover


def recoveries_run() -> dict[str, int]:
    """Run every registered recovery; one that fails is logged and does not stop the others."""
    found = {}
    for name, recover in RECOVERIES.items():
        try:
            found[name] = recover()
        except Exception:
            logger.exception("Recovery %s failed", name)
    return found
