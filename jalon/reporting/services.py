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
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, job_run, job_start
from jalon.reporting.access import reports_can_start, sections_can_review, sections_can_write
from jalon.reporting.documents import document_for
from jalon.reporting.mail import run_finished_send
from jalon.reporting.models import ReportFile, ReportKind, ReportLanguage, ReportRun, ReportSection, SectionStatus
from jalon.reporting.office import docx_render, xlsx_render
from jalon.reporting.pdf import pdf_render
from jalon.reporting.selectors import contributor_gave, narrative_period, sections_missing
from jalon.reporting.snapshot import snapshot_build, snapshot_checksum
from jalon.results.models import Period, Programme, Result

JOB_KIND = "report-run"


def _check(
    *,
    actor,
    programme: Programme,
    kind: str,
    language: str,
    final: bool,
    on: datetime.date,
    contributor,
    country,
    historical: datetime.datetime | None = None,
) -> None:
    """`historical`: the date of a historical run's figures (None for a run of the values approved now)."""
    # The command line (actor None) runs as the platform; a person must manage the programme.
    if actor is not None and not reports_can_start(actor, programme):
        raise PermissionDenied
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Choose a kind of report.")
    if language not in ReportLanguage.values:
        errors["language"] = _("Choose French, English or both.")
    if kind == ReportKind.DONOR and (contributor is None or not contributor_gave(programme, contributor)):
        errors["contributor"] = _("Choose a contributor to this programme for a donor report.")
    if kind == ReportKind.COUNTRY and country is None:
        errors["country"] = _("Choose the country of the profile.")
    if historical is not None:
        # The values that counted on a date: none are known of the future, and none before the programme.
        if historical > timezone.now():
            errors["as_of"] = _("The date of the figures cannot be in the future.")
        elif timezone.localtime(historical).date() < programme.start_date:
            errors["as_of"] = _("The date of the figures cannot be before the programme starts (%(start)s).") % {
                "start": date_format(programme.start_date, "SHORT_DATE_FORMAT")
            }
    if errors:
        raise ValidationError(errors)
    if final:
        _check_sections(programme, language, on)


def _check_sections(programme: Programme, language: str, on: datetime.date) -> None:
    """A final report is refused while a narrative section is untranslated or not approved (named)."""
    missing = sections_missing(programme, narrative_period(programme, on), ReportLanguage.languages(language))
    if missing:
        reasons = {"untranslated": _("not translated"), "not approved": _("not approved")}
        raise ValidationError(
            {
                "final": _("A final report needs every narrative section approved in each of its languages: %(list)s.")
                % {
                    "list": "; ".join(
                        f"{code} ({ReportLanguage(lang).label}, {reasons[reason]})" for code, lang, reason in missing
                    )
                }
            }
        )


@transaction.atomic
def report_run_start(
    *,
    actor,
    programme: Programme,
    kind: str,
    language: str,
    final: bool = False,
    historical: bool = False,
    email_when_ready: bool = True,
    contributor=None,
    country=None,
    as_of: datetime.datetime | None = None,
    enqueue=True,
) -> ReportRun:
    """Record a run and queue its job (`enqueue` False: the caller runs it, as report_run_now does). `as_of`
    (default: now, to the second) dates the files and is the statuses' "today"; `historical`: the figures are
    the values that counted then, not the values approved now. `final`: refused while a
    narrative section is missing or not approved (a draft prints markers instead). `contributor` (an
    organisation): whose donor report; `country`: whose country profile."""
    as_of = (as_of or timezone.now()).replace(microsecond=0)
    _check(
        actor=actor,
        programme=programme,
        kind=kind,
        language=language,
        final=final,
        on=as_of.date(),
        contributor=contributor,
        country=country,
        historical=as_of if historical else None,
    )
    run = ReportRun.objects.create(
        programme=programme,
        kind=kind,
        language=language,
        final=final,
        historical=historical,
        email_when_ready=email_when_ready,
        contributor=contributor if kind == ReportKind.DONOR else None,
        country=country if kind == ReportKind.COUNTRY else None,
        as_of=as_of,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=run)
    run.job = job_start(actor=actor, kind=JOB_KIND, subject_id=run.pk, enqueue=enqueue)
    run.save(update_fields=["job"])
    return run


def report_run_now(*, programme: Programme, kind: str, language: str, **options) -> ReportRun:
    """A run built here and now (the command line): the same work and files as a run started from the page
    (`options`: those of report_run_start)."""
    run = report_run_start(actor=None, programme=programme, kind=kind, language=language, enqueue=False, **options)
    assert run.job is not None
    job_run(run.job.pk, report_run_build)
    run.refresh_from_db()
    return run


def report_file_name(run: ReportRun, language: str, format: str = "pdf") -> str:
    subject = (
        f"-{run.country.iso3.lower()}" if run.country else f"-donor{run.contributor_id}" if run.contributor_id else ""
    )
    return f"{run.programme.code}-{run.kind}{subject}-{run.as_of:%Y%m%d}-{language}.{format}"


