"""Forms of the twinning pages: the arrangement, its workflow steps, meetings, reviews, the recommender's
question and the programme's settings. Choices come from twinning.access, as the API offers them."""

from django import forms
from django.utils.translation import gettext_lazy

from jalon.committees.models import Committee
from jalon.lib.multilingual import text_in, text_in_database
from jalon.organisations.forms import PeopleSearchField, PersonSearchField
from jalon.organisations.models import Organisation
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.twinning import access, selectors
from jalon.twinning.models import AnnualReview, Arrangement, Kind, Status, TwinningMeeting
from jalon.twinning.services import SETTINGS_FIELDS
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, MultilingualField, MultilingualForm, date_field

ANY = ("", gettext_lazy("Any"))


class MemberChoice(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        return f"{obj.acronym} ({obj.country.iso3})" if obj.country_id else obj.acronym or str(obj.name)


class CommitteeChoice(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        return obj.reference


class SectorChoice(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        codes = ", ".join(obj.ics_codes or ())
        return f"{obj.strategy.organisation.acronym} · {text_in(obj.name)}" + (f" (ICS {codes})" if codes else "")


def _members():
    return access.twinning_member_choices().select_related("country").order_by("acronym")


def _iso_committees():
    return Committee.objects.filter(
        body__in=(Committee.Body.ISO, Committee.Body.IEC_ISO), status=Committee.Status.ACTIVE
    ).order_by("sort_key", "reference")


class ArrangementForm(MultilingualForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    programme = ChoiceOfModel(label=gettext_lazy("Programme"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    committee = CommitteeChoice(label=gettext_lazy("Committee"), queryset=Committee.objects.none())
    twinned_member = MemberChoice(label=gettext_lazy("Twinned member"), queryset=Organisation.objects.none())
    lead_member = MemberChoice(
        label=gettext_lazy("Lead member"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty while the partner is being sought."),
    )
    lead_person = PersonSearchField(label=gettext_lazy("Lead person"), required=False)
    twinned_person = PersonSearchField(label=gettext_lazy("Twinned member's nominee"), required=False)
    objectives = MultilingualField(label=gettext_lazy("Objectives"), multiline=True)
    priority_sector = SectorChoice(
        label=gettext_lazy("National priority sector served"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The sectors of the twinned member's current national strategy; none are offered until the twinned "
            "member is chosen and has a strategy."
        ),
    )
    priorities = forms.CharField(
        label=gettext_lazy("National priorities served"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    financial_support = forms.ChoiceField(label=gettext_lazy("Financial support"), choices=Arrangement.Support.choices)
    support_amount = forms.DecimalField(label=gettext_lazy("Amount"), required=False, min_value=0, localize=True)
    support_currency = ChoiceOfModel(label=gettext_lazy("Currency"), queryset=Currency.objects.none(), required=False)
    start_date = date_field(gettext_lazy("Start"), required=False)
    end_date = date_field(gettext_lazy("End"), required=False)

    FIELDS = (
        "programme",
        "kind",
        "committee",
        "twinned_member",
        "lead_member",
        "lead_person",
        "twinned_person",
        "objectives",
        "priority_sector",
        "priorities",
        "financial_support",
        "support_amount",
        "support_currency",
        "start_date",
        "end_date",
    )

    def __init__(self, *args, user, arrangement: Arrangement | None = None, **kwargs):
        if arrangement is not None and "initial" not in kwargs:
            initial = {name: getattr(arrangement, name) for name in self.FIELDS}
            for name in (
                "programme",
                "committee",
                "twinned_member",
                "lead_member",
                "support_currency",
                "priority_sector",
            ):
                initial[name] = getattr(arrangement, f"{name}_id")
            kwargs["initial"] = {**initial, "version": arrangement.version}
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = access.twinning_programme_choices(user).order_by("code")  # type: ignore[attr-defined]
        self.fields["committee"].queryset = _iso_committees()  # type: ignore[attr-defined]
        self.fields["twinned_member"].queryset = _members()  # type: ignore[attr-defined]
        self.fields["lead_member"].queryset = _members()  # type: ignore[attr-defined]
        people = access.twinning_person_choices(user, arrangement)
        self.fields["lead_person"].queryset = people  # type: ignore[attr-defined]
        self.fields["twinned_person"].queryset = people  # type: ignore[attr-defined]
        self.fields["support_currency"].queryset = Currency.objects.order_by("code")  # type: ignore[attr-defined]
        if arrangement is not None and not selectors.sees_priorities_of(user, arrangement.twinned_member_id):
            # The link is the twinned member's, which this user (the lead's people) may not see: not offered,
            # neither shown nor changed (the service keeps it).
            del self.fields["priority_sector"]
        else:
            self.fields["priority_sector"].queryset = selectors.priority_sector_choices(  # type: ignore[attr-defined]
                self._twinned_members(user, arrangement), user=user
            )

    def _twinned_members(self, user, arrangement: Arrangement | None) -> list[int]:
        """Whose sectors to offer (those the user may see): the twinned member posted, given or saved; before one
        is chosen, the focal point's own member (the one most often looking for a partner)."""
        chosen = self.data.get("twinned_member") if self.is_bound else self.initial.get("twinned_member")
        if chosen is None and arrangement is not None:
            chosen = arrangement.twinned_member_id
        if chosen is not None:
            return [int(chosen)] if str(chosen).isdigit() else []
        return sorted(access.twinning_own_members(user))

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS if name in self.fields}


# Workflow steps ---------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class IdentifyForm(StepForm):
    lead_member = MemberChoice(label=gettext_lazy("Lead member"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_member"].queryset = _members()


class ApproveNomineeForm(StepForm):
    approved_on = date_field(gettext_lazy("Approved on"), required=False)


class SignForm(StepForm):
    agreement = forms.FileField(label=gettext_lazy("Signed agreement"), required=False, validators=[upload_validate])
    signed_on = date_field(gettext_lazy("Signed on"), required=False)
    manager_notified_on = date_field(gettext_lazy("Committee manager notified on"), required=False)


class ActivateForm(StepForm):
    start_date = date_field(gettext_lazy("Start"), required=False)


class CloseForm(StepForm):
    closed_on = date_field(gettext_lazy("Closed on"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# Meetings and reviews --------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    date = date_field(gettext_lazy("Date"))
    mode = forms.ChoiceField(label=gettext_lazy("Format"), choices=TwinningMeeting.Mode.choices)
    minutes = forms.CharField(label=gettext_lazy("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    # Typed, one a line, and found among the two partners' people: a list of every one of them grows with the
    # organisations (issue 21).
    attendees = PeopleSearchField(label=gettext_lazy("Attendees"), required=False)

    def __init__(self, *args, user, arrangement: Arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = access.twinning_person_choices(user, arrangement)  # type: ignore[attr-defined]

    def values(self) -> dict:
        return dict(self.cleaned_data)


class ReviewForm(MultilingualForm):
    date = date_field(gettext_lazy("Date"))
    rating = forms.TypedChoiceField(label=gettext_lazy("Rating"), choices=AnnualReview.Rating.choices, coerce=int)
    narrative = MultilingualField(label=gettext_lazy("Narrative"), multiline=True, required=True)
    decisions = forms.CharField(
        label=gettext_lazy("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("date", "rating", "narrative", "decisions")}


# Lists and the recommender -----------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[ANY, *Status.choices])
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, choices=[ANY, *Kind.choices])


class RecommendForm(forms.Form):
    programme = ChoiceOfModel(label=gettext_lazy("Programme"), queryset=Programme.objects.none())
    member = MemberChoice(label=gettext_lazy("Member"), queryset=Organisation.objects.none())
    side = forms.ChoiceField(
        label=gettext_lazy("Looking for"),
        choices=[
            ("twinned", gettext_lazy("Leads this member could approach")),
            ("lead", gettext_lazy("Members this lead could help")),
        ],
        initial="twinned",
        required=False,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices, initial=Kind.P_MEMBER, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = access.twinning_programme_choices(user).order_by("code")
        self.fields["member"].queryset = (
            access.twinning_recommend_members(user)
            .select_related("country")
            .order_by("acronym", text_in_database("name"))
        )


class SettingsForm(forms.ModelForm):
    class Meta:
        from jalon.twinning.models import TwinningSettings

        model = TwinningSettings
        fields = list(SETTINGS_FIELDS)
