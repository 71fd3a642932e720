"""A programme's reports (in the "reporting" namespace): the runs and the form that starts one, a run's
progress and files, and each file's download, all through jalon/reporting/access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jalon.jobs.access import job_can_cancel
from jalon.jobs.services import job_check
from jalon.jobs.views import refresh_seconds
from jalon.reporting import access, selectors, services
from jalon.reporting.forms import ReportStartForm
from jalon.web.files import private_file


@login_required
def reports_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/index.html", {"programmes": selectors.programmes_reported(request.user)})


@login_required
def reports(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_reports_programme(request.user, code)
    return render(
        request,
        "reporting/reports.html",
        {
            "programme": programme,
            "runs": selectors.runs_of(programme),
            "form": ReportStartForm(programme=programme) if access.reports_can_start(request.user, programme) else None,
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_reports_programme(request.user, code, start=True)
    form = ReportStartForm(request.POST, programme=programme)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("reporting:reports", code=code)
    try:
        run = services.report_run_start(actor=request.user, programme=programme, **form.cleaned_data)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("reporting:reports", code=code)
    return redirect(run)


@login_required
def run_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    run = access.access_run(request.user, code, pk)
    job = job_check(run.job) if run.job else None
    return render(
        request,
        "reporting/run_detail.html",
        {
            "programme": run.programme,
            "run": run,
            "job": job,
            "files": list(run.files.all()),
            "refresh": refresh_seconds(job) if job else None,
            "can_cancel": job is not None and job_can_cancel(request.user, job),
        },
    )


@login_required
def run_file(request: HttpRequest, code: str, pk: int, language: str, format: str) -> HttpResponseBase:
    found = access.access_file(request.user, code, pk, language, format)
    return private_file(found.file, name=found.name)
