"""Starting and building report runs.

`report_run_start` records a run and its job (kind "report-run"); the job's work, `report_run_build`, freezes
the snapshot (jalon/reporting/snapshot.py), then renders each language's file from it alone and keeps each
file with its SHA-256. `report_run_now` does the same at once, for the command line."""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.jobs.models import Job
from jalon.jobs.services import job_run, job_start
from jalon.reporting.access import reports_can_start
from jalon.reporting.annual import annual_document
from jalon.reporting.models import ReportFile, ReportKind, ReportLanguage, ReportRun
from jalon.reporting.pdf import pdf_render
from jalon.reporting.snapshot import snapshot_build, snapshot_checksum
from jalon.results.models import Programme

JOB_KIND = "report-run"


def _check(*, actor, programme: Programme, kind: str, language: str) -> None:
    # The command line (actor None) runs as the platform; a person must manage the programme.
    if actor is not None and not reports_can_start(actor, programme):
        raise PermissionDenied
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Choose a kind of report.")
    if language not in ReportLanguage.values:
        errors["language"] = _("Choose French, English or both.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_run_start(
    *, actor, programme: Programme, kind: str, language: str, as_of: datetime.datetime | None = None, enqueue=True
) -> ReportRun:
    """Record a run and queue its job (`enqueue` False: the caller runs it, as report_run_now does). `as_of`
    (default: now, to the second) dates the files and is the statuses' "today"."""
    _check(actor=actor, programme=programme, kind=kind, language=language)
    run = ReportRun.objects.create(
        programme=programme,
        kind=kind,
        language=language,
        as_of=(as_of or timezone.now()).replace(microsecond=0),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=run)
    run.job = job_start(actor=actor, kind=JOB_KIND, subject_id=run.pk, enqueue=enqueue)
    run.save(update_fields=["job"])
    return run


def report_run_now(
    *, programme: Programme, kind: str, language: str, as_of: datetime.datetime | None = None
) -> ReportRun:
    """A run built here and now (the command line): the same work and files as a run started from the page."""
    run = report_run_start(actor=None, programme=programme, kind=kind, language=language, as_of=as_of, enqueue=False)
    assert run.job is not None
    job_run(run.job.pk, report_run_build)
    run.refresh_from_db()
    return run


def report_file_name(run: ReportRun, language: str) -> str:
    return f"{run.programme.code}-{run.kind}-{run.as_of:%Y%m%d}-{language}.pdf"


def report_run_build(job: Job, progress) -> dict:
    """The job's work: freeze the snapshot, then write each language's file from it."""
    run = ReportRun.objects.select_related("programme", "programme__owner").get(pk=job.subject_id or 0)
    languages = ReportLanguage.languages(run.language)
    try:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING)
        progress.step(_("Reading the figures"), total=len(languages) + 1)
        run.snapshot = snapshot_build(programme=run.programme, as_of=run.as_of)
        run.snapshot_checksum = snapshot_checksum(run.snapshot)
        run.save(update_fields=["snapshot", "snapshot_checksum"])
        files = []
        for done, language in enumerate(languages, start=1):
            progress.step(
                _("Writing the file: %(language)s") % {"language": ReportLanguage(language).label},
                total=len(languages) + 1,
                done=done,
            )
            files.append(_file_write(run, language))
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.READY, finished_at=timezone.now())
    except BaseException:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, finished_at=timezone.now())
        raise
    return {"run": run.pk, "files": [{"language": f.language, "checksum": f.checksum} for f in files]}


def _file_write(run: ReportRun, language: str) -> ReportFile:
    content = pdf_render(annual_document(run.snapshot, language), timestamp=run.as_of)
    name = report_file_name(run, language)
    record = ReportFile(
        run=run,
        language=language,
        format="pdf",
        name=name,
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    record.file.save(name, ContentFile(content), save=False)
    record.save()
    return record
