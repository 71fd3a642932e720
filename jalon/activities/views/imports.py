"""Importing an activity's participants from a file: upload, templates, progress and report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jalon.activities import access, selectors
from jalon.activities.forms import ImportForm
from jalon.activities.imports import (
    activity_template_columns,
    example_row,
    participants_import_start,
    template_instructions,
)
from jalon.interop import jobs
from jalon.interop.models import ImportJob
from jalon.interop.tabular import report_csv, report_xlsx, template_csv, template_xlsx

ERRORS_SHOWN = 200
# How often the progress page reloads itself, in seconds.
REFRESH_SECONDS = 2
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
            actor=request.user, activity=activity, upload=form.cleaned_data["file"], language=get_language() or "fr"
        )
        return redirect(job.get_absolute_url())
    return render(
        request,
        "imports/participant_import.html",
        {
            "activity": activity,
            "form": form,
            "recent": selectors.import_jobs_recent(request.user, activity),
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


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return jobs.import_job_check(access.access_import_job(request.user, pk))


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(
        request,
        "imports/import_job.html",
        {
            "job": job,
            "errors": job.errors[:ERRORS_SHOWN],
            "more_errors": max(0, job.error_count - ERRORS_SHOWN),
            "refresh": None if job.finished else REFRESH_SECONDS,
            "can_import": job.activity is not None and access.import_can_start(request.user, job.activity),
            "result_lines": _result_lines(job.result) if job.status == ImportJob.Status.DONE else [],
        },
    )
    if not job.finished:
        # Reload until the job ends, without JavaScript: the header, and the meta element in the page.
        response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
    return response


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
    job = _job(request, pk)
    if not job.error_count:
        raise Http404
    content = report_csv(job.errors) if format == "csv" else report_xlsx(job.errors)
    response = HttpResponse(content, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.{format}"'
    return response
