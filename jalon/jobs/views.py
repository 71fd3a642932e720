"""A person's background jobs: the list of theirs, each one's progress (a page that refreshes itself, no
JavaScript needed), cancelling, and the file a job made."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.jobs import access, services
from jalon.jobs.kinds import kind_of
from jalon.jobs.models import Job
from jalon.web.files import private_file
from jalon.web.listing import paginate

# How often a progress page reloads itself while the job runs, in seconds.
REFRESH_SECONDS = 2


def refresh_seconds(job: Job) -> int | None:
    return None if job.finished else REFRESH_SECONDS


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = access.jobs_owned(request.user).select_related("owner")
    return render(request, "jobs/job_list.html", {"page": paginate(request, jobs), "kinds": _kind_labels()})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.job_check(access.access_job(request.user, pk))
    kind = kind_of(job.kind)
    if kind is not None and kind.url is not None:
        return redirect(kind.url(job))
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "refresh": refresh_seconds(job),
            "can_cancel": access.job_can_cancel(request.user, job),
        },
    )


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.access_job(request.user, pk)
    if not access.job_can_cancel(request.user, job):
        raise PermissionDenied
    try:
        job = services.job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job.status == Job.Status.CANCELLED:
            messages.success(request, _("The job was cancelled before it started."))
        else:
            messages.success(request, _("Cancelling: the job stops at its next step and saves nothing."))
    back = request.POST.get("next", "")
    # Only a page of this site: a forged form must not send the person elsewhere.
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = job.get_absolute_url()
    return redirect(back)


@login_required
def job_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = access.access_job(request.user, pk)
    if not job.result_file:
        raise Http404
    # What a job makes may hold personal data (certificates, reports): never cached, never rendered.
    return private_file(job.result_file, name=job.result_name or None)


def _kind_labels() -> dict[str, str]:
    from jalon.jobs.kinds import KINDS

    return {name: str(kind.label) for name, kind in KINDS.items()}
