"""Forms of the finance pages: what the services take, with the programme's own records as choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jalon.finance.models import (
    Allocation,
    AppraisalCriterion,
    ApprovalRule,
    BudgetStatus,
    BudgetType,
    Channel,
    Contribution,
    Contributor,
    ConversionPolicy,
    EarmarkingModality,
    ExchangeRate,
    Fund,
    Rating,
    SourceType,
    Spending,
)
from jalon.organisations.models import Organisation
from jalon.results.models import Period, Result
from jalon.web.forms import ChoiceOfModel, ChoicesOfModel, date_field, decimal_field


def _currency():
    return forms.CharField(label=_("Currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD."))


class ContributionForm(forms.Form):
    fund = ChoiceOfModel(queryset=Fund.objects.none(), label=_("Fund"))
    contributor = ChoiceOfModel(queryset=Contributor.objects.select_related("organisation"), label=_("Contributor"))
    reference = forms.CharField(label=_("Agreement reference"), max_length=80, required=False)
    amount = decimal_field(_("Amount"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    value_date = date_field(_("Value date"))
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s, s.label) for s in (Contribution.Status.PLEDGED, Contribution.Status.SIGNED)]
    )
    modality = forms.ChoiceField(label=_("Earmarking modality"), choices=EarmarkingModality.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    results = ChoicesOfModel(queryset=Result.objects.none(), label=_("Earmarked for results"), required=False)
    conditions = forms.CharField(label=_("Conditions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reporting_obligations = forms.CharField(
        label=_("Reporting obligations"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(programme=programme)
        self.fields["results"].queryset = Result.objects.filter(programme=programme)


class ContributionEditForm(ContributionForm):
    """A contribution's terms; its status moves on its own page (signature, receipts, closing)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]


