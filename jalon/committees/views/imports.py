"""The ISO committee file imported from a page: the upload (with the recent imports and jobs) and the job's
page (its progress, then what it changed or why the file was refused). The import itself runs in the
background (jalon.committees.iso_import, jalon.committees.tasks)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.committees import access, selectors
from jalon.committees.forms import IsoApplyForm, IsoImportForm
from jalon.committees.iso_import import (
    JOB_KIND,
    iso_committees_import_start,
    iso_committees_preview_apply,
    iso_committees_preview_discard,
    iso_committees_preview_pending,
)
from jalon.committees.models import ATTRIBUTION, ATTRIBUTION_URL
from jalon.jobs.access import access_job, job_can_cancel
from jalon.jobs.models import Job
from jalon.jobs.services import job_check
from jalon.jobs.views import refresh_seconds
from jalon.web.listing import paginate, query_without
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
        # First a preview (a dry run in the background): the operator sees what would change, then applies.
        save=lambda form: iso_committees_import_start(
            actor=request.user, upload=form.cleaned_data["file"], as_of=form.cleaned_data["as_of"], preview=True
        ),
        done=lambda job: reverse("committees:iso_import_job", kwargs={"pk": job.pk}),
        message=_("File received: what it would change is worked out in the background, then shown for you to apply."),
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
    succeeded = job.status == Job.Status.SUCCEEDED
    preview = succeeded and bool(job.result.get("preview"))
    summary = job.result.get("summary", {}) if succeeded else {}
    problems = job.result.get("errors", []) if job.status == Job.Status.FAILED else []
    can_import = access.iso_import_can_start(request.user)
    pending = preview and can_import and iso_committees_preview_pending(job)
    large = bool(job.result.get("large_change"))
    form = IsoApplyForm(request.POST or None, large=large) if pending else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            if request.POST.get("decision") == "discard":
                iso_committees_preview_discard(actor=request.user, job=job)
                messages.success(request, _("Import cancelled: nothing was imported and the file was deleted."))
                return redirect("committees:iso_import")
            try:
                applied = iso_committees_preview_apply(
                    actor=request.user,
                    job=job,
                    confirm_large_change=form.cleaned_data.get("confirm_large_change", False),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The previewed file is being imported in the background."))
                return redirect("committees:iso_import_job", pk=applied.pk)
    changes = paginate(request, job.result.get("changes", [])) if preview else None
    return render(
        request,
        "committees/iso_import_job.html",
        {
            "job": job,
            "as_of": datetime.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None,
            "refresh": refresh_seconds(job),
            "can_cancel": job_can_cancel(request.user, job),
            "can_import": can_import,
            "summary_lines": _summary_lines(summary),
            "summary": summary,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
            "preview": preview,
            "pending": pending,
            "form": form,
            "large_change": job.result.get("large_change"),
            "page": changes,
            "changes_total": job.result.get("changes_total", 0),
            "changes_listed": len(job.result.get("changes", [])),
            "query": query_without(request, "page"),
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
