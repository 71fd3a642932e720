"""Pages of sponsorships (ISO) and fellowships (ITU): application forms for focal points, their
applications, each application with every eligibility rule's result and the workflow steps open to the
reader, the programme team's review queues, and what awards cost."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.lib.multilingual import text_in_database
from jalon.support import access, selectors, services
from jalon.support.forms import (
    AttendForm,
    CostFilterForm,
    CostsForm,
    FellowshipForm,
    ListFilterForm,
    NoteForm,
    QueueFilterForm,
    RefuseForm,
    ReportForm,
    SponsorshipForm,
    StepForm,
    TravelForm,
)
from jalon.support.models import Application, Fellowship, Sponsorship
from jalon.support.rules import STATUS_LABELS, evaluate, stored_evaluation
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters
from jalon.web.pages import form_page


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# My applications -------------------------------------------------------------------------------------------


@login_required
def application_list(request):
    """The applications of the user's organisation (all of them for the programme team)."""
    _require(access.support_can_list(request.user))
    form = ListFilterForm(request.GET or None)
    filters = valid_filters(form)
    kind = filters.get("kind") or "sponsorships"
    select = selectors.fellowships_visible if kind == "fellowships" else selectors.sponsorships_visible
    queryset, sort = sort_queryset(
        request,
        select(user=request.user, status=filters.get("status", "")),
        allowed={"created": "created_at", "meeting": "meeting__start_date", "status": "status"},
        default="-created",
    )
    return render(
        request,
        "support/application_list.html",
        {
            "form": form,
            "kind": kind,
            "page": paginate(request, queryset),
            "sort": sort,
            "sort_query": query_without(request, "sort", "page"),
            "query": query_without(request, "page"),
            "can_apply": access.support_can_apply(request.user),
            "can_review": access.support_can_see_queue(request.user),
            "can_see_costs": access.support_can_see_costs(request.user),
        },
    )


# Creating and editing --------------------------------------------------------------------------------------


def _application_page(request, *, form, save: Callable, scheme: str, application: Application | None = None):
    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: saved.get_absolute_url(),
        message=_("Application saved as a draft. Submit it when it is complete."),
        # The service names the committee, which the form asks for through its meeting.
        field_for=lambda name: "meeting" if name == "committee" else None,
        template="support/application_form.html",
        context={"scheme": scheme, "application": application},
    )


@login_required
def sponsorship_create(request):
    _require(access.support_can_apply(request.user))
    return _application_page(
        request,
        form=SponsorshipForm(request.POST or None, user=request.user),
        save=lambda form: services.sponsorship_create(actor=request.user, **form.values()),
        scheme="sponsorship",
    )


@login_required
def sponsorship_edit(request, pk: int):
    sponsorship = access.access_sponsorship(request.user, pk, manage=True)
    return _application_page(
        request,
        form=SponsorshipForm(request.POST or None, instance=sponsorship, user=request.user),
        save=lambda form: services.sponsorship_update(
            actor=request.user, sponsorship=sponsorship, version=form.cleaned_data.get("version"), **form.values()
        ),
        scheme="sponsorship",
        application=sponsorship,
    )


@login_required
def fellowship_create(request):
    _require(access.support_can_apply(request.user))
    return _application_page(
        request,
        form=FellowshipForm(request.POST or None, user=request.user),
        save=lambda form: services.fellowship_create(actor=request.user, **form.values()),
        scheme="fellowship",
    )


@login_required
def fellowship_edit(request, pk: int):
    fellowship = access.access_fellowship(request.user, pk, manage=True)
    return _application_page(
        request,
        form=FellowshipForm(request.POST or None, instance=fellowship, user=request.user),
        save=lambda form: services.fellowship_update(
            actor=request.user, fellowship=fellowship, version=form.cleaned_data.get("version"), **form.values()
        ),
        scheme="fellowship",
        application=fellowship,
    )


# Workflow steps ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    form: type[StepForm]
    allowed: Callable[..., bool]
    service: Callable
    label: str


