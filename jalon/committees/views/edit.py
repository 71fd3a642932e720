"""Edit pages of the committees: the programme team adds committees of other bodies by hand, their members,
leadership roles and meetings; focal points register their own organisation's delegates and contributions.
Every write goes through jalon.committees.services, which also decides for which organisations one may
register; access to each page is asked of jalon.committees.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.committees import access, selectors, services
from jalon.committees.forms import (
    LEFT,
    CommitteeForm,
    ContributionForm,
    DelegateEditForm,
    DelegateForm,
    LeadershipRoleForm,
    MeetingForm,
    MembershipForm,
)
from jalon.committees.models import Committee, Meeting
from jalon.web.pages import form_page

TEMPLATE = "committees/form.html"


def _context(title: str, *, cancel_url: str, committee: Committee | None = None, intro: str = "") -> dict:
    return {"title": title, "cancel_url": cancel_url, "committee": committee, "intro": intro}


def _meetings_of(committee: Committee) -> str:
    return committee.get_absolute_url() + "#meetings"


# Committees -----------------------------------------------------------------------------------------------


@login_required
def committee_create(request):
    if not access.committee_can_manage(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=CommitteeForm(request.POST or None),
        save=lambda form: services.committee_create(actor=request.user, **form.values()),
        done=lambda committee: committee.get_absolute_url(),
        message=_("Committee created."),
        template=TEMPLATE,
        context=_context(
            _("Add a committee"),
            cancel_url=reverse("committees:committee_list"),
            intro=_(
                "For bodies whose committees are not imported from a file. ISO committees come from ISO Open Data."
            ),
        ),
    )


@login_required
def committee_edit(request, pk: int):
    committee = access.access_committee(request.user, pk, manage=True)
    return form_page(
        request,
        form=CommitteeForm(request.POST or None, committee=committee),
        save=lambda form: services.committee_update(
            actor=request.user, committee=committee, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: committee.get_absolute_url(),
        template=TEMPLATE,
        context=_context(
            _("Edit %(committee)s") % {"committee": committee.reference},
            cancel_url=committee.get_absolute_url(),
            committee=committee,
        ),
    )


# Members --------------------------------------------------------------------------------------------------


@login_required
def membership_change(request, pk: int):
    committee = access.access_committee(request.user, pk, manage=True)

    def save(form):
        data = form.cleaned_data
        if data["status"] == LEFT:
            return services.membership_end(
                actor=request.user, committee=committee, member=data["member"], on=data["on"], note=data["note"]
            )
        membership = services.membership_set(
            actor=request.user,
            committee=committee,
            member=data["member"],
            status=data["status"],
            on=data["on"],
            note=data["note"],
        )
        warning = selectors.membership_status_warning(
            committee=committee, member=data["member"], status=data["status"], on=data["on"]
        )
        if warning:
            messages.warning(request, warning)
        return membership

    return form_page(
        request,
        form=MembershipForm(request.POST or None),
        save=save,
        done=lambda saved: committee.get_absolute_url(),
        message=_("Membership recorded."),
        template=TEMPLATE,
        context=_context(
            _("Change a member's status in %(committee)s") % {"committee": committee.reference},
            cancel_url=committee.get_absolute_url(),
            committee=committee,
            intro=_("The change is dated and shown in the committee's history."),
        ),
    )


# Leadership roles -----------------------------------------------------------------------------------------


@login_required
def role_create(request, pk: int):
    committee = access.access_committee(request.user, pk, manage=True)
    return form_page(
        request,
        form=LeadershipRoleForm(request.POST or None, user=request.user),
        save=lambda form: services.leadership_role_create(actor=request.user, committee=committee, **form.values()),
        done=lambda saved: committee.get_absolute_url(),
        message=_("Leadership role recorded."),
        template=TEMPLATE,
        context=_context(
            _("Add a leadership role in %(committee)s") % {"committee": committee.reference},
            cancel_url=committee.get_absolute_url(),
            committee=committee,
        ),
    )


@login_required
def role_edit(request, pk: int):
    role = access.access_leadership_role(request.user, pk, manage=True)
    committee = role.committee
    return form_page(
        request,
        form=LeadershipRoleForm(request.POST or None, user=request.user, role=role),
        save=lambda form: services.leadership_role_update(
            actor=request.user, leadership_role=role, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: committee.get_absolute_url(),
        template=TEMPLATE,
        context=_context(
            _("Edit a leadership role in %(committee)s") % {"committee": committee.reference},
            cancel_url=committee.get_absolute_url(),
            committee=committee,
        ),
    )


# Meetings -------------------------------------------------------------------------------------------------


@login_required
def meeting_create(request, pk: int):
    committee = access.access_committee(request.user, pk, manage=True)
    return form_page(
        request,
        form=MeetingForm(request.POST or None),
        save=lambda form: services.meeting_create(actor=request.user, committee=committee, **form.values()),
        done=lambda saved: _meetings_of(committee),
        message=_("Meeting recorded."),
        template=TEMPLATE,
        context=_context(
            _("Add a meeting of %(committee)s") % {"committee": committee.reference},
            cancel_url=committee.get_absolute_url(),
            committee=committee,
        ),
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = access.access_meeting(request.user, pk, manage=True)
    return form_page(
        request,
        form=MeetingForm(request.POST or None, meeting=meeting),
        save=lambda form: services.meeting_update(
            actor=request.user, meeting=meeting, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: _meetings_of(meeting.committee),
        template=TEMPLATE,
        context=_context(
            _("Edit a meeting of %(committee)s") % {"committee": meeting.committee.reference},
            cancel_url=meeting.committee.get_absolute_url(),
            committee=meeting.committee,
        ),
    )


# Delegates and contributions: focal points for their own organisation ---------------------------------------


def _meeting_to_register_for(request, pk: int) -> Meeting:
    meeting = access.access_meeting(request.user, pk)
    if not access.delegate_can_register(request.user, None):
        raise PermissionDenied
    return meeting


@login_required
def delegate_create(request, pk: int):
    meeting = _meeting_to_register_for(request, pk)
    return form_page(
        request,
        form=DelegateForm(request.POST or None, user=request.user),
        save=lambda form: services.delegate_register(actor=request.user, meeting=meeting, **form.values()),
        done=lambda saved: _meetings_of(meeting.committee),
        message=_("Delegate registered."),
        template=TEMPLATE,
        context=_context(
            _("Register a delegate for %(meeting)s") % {"meeting": meeting},
            cancel_url=meeting.committee.get_absolute_url(),
            committee=meeting.committee,
        ),
    )


@login_required
def delegate_edit(request, pk: int):
    delegate = access.access_delegate(request.user, pk, manage=True)

    def save(form):
        data = form.cleaned_data
        current, version = delegate, data["version"]
        if data["present"] != delegate.present or data["remote"] != delegate.remote:
            current = services.delegate_mark_present(
                actor=request.user, delegate=delegate, present=data["present"], remote=data["remote"]
            )
            version = None  # the presence change saved a new version: the role goes on that one
        return services.delegate_update(actor=request.user, delegate=current, version=version, role=data["role"])

    meeting = delegate.meeting
    return form_page(
        request,
        form=DelegateEditForm(request.POST or None, delegate=delegate),
        save=save,
        done=lambda saved: _meetings_of(meeting.committee),
        template=TEMPLATE,
        context=_context(
            _("%(person)s at %(meeting)s") % {"person": delegate.person, "meeting": meeting},
            cancel_url=meeting.committee.get_absolute_url(),
            committee=meeting.committee,
        ),
    )


@login_required
def contribution_create(request, pk: int):
    meeting = _meeting_to_register_for(request, pk)
    return form_page(
        request,
        form=ContributionForm(request.POST or None, user=request.user),
        save=lambda form: services.contribution_create(actor=request.user, meeting=meeting, **form.cleaned_data),
        done=lambda saved: _meetings_of(meeting.committee),
        message=_("Contribution recorded."),
        template=TEMPLATE,
        context=_context(
            _("Record a contribution to %(meeting)s") % {"meeting": meeting},
            cancel_url=meeting.committee.get_absolute_url(),
            committee=meeting.committee,
        ),
    )
