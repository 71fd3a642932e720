"""Filters of the reporting pages."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

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
