"""Pages of twinning: the arrangements list (with the "communication overdue" flag), an arrangement with its
steps, meetings, reviews and computed outcomes, the forms, the recommendations (for the programme team and
for a focal point looking for a partner, who proposes an arrangement from a suggestion) and the programme's
twinning settings."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.lib.ids import valid_id
from jalon.results.access import programme_can_manage, programmes_visible
from jalon.twinning import access, selectors, services
from jalon.twinning.forms import (
    ActivateForm,
    ApproveNomineeForm,
    ArrangementForm,
    CloseForm,
    IdentifyForm,
    ListFilterForm,
    MeetingForm,
    RecommendForm,
    ReviewForm,
    SettingsForm,
    SignForm,
    StepForm,
)
from jalon.twinning.models import Arrangement, Kind
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, valid_filters
from jalon.web.pages import form_page


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def arrangement_list(request):
    _require(access.twinning_can_list(request.user))
    form = ListFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.arrangements_list(
        user=request.user, status=filters.get("status", ""), kind=filters.get("kind", "")
    )
    page = paginate(request, queryset)
    selectors.flag_overdue(list(page.object_list))
    return render(
        request,
        "twinning/arrangement_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without(request, "page"),
            "can_propose": access.twinning_can_propose(request.user),
        },
    )


def _arrangement_page(request, *, form, save: Callable, arrangement: Arrangement | None = None):
    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: saved.get_absolute_url(),
        message=_("Arrangement saved."),
        template="twinning/arrangement_form.html",
        context={"arrangement": arrangement},
    )


@login_required
def arrangement_create(request):
    """A proposal; from a suggestion, the form comes filled (?programme=&kind=&committee=&twinned_member=...,
    with the priority sector holding the committee when the twinned member has a strategy)."""
    _require(access.twinning_can_propose(request.user))
    initial = {
        name: request.GET[name]
        for name in ("programme", "kind", "committee", "twinned_member", "lead_member", "priority_sector")
        if valid_id(request.GET.get(name, "")) or (name == "kind" and request.GET.get(name) in Kind.values)
    }
    form = ArrangementForm(request.POST or None, user=request.user, initial=initial)
    return _arrangement_page(
        request, form=form, save=lambda f: services.arrangement_create(actor=request.user, **f.values())
    )


@login_required
def arrangement_edit(request, pk: int):
    arrangement = access.access_arrangement(request.user, pk, act=True)
    form = ArrangementForm(request.POST or None, user=request.user, arrangement=arrangement)
    return _arrangement_page(
        request,
        form=form,
        save=lambda f: services.arrangement_update(
            actor=request.user, arrangement=arrangement, version=f.cleaned_data.get("version"), **f.values()
        ),
        arrangement=arrangement,
    )


# Steps ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    form: type[StepForm]
    service: Callable
    label: str
    files: bool = False


def _steps() -> dict[str, Step]:
    return {
        "identify": Step(IdentifyForm, services.arrangement_identify_partner, _("Partner identified")),
        "approve_nominee": Step(ApproveNomineeForm, services.arrangement_approve_nominee, _("Nominee approved")),
        "sign": Step(SignForm, services.arrangement_sign, _("Agreement signed"), files=True),
        "activate": Step(ActivateForm, services.arrangement_activate, _("Start the arrangement")),
        "review": Step(StepForm, services.arrangement_start_review, _("Start the annual review")),
        "resume": Step(StepForm, services.arrangement_resume, _("Review done: back to active")),
        "complete": Step(CloseForm, services.arrangement_complete, _("Complete")),
        "terminate": Step(CloseForm, services.arrangement_terminate, _("Terminate")),
    }


def _allowed(user, arrangement: Arrangement, name: str) -> bool:
    if arrangement.status not in services.STEPS[name]:
        return False
    if name == "approve_nominee" and not arrangement.is_leadership:
        return False
    if name == "sign" and arrangement.is_leadership and arrangement.status != "nominee_approved":
        return False
    if name in services.TEAM_STEPS:
        return access.arrangement_can_approve(user, arrangement)
    return access.arrangement_can_act(user, arrangement)


def _open_steps(user, arrangement: Arrangement) -> list[dict]:
    found = []
    for name, step in _steps().items():
        if _allowed(user, arrangement, name):
            found.append(
                {
                    "name": name,
                    "label": step.label,
                    "form": step.form(initial={"version": arrangement.version}, prefix=name),
                    "files": step.files,
                    "action": reverse("twinning:arrangement_step", kwargs={"pk": arrangement.pk, "step": name}),
                }
            )
    return found


@login_required
def arrangement_step(request, pk: int, step: str):
    arrangement = access.access_arrangement(request.user, pk)
    found = _steps().get(step)
    if request.method != "POST" or found is None or not _allowed(request.user, arrangement, step):
        raise PermissionDenied
    form = found.form(request.POST, request.FILES, prefix=step)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(str(e) for e in errors) for errors in form.errors.values()))
        return redirect(arrangement.get_absolute_url())
    try:
        found.service(actor=request.user, arrangement=arrangement, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(
            request, _("%(step)s was refused: %(reasons)s") % {"step": found.label, "reasons": " ".join(exc.messages)}
        )
    else:
        arrangement.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("Done: %(step)s. Status: %(status)s.")
            % {"step": found.label, "status": arrangement.get_status_display()},
        )
    return redirect(arrangement.get_absolute_url())


# The arrangement's page -----------------------------------------------------------------------------------


@login_required
def arrangement_detail(request, pk: int):
    arrangement = access.access_arrangement(request.user, pk)
    arrangement.last_meeting = arrangement.meetings.order_by("-date").values_list("date", flat=True).first()  # type: ignore[attr-defined]
    settings = services.programme_settings(arrangement.programme)
    can_act = access.arrangement_can_act(request.user, arrangement)
    priority_shown, priority = selectors.arrangement_priority(arrangement, user=request.user)
    return render(
        request,
        "twinning/arrangement_detail.html",
        {
            "arrangement": arrangement,
            "overdue": selectors.communication_overdue(arrangement, overdue_days=settings.overdue_days),
            "settings": settings,
            "steps": _open_steps(request.user, arrangement),
            "can_act": can_act,
            "can_edit": can_act and arrangement.status in services.STEPS["terminate"],
            "can_record": can_act and arrangement.status in ("agreement_signed", "active", "in_review", "completed"),
            "meetings": arrangement.meetings.prefetch_related("attendees"),
            "reviews": arrangement.reviews.all(),
            "outcome": selectors.arrangement_outcomes(arrangement),
            "priority_shown": priority_shown,
            "priority": priority,
        },
    )


@login_required
def arrangement_agreement(request, pk: int):
    arrangement = access.access_arrangement(request.user, pk)
    if not arrangement.agreement:
        raise Http404
    return private_file(arrangement.agreement)


@login_required
def meeting_create(request, pk: int):
    arrangement = access.access_arrangement(request.user, pk, act=True)
    form = MeetingForm(request.POST or None, user=request.user, arrangement=arrangement)
    return form_page(
        request,
        form=form,
        save=lambda f: services.meeting_record(actor=request.user, arrangement=arrangement, **f.values()),
        done=lambda saved: arrangement.get_absolute_url(),
        message=_("Meeting recorded."),
        template="twinning/child_form.html",
        context={"arrangement": arrangement, "title": _("Record a quarterly meeting")},
    )


@login_required
def review_create(request, pk: int):
    arrangement = access.access_arrangement(request.user, pk, act=True)
    form = ReviewForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda f: services.review_record(actor=request.user, arrangement=arrangement, **f.values()),
        done=lambda saved: arrangement.get_absolute_url(),
        message=_("Review recorded."),
        template="twinning/child_form.html",
        context={"arrangement": arrangement, "title": _("Record the annual review")},
    )


# Recommendations and settings ---------------------------------------------------------------------------------


@login_required
def recommendations(request):
    _require(access.twinning_can_recommend(request.user))
    form = RecommendForm(request.GET or None, user=request.user)
    suggestions, loaded, side, kind, programme, trade_file = [], None, "twinned", Kind.P_MEMBER, None, None
    if form.is_bound and form.is_valid():
        programme = form.cleaned_data["programme"]
        side = form.cleaned_data.get("side") or "twinned"
        kind = form.cleaned_data.get("kind") or Kind.P_MEMBER
        suggestions, loaded = selectors.recommendations(
            programme=form.cleaned_data["programme"],
            member=form.cleaned_data["member"],
            side=side,
            kind=kind,
            user=request.user,
        )
        if any(s.trade_usd is not None for s in suggestions):
            trade_file = selectors.trade_file_current()
    return render(
        request,
        "twinning/recommendations.html",
        {
            "form": form,
            "suggestions": suggestions,
            "side": side,
            "kind": kind,
            "rule_known": loaded.rule_known if loaded else True,
            "programme": programme,
            "can_configure": programme is not None and programme_can_manage(request.user, programme),
            "can_propose": access.twinning_can_propose(request.user),
            "trade_file": trade_file,
        },
    )


@login_required
def settings_edit(request, code: str):
    programme = programmes_visible(request.user).filter(code=code).first()
    if programme is None:
        raise Http404
    _require(programme_can_manage(request.user, programme))
    current = services.programme_settings(programme)
    form = SettingsForm(request.POST or None, instance=current)
    return form_page(
        request,
        form=form,
        save=lambda f: services.settings_save(
            actor=request.user, programme=programme, **{n: f.cleaned_data[n] for n in services.SETTINGS_FIELDS}
        ),
        done=lambda saved: reverse("twinning:settings", kwargs={"code": programme.code}),
        message=_("Settings saved."),
        template="twinning/settings_form.html",
        context={"programme": programme},
    )
