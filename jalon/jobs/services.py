"""Starting, running, cancelling and recovering background jobs.

A job is started by `job_start` (a page, the API or the command line), which records it and enqueues its
kind's task with the job's id. The task, in the worker, hands its work to `job_run`, which owns the job's
life: running, progress, and one end (succeeded, failed with a message, or cancelled), whatever happens
in the work. `jobs_recover` marks failed the jobs whose worker died, enqueues again the ones that were
never enqueued, and removes uploads no job needs: the worker runs it when it starts and every minute.
"""

import datetime
import logging
import os
import socket
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.db.models.sql.constants import NO_RESULTS
from django.db.models.sql.subqueries import UpdateQuery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.jobs.kinds import kind_of
from jalon.jobs.models import Job
from jalon.jobs.queue import recoveries_run, task_enqueue, task_enqueue_with_commit

logger = logging.getLogger(__name__)

# Progress is written, and a cancel request read, at most once per this many seconds.
PROGRESS_INTERVAL = 1.0


class JobCancelled(Exception):
    """Raised at a progress point once the owner asked to cancel: the work's transaction rolls back."""


class JobRefused(Exception):
    """The work refuses its input (a file with problems): the job fails with this message and result."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# Starting ---------------------------------------------------------------------------------------------------


@transaction.atomic
def job_start(
    *,
    actor,
    kind: str,
    subject_id: int | None = None,
    params: dict | None = None,
    upload=None,
    language: str | None = None,
    enqueue: bool = True,
) -> Job:
    """Record a job and queue it (`enqueue` False: the caller runs it now, as the command line does, with
    `job_run`). An upload is stored under a name of ours (the person's file name is kept apart, never put
    in a path) until the job ends."""
    registered = kind_of(kind)
    if registered is None:
        raise ValueError(f"unknown job kind: {kind}")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    job = Job(
        kind=kind,
        owner=actor if getattr(actor, "is_authenticated", False) else None,
        subject_id=subject_id,
        params=params or {},
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    if upload is not None:
        job.upload_name = (upload.name or "")[-250:]
        extension = os.path.splitext(upload.name or "")[1].lower()[:8]
        job.upload.save(f"upload{extension}", upload, save=False)
    job.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=job)
    if enqueue:
        # Queued if and only if the job is recorded (jobs.queue); the tests' immediate backend runs it here.
        task_enqueue_with_commit(registered.task, job.pk, then=_task_id_keep(job.pk), immediate_in_transaction=True)
    return job


def _enqueue(pk: int, task) -> None:
    # If the queue refuses it, the job stays queued without a task: `jobs_recover` enqueues it again.
    result = task_enqueue(task, pk)
    if result is not None:
        _task_id_keep(pk)(result)


def _task_id_keep(pk: int):
    def keep(result) -> None:
        Job.objects.filter(pk=pk, task_id="").update(task_id=str(result.id)[:64])

    return keep


# Cancelling -------------------------------------------------------------------------------------------------


@transaction.atomic
def job_cancel(*, actor, job: Job) -> Job:
    """A queued job is cancelled at once; a running one stops at its next progress point, saving nothing."""
    current = Job.objects.select_for_update().get(pk=job.pk)
    if current.finished:
        raise ValidationError(_("This job has already finished: there is nothing to cancel."))
    if current.status == Job.Status.QUEUED:
        current.status, current.finished_at = Job.Status.CANCELLED, timezone.now()
        with translation.override(current.language):
            current.message = _("Cancelled before it started: nothing was saved.")
        current.save(update_fields=["status", "finished_at", "message"])
        _upload_remove(current)
    else:
        current.cancel_requested = True
        current.save(update_fields=["cancel_requested"])
    return current


# Running ----------------------------------------------------------------------------------------------------


class Progress:
    """How the work reports where it is. Writes are throttled (at most one a second, a step change always)
    and double as the job's heartbeat; each write also reads whether the owner asked to cancel.

    Inside the work's own transaction (an import saving everything at once) on PostgreSQL, progress is
    written through a connection of its own: written in the transaction, it would be seen only once the work
    commits, the heartbeat would stop, and the job's row would stay locked, so that the owner's cancel waited
    for the work to end instead of stopping it. On SQLite the work's transaction holds the one write lock:
    progress inside it is seen at the commit (one worker, as documented)."""

    def __init__(self, job: Job, *, interval: float = PROGRESS_INTERVAL):
        self.job = job
        self.interval = interval
        self._written = 0.0
        self._done = 0
        self._total: int | None = None
        # A worker runs the work outside any transaction. Run at once inside a request's (tests), the job
        # is not committed: no other connection could see it.
        self._own_transactions = not connection.in_atomic_block
        self._side = None
        self._side_failed = False

    def step(self, label: str, *, total: int | None = None, done: int = 0) -> None:
        """A new stage ("Saving"), written at once."""
        self._done, self._total = done, total
        self._write(step=str(label)[:200], done=done, total=total)

    def advance(self, done: int, total: int | None = None) -> None:
        self._done = done
        if total is not None:
            self._total = total
        if time.monotonic() - self._written >= self.interval:
            self._write(done=done, total=self._total)

    def check(self) -> None:
        """A progress point inside the work's own transaction (between the steps of an import's save): reads
        whether the owner asked to cancel, and writes nothing. A write there would show only at the commit
        and, on PostgreSQL, would hold the job's row, so that the owner's cancel would wait for the end of the
        save instead of stopping it. One query each time: call it between steps, not for every row."""
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled

    def succeeded(self, result: dict | None = None, message: str = "") -> None:
        """Inside the work's own transaction: the job is done exactly when its data is saved."""
        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.SUCCEEDED,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            result=result or {},
            message=message,
            done=self._total if self._total is not None else self._done,
        )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _write(self, **changes) -> None:
        self._written = time.monotonic()
        changes["heartbeat_at"] = timezone.now()
        side = self._side_connection()
        try:
            if side is not None:
                self._update_on(side, changes)
            else:
                Job.objects.filter(pk=self.job.pk).update(**changes)
            # Read on the work's connection: a cancel committed by the owner's request is seen (read committed),
            # and reading locks nothing.
            cancel = Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()
        except DatabaseError:
            # Progress is best effort: a busy SQLite database (another process saving) must not fail the job.
            # Inside a transaction the error has broken it, so it must propagate; the side connection's has not.
            if side is None and connection.in_atomic_block:
                raise
            if side is not None:
                # The job's row is locked by the work itself (it saved the job in its transaction): from now on
                # progress goes with the work's transaction.
                self._side_failed = True
                self.close()
            logger.warning("Job %s: progress not recorded", self.job.pk, exc_info=True)
            return
        if cancel:
            raise JobCancelled

    def _side_connection(self):
        if self._side_failed or not (
            self._own_transactions and connection.in_atomic_block and connection.vendor == "postgresql"
        ):
            return None
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side.cursor() as cursor:
                # Never wait long on the job's row: the work may hold it (see _write).
                cursor.execute("SET lock_timeout = '2s'")
        return self._side

    def _update_on(self, side, changes: dict) -> None:
        query = UpdateQuery(Job)
        query.add_update_values(changes)
        query.add_q(Q(pk=self.job.pk))
        query.get_compiler(connection=side).execute_sql(NO_RESULTS)


