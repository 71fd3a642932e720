"""Forms of the committee pages: the programme team adds committees of other bodies by hand, their members,
leadership roles and meetings; focal points register their own organisation's delegates and contributions.
Every write goes through jalon.committees.services; access is asked of jalon.accounts.access."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.committees import access, services
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
)
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.web.form_errors import form_errors_from

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEFT = "left"


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE)


def _organisations():
    return Organisation.objects.order_by("acronym", text_in_database("name"))


def _multilingual(data: dict, field: str) -> dict:
    """{"en": ..., "fr": ...} from the form's `<field>_en` and `<field>_fr`, without empty languages."""
    return {code: data[f"{field}_{code}"].strip() for code in ("en", "fr") if data.get(f"{field}_{code}", "").strip()}


def _field_for(prefix_fields: tuple[str, ...]):
    """A service's error about `title` goes beside the English input of that text."""
    return lambda name: f"{name}_en" if name in prefix_fields else None


# Committees -----------------------------------------------------------------------------------------------


class CommitteeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = forms.ChoiceField(label=gettext_lazy("Body"), choices=Committee.Body.choices, initial=Committee.Body.OTHER)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Committee.Kind.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=500, required=False)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), max_length=500, required=False)
    scope_en = forms.CharField(
        label=gettext_lazy("Scope (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    scope_fr = forms.CharField(
        label=gettext_lazy("Scope (French)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    parent = forms.CharField(
        label=gettext_lazy("Parent committee (reference)"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. ISO/TC 176 for one of its subcommittees. Leave empty for a top-level committee."),
    )
    secretariat = forms.ModelChoiceField(label=gettext_lazy("Secretariat"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Committee.Status.choices, initial=Committee.Status.ACTIVE
    )
    creation_date = _date(gettext_lazy("Creation date"), required=False)
    disbanded_on = _date(gettext_lazy("Disbanded on"), required=False)
    study_period = forms.CharField(
        label=gettext_lazy("Study period"), max_length=9, required=False, help_text=gettext_lazy("E.g. 2025-2028.")
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False)

    def __init__(self, *args, committee: Committee | None = None, **kwargs):
        if committee is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": committee.version,
                "body": committee.body,
                "kind": committee.kind,
                "reference": committee.reference,
                "title_en": (committee.title or {}).get("en", ""),
                "title_fr": (committee.title or {}).get("fr", ""),
                "scope_en": (committee.scope or {}).get("en", ""),
                "scope_fr": (committee.scope or {}).get("fr", ""),
                "parent": committee.parent.reference if committee.parent_id else "",
                "secretariat": committee.secretariat_id,
                "status": committee.status,
                "creation_date": committee.creation_date,
                "disbanded_on": committee.disbanded_on,
                "study_period": committee.study_period,
                "website": committee.website,
            }
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.fields["secretariat"].queryset = _organisations()

    def clean_parent(self):
        reference = self.cleaned_data["parent"].strip()
        if not reference:
            return None
        parents = list(Committee.objects.filter(reference__iexact=reference).order_by("-status", "pk")[:2])
        if not parents:
            raise ValidationError(_("No committee has the reference %(reference)s.") % {"reference": reference})
        return parents[0]

    def clean(self):
        data = super().clean()
        if not (data.get("title_en", "").strip() or data.get("title_fr", "").strip()):
            self.add_error("title_en", _("Give the committee's title in at least one language."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("body", "kind", "reference", "parent", "secretariat", "status")
            + ("creation_date", "disbanded_on", "study_period", "website")
        }
        fields["title"] = _multilingual(data, "title")
        fields["scope"] = _multilingual(data, "scope")
        return fields


def _must_manage(request):
    if not access.committee_can_manage(request.user):
        raise PermissionDenied


def _committee(request, pk):
    return get_object_or_404(access.committee_data_visible(request.user, Committee.objects.all()), pk=pk)


def _form_page(request, form, *, title: str, cancel_url: str, committee=None, intro: str = ""):
    return render(
        request,
        "committees/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "committee": committee, "intro": intro},
    )


@login_required
def committee_create(request):
    _must_manage(request)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=request.user, **form.values())
        except ValidationError as exc:
            form_errors_from(exc, form, field_for=_field_for(("title", "scope")))
        else:
            messages.success(request, _("Committee created."))
            return redirect(committee.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Add a committee"),
        cancel_url=_list_url(),
        intro=_("For bodies whose committees are not imported from a file. ISO committees come from ISO Open Data."),
    )


def _list_url():
    return reverse("committees:committee_list")


@login_required
def committee_edit(request, pk: int):
    _must_manage(request)
    committee = _committee(request, pk)
    form = CommitteeForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(
                actor=request.user, committee=committee, version=form.cleaned_data.get("version"), **form.values()
            )
        except ValidationError as exc:
            form_errors_from(exc, form, field_for=_field_for(("title", "scope")))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(committee.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Edit %(committee)s") % {"committee": committee.reference},
        cancel_url=committee.get_absolute_url(),
        committee=committee,
    )


# Members --------------------------------------------------------------------------------------------------


class MembershipForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=None)
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[*CommitteeMembership.Status.choices, (LEFT, gettext_lazy("Left the committee"))],
    )
    on = _date(gettext_lazy("From"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _organisations()


@login_required
def membership_change(request, pk: int):
    _must_manage(request)
    committee = _committee(request, pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == LEFT:
                services.membership_end(
                    actor=request.user, committee=committee, member=data["member"], on=data["on"], note=data["note"]
                )
            else:
                services.membership_set(
                    actor=request.user,
                    committee=committee,
                    member=data["member"],
                    status=data["status"],
                    on=data["on"],
                    note=data["note"],
                )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Membership recorded."))
            return redirect(committee.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Change a member's status in %(committee)s") % {"committee": committee.reference},
        cancel_url=committee.get_absolute_url(),
        committee=committee,
        intro=_("The change is dated and shown in the committee's history."),
    )


# Leadership roles -----------------------------------------------------------------------------------------


class LeadershipRoleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=LeadershipRole.Role.choices)
    organisation = forms.ModelChoiceField(label=gettext_lazy("Member organisation"), queryset=None)
    person = forms.ModelChoiceField(label=gettext_lazy("Person"), queryset=None, required=False)
    start_date = _date(gettext_lazy("Start date"), required=False)
    end_date = _date(gettext_lazy("End date"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, role: LeadershipRole | None = None, **kwargs):
        if role is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": role.version,
                "role": role.role,
                "organisation": role.organisation_id,
                "person": role.person_id,
                "start_date": role.start_date,
                "end_date": role.end_date,
                "note": role.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        self.fields["person"].queryset = organisations_access.people_visible(user).order_by("family_name", "given_name")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.ROLE_FIELDS}


@login_required
def role_create(request, pk: int):
    _must_manage(request)
    committee = _committee(request, pk)
    form = LeadershipRoleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.leadership_role_create(actor=request.user, committee=committee, **form.values())
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Leadership role recorded."))
            return redirect(committee.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Add a leadership role in %(committee)s") % {"committee": committee.reference},
        cancel_url=committee.get_absolute_url(),
        committee=committee,
    )


@login_required
def role_edit(request, pk: int):
    _must_manage(request)
    role = get_object_or_404(LeadershipRole.objects.select_related("committee"), pk=pk)
    committee = role.committee
    form = LeadershipRoleForm(request.POST or None, user=request.user, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.leadership_role_update(
                actor=request.user, leadership_role=role, version=form.cleaned_data.get("version"), **form.values()
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(committee.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Edit a leadership role in %(committee)s") % {"committee": committee.reference},
        cancel_url=committee.get_absolute_url(),
        committee=committee,
    )


# Meetings -------------------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), max_length=300, required=False)
    start_date = _date(gettext_lazy("Start date"))
    end_date = _date(gettext_lazy("End date"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Format"), choices=Meeting.Mode.choices)
    place = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), queryset=None, required=False)
    host = forms.ModelChoiceField(label=gettext_lazy("Host"), queryset=None, required=False)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": meeting.version,
                "title_en": (meeting.title or {}).get("en", ""),
                "title_fr": (meeting.title or {}).get("fr", ""),
                "start_date": meeting.start_date,
                "end_date": meeting.end_date,
                "mode": meeting.mode,
                "place": meeting.place,
                "city": meeting.city,
                "country": meeting.country_id,
                "host": meeting.host_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by(text_in_database("name"))
        self.fields["host"].queryset = _organisations()

    def values(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("start_date", "end_date", "mode", "place", "city", "country", "host")}
        fields["title"] = _multilingual(data, "title")
        # A one-day meeting: the end date may be left empty.
        fields["end_date"] = fields["end_date"] or fields["start_date"]
        return fields


@login_required
def meeting_create(request, pk: int):
    _must_manage(request)
    committee = _committee(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(actor=request.user, committee=committee, **form.values())
        except ValidationError as exc:
            form_errors_from(exc, form, field_for=_field_for(("title",)))
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(committee.get_absolute_url() + "#meetings")
    return _form_page(
        request,
        form,
        title=_("Add a meeting of %(committee)s") % {"committee": committee.reference},
        cancel_url=committee.get_absolute_url(),
        committee=committee,
    )


def _meeting(request, pk):
    return get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)


@login_required
def meeting_edit(request, pk: int):
    _must_manage(request)
    meeting = _meeting(request, pk)
    form = MeetingForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, version=form.cleaned_data.get("version"), **form.values()
            )
        except ValidationError as exc:
            form_errors_from(exc, form, field_for=_field_for(("title",)))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(meeting.committee.get_absolute_url() + "#meetings")
    return _form_page(
        request,
        form,
        title=_("Edit a meeting of %(committee)s") % {"committee": meeting.committee.reference},
        cancel_url=meeting.committee.get_absolute_url(),
        committee=meeting.committee,
    )


# Delegates and contributions: focal points for their own organisation ---------------------------------------


def _registering_organisations(user):
    """The organisations to offer in the form."""
    return access.delegate_registering_organisations(user, _organisations())


class DelegateForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("Person"), queryset=None)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("On behalf of"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Leave empty for the person's own organisation."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MeetingDelegate.Role.choices, initial="delegate")
    registered_on = _date(gettext_lazy("Registered on"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = _registering_organisations(user)
        self.fields["organisation"].queryset = organisations
        people = organisations_access.people_visible(user).order_by("family_name", "given_name")
        if not access.committee_can_manage(user):
            people = people.filter(organisation__in=organisations)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and data.get("organisation") is None and person.organisation_id is None:
            self.add_error("organisation", _("Give the organisation the delegate represents."))
        return data


@login_required
def delegate_create(request, pk: int):
    meeting = _meeting(request, pk)
    if not access.delegate_can_register(request.user, None):
        raise PermissionDenied
    form = DelegateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"] or data["person"].organisation
        if not access.delegate_can_register(request.user, organisation):
            form.add_error("organisation", _("You may register delegates for your own organisation only."))
        else:
            try:
                services.delegate_register(
                    actor=request.user,
                    meeting=meeting,
                    person=data["person"],
                    organisation=organisation,
                    role=data["role"],
                    registered_on=data["registered_on"],
                )
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("Delegate registered."))
                return redirect(meeting.committee.get_absolute_url() + "#meetings")
    return _form_page(
        request,
        form,
        title=_("Register a delegate for %(meeting)s") % {"meeting": meeting},
        cancel_url=meeting.committee.get_absolute_url(),
        committee=meeting.committee,
    )


class DelegateEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MeetingDelegate.Role.choices)
    present = forms.BooleanField(label=gettext_lazy("Present"), required=False)
    remote = forms.BooleanField(label=gettext_lazy("Took part remotely"), required=False)


@login_required
def delegate_edit(request, pk: int):
    delegate = get_object_or_404(
        access.meeting_delegates_visible(
            request.user, MeetingDelegate.objects.select_related("meeting__committee", "organisation", "person")
        ),
        pk=pk,
    )
    if not access.delegate_can_change(request.user, delegate):
        raise PermissionDenied
    form = DelegateEditForm(
        request.POST or None,
        initial={
            "version": delegate.version,
            "role": delegate.role,
            "present": delegate.present,
            "remote": delegate.remote,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["present"] != delegate.present or data["remote"] != delegate.remote:
                delegate = services.delegate_mark_present(
                    actor=request.user, delegate=delegate, present=data["present"], remote=data["remote"]
                )
                data["version"] = None
            services.delegate_update(actor=request.user, delegate=delegate, version=data["version"], role=data["role"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(delegate.meeting.committee.get_absolute_url() + "#meetings")
    return _form_page(
        request,
        form,
        title=_("%(person)s at %(meeting)s") % {"person": delegate.person, "meeting": delegate.meeting},
        cancel_url=delegate.meeting.committee.get_absolute_url(),
        committee=delegate.meeting.committee,
    )


class ContributionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=gettext_lazy("Submitted by"), queryset=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    document_reference = forms.CharField(label=gettext_lazy("Document reference"), max_length=100, required=False)
    url = forms.URLField(label=gettext_lazy("Link"), required=False)
    submitted_on = _date(gettext_lazy("Submitted on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _registering_organisations(user)


@login_required
def contribution_create(request, pk: int):
    meeting = _meeting(request, pk)
    if not access.contribution_can_create(request.user, None):
        raise PermissionDenied
    form = ContributionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.contribution_can_create(request.user, data["organisation"]):
            form.add_error("organisation", _("You may record contributions of your own organisation only."))
        else:
            try:
                services.contribution_create(actor=request.user, meeting=meeting, **data)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("Contribution recorded."))
                return redirect(meeting.committee.get_absolute_url() + "#meetings")
    return _form_page(
        request,
        form,
        title=_("Record a contribution to %(meeting)s") % {"meeting": meeting},
        cancel_url=meeting.committee.get_absolute_url(),
        committee=meeting.committee,
    )
