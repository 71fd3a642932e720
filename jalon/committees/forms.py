"""Forms of the committee pages: the filters and the developing-country rule of the lists and profiles; the
programme team's committees of other bodies, members, leadership roles and meetings; focal points' delegates
and contributions. Choices come from committees.access and committees.selectors, as the API's do."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.committees import access, selectors
from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole, Meeting, MeetingDelegate
from jalon.committees.profiles import developing_rule
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.forms import OrganisationSearchField, PersonSearchField
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, DevelopingCountryRule, IcsField
from jalon.results import access as results_access
from jalon.results.models import Programme
from jalon.web.forms import ChoiceOfModel, MultilingualField, MultilingualForm, date_field
from jalon.web.listing import valid_filters

# The membership form's status for "no longer a member".
LEFT = "left"


# Lists and profiles ---------------------------------------------------------------------------------------


class RuleForm(forms.Form):
    """The programme whose "developing country" rule a page applies (none: the OECD DAC list)."""

    programme = forms.ModelChoiceField(
        label=gettext_lazy("Developing countries by the rule of"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=gettext_lazy("OECD DAC list (default)"),
        to_field_name="code",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        programme.queryset = results_access.programmes_visible(user).select_related("developing_rule")

    def filters_and_rule(self) -> tuple[dict, DevelopingCountryRule | None, datetime.date]:
        """The valid filters, and the developing-country rule they choose with the day it applies on."""
        filters = valid_filters(self)
        rule, on = developing_rule(filters.get("programme"))
        return filters, rule, on


class CommitteeFilterForm(RuleForm):
    q = forms.CharField(label=gettext_lazy("Reference or title"), required=False, max_length=100)
    body = forms.ChoiceField(
        label=gettext_lazy("Body"), required=False, choices=[("", gettext_lazy("Any")), *Committee.Body.choices]
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("Any")), *Committee.Kind.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Any")), *Committee.Status.choices]
    )
    developing_secretariat = forms.BooleanField(label=gettext_lazy("Developing-country secretariat"), required=False)
    min_developing_p = forms.IntegerField(
        label=gettext_lazy("At least this many developing-country P-members"),
        required=False,
        min_value=0,
        max_value=1000,
    )
    member = forms.CharField(label=gettext_lazy("Member (acronym)"), required=False, max_length=100)
    country = forms.ChoiceField(label=gettext_lazy("Country of a member"), required=False)
    sector = forms.ModelChoiceField(
        label=gettext_lazy("Sector (ICS field)"),
        required=False,
        queryset=IcsField.objects.all(),
        empty_label=gettext_lazy("Any"),
    )

    field_order = [
        "q",
        "body",
        "kind",
        "status",
        "sector",
        "member",
        "country",
        "developing_secretariat",
        "min_developing_p",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", gettext_lazy("Any")), *selectors.member_countries()]


# Committees -----------------------------------------------------------------------------------------------


def _organisations():
    return Organisation.objects.order_by(TextOrder("acronym"), TextOrder(text_in_database("name")))


class CommitteeForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = forms.ChoiceField(label=gettext_lazy("Body"), choices=Committee.Body.choices, initial=Committee.Body.OTHER)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Committee.Kind.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100)
    # Not required here: the service says what is missing, in its own words ("the committee's title").
    title = MultilingualField(label=gettext_lazy("Title"), max_length=500)
    scope = MultilingualField(label=gettext_lazy("Scope"), multiline=True)
    parent = forms.CharField(
        label=gettext_lazy("Parent committee (reference)"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. ISO/TC 176 for one of its subcommittees. Leave empty for a top-level committee."),
    )
    secretariat = OrganisationSearchField(label=gettext_lazy("Secretariat"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Committee.Status.choices, initial=Committee.Status.ACTIVE
    )
    creation_date = date_field(gettext_lazy("Creation date"), required=False)
    disbanded_on = date_field(gettext_lazy("Disbanded on"), required=False)
    study_period = forms.CharField(
        label=gettext_lazy("Study period"), max_length=9, required=False, help_text=gettext_lazy("E.g. 2025-2028.")
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False)
    ics_fields = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sectors (ICS fields)"),
        queryset=IcsField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The fields of the International Classification for Standards the committee works in. Its "
            "subcommittees and working groups are found under them too."
        ),
    )

    FIELDS = ("body", "kind", "reference", "title", "scope", "parent", "secretariat", "status") + (
        "creation_date",
        "disbanded_on",
        "study_period",
        "website",
        "ics_fields",
    )
    RELATED = ("parent", "secretariat", "ics_fields")

    def __init__(self, *args, committee: Committee | None = None, **kwargs):
        if committee is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(committee, name) for name in self.FIELDS if name not in self.RELATED},
                "version": committee.version,
                "parent": committee.parent.reference if committee.parent is not None else "",
                "secretariat": committee.secretariat_id,
                "ics_fields": list(committee.ics_fields.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        secretariat = self.fields["secretariat"]
        assert isinstance(secretariat, OrganisationSearchField)
        secretariat.queryset = Organisation.objects.all()

    def clean_parent(self) -> Committee | None:
        reference = self.cleaned_data["parent"].strip()
        if not reference:
            return None
        parent = selectors.committee_by_reference(reference)
        if parent is None:
            raise ValidationError(_("No committee has the reference %(reference)s.") % {"reference": reference})
        return parent

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# Members --------------------------------------------------------------------------------------------------


class MembershipForm(forms.Form):
    member = OrganisationSearchField(label=gettext_lazy("Member"))
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[*CommitteeMembership.Status.choices, (LEFT, gettext_lazy("Left the committee"))],
    )
    on = date_field(gettext_lazy("From"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, OrganisationSearchField)
        member.queryset = Organisation.objects.all()


# Leadership roles -----------------------------------------------------------------------------------------


class LeadershipRoleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=LeadershipRole.Role.choices)
    # Typed: a select of every organisation weighed 17 KB of the page for ISO's 163 members (issue 21).
    organisation = OrganisationSearchField(label=gettext_lazy("Member organisation"))
    person = PersonSearchField(label=gettext_lazy("Person"), required=False)
    start_date = date_field(gettext_lazy("Start date"), required=False)
    end_date = date_field(gettext_lazy("End date"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS = ("role", "person", "organisation", "start_date", "end_date", "note")

    def __init__(self, *args, user, role: LeadershipRole | None = None, **kwargs):
        if role is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": role.version,
                "role": role.role,
                "organisation": role.organisation_id,
                "person": role.person,
                "start_date": role.start_date,
                "end_date": role.end_date,
                "note": role.note,
            }
        super().__init__(*args, **kwargs)
        organisation, person = self.fields["organisation"], self.fields["person"]
        assert isinstance(organisation, OrganisationSearchField) and isinstance(person, PersonSearchField)
        organisation.queryset = Organisation.objects.all()
        person.queryset = organisations_access.people_visible(user)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# Meetings -------------------------------------------------------------------------------------------------


class MeetingForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = MultilingualField(label=gettext_lazy("Title"), max_length=300)
    start_date = date_field(gettext_lazy("Start date"))
    end_date = date_field(gettext_lazy("End date"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Format"), choices=Meeting.Mode.choices)
    place = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    country = ChoiceOfModel(label=gettext_lazy("Country"), queryset=Country.objects.none(), required=False)
    host = OrganisationSearchField(label=gettext_lazy("Host"), required=False)

    FIELDS = ("title", "start_date", "end_date", "mode", "place", "city", "country", "host")

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(meeting, name) for name in self.FIELDS if name not in ("country", "host")},
                "version": meeting.version,
                "country": meeting.country_id,
                "host": meeting.host_id,
            }
        super().__init__(*args, **kwargs)
        country, host = self.fields["country"], self.fields["host"]
        assert isinstance(country, ChoiceOfModel) and isinstance(host, OrganisationSearchField)
        country.queryset = Country.objects.order_by(TextOrder(text_in_database("name")))
        host.queryset = Organisation.objects.all()

    def values(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.FIELDS}
        # A one-day meeting: the end date may be left empty.
        fields["end_date"] = fields["end_date"] or fields["start_date"]
        return fields


# Delegates and contributions: focal points for their own organisation ---------------------------------------


class DelegateForm(forms.Form):
    person = PersonSearchField(label=gettext_lazy("Person"))
    organisation = ChoiceOfModel(
        label=gettext_lazy("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty for the person's own organisation."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MeetingDelegate.Role.choices, initial="delegate")
    registered_on = date_field(gettext_lazy("Registered on"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        person, organisation = self.fields["person"], self.fields["organisation"]
        assert isinstance(person, PersonSearchField) and isinstance(organisation, ChoiceOfModel)
        organisation.queryset = access.delegate_registering_organisations(user, _organisations())
        person.queryset = access.delegate_person_choices(user)

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and data.get("organisation") is None and person.organisation_id is None:
            self.add_error("organisation", _("Give the organisation the delegate represents."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "person": data["person"],
            "organisation": data["organisation"] or data["person"].organisation,
            "role": data["role"],
            "registered_on": data["registered_on"],
        }


class DelegateEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MeetingDelegate.Role.choices)
    present = forms.BooleanField(label=gettext_lazy("Present"), required=False)
    remote = forms.BooleanField(label=gettext_lazy("Took part remotely"), required=False)

    def __init__(self, *args, delegate: MeetingDelegate, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": delegate.version,
                "role": delegate.role,
                "present": delegate.present,
                "remote": delegate.remote,
            },
        )
        super().__init__(*args, **kwargs)


class ContributionForm(forms.Form):
    organisation = ChoiceOfModel(label=gettext_lazy("Submitted by"), queryset=Organisation.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    document_reference = forms.CharField(label=gettext_lazy("Document reference"), max_length=100, required=False)
    url = forms.URLField(label=gettext_lazy("Link"), required=False)
    submitted_on = date_field(gettext_lazy("Submitted on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, ChoiceOfModel)
        organisation.queryset = access.delegate_registering_organisations(user, _organisations())


# The ISO committee file -------------------------------------------------------------------------------------

# The real file is about 1.2 MB; anything far larger is not it.
ISO_FILE_MAX_MB = 20


class IsoImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ISO committee file (CSV)"),
        help_text=gettext_lazy(
            "The iso_technical_committees CSV of ISO Open Data, as downloaded, unchanged: every ISO committee "
            "with its members."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    as_of = date_field(
        gettext_lazy("Data as of"),
        required=False,
        help_text=gettext_lazy(
            "The day the file describes (when it was downloaded); empty: today. What changed since the last "
            "import is recorded on this day."
        ),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of and as_of > timezone.localdate():
            # Every later file would then be dated before it, and refused.
            raise ValidationError(_("The file cannot describe a day after today."))
        return as_of

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The rows are checked by the import itself, in the background; only the size here.
        if upload.size > ISO_FILE_MAX_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(size)d MB: the ISO committee file is about 1 MB.")
                % {"size": ISO_FILE_MAX_MB}
            )
        return upload


class IsoApplyForm(forms.Form):
    """Apply a previewed ISO committee file, or cancel it. A file that would disband a large share of the
    committees needs the box ticked."""

    confirm_large_change = forms.BooleanField(
        label=gettext_lazy("I have checked the committees listed: ISO really made this large change."),
        required=False,
    )

    def __init__(self, *args, large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.large = large
        if not large:
            del self.fields["confirm_large_change"]

    def clean(self):
        data = super().clean()
        if self.large and self.data.get("decision") != "discard" and not data.get("confirm_large_change"):
            self.add_error(
                "confirm_large_change",
                _("Tick the box to confirm that this large change is what ISO published."),
            )
        return data
