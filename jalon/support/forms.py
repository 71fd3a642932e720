"""Forms of the support pages: the application forms (choices from support.access and support.selectors, the
same the API offers), the workflow steps, and the filters of the lists, queues and costs."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.committees.models import Committee, Meeting
from jalon.committees.selectors import committee_by_reference
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in, text_in_database
from jalon.organisations.forms import PersonSearchField
from jalon.reference.models import Country, Currency
from jalon.results import access as results_access
from jalon.results.models import Programme
from jalon.support import access, selectors
from jalon.support.models import Fellowship, Scheme, Sponsorship
from jalon.web.files import upload_validate
from jalon.web.forms import ChoiceOfModel, decimal_field

ANY = ("", gettext_lazy("Any"))


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


# Applications ----------------------------------------------------------------------------------------------


class MeetingChoiceField(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        return f"{obj.committee.reference} · {obj.title} · {obj.start_date:%Y-%m-%d}"


class TrainingChoiceField(ChoiceOfModel):
    def label_from_instance(self, obj) -> str:
        return f"{text_in(obj.title) or obj.code} · {obj.start_date:%Y-%m-%d}"


class ApplicationForm(forms.ModelForm):
    """What both application forms share: programme, applicant, candidate, meeting, costs."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    meeting = MeetingChoiceField(label=gettext_lazy("Meeting"), queryset=Meeting.objects.none())
    scheme: str = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "programme").queryset = access.support_programme_choices(user, scheme=self.scheme).order_by(
            "code"
        )
        _choice(self, "organisation").queryset = access.support_applicant_choices(user, scheme=self.scheme).order_by(
            "acronym", text_in_database("name")
        )
        person = self.fields["person"]
        assert isinstance(person, PersonSearchField)
        person.queryset = access.support_candidate_choices(user, scheme=self.scheme)
        if self.instance.person_id:
            self.initial["person"] = self.instance.person  # read with the application: no query
        _choice(self, "meeting").queryset = selectors.meeting_choices(
            scheme=self.scheme, current=self.instance.meeting_id if self.instance.pk else None
        )
        currency = _choice(self, "currency")
        currency.queryset = Currency.objects.order_by("code")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            currency.initial = Currency.objects.filter(code="CHF").values_list("pk", flat=True).first()

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class SponsorshipForm(ApplicationForm):
    scheme = Scheme.ISO_SPONSORSHIP

    class Meta:
        model = Sponsorship
        fields = [
            "programme",
            "organisation",
            "person",
            "meeting",
            "mirror_committee",
            "mirror_role",
            "training",
            "motivation",
            "currency",
            "estimated_travel",
            "estimated_allowance",
            "estimated_other",
        ]
        field_classes = {
            "programme": ChoiceOfModel,
            "organisation": ChoiceOfModel,
            "person": PersonSearchField,
            "training": TrainingChoiceField,
            "currency": ChoiceOfModel,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        training = _choice(self, "training")
        training.queryset = selectors.training_choices()
        training.help_text = gettext_lazy("Optional: a training the candidate follows before the meeting.")


class FellowshipForm(ApplicationForm):
    scheme = Scheme.ITU_FELLOWSHIP

    class Meta:
        model = Fellowship
        fields = [
            "programme",
            "organisation",
            "person",
            "meeting",
            "kind",
            "partial_part",
            "financial_year",
            "motivation",
            "currency",
            "estimated_travel",
            "estimated_allowance",
            "estimated_other",
        ]
        field_classes = {
            "programme": ChoiceOfModel,
            "organisation": ChoiceOfModel,
            "person": PersonSearchField,
            "currency": ChoiceOfModel,
        }
        labels = {
            "organisation": gettext_lazy("Member State administration"),
            "estimated_travel": gettext_lazy("Estimated air ticket"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["financial_year"].required = False
        self.fields["financial_year"].help_text = gettext_lazy("Empty: the year of the meeting (ITU's financial year).")
        self.fields["partial_part"].help_text = gettext_lazy("For a partial fellowship only.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Fellowship.Kind.FULL:
            # A full fellowship covers both: what the "covers" menu says does not matter.
            cleaned["partial_part"] = ""
        elif cleaned.get("kind") == Fellowship.Kind.PARTIAL and not cleaned.get("partial_part"):
            self.add_error(
                "partial_part", _("Say what the partial fellowship covers: the air ticket or the daily allowance.")
            )
        return cleaned


# Workflow steps ----------------------------------------------------------------------------------------------


def _money(label) -> forms.DecimalField:
    field = decimal_field(label, max_digits=12, decimal_places=2)
    field.validators.append(MinValueValidator(Decimal(0)))
    return field


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(StepForm):
    note = forms.CharField(
        label=gettext_lazy("Note (required when rules flag the application)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(StepForm):
    reasons = forms.CharField(label=gettext_lazy("Reasons for the refusal"), widget=forms.Textarea(attrs={"rows": 3}))


class TravelForm(StepForm):
    actual_travel = _money(gettext_lazy("Actual travel cost"))


class AttendForm(StepForm):
    actual_allowance = _money(gettext_lazy("Actual daily allowance"))
    actual_other = _money(gettext_lazy("Actual other costs"))


class CostsForm(StepForm):
    actual_travel = _money(gettext_lazy("Actual travel"))
    actual_allowance = _money(gettext_lazy("Actual daily allowance"))
    actual_other = _money(gettext_lazy("Actual other costs"))


class ReportForm(StepForm):
    text = forms.CharField(label=gettext_lazy("Report"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=gettext_lazy("Report file"), required=False, validators=[upload_validate])


# Lists, queues, costs ----------------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Applications"),
        required=False,
        choices=[("sponsorships", gettext_lazy("ISO sponsorships")), ("fellowships", gettext_lazy("ITU fellowships"))],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = dict(Sponsorship.Status.choices) | dict(Fellowship.Status.choices)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [ANY, *statuses.items()]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    programme = ChoiceOfModel(label=gettext_lazy("Programme"), required=False, queryset=Programme.objects.none())
    country = ChoiceOfModel(label=gettext_lazy("Country"), required=False, queryset=Country.objects.none())
    committee = forms.CharField(label=gettext_lazy("Committee"), required=False, max_length=100)

    def __init__(self, *args, user, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", gettext_lazy("Waiting for a decision")), *statuses]
        _choice(self, "programme").queryset = results_access.programmes_managed(user).order_by("code")
        _choice(self, "country").queryset = Country.objects.order_by(TextOrder(text_in_database("name")))


class CostFilterForm(forms.Form):
    programme = ChoiceOfModel(label=gettext_lazy("Programme"), required=False, queryset=Programme.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100)
    committee = forms.CharField(
        label=gettext_lazy("Committee"), required=False, max_length=100, help_text=gettext_lazy("E.g. ISO/TC 34.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "programme").queryset = results_access.programmes_visible(user).order_by("code")

    def clean_committee(self) -> Committee | None:
        reference = self.cleaned_data["committee"].strip()
        if not reference:
            return None
        committee = committee_by_reference(reference)
        if committee is None:
            raise forms.ValidationError(_("No committee has this reference."))
        return committee
