"""Filters of the reporting pages."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
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
    as_of = forms.DateField(
        label=gettext_lazy("Figures as of (historical)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Leave empty for the values approved now. With a date: the values that counted at the end of that day, "
            "as a report printed then would have shown them."
        ),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        contributor = cast(forms.ModelChoiceField, self.fields["contributor"])
        contributor.queryset = programme_contributors(programme)

    def clean(self):
        """A date becomes a historical run as of the end of that day (of now for today); a date in the future
        stays in the future, for the service to refuse with its reason."""
        cleaned = super().clean()
        day = cleaned.get("as_of")
        cleaned["historical"] = day is not None
        if day is None:
            cleaned["as_of"] = None
        elif day == timezone.localdate():
            cleaned["as_of"] = timezone.now()
        else:
            cleaned["as_of"] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
        return cleaned


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


class DashboardFilterForm(forms.Form):
    """The period whose changes a programme's dashboard shows (its choices: the periods started)."""

    period = forms.ChoiceField(label=gettext_lazy("Changes in"), required=False)

    def __init__(self, *args, periods: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [("", gettext_lazy("The latest period")), *periods]


class PortfolioFilterForm(forms.Form):
    """The portfolio's filters: the owner of the programmes, and a status some indicator must have."""

    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("With an indicator"), required=False)

    def __init__(self, *args, owners: list[tuple[str, str]], statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", gettext_lazy("Any")), *owners]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", gettext_lazy("Any status")), *statuses]