def report_run_build(job: Job, progress) -> dict:
    """The job's work: freeze the snapshot, then write each language's file from it."""
    run = ReportRun.objects.select_related("programme", "programme__owner", "contributor", "country").get(
        pk=job.subject_id or 0
    )
    languages = ReportLanguage.languages(run.language)
    try:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING)
        progress.step(_("Reading the figures"), total=len(languages) + 1)
        if run.final:
            # A section may have been sent back to draft since the run was started.
            try:
                _check_sections(run.programme, run.language, run.as_of.date())
            except ValidationError as refused:
                raise JobRefused(" ".join(refused.messages)) from None
        run.snapshot = snapshot_build(
            programme=run.programme,
            as_of=run.as_of,
            kind=run.kind,
            final=run.final,
            historical=run.historical,
            contributor=run.contributor,
            country=run.country,
        )
        run.snapshot_checksum = snapshot_checksum(run.snapshot)
        run.save(update_fields=["snapshot", "snapshot_checksum"])
        files = []
        for done, language in enumerate(languages, start=1):
            progress.step(
                _("Writing the file: %(language)s") % {"language": ReportLanguage(language).label},
                total=len(languages) + 1,
                done=done,
            )
            files.extend(_files_write(run, language))
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.READY, finished_at=timezone.now())
    except BaseException:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, finished_at=timezone.now())
        _tell(run)
        raise
    _tell(run)
    return {"run": run.pk, "files": [{"language": f.language, "checksum": f.checksum} for f in files]}


def _tell(run: ReportRun) -> None:
    """E-mail the starter once the run's end is committed (a run inside a caller's transaction, as in the
    tests, mails when that commits)."""
    transaction.on_commit(
        lambda: run_finished_send(ReportRun.objects.select_related("programme", "created_by").get(pk=run.pk))
    )


def _files_write(run: ReportRun, language: str) -> list[ReportFile]:
    """The run's files in one language: the PDF, and the formats its kind is edited or computed in."""
    document = document_for(run.snapshot, language)
    records = []
    for format in FORMATS[run.kind]:
        content = RENDERERS[format](document, timestamp=run.as_of)
        name = report_file_name(run, language, format)
        record = ReportFile(
            run=run,
            language=language,
            format=format,
            name=name,
            checksum=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
        record.file.save(name, ContentFile(content), save=False)
        record.save()
        records.append(record)
    return records


# Beside the PDF, a narrative kind as a document to rework, a table kind as a spreadsheet to compute with.
FORMATS: dict[str, tuple[str, ...]] = {
    ReportKind.ANNUAL: ("pdf", "docx"),
    ReportKind.IPTT: ("pdf", "xlsx"),
    ReportKind.TABLE_ONE: ("pdf", "xlsx"),
    ReportKind.DONOR: ("pdf", "docx", "xlsx"),
    ReportKind.COUNTRY: ("pdf", "docx"),
}
RENDERERS = {"pdf": pdf_render, "docx": docx_render, "xlsx": xlsx_render}


# Narrative sections ----------------------------------------------------------------------------------------


@transaction.atomic
def report_section_save(
    *, actor, result: Result, period: Period, language: str, texts: dict, version: int | None = None
) -> ReportSection:
    """Write a result node's narrative for a period in one language (`texts`: achieved, reasons, next_steps).
    A section in review or approved that changes goes back to draft: what was approved is what is printed
    in a final report. `version`: the one the editor saw (None: a new section, or no check)."""
    unknown_fields(texts, ReportSection.TEXTS, "section")
    if not sections_can_write(actor, result.programme):
        raise PermissionDenied
    errors = {}
    if period.programme_id != result.programme_id:
        errors["period"] = _("Choose a period of the result's programme.")
    if language not in ("fr", "en"):
        errors["language"] = _("Choose French or English.")
    cleaned = {name: (texts.get(name) or "").strip() for name in ReportSection.TEXTS}
    if not any(cleaned.values()):
        errors["achieved"] = _("Write at least what was achieved, why, or what comes next.")
    if errors:
        raise ValidationError(errors)
    author = actor if getattr(actor, "is_authenticated", False) else None
    section = ReportSection.objects.filter(result=result, period=period, language=language).first()
    if section is None:
        section = ReportSection(result=result, period=period, language=language, author=author, **cleaned)
        section.full_clean()
        section.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=section)
        return section
    current = locked(section, version)
    fields: dict = {**cleaned}
    if any(getattr(current, name) != value for name, value in cleaned.items()):
        fields.update(status=SectionStatus.DRAFT, author=author, reviewed_by=None)
    saved, _changed = versioned_update(
        section,
        actor=actor,
        version=version,
        fields=fields,
        allowed=(*ReportSection.TEXTS, "status", "author", "reviewed_by"),
        current=current,
    )
    return saved


# Which step goes from which status, and who takes it: the writers submit, the managers approve or return.
SECTION_STEPS = {
    "submit": ((SectionStatus.DRAFT,), SectionStatus.IN_REVIEW, sections_can_write),
    "approve": ((SectionStatus.IN_REVIEW,), SectionStatus.APPROVED, sections_can_review),
    "return": ((SectionStatus.IN_REVIEW, SectionStatus.APPROVED), SectionStatus.DRAFT, sections_can_review),
}


@transaction.atomic
def report_section_move(
    *, actor, section: ReportSection, step: str, note: str = "", version: int | None = None
) -> ReportSection:
    """Submit a section for review, approve it, or return it to its writers with a note."""
    if step not in SECTION_STEPS:
        raise ValidationError({"step": _("Choose submit, approve or return.")})
    sources, target, may = SECTION_STEPS[step]
    if not may(actor, section.result.programme):
        raise PermissionDenied
    current = locked(section, version)
    if current.status not in sources:
        raise ValidationError(
            {
                "step": _("A section that is “%(status)s” cannot take this step.")
                % {"status": current.get_status_display()}
            }
        )
    if step == "return" and not note.strip():
        raise ValidationError({"review_note": _("Say what to change before returning the section.")})
    before = snapshot(current)
    current.status = target
    if step in ("approve", "return"):
        current.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
        current.review_note = note.strip()
    return versioned_save(current, actor=actor, before=before)