def _sponsorship_steps() -> dict[str, Step]:
    return {
        "submit": Step(StepForm, access.support_can_edit, services.sponsorship_submit, _("Submit the application")),
        "check": Step(StepForm, access.support_can_review, services.sponsorship_check, _("Check against the rules")),
        "approve": Step(NoteForm, access.support_can_review, services.sponsorship_approve, _("Approve")),
        "refuse": Step(RefuseForm, access.support_can_review, services.sponsorship_refuse, _("Refuse")),
        "travel": Step(
            TravelForm, access.support_can_review, services.sponsorship_arrange_travel, _("Travel arranged")
        ),
        "attend": Step(AttendForm, access.support_can_review, services.sponsorship_attend, _("Attended")),
        "report": Step(ReportForm, access.support_can_report, services.sponsorship_report, _("Submit the report")),
        "costs": Step(
            CostsForm, access.support_can_review, services.sponsorship_record_costs, _("Record actual costs")
        ),
    }


def _fellowship_steps() -> dict[str, Step]:
    return {
        "submit": Step(StepForm, access.support_can_edit, services.fellowship_submit, _("Submit the request")),
        "approve": Step(NoteForm, access.support_can_review, services.fellowship_approve, _("Award")),
        "refuse": Step(RefuseForm, access.support_can_review, services.fellowship_refuse, _("Refuse")),
        "costs": Step(CostsForm, access.support_can_review, services.fellowship_record_costs, _("Record actual costs")),
    }


def _open_steps(user, application: Application, steps: dict[str, Step], starts: dict, url_name: str) -> list[dict]:
    """The steps the reader may take now, each with its (unbound) form."""
    open_steps = []
    for name, step in steps.items():
        if application.status in starts[name] and step.allowed(user, application):
            form = step.form(initial={"version": application.version}, prefix=name)
            if name == "costs":
                form.initial.update(
                    actual_travel=application.actual_travel,
                    actual_allowance=application.actual_allowance,
                    actual_other=application.actual_other,
                )
            open_steps.append(
                {
                    "name": name,
                    "label": step.label,
                    "form": form,
                    "files": name == "report",
                    "action": reverse(url_name, kwargs={"pk": application.pk, "step": name}),
                }
            )
    return open_steps


