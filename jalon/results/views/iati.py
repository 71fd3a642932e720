"""Importing an IATI activity file into a programme (issue 18): upload, a preview on the task queue (what would
be added, changed, left or skipped, the Validator's findings, the organisations matched), the organisations the
directory lacks mapped by the person, then the import itself, all or nothing. Into one programme: its
managers; a file of several activities, each into its own programme (found or created): who may create
programmes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.jobs.access import access_job, job_can_cancel, jobs_visible
from jalon.jobs.models import Job
from jalon.jobs.services import job_check, job_start
from jalon.jobs.views import refresh_seconds
from jalon.results import access, services
from jalon.results.forms import IatiConfirmForm, IatiTrustForm, IatiUploadForm
from jalon.results.iati import EXPORT_JOB
from jalon.results.iati_import import IMPORT_JOB, iati_preview_confirm, iati_preview_start
from jalon.results.models import Programme
from jalon.web.forms import form_errors_from

RECENT = 10
NOTES_SHOWN = 200


@login_required
def iati_import(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_programme(request.user, code, manage=True)
    trusting = request.method == "POST" and "publishers" in request.POST
    upload = IatiUploadForm(None if trusting else (request.POST or None), None if trusting else (request.FILES or None))
    trust = IatiTrustForm(
        request.POST if trusting else None,
        initial={"publishers": "\n".join(programme.iati_trusted_publishers), "version": programme.version},
    )
    if trusting and trust.is_valid():
        try:
            services.programme_iati_trust_save(
                actor=request.user,
                programme=programme,
                publishers=trust.cleaned_data["publishers"],
                version=trust.cleaned_data["version"],
            )
        except ValidationError as exc:
            form_errors_from(exc, trust)
        else:
            messages.success(request, _("The trusted publishers were saved."))
            return redirect("results:iati_import", code=programme.code)
    elif request.method == "POST" and not trusting and upload.is_valid():
        job = iati_preview_start(
            actor=request.user, programme=programme, upload=upload.cleaned_data["file"], language=get_language()
        )
        return redirect("results:iati_import_job", pk=job.pk)
    recent = Job.objects.filter(kind=IMPORT_JOB, subject_id=programme.pk).select_related("owner")[:RECENT]
    return render(
        request,
        "results/iati_import.html",
        {"programme": programme, "form": upload, "trust": trust, "recent": recent},
    )


@login_required
def iati_import_programmes(request: HttpRequest) -> HttpResponse:
    """A file of several activities, each into its programme (found by the activity's identifier, or created):
    those who may create programmes."""
    if not access.programme_can_create(request.user):
        raise PermissionDenied
    upload = IatiUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        job = iati_preview_start(
            actor=request.user, programme=None, upload=upload.cleaned_data["file"], language=get_language()
        )
        return redirect("results:iati_import_job", pk=job.pk)
    recent = jobs_visible(request.user, Job.objects.filter(kind=IMPORT_JOB, subject_id__isnull=True))
    return render(
        request,
        "results/iati_import_programmes.html",
        {"form": upload, "recent": recent.select_related("owner")[:RECENT]},
    )


@login_required
@require_POST
def iati_export(request: HttpRequest, code: str) -> HttpResponse:
    """Start the programme's IATI export on the task queue; its job's page gives the file."""
    programme = access.access_programme(request.user, code, manage=True)
    job = job_start(actor=request.user, kind=EXPORT_JOB, subject_id=programme.pk, language=get_language())
    return redirect(job.get_absolute_url())


def _job(request: HttpRequest, pk: int) -> tuple[Job, Programme | None]:
    job = job_check(access_job(request.user, pk, kind=IMPORT_JOB))
    programme = Programme.objects.filter(pk=job.subject_id).first() if job.subject_id else None
    return job, programme


def _may_import(user, job: Job, programme: Programme | None) -> bool:
    """Into one programme: its managers; several activities into their own programmes: who creates them."""
    if not job.params.get("programme"):
        return access.programme_can_create(user)
    return programme is not None and access.programme_can_manage(user, programme)


@login_required
def iati_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job, programme = _job(request, pk)
    report = job.result if isinstance(job.result, dict) else {}
    manages = _may_import(request.user, job, programme)
    confirmable = manages and job.status == Job.Status.SUCCEEDED and job.params.get("dry_run") and job.result_file
    unmatched = [match for match in report.get("organisations", []) if not match.get("organisation")]
    form = IatiConfirmForm(unmatched=unmatched) if confirmable else None
    return _job_page(request, job, programme, report, form, manages)


def _labels(preview: bool, creating: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    statuses = {
        "added": _("would be added") if preview else _("added"),
        "changed": _("would be changed") if preview else _("changed"),
        "unchanged": _("unchanged: imported before, nothing to do"),
        "skipped": _("skipped: not the activity imported into this programme"),
        "refused": _("refused: see the problems below"),
    }
    if creating:
        # Each activity to its own programme: what the person decides on is which are new.
        statuses["added"] = _("would create a new programme") if preview else _("new programme created")
        statuses["changed"] = _("would update an existing programme") if preview else _("existing programme updated")
    matches = {
        "identifier": _("matched by its IATI identifier"),
        "name": _("matched by its name"),
        "mapped": _("as you mapped it"),
        "added": _("would be added to the directory") if preview else _("added to the directory"),
        "": _("not in the directory"),
    }
    return statuses, matches


def _kinds() -> dict[str, str]:
    return {
        "programme": _("programme"),
        "programme changed": _("programme changed"),
        "organisation": _("organisation"),
        "level": _("level"),
        "period": _("period"),
        "result": _("result"),
        "indicator": _("indicator"),
        "target": _("target"),
        "measurement": _("value"),
    }


def _job_page(request, job: Job, programme, report: dict, form, manages: bool) -> HttpResponse:
    preview = bool(job.params.get("dry_run"))
    creating = not job.params.get("programme")
    statuses, matches = _labels(preview, creating)
    kinds = _kinds()
    activities = [
        {
            **activity,
            "label": statuses.get(activity.get("status", ""), activity.get("status", "")),
            "records": [(kinds.get(kind, kind), count) for kind, count in activity.get("added", {}).items()],
        }
        for activity in report.get("activities", [])
    ]
    organisations = [
        {**match, "label": matches.get(match.get("how", ""), "")} for match in report.get("organisations", [])
    ]
    notes = [(activity, note) for activity in activities for note in activity.get("notes", [])]
    refresh = refresh_seconds(job)
    response = render(
        request,
        "results/iati_import_job.html",
        {
            "job": job,
            "programme": programme,
            "report": report,
            "preview": preview,
            "creating": creating,
            "activities": activities,
            "statuses": [(statuses.get(key, key), count) for key, count in report.get("statuses", {}).items()],
            "organisations": organisations,
            "notes": notes[:NOTES_SHOWN],
            "more_notes": max(0, len(notes) - NOTES_SHOWN),
            "form": form,
            "choices": []
            if creating
            else [activity["identifier"] for activity in activities if activity.get("status") != "refused"],
            "can_import": manages,
            "refresh": refresh,
            "can_cancel": job_can_cancel(request.user, job),
        },
    )
    if refresh:
        # Reload until the job ends, without JavaScript: the header, and the meta element in the page.
        response["Refresh"] = str(refresh)
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def iati_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job, programme = _job(request, pk)
    if not _may_import(request.user, job, programme):
        raise PermissionDenied
    report = job.result if isinstance(job.result, dict) else {}
    unmatched = [match for match in report.get("organisations", []) if not match.get("organisation")]
    form = IatiConfirmForm(request.POST, unmatched=unmatched)
    if form.is_valid():
        try:
            started = iati_preview_confirm(
                actor=request.user,
                preview=job,
                organisations=form.mapping(),
                activity=(request.POST.get("activity") or "")[:200],
                language=get_language(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("results:iati_import_job", pk=job.pk)
        return redirect("results:iati_import_job", pk=started.pk)
    return _job_page(request, job, programme, report, form, True)
