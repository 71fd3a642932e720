"""Pages of the expert roster: the list with the ranking for a need, a profile with its engagement computed
from jalon's records, the expert's own profile (consent, what they declare, competencies, languages) and the
team's invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.accounts.models import User
from jalon.knowledge import roster_selectors as selectors
from jalon.knowledge import roster_services as services
from jalon.knowledge.access import roster as access
from jalon.knowledge.access.forum import require
from jalon.knowledge.forum_services import tags_from
from jalon.knowledge.roster_forms import (
    CompetencyForm,
    InviteForm,
    LanguageForm,
    NeedForm,
    ProfileForm,
)
from jalon.organisations.access import people_visible
from jalon.web.listing import valid_filters
from jalon.web.pages import form_page


def expert_list(request):
    form = NeedForm(request.GET or None)
    filters = valid_filters(form)
    region = filters.get("region")
    need = selectors.Need(
        topic=filters.get("topic", ""),
        language=filters.get("language", ""),
        start=filters.get("start"),
        end=filters.get("end"),
        region=region.m49 if region else "",
    )
    return render(
        request,
        "knowledge/expert_list.html",
        {
            "form": form,
            "ranked": selectors.experts_ranked(user=request.user, need=need),
            "asked": bool(filters),
            "own": access.own_expert(request.user),
            "can_invite": access.roster_can_manage(request.user),
        },
    )


def expert_detail(request, pk: int):
    expert = access.access_expert(request.user, pk)
    return render(
        request,
        "knowledge/expert_detail.html",
        {
            "expert": expert,
            "competencies": expert.competencies.select_related("tag", "committee", "gsp_area"),
            "languages": expert.languages.select_related("language"),
            "countries": expert.countries.order_by("iso3"),
            "engagement": selectors.expert_engagement(user=request.user, expert=expert),
            "can_edit": access.expert_can_edit(request.user, expert),
        },
    )


def _own(request):
    expert = access.own_expert(request.user)
    if expert is None:
        raise Http404
    return expert


@login_required
def expert_me(request):
    expert = _own(request)
    initial = {
        "version": expert.version,
        "consent": expert.consent_at is not None,
        "visibility": expert.visibility,
        "summary": expert.summary,
        "countries": list(expert.countries.all()),
        "available_from": expert.available_from,
        "available_until": expert.available_until,
        "availability_note": expert.availability_note,
        "day_rate": expert.day_rate,
        "day_rate_currency": expert.day_rate_currency,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form=form,
        save=lambda f: services.expert_profile_save(
            actor=request.user, expert=expert, version=f.cleaned_data.get("version"), **f.values()
        ),
        done=lambda saved: saved.get_absolute_url(),
        message=_("Profile saved."),
        template="knowledge/expert_me.html",
        context={
            "expert": expert,
            "competencies": expert.competencies.select_related("tag", "committee", "gsp_area"),
            "languages": expert.languages.select_related("language"),
            "competency_form": CompetencyForm(),
            "language_form": LanguageForm(),
        },
    )


def _posted(request, act, message):
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("knowledge:expert_me")


@login_required
@require_POST
def competency_create(request):
    expert = _own(request)
    form = CompetencyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("knowledge:expert_me")
    data = form.cleaned_data

    def act():
        subject = {}
        if data["kind"] == "committee":
            subject["committee"] = data.get("committee")
        elif data["kind"] == "gsp":
            subject["gsp_area"] = data.get("gsp_area")
        else:
            found = tags_from([(data["kind"], data.get("code", ""))])
            subject["tag"] = found[0] if found else None
        services.competency_add(
            actor=request.user, expert=expert, level=data["level"], evidence=data.get("evidence", ""), **subject
        )

    return _posted(request, act, _("Competency added."))


@login_required
@require_POST
def competency_delete(request, pk: int):
    expert = _own(request)
    competency = expert.competencies.filter(pk=pk).first()
    if competency is None:
        raise Http404
    return _posted(
        request, lambda: services.competency_remove(actor=request.user, competency=competency), _("Removed.")
    )


@login_required
@require_POST
def language_create(request):
    expert = _own(request)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("knowledge:expert_me")
    return _posted(
        request,
        lambda: services.language_set(actor=request.user, expert=expert, **form.cleaned_data),
        _("Language saved."),
    )


@login_required
@require_POST
def language_delete(request, pk: int):
    expert = _own(request)
    item = expert.languages.filter(pk=pk).first()
    if item is None:
        raise Http404
    return _posted(request, lambda: services.language_remove(actor=request.user, item=item), _("Removed."))


@login_required
@require_POST
def expert_state(request, pk: int):
    """Inactive (the expert or the team) or active again (the expert, by saving their profile)."""
    expert = access.access_expert(request.user, pk)
    if request.POST.get("state") == "inactive":
        act, message = (lambda: services.expert_deactivate(actor=request.user, expert=expert)), _("Profile inactive.")
    else:
        act, message = (lambda: services.expert_reactivate(actor=request.user, expert=expert)), _("Profile saved.")
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(expert.get_absolute_url())


@login_required
def expert_invite(request):
    require(access.roster_can_manage(request.user))
    form = InviteForm(request.POST or None, people=people_visible(request.user))

    def save(f):
        username = f.cleaned_data.get("username", "").strip()
        user = User.objects.filter(username=username).first() if username else None
        if username and user is None:
            raise ValidationError({"username": _("No account has this user name.")})
        return services.expert_invite(actor=request.user, person=f.cleaned_data["person"], user=user)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda expert: expert.get_absolute_url(),
        message=_("Invited: the expert completes their profile."),
        template="knowledge/expert_invite.html",
    )
