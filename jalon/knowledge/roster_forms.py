"""Forms of the expert roster's pages: the need to rank experts for, the expert's own profile, a competency,
a language, the team's invitation."""

from django import forms
from django.utils.translation import gettext_lazy

from jalon.assessments.models import Section
from jalon.committees.models import Committee
from jalon.knowledge.models import Cefr, Competency, Expert, Tag
from jalon.organisations.forms import PersonSearchField
from jalon.reference.models import Country, Currency, Language, Region
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, date_field

ANY = ("", gettext_lazy("Any"))


class NeedForm(forms.Form):
    topic = forms.CharField(label=gettext_lazy("Topic, code or committee"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[ANY, ("fr", gettext_lazy("French")), ("en", gettext_lazy("English"))],
        required=False,
    )
    start = date_field(gettext_lazy("From"), required=False)
    end = date_field(gettext_lazy("Until"), required=False)
    region = ChoiceOfModel(
        label=gettext_lazy("Region"),
        queryset=Region.objects.exclude(kind=Region.Kind.WORLD).order_by("m49"),
        required=False,
        to_field_name="m49",
    )


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    consent = forms.BooleanField(
        label=gettext_lazy("I agree that my profile is kept and shown as chosen below"), required=False
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Visible to"), choices=Expert.Visibility.choices)
    summary = forms.CharField(
        label=gettext_lazy("Summary"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    countries = ChoicesOfModel(
        label=gettext_lazy("Countries of experience"), queryset=Country.objects.order_by("iso3"), required=False
    )
    available_from = date_field(gettext_lazy("Available from"), required=False)
    available_until = date_field(gettext_lazy("Available until"), required=False)
    availability_note = forms.CharField(label=gettext_lazy("Availability"), max_length=300, required=False)
    day_rate = forms.DecimalField(
        label=gettext_lazy("Day rate"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    day_rate_currency = ChoiceOfModel(
        label=gettext_lazy("Currency"), queryset=Currency.objects.order_by("code"), required=False
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["countries"] = list(data.get("countries") or [])
        return data


class CompetencyForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            *Tag.Kind.choices,
            ("committee", gettext_lazy("Committee or study group")),
            ("gsp", gettext_lazy("GSP area")),
        ],
    )
    code = forms.CharField(label=gettext_lazy("Code or topic"), max_length=60, required=False)
    committee = ChoiceOfModel(
        label=gettext_lazy("Committee"), queryset=Committee.objects.order_by("sort_key", "reference"), required=False
    )
    gsp_area = ChoiceOfModel(label=gettext_lazy("GSP area"), queryset=Section.objects.all(), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Competency.Level.choices)
    evidence = forms.CharField(label=gettext_lazy("Evidence"), max_length=500, required=False)


class LanguageForm(forms.Form):
    # By code ("fr"), as people and the API name languages: a plain model choice, not an id.
    language = forms.ModelChoiceField(
        label=gettext_lazy("Language"), queryset=Language.objects.order_by("code"), to_field_name="code"
    )
    level = forms.ChoiceField(label=gettext_lazy("CEFR level"), choices=Cefr.choices)


class InviteForm(forms.Form):
    person = PersonSearchField(label=gettext_lazy("Person"))
    username = forms.CharField(label=gettext_lazy("Their account (user name)"), max_length=150, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, PersonSearchField)
        if people is not None:
            person.queryset = people