Work = Callable[[Job, Progress], dict | None]


def job_run(job_id: int, work: Work) -> None:
    """Run one job to its end. `work(job, progress)` does it and returns the result (a summary), raises
    JobRefused with a message, or is cancelled at a progress point. Never leaves the job running."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker=worker_name(),
    )
    if not claimed:
        # Cancelled before it started, or run already (enqueued twice by recovery).
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.language):
        progress = Progress(job)
        try:
            # Run at once inside a request (no worker: tests), a savepoint keeps a database error from
            # breaking the request's transaction.
            guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
            with guard:
                result = work(job, progress)
        except JobCancelled:
            _end(job, Job.Status.CANCELLED, _("Cancelled: nothing was saved."))
        except JobRefused as refused:
            _end(job, Job.Status.FAILED, refused.message, result=refused.result)
        except Exception:
            logger.exception("Job %s (%s) crashed", job.pk, job.kind)
            _end(
                job,
                Job.Status.FAILED,
                _(
                    "The job stopped because of an unexpected error. Nothing was saved. The administrators can "
                    "find the details in the server log (job %(pk)s)."
                )
                % {"pk": job.pk},
            )
        else:
            # Unless the work marked it done with its data (Progress.succeeded), it is done now.
            progress.succeeded(result)
        finally:
            progress.close()
            _upload_remove(job)


def _end(job: Job, status: str, message: str, *, result: dict | None = None) -> None:
    changes: dict = {"status": status, "message": message, "finished_at": timezone.now()}
    if result is not None:
        changes["result"] = result
    Job.objects.filter(pk=job.pk).exclude(status__in=Job.FINISHED).update(**changes)


def _upload_remove(job: Job) -> None:
    """An upload may hold personal data (names, e-mail addresses): not kept once the job has ended."""
    if not job.upload:
        return
    try:
        job.upload.delete(save=False)
    except OSError:
        logger.warning("Job %s: could not remove %s", job.pk, job.upload.name)
    Job.objects.filter(pk=job.pk).update(upload="")


# Recovering -------------------------------------------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows: the heartbeat decides there.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def job_interrupted(job: Job) -> bool:
    """A running job whose process is gone (same machine), or silent for longer than the stale delay."""
    if job.status != Job.Status.RUNNING:
        return False
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
        return True
    silent = timezone.now() - (job.heartbeat_at or job.started_at or job.created_at)
    return silent.total_seconds() > settings.JALON_JOB_STALE_SECONDS


def job_check(job: Job) -> Job:
    """The job as it stands, marked failed first if its worker died (so that nobody waits for it)."""
    if job_interrupted(job):
        with translation.override(job.language):
            message = _("The job was interrupted (its worker stopped). Nothing was saved: start it again.")
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=message
        )
        _upload_remove(job)
        job.refresh_from_db()
    return job


def jobs_recover(*, requeue_after: float = 60) -> dict:
    """What a worker does when it starts and every minute: fail the jobs of dead workers, enqueue again the
    jobs that never reached the queue, remove uploads no unfinished job reads, and run the recoveries other
    apps registered (jobs.queue.recovery_register)."""
    failed = sum(1 for job in Job.objects.filter(status=Job.Status.RUNNING) if job_check(job).finished)
    requeued = 0
    cutoff = timezone.now() - datetime.timedelta(seconds=requeue_after)
    for job in Job.objects.filter(status=Job.Status.QUEUED, task_id="", created_at__lt=cutoff):
        kind = kind_of(job.kind)
        if kind is not None:
            _enqueue(job.pk, kind.task)
            requeued += 1
    # Then the tasks of the apps that queue work without a Job (computed-indicator refreshes), by their name.
    return {"failed": failed, "requeued": requeued, "uploads_removed": uploads_sweep(), **recoveries_run()}


def uploads_sweep() -> int:
    """Remove uploaded files that no unfinished job reads (left behind by a crash): they may hold personal
    data. Files younger than a minute are left to the upload being saved."""
    root = Path(settings.MEDIA_ROOT) / "jobs" / "uploads"
    if not root.exists():
        return 0
    kept = set(Job.objects.exclude(upload="").exclude(status__in=Job.FINISHED).values_list("upload", flat=True))
    removed = 0
    now = time.time()
    for path in root.rglob("*"):
        name = path.relative_to(settings.MEDIA_ROOT).as_posix()
        if path.is_file() and name not in kept and now - path.stat().st_mtime > 60:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
