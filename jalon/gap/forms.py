import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.gap.models import GapIndicator
from jalon.gap.services import DEFAULT_RUNS
from jalon.reference.models import Country
from jalon.reference.selectors import country_choices
from jalon.web.forms import date_field


class RunStartForm(forms.Form):
    """What a run reads: the specification version, the date, the random seed and the Monte Carlo runs."""

    spec = forms.TypedChoiceField(label=_("Specification"), coerce=int)
    as_of = date_field(_("Data as of"))
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31, initial=1)
    runs = forms.IntegerField(label=_("Monte Carlo runs"), min_value=10, max_value=5000, initial=DEFAULT_RUNS)

    def __init__(self, *args, specs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = [(s.version, f"v{s.version} — {s.title}") for s in specs]
        self.fields["as_of"].initial = timezone.localdate()


class ValuesImportForm(forms.Form):
    file = forms.FileField(label=_("Curated file (CSV, UTF-8)"))


class ValueRecordForm(forms.Form):
    """A value entered by hand for a manual indicator, with what it rests on."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=GapIndicator.objects.none())
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), to_field_name="iso3")
    value = forms.FloatField(label=_("Value"))
    as_of = date_field(_("As of"))
    source = forms.CharField(label=_("Source"), max_length=500)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = GapIndicator.objects.filter(source=GapIndicator.Source.MANUAL)
        self.fields["country"].queryset = country_choices()


class IndentedJSONField(forms.JSONField):
    """JSON shown indented, one key a line, so that a person can edit it."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class SpecForm(forms.Form):
    """A new version of a programme's index: its title, the definition (JSON) and what changed."""

    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200, required=False)
    definition = IndentedJSONField(
        label=_("Definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=_(
            "Indicators and weights (each may name its sub-pillar), sub-pillars (code, disparity, weight, "
            "aggregation), pillar weights, screening and pillar thresholds, imputation, treatment, normalisation, "
            "aggregation, their alternatives, weight noise, benchmark statistic, benchmark group (non_developing, "
            "countries, region, income or all) and its minimum of countries, window in days."
        ),
    )
    note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_definition(self):
        definition = self.cleaned_data["definition"]
        if not isinstance(definition, dict):
            raise forms.ValidationError(_("The definition is a JSON object."))
        return definition