def _take_step(request, application: Application, name: str, steps: dict[str, Step], keyword: str):
    """A step's button: the step's service, its refusal (a rule, a version conflict...) said in a message."""
    step = steps.get(name)
    if request.method != "POST" or step is None or not step.allowed(request.user, application):
        raise PermissionDenied
    form = step.form(request.POST, request.FILES, prefix=name)
    if not form.is_valid():
        problems = [
            f"{form.fields[field].label if field in form.fields else ''} {' '.join(str(e) for e in errors)}".strip()
            for field, errors in form.errors.items()
        ]
        messages.error(request, " ".join(problems))
        return redirect(application.get_absolute_url())
    try:
        step.service(actor=request.user, **{keyword: application}, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(
            request, _("%(step)s was refused: %(reasons)s") % {"step": step.label, "reasons": " ".join(exc.messages)}
        )
    else:
        application.refresh_from_db(fields=["status"])
        status = application.get_status_display()
        messages.success(request, _("Done: %(step)s. Status: %(status)s.") % {"step": step.label, "status": status})
    return redirect(application.get_absolute_url())


@login_required
def sponsorship_step(request, pk: int, step: str):
    sponsorship = access.access_sponsorship(request.user, pk)
    return _take_step(request, sponsorship, step, _sponsorship_steps(), "sponsorship")


@login_required
def fellowship_step(request, pk: int, step: str):
    fellowship = access.access_fellowship(request.user, pk)
    return _take_step(request, fellowship, step, _fellowship_steps(), "fellowship")


# Application pages -------------------------------------------------------------------------------------------


# Statuses in which a reviewer still decides: the rules are run again when the page opens.
UNDECIDED = {"submitted", "checked"}


def _rules_context(application: Application, user) -> dict:
    """The stored evaluation once submitted; for a draft, what the rules say now (nothing is stored). For a
    reviewer of an undecided application, also what changed since the rules last ran (a membership may have
    changed since submission): the next step stores the new results."""
    if application.status == application.Status.DRAFT:
        return {"evaluation": evaluate(application), "preview": True}
    stored = stored_evaluation(application)
    changed = []
    if application.status in UNDECIDED and access.support_can_review(user, application):
        before = {result.kind: result for result in stored.results}
        for result in evaluate(application).results:
            earlier = before.get(result.kind)
            if earlier is None or earlier.status != result.status:
                changed.append((earlier, result))
    return {"evaluation": stored, "preview": False, "rules_changed": changed}


@login_required
def sponsorship_report_file(request, pk: int):
    """The report file of a sponsorship, to whoever sees the application (personal data: 404 otherwise)."""
    sponsorship = access.access_sponsorship(request.user, pk)
    if not sponsorship.report_file:
        raise Http404
    return private_file(sponsorship.report_file)


@login_required
def sponsorship_detail(request, pk: int):
    sponsorship = access.access_sponsorship(request.user, pk)
    return render(
        request,
        "support/sponsorship_detail.html",
        {
            "application": sponsorship,
            "steps": _open_steps(
                request.user, sponsorship, _sponsorship_steps(), services.SPONSORSHIP_STEPS, "support:sponsorship_step"
            ),
            "can_edit": access.support_can_edit(request.user, sponsorship),
            "status_labels": STATUS_LABELS,
            **_rules_context(sponsorship, request.user),
        },
    )


@login_required
def fellowship_detail(request, pk: int):
    fellowship = access.access_fellowship(request.user, pk)
    can_review = access.support_can_review(request.user, fellowship)
    return render(
        request,
        "support/fellowship_detail.html",
        {
            "application": fellowship,
            "steps": _open_steps(
                request.user, fellowship, _fellowship_steps(), services.FELLOWSHIP_STEPS, "support:fellowship_step"
            ),
            "can_edit": access.support_can_edit(request.user, fellowship),
            "ranking": selectors.fellowship_ranking([fellowship])[fellowship.pk] if can_review else None,
            "status_labels": STATUS_LABELS,
            **_rules_context(fellowship, request.user),
        },
    )


# Review queues -----------------------------------------------------------------------------------------------


def _queue(request, *, statuses, select: Callable, sorts: dict, default: str):
    _require(access.support_can_see_queue(request.user))
    form = QueueFilterForm(request.GET or None, user=request.user, statuses=statuses)
    filters = valid_filters(form)
    queryset = select(
        user=request.user,
        status=filters.get("status", ""),
        country=filters.get("country"),
        programme=filters.get("programme"),
        committee_reference=filters.get("committee", ""),
    )
    queryset, sort = sort_queryset(request, queryset, allowed=sorts, default=default)
    return form, paginate(request, queryset), sort


def _queue_context(request, form: forms.Form, page, sort, rows: list) -> dict:
    return {
        "form": form,
        "page": page,
        "rows": rows,
        "sort": sort,
        "sort_query": query_without(request, "sort", "page"),
        "query": query_without(request, "page"),
    }


@login_required
def review_queue(request):
    """Sponsorship applications for the programme team, oldest first, with the criteria they are ranked by."""
    form, page, sort = _queue(
        request,
        statuses=Sponsorship.Status.choices,
        select=selectors.sponsorship_queue,
        sorts={
            "submitted": F("submitted_at"),
            "meeting": "meeting__start_date",
            "member": "organisation__acronym",
            "status": "status",
        },
        default="submitted",
    )
    applications = list(page.object_list)
    rankings = selectors.sponsorship_ranking(applications)
    rows = [(application, stored_evaluation(application), rankings[application.pk]) for application in applications]
    return render(request, "support/review_queue.html", _queue_context(request, form, page, sort, rows))


@login_required
def fellowship_review(request):
    """Fellowship requests with the criteria ITU ranks them by, computed from the records."""
    form, page, sort = _queue(
        request,
        statuses=Fellowship.Status.choices,
        select=selectors.fellowship_queue,
        sorts={
            "submitted": F("submitted_at"),
            "meeting": "meeting__start_date",
            "country": text_in_database("country__name"),
            "status": "status",
        },
        default="submitted",
    )
    requests = list(page.object_list)
    rankings = selectors.fellowship_ranking(requests)
    rows = [(row, rankings[row.pk]) for row in requests]
    return render(request, "support/fellowship_review.html", _queue_context(request, form, page, sort, rows))


# Costs -------------------------------------------------------------------------------------------------------


@login_required
def costs(request):
    _require(access.support_can_see_costs(request.user))
    form = CostFilterForm(request.GET or None, user=request.user)
    filters = valid_filters(form)
    rows = selectors.award_costs(
        user=request.user,
        programme=filters.get("programme"),
        year=filters.get("year"),
        committee=filters.get("committee"),
    )
    return render(request, "support/costs.html", {"form": form, "rows": rows, "totals": selectors.cost_totals(rows)})