class AllocationForm(forms.Form):
    fund = ChoiceOfModel(queryset=Fund.objects.none(), label=_("Fund"))
    contribution = ChoiceOfModel(queryset=Contribution.objects.none(), label=_("From contribution"), required=False)
    result = ChoiceOfModel(queryset=Result.objects.none(), label=_("Result"), required=False)
    organisation = ChoiceOfModel(queryset=Organisation.objects.none(), label=_("Organisation"), required=False)
    period = ChoiceOfModel(queryset=Period.objects.none(), label=_("Period"))
    amount = decimal_field(_("Amount"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    status = forms.ChoiceField(label=_("Status"), choices=Allocation.Status.choices, initial=Allocation.Status.APPROVED)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(programme=programme)
        self.fields["contribution"].queryset = Contribution.objects.filter(programme=programme).select_related(
            "contributor__organisation"
        )
        self.fields["result"].queryset = Result.objects.filter(programme=programme)
        self.fields["organisation"].queryset = Organisation.objects.filter(contributor__isnull=True).order_by("pk")
        self.fields["period"].queryset = Period.objects.filter(programme=programme)


class AllocationEditForm(AllocationForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SpendingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Spending.Kind.choices)
    fund = ChoiceOfModel(queryset=Fund.objects.none(), label=_("Fund"))
    allocation = ChoiceOfModel(queryset=Allocation.objects.none(), label=_("Allocation"), required=False)
    result = ChoiceOfModel(queryset=Result.objects.none(), label=_("Result"), required=False)
    date = date_field(_("Date"))
    value_date = date_field(_("Value date"), required=False)
    amount = decimal_field(_("Amount"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    payee_name = forms.CharField(label=_("Payee"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(programme=programme)
        self.fields["allocation"].queryset = Allocation.objects.filter(programme=programme).select_related("fund")
        self.fields["result"].queryset = Result.objects.filter(programme=programme)


class ReverseForm(forms.Form):
    date = date_field(_("Date of the reversal"))
    note = forms.CharField(label=_("Why it is reversed"), max_length=300)


class RateForm(forms.Form):
    base = forms.CharField(label=_("From currency"), max_length=3)
    quote = forms.CharField(label=_("To currency"), max_length=3)
    date = date_field(_("Date"))
    rate = decimal_field(
        _("Rate"),
        max_digits=20,
        decimal_places=8,
        required=True,
        help_text=_("1 of the first = this many of the second."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeRate.Kind.choices)
    provenance = forms.CharField(label=_("Source"), max_length=300)


class ProposalForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300, required=False)
    results = ChoicesOfModel(queryset=Result.objects.none(), label=_("Outcomes served"), required=False)
    amount = decimal_field(_("Budget"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    donor = ChoiceOfModel(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DONOR).order_by("pk"),
        label=_("Donor targeted"),
        required=False,
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["results"].queryset = Result.objects.filter(programme=programme)


class AppraisalForm(forms.Form):
    """One rating and comment per criterion of the programme."""

    def __init__(self, *args, criteria: list[AppraisalCriterion], ratings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            current = ratings.get(criterion.pk)
            self.fields[f"rating_{criterion.pk}"] = forms.TypedChoiceField(
                label=str(criterion),
                choices=Rating.choices,
                coerce=int,
                initial=current.rating if current else Rating.SATISFACTORY,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, initial=current.comment if current else "",
                widget=forms.Textarea(attrs={"rows": 1}),
            )  # fmt: skip

    def ratings(self) -> dict:
        return {c: (self.cleaned_data[f"rating_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("finance-contributions", _("Contributions")), ("finance-spending", _("Commitments and expenditure"))],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx workbook or a .csv file, one row per entry; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


class RequirementForm(forms.Form):
    result = ChoiceOfModel(queryset=Result.objects.none(), label=_("Result"))
    period = ChoiceOfModel(queryset=Period.objects.none(), label=_("Period"))
    amount = decimal_field(_("Estimated cost"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    method = forms.CharField(
        label=_("Method of the estimate"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = Result.objects.filter(programme=programme)
        self.fields["period"].queryset = Period.objects.filter(programme=programme)


class BudgetForm(forms.Form):
    fund = ChoiceOfModel(queryset=Fund.objects.none(), label=_("Fund"), required=False)
    type = forms.TypedChoiceField(label=_("Type"), choices=BudgetType.choices, coerce=int)
    status = forms.TypedChoiceField(label=_("Status"), choices=BudgetStatus.choices, coerce=int)
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"))
    amount = decimal_field(_("Amount"), max_digits=16, decimal_places=2, required=True)
    currency = _currency()
    value_date = date_field(_("Value date"))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(programme=programme)


class PlannedDisbursementForm(BudgetForm):
    provider = ChoiceOfModel(
        queryset=Organisation.objects.filter(contributor__isnull=False).order_by("pk"),
        label=_("Provider"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]


class ReceiptForm(forms.Form):
    date = date_field(_("Date"))
    value_date = date_field(_("Value date"), required=False)
    amount = decimal_field(_("Amount"), max_digits=16, decimal_places=2, required=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FundingForm(forms.Form):
    fund = ChoiceOfModel(queryset=Fund.objects.none(), label=_("Fund"))
    contributor = ChoiceOfModel(queryset=Contributor.objects.select_related("organisation"), label=_("Contributor"))
    value_date = date_field(_("Value date"))
    reference = forms.CharField(label=_("Agreement reference"), max_length=80, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.DIRECT)
    modality = forms.ChoiceField(label=_("Earmarking modality"), choices=EarmarkingModality.choices, initial="I")

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(programme=programme)


class SettingsForm(forms.Form):
    currency = _currency()
    conversion_policy = forms.ChoiceField(label=_("Conversion policy"), choices=ConversionPolicy.choices)
    published = forms.BooleanField(
        label=_("Figures published"), required=False, help_text=_("The public sees the programme's aggregate figures.")
    )
    approval_rule = forms.ChoiceField(label=_("Approval rule of proposals"), choices=ApprovalRule.choices)
    baseline_period = ChoiceOfModel(
        queryset=Period.objects.none(), label=_("Baseline period of the resource gaps"), required=False
    )
    twinning_fund = ChoiceOfModel(
        queryset=Fund.objects.none(),
        label=_("Fund of twinning support"),
        required=False,
        help_text=_("A signed twinning arrangement's lead-funded support is committed from this fund."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline_period"].queryset = Period.objects.filter(programme=programme)
        self.fields["twinning_fund"].queryset = Fund.objects.filter(programme=programme)


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)


class ContributorForm(forms.Form):
    organisation = ChoiceOfModel(
        queryset=Organisation.objects.filter(contributor__isnull=True).order_by("pk"), label=_("Organisation")
    )
    source_type = ChoiceOfModel(queryset=SourceType.objects.all(), label=_("Source type"))


class ContributorEditForm(forms.Form):
    source_type = ChoiceOfModel(queryset=SourceType.objects.all(), label=_("Source type"))


class SourceTypeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
