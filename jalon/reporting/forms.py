"""Filters of the reporting pages."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

from jalon.finance.selectors import programme_contributors
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.reporting.models import ReportKind, ReportLanguage
from jalon.results import selectors as results_selectors
from jalon.results.models import DimensionValue, Programme


class TrackingFilterForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    disaggregation = forms.ModelChoiceField(
        label=gettext_lazy("Disaggregation"),
        required=False,
        queryset=DimensionValue.objects.none(),
        empty_label=gettext_lazy("Total"),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        level = cast(forms.ChoiceField, self.fields["level"])
        level.choices = [("", gettext_lazy("Any")), *results_selectors.level_choices(programme)]
        disaggregation = cast(forms.ModelChoiceField, self.fields["disaggregation"])
        disaggregation.queryset = results_selectors.dimension_values_of(programme)


class ReportStartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices, initial=ReportKind.ANNUAL)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=ReportLanguage.choices, initial=ReportLanguage.BOTH
    )
    final = forms.BooleanField(
        label=gettext_lazy("Final report"),
        required=False,
        help_text=gettext_lazy(
            "Only approved narrative sections, each in every language of the report. Without it, a draft: what is "
            "missing is marked."
        ),
    )
    email_when_ready = forms.BooleanField(
        label=gettext_lazy("E-mail me when it is ready"), required=False, initial=True
    )
    contributor = forms.ModelChoiceField(
        label=gettext_lazy("Contributor (donor report)"), required=False, queryset=Organisation.objects.none()
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country (country profile)"), required=False, queryset=Country.objects.order_by("iso3")
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        contributor = cast(forms.ModelChoiceField, self.fields["contributor"])
        contributor.queryset = programme_contributors(programme)


class SectionForm(forms.Form):
    """A narrative section in one language; its three texts start from the indicators' narratives."""

    achieved = forms.CharField(
        label=gettext_lazy("What was achieved"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Why (reasons for the variance)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("What comes next"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SectionMoveForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("submit", gettext_lazy("Submit for review")),
            ("approve", gettext_lazy("Approve")),
            ("return", gettext_lazy("Return with a note")),
        ]
    )
    review_note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    invalid = gettext_lazy("Save the section first, then choose a step.")
    done = {
        "submit": gettext_lazy("The section is submitted for review."),
        "approve": gettext_lazy("The section is approved."),
        "return": gettext_lazy("The section is returned to its writers."),
    }
