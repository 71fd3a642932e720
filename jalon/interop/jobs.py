"""Running imports in the background, with visible progress, in the web process itself.

Why a thread and not a queue library (Celery, RQ, Huey, django-q2): each of those needs a broker or a
worker process to install, start and watch, and jalon runs as one process on SQLite by default (`jalon
demo`, `jalon serve`), often on a small server at a standards body. An import is the only long job so
far; a thread started after the upload's transaction commits does it, its state lives in the database
(ImportJob), and the progress page reads it from there. What a queue would add, surviving a restart, is
replaced by detection: a job whose process is gone is marked failed (nothing was saved, since the save is
one transaction) and the user uploads the file again. One import runs at a time per process (the others
wait, "queued"): two large imports at once would only slow each other down on a small server.

Settings:
- JALON_IMPORTS_INLINE (default False): run the job in the request instead of a thread. The tests set it;
  without it, a job started inside a test's transaction never starts, since its start waits for a commit
  that the test rolls back.
- JALON_IMPORT_STALE_SECONDS (default 3 hours): a job of another server with no progress for this long is
  marked failed (on this server the process is asked directly).
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jalon.interop.models import ImportJob
from jalon.interop.spreadsheets import FileRejected
from jalon.interop.tabular import Report

logger = logging.getLogger(__name__)

# Kind -> the function that imports a job of that kind: runner(job, progress) -> result summary. It saves
# in one transaction, or raises ImportRejected (row problems) or FileRejected (unreadable file). The app
# that owns the data registers its runner from AppConfig.ready() (runner_register): interop imports no
# domain app.
RUNNERS: dict[str, Callable[[ImportJob, "Progress"], dict]] = {}
_LIVE: set[int] = set()
_SLOTS = threading.BoundedSemaphore(1)


@dataclass
class ImportRejected(Exception):
    report: Report
    rows: int = 0
    extra: dict = field(default_factory=dict)


class Progress:
    """Writes the job's progress in short transactions of their own, so the progress page sees it while
    the rows are being checked (the save itself is one transaction: it shows as the "saving" step)."""

    def __init__(self, job: ImportJob, every: int = 2000):
        self.job, self.every = job, every

    def total(self, rows: int | None) -> None:
        self._write(rows_total=rows)

    def done(self, rows: int) -> None:
        self._write(rows_done=rows)

    def saving(self, rows: int) -> None:
        self._write(step=ImportJob.Step.SAVING, rows_done=rows, rows_total=rows)

    def _write(self, **changes) -> None:
        try:
            ImportJob.objects.filter(pk=self.job.pk).update(updated_at=timezone.now(), **changes)
        except DatabaseError:
            # Progress is best effort: a busy SQLite database (another process saving) must not fail the
            # import. Inside a transaction the error has broken it, so it must propagate.
            if connection.in_atomic_block:
                raise
            logger.warning("Import job %s: progress not recorded", self.job.pk, exc_info=True)


def runner_register(kind: str, runner: Callable[[ImportJob, Progress], dict]) -> None:
    RUNNERS[kind] = runner


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def inline() -> bool:
    return getattr(settings, "JALON_IMPORTS_INLINE", False)


@transaction.atomic
def import_job_create(*, actor, kind: str, upload, language: str, activity=None, now: bool = False) -> ImportJob:
    """Store the upload and start importing it: after this transaction commits, in a thread; or at once,
    in this thread, with `now` (the command line) or the JALON_IMPORTS_INLINE setting (tests)."""
    job = ImportJob(
        kind=kind,
        activity=activity,
        file_name=(upload.name or "")[-250:],
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        worker=worker_name(),
    )
    extension = os.path.splitext(upload.name or "")[1].lower()[:8]
    # The stored name is ours: the user's file name goes to file_name, never into a path.
    job.file.save(f"import{extension}", upload, save=False)
    job.save()
    import_job_start(job, now=now)
    return job


def import_job_start(job: ImportJob, *, now: bool = False) -> None:
    if now or inline():
        import_job_run(job.pk)
        return
    transaction.on_commit(lambda: _thread_start(job.pk))


def _thread_start(pk: int) -> None:
    # Marked live only once the job is committed: a job rolled back with its transaction never runs, and
    # its id, which the database may give again, must not look live.
    _LIVE.add(pk)
    threading.Thread(target=_thread, args=(pk,), daemon=True).start()


def _thread(pk: int) -> None:
    try:
        with _SLOTS:
            import_job_run(pk)
    finally:
        _LIVE.discard(pk)
        # The thread's own connections: the request threads' are not touched.
        connections.close_all()


def import_job_run(pk: int) -> None:
    """Run one job to its end: done, or failed with the report or the reason. Never leaves it running."""
    job = ImportJob.objects.select_related("activity", "created_by").filter(pk=pk).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return
    ImportJob.objects.filter(pk=pk).update(
        status=ImportJob.Status.RUNNING, step=ImportJob.Step.READING, started_at=timezone.now(), worker=worker_name()
    )
    with translation.override(job.language):
        try:
            # Run inline inside a request's transaction, a savepoint keeps a database error from breaking it.
            guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
            with guard:
                result = RUNNERS[job.kind](job, Progress(job))
        except ImportRejected as rejected:
            count = rejected.report.count
            _fail(
                job,
                message=ngettext(
                    "The file has %(count)s problem. Nothing was saved: correct the file and import it again.",
                    "The file has %(count)s problems. Nothing was saved: correct the file and import it again.",
                    count,
                )
                % {"count": count},
                errors=[error.as_dict() for error in rejected.report.errors],
                count=rejected.report.count,
                rows=rejected.rows,
            )
        except FileRejected as rejected:
            _fail(job, message=rejected.message)
        except Exception:
            logger.exception("Import job %s crashed", pk)
            _fail(
                job,
                message=_(
                    "The import stopped because of an unexpected error. Nothing was saved. The administrators "
                    "can find the details in the server log (import %(pk)s)."
                )
                % {"pk": pk},
            )
        else:
            # The runner saved the result and the "done" state with the data, in its transaction.
            ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING).update(
                status=ImportJob.Status.DONE, finished_at=timezone.now(), result=result
            )
        finally:
            _file_remove(job)


def _fail(job: ImportJob, *, message: str, errors=(), count: int = 0, rows: int | None = None) -> None:
    changes = {
        "status": ImportJob.Status.FAILED,
        "message": message,
        "errors": list(errors),
        "error_count": count,
        "finished_at": timezone.now(),
    }
    if rows is not None:
        changes["rows_total"] = changes["rows_done"] = rows
    ImportJob.objects.filter(pk=job.pk).update(**changes)


def _file_remove(job: ImportJob) -> None:
    """The upload holds personal data: once imported (or refused) it is not kept."""
    if not job.file:
        return
    try:
        job.file.delete(save=False)
    except OSError:
        logger.warning("Import job %s: could not remove %s", job.pk, job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(file="")


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows: rely on the stale delay there.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def import_job_check(job: ImportJob) -> ImportJob:
    """Mark failed a job whose process is gone (server stopped or restarted mid-import), so that nobody
    waits for it forever. Returns the job as it now stands."""
    if job.finished or inline():
        return job
    host, _sep, pid_text = job.worker.rpartition(":")
    dead = False
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        dead = job.pk not in _LIVE if pid == os.getpid() else not _process_alive(pid)
    stale = getattr(settings, "JALON_IMPORT_STALE_SECONDS", 3 * 3600)
    if not dead and (timezone.now() - job.updated_at).total_seconds() > stale:
        dead = True
    if dead:
        with translation.override(job.language):
            message = _(
                "The import was interrupted (the server stopped or restarted). Nothing was saved: "
                "import the file again."
            )
        ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), message=message
        )
        job.refresh_from_db()
    return job
