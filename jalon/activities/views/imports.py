"""Importing an activity's participants from a file: upload, templates, the job's progress and report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jalon.activities import access, selectors
from jalon.activities.forms import ImportForm
from jalon.activities.imports import (
    PARTICIPANTS,
    activity_template_columns,
    example_row,
    participants_import_start,
    template_instructions,
)
from jalon.interop.tabular import report_csv, report_xlsx, template_csv, template_xlsx
from jalon.jobs.access import access_job, job_can_cancel
from jalon.jobs.models import Job
from jalon.jobs.services import job_check
from jalon.jobs.views import refresh_seconds

ERRORS_SHOWN = 200
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@login_required
def participant_import(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_import_activity(request.user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = participants_import_start(
            actor=request.user, activity=activity, upload=form.cleaned_data["file"], language=get_language()
        )
        return redirect("activities:import_job", pk=job.pk)
    return render(
        request,
        "imports/participant_import.html",
        {
            "activity": activity,
            "form": form,
            "recent": selectors.participant_imports_recent(request.user, activity),
            "sessions": selectors.activity_sessions_in_order(activity),
        },
    )


def import_template(request: HttpRequest, language: str, format: str) -> HttpResponse:  # noqa: A002 (the URL's name for it)
    if language not in ("fr", "en") or format not in FORMATS:
        raise Http404
    code = request.GET.get("activity")
    # An activity's own template names its sessions: only for those who may import into it.
    activity = access.access_import_activity(request.user, code) if code else None
    columns = activity_template_columns(activity)
    if format == "csv":
        content = template_csv(columns, language)
    else:
        with translation.override(language):
            content = template_xlsx(
                columns,
                language,
                sheet_title=_("Participants"),
                instructions=template_instructions(),
                example=example_row(columns, language),
            )
    name = f"jalon-participants-{activity.code + '-' if activity else ''}{language}.{format}"
    response = HttpResponse(content, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job(request: HttpRequest, pk: int) -> Job:
    return job_check(access_job(request.user, pk, kind=PARTICIPANTS))


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    activity = selectors.activity_of_job(job)
    errors = _result(job).get("errors") or []
    error_count = _result(job).get("error_count") or 0
    refresh = refresh_seconds(job)
    response = render(
        request,
        "imports/import_job.html",
        {
            "job": job,
            "activity": activity,
            "errors": errors[:ERRORS_SHOWN],
            "error_count": error_count,
            "more_errors": max(0, error_count - ERRORS_SHOWN),
            "refresh": refresh,
            "can_cancel": job_can_cancel(request.user, job),
            "can_import": activity is not None and access.import_can_start(request.user, activity),
            "result_lines": _result_lines(_result(job)) if job.status == Job.Status.SUCCEEDED else [],
        },
    )
    if refresh:
        # Reload until the job ends, without JavaScript: the header, and the meta element in the page.
        response["Refresh"] = str(refresh)
        response["Cache-Control"] = "no-store"
    return response


def _result(job: Job) -> dict:
    return job.result if isinstance(job.result, dict) else {}


def _result_lines(result: dict) -> list[tuple[str, int]]:
    labels = [
        ("rows", _("Rows imported")),
        ("people_created", _("New people recorded")),
        ("people_recognised", _("People already recorded, recognised")),
        ("people_completed", _("Recorded people whose blank details were filled")),
        ("registrations_created", _("Registrations created")),
        ("registrations_updated", _("Registrations updated")),
        ("attendance_created", _("Attendance records created")),
        ("attendance_updated", _("Attendance records changed")),
        ("certificates_issued", _("Certificates issued")),
        ("certificates_withdrawn", _("Certificates withdrawn")),
    ]
    return [(label, result.get(key, 0)) for key, label in labels if key == "rows" or result.get(key)]


@login_required
def import_report(request: HttpRequest, pk: int, format: str) -> HttpResponse:  # noqa: A002 (the URL's name for it)
    if format not in FORMATS:
        raise Http404
    errors = _result(_job(request, pk)).get("errors")
    if not errors:
        raise Http404
    content = report_csv(errors) if format == "csv" else report_xlsx(errors)
    response = HttpResponse(content, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="import-{pk}-problems.{format}"'
    # It quotes the file's cells (personal data): never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
