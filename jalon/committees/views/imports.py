"""The ISO committee file imported from a page: the upload (with the recent imports and jobs) and the job's
page (its progress, then what it changed or why the file was refused). The import itself runs in the
background (jalon.committees.iso_import, jalon.committees.tasks)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.committees import access, selectors
from jalon.committees.forms import IsoImportForm
from jalon.committees.iso_import import JOB_KIND, iso_committees_import_start
from jalon.committees.models import ATTRIBUTION, ATTRIBUTION_URL
from jalon.jobs.access import access_job, job_can_cancel
from jalon.jobs.models import Job
from jalon.jobs.services import job_check
from jalon.jobs.views import refresh_seconds
from jalon.web.pages import form_page

# Problems listed on the page; the rest are counted.
PROBLEMS_SHOWN = 200


@login_required
def iso_import(request: HttpRequest) -> HttpResponse:
    if not access.iso_import_can_start(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=IsoImportForm(request.POST or None, request.FILES or None),
        save=lambda form: iso_committees_import_start(
            actor=request.user, upload=form.cleaned_data["file"], as_of=form.cleaned_data["as_of"]
        ),
        done=lambda job: reverse("committees:iso_import_job", kwargs={"pk": job.pk}),
        message=_("File received: it is imported in the background."),
        template="committees/iso_import.html",
        context={
            "runs": selectors.iso_import_runs_recent(),
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
            "jobs": selectors.iso_import_jobs_recent(request.user),
        },
    )


@login_required
def iso_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_check(access_job(request.user, pk, kind=JOB_KIND))
    summary = job.result.get("summary", {}) if job.status == Job.Status.SUCCEEDED else {}
    problems = job.result.get("errors", []) if job.status == Job.Status.FAILED else []
    return render(
        request,
        "committees/iso_import_job.html",
        {
            "job": job,
            "as_of": datetime.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None,
            "refresh": refresh_seconds(job),
            "can_cancel": job_can_cancel(request.user, job),
            "can_import": access.iso_import_can_start(request.user),
            "summary_lines": _summary_lines(summary),
            "summary": summary,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
        },
    )


def _summary_lines(summary: dict) -> list[tuple[str, int]]:
    """What the import changed, in the order of SUMMARY_KEYS, each with its label."""
    if not summary:
        return []
    labels = [
        ("rows", _("Committees in the file")),
        ("committees_created", _("Committees created")),
        ("committees_updated", _("Committees updated")),
        ("committees_disbanded", _("Committees disbanded (no longer in the file)")),
        ("joined_p", _("Members joined as P-members")),
        ("joined_o", _("Members joined as O-members")),
        ("o_to_p", _("Members moved from O to P")),
        ("p_to_o", _("Members moved from P to O")),
        ("left", _("Members left")),
        ("secretariat_moved", _("Secretariats moved")),
        ("memberships_opened", _("Memberships opened")),
        ("memberships_closed", _("Memberships closed")),
        ("liaisons_opened", _("Organisation liaisons opened")),
        ("liaisons_closed", _("Organisation liaisons closed")),
        ("unknown_member_ids", _("Members not in the directory (ignored)")),
    ]
    return [(label, summary.get(key, 0)) for key, label in labels]
