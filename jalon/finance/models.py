"""The ledger of a programme's money (issue 13): funds, contributors, contributions and their receipts,
allocations, commitments and expenditure, IATI budgets and planned disbursements, resource requirements per
result, exchange rates, proposals and their quality appraisal.

Money is always a Decimal with its ISO 4217 code beside it (`amount`, `currency`); nothing here converts. A
posted receipt or expenditure is never edited: it is corrected by a reversing entry (`reverses`)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField, text_in
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.models import Period, Programme, Result


def money(verbose_name, **options) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **options)


def currency_field(verbose_name=None) -> models.CharField:
    return models.CharField(verbose_name or _("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD."))


class MoneyLine(models.Model):
    """A line of the ledger: an amount and its ISO 4217 currency, held once here. A line whose amount has a
    floor or another name redeclares `amount` (same column: the schema does not change)."""

    amount = money(_("amount"))
    currency = currency_field()

    class Meta:
        abstract = True


class ConversionPolicy(models.TextChoices):
    VALUE_DATE = "value_date", _("Rate at the value date (IATI)")
    MONTHLY = "monthly", _("Monthly average rate")
    FIXED = "fixed", _("Fixed operational rate")


class ApprovalRule(models.TextChoices):
    NO_ONE = "no_one", _("No criterion rated 1")
    NO_ONE_MEAN_TWO = "no_one_mean_two", _("No criterion rated 1 and a mean of at least 2")


class FinanceSettings(VersionedModel):
    """A programme's money settings: its currency, how other currencies are converted, whether its figures are
    published, the proposals' approval rule and the baseline period of the resource gaps."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="finance_settings")
    currency = currency_field(_("programme currency"))
    conversion_policy = models.CharField(
        _("conversion policy"), max_length=12, choices=ConversionPolicy.choices, default=ConversionPolicy.VALUE_DATE
    )
    published = models.BooleanField(
        _("figures published"), default=False, help_text=_("The public sees the programme's aggregate figures.")
    )
    approval_rule = models.CharField(
        _("approval rule"), max_length=20, choices=ApprovalRule.choices, default=ApprovalRule.NO_ONE
    )
    baseline_period = models.ForeignKey(
        Period,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("baseline period of the resource gaps"),
    )
    twinning_fund = models.ForeignKey(
        "Fund",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fund of twinning support"),
        help_text=_(
            "The fund that carries the support lead partners fund in twinning arrangements: a signed "
            "arrangement's support is committed from it. Empty: twinning support stays out of the ledger."
        ),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")

    def __str__(self) -> str:
        return f"{self.programme.code} ({self.currency})"


class Fund(VersionedModel):
    class Kind(models.TextChoices):
        REGULAR_BUDGET = "regular_budget", _("Regular budget")
        UNEARMARKED_VOLUNTARY = "unearmarked_voluntary", _("Unearmarked voluntary contributions")
        EARMARKED_VOLUNTARY = "earmarked_voluntary", _("Earmarked voluntary contributions")
        TRUST_FUND = "trust_fund", _("Trust fund")
        PARTNERSHIP = "partnership", _("Partnership")
        ADDITIONAL_APPROPRIATION = "additional_appropriation", _("Additional budget appropriation")

    VOLUNTARY = (Kind.UNEARMARKED_VOLUNTARY, Kind.EARMARKED_VOLUNTARY, Kind.TRUST_FUND, Kind.PARTNERSHIP)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funds")
    code = models.SlugField(_("code"), max_length=40)
    name = MultilingualField(_("name"), required=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    currency = currency_field()
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="fund_unique_code")]

    def __str__(self) -> str:
        return text_in(self.name) or self.code

    @property
    def voluntary(self) -> bool:
        return self.kind in self.VOLUNTARY


class SourceType(models.Model):
    """A kind of source of funds (Res. 44 programme 4's list by default; configurable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = MultilingualField(_("name"), required=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("source type")
        verbose_name_plural = _("source types")

    def __str__(self) -> str:
        return text_in(self.name) or self.code


class Contributor(models.Model):
    """An organisation that gives money, with its source type."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="contributor", verbose_name=_("organisation")
    )
    source_type = models.ForeignKey(
        SourceType, on_delete=models.PROTECT, related_name="contributors", verbose_name=_("source type")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self) -> str:
        return str(self.organisation)


class EarmarkingModality(models.TextChoices):
    """IATI EarmarkingModality (non-embedded codelist), with its category (1 to 4) in CATEGORY."""

    A = "A", _("A: Fully flexible core contribution")
    B = "B", _("B: Contributions to a single-agency thematic fund")
    C = "C", _("C: Core contribution to a multi-agency pooled fund")
    D = "D", _("D: Core contribution with limitations")
    E = "E", _("E: Directed to a region or strategic objective")
    F = "F", _("F: Country-based pooled fund")
    G = "G", _("G: Directed to country operations")
    H = "H", _("H: Directed to a sub-objective or thematic programme")
    I = "I", _("I: Specific project")  # noqa: E741 (the codelist's own letter)
    J = "J", _("J: Geographically and thematically tied")
    K = "K", _("K: In-kind contribution")
    L = "L", _("L: Donor-initiated project")


# Category 1 unearmarked, 2 softly earmarked, 3 earmarked, 4 tightly earmarked (codelists.codeforiati.org).
EARMARKING_CATEGORY = {"A": 1, "B": 2, "C": 2, "D": 2, "E": 2, "F": 2, "G": 3, "H": 3, "I": 4, "J": 4, "K": 4, "L": 4}


class Channel(models.TextChoices):
    """How a voluntary contribution was mobilised (seed 004, indicator 1.2)."""

    RBSA = "rbsa", _("Regular budget supplementary account (RBSA)")
    PARTNERSHIP = "partnership", _("Quality partnership agreement")
    ONE_UN = "one_un", _("One UN / Delivering as One fund")
    DIRECT = "direct", _("Direct support to projects aligned on the results framework")
    OTHER = "other", _("Other channel")


ALIGNED_CHANNELS = (Channel.RBSA, Channel.PARTNERSHIP, Channel.ONE_UN, Channel.DIRECT)


class Contribution(VersionedModel, MoneyLine):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        SIGNED = "signed", _("Signed")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CLOSED = "closed", _("Closed")

    # Statuses at which the money is agreed (counted as available).
    AGREED = (Status.SIGNED, Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CLOSED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contributions")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("fund"))
    contributor = models.ForeignKey(
        Contributor, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("contributor")
    )
    reference = models.CharField(_("agreement reference"), max_length=80, blank=True)
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    value_date = models.DateField(_("value date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLEDGED)
    modality = models.CharField(
        _("earmarking modality"), max_length=1, choices=EarmarkingModality.choices, default=EarmarkingModality.A
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.OTHER)
    results = models.ManyToManyField(
        Result, blank=True, related_name="contributions", verbose_name=_("earmarked for results")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="contributions", verbose_name=_("earmarked for countries")
    )
    themes = models.JSONField(_("earmarked for themes"), default=list, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reporting_obligations = models.TextField(_("reporting obligations"), blank=True)
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "value_date", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.contributor} {self.amount} {self.currency} ({self.reference or self.value_date})"

    @property
    def earmarking_category(self) -> int:
        return EARMARKING_CATEGORY[self.modality]


class Receipt(MoneyLine):
    """An instalment received on a contribution (IATI transaction type 1, incoming funds). Posted, never
    edited: a reversing receipt (negative, `reverses` set) corrects it."""

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="receipts")
    date = models.DateField(_("date"))
    value_date = models.DateField(_("value date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contribution", "date", "pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.date}"


class Allocation(VersionedModel, MoneyLine):
    """Money of a fund (optionally of one contribution) put at the disposal of a result, an activity or an
    organisation for a period."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("allocation", "Planned")
        APPROVED = "approved", pgettext_lazy("allocation", "Approved")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="allocations")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("fund"))
    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("from contribution"),
    )
    result = models.ForeignKey(
        Result, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations", verbose_name=_("result")
    )
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("activity"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    theme = models.CharField(_("theme"), max_length=80, blank=True)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("period"))
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "period", "pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.fund}: {self.amount} {self.currency}"


class Spending(MoneyLine):
    """A commitment (IATI 2, outgoing commitment) or an expenditure (IATI 4; or a disbursement, 3), linked to
    what it paid for. Posted, never edited: a reversing entry corrects it."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        DISBURSEMENT = "disbursement", _("Disbursement")
        EXPENDITURE = "expenditure", _("Expenditure")

    SPENT = (Kind.DISBURSEMENT, Kind.EXPENDITURE)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="spendings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="spendings", verbose_name=_("fund"))
    allocation = models.ForeignKey(
        Allocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("allocation"),
    )
    result = models.ForeignKey(
        Result, on_delete=models.PROTECT, null=True, blank=True, related_name="spendings", verbose_name=_("result")
    )
    date = models.DateField(_("date"))
    value_date = models.DateField(_("value date"))
    payee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payee")
    )
    payee_name = models.CharField(_("payee name"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("activity"),
    )
    sponsorship = models.ForeignKey(
        "support.Sponsorship",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("sponsorship"),
    )
    fellowship = models.ForeignKey(
        "support.Fellowship",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("fellowship"),
    )
    arrangement = models.ForeignKey(
        "twinning.Arrangement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spendings",
        verbose_name=_("twinning arrangement"),
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "date", "pk"]
        verbose_name = _("commitment or expenditure")
        verbose_name_plural = _("commitments and expenditure")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} {self.date}"


class BudgetType(models.IntegerChoices):
    ORIGINAL = 1, _("Original")
    REVISED = 2, _("Revised")


class BudgetStatus(models.IntegerChoices):
    INDICATIVE = 1, _("Indicative")
    COMMITTED = 2, _("Committed")


class Budget(MoneyLine):
    """An IATI budget of the programme (or of one fund) for a period of at most a year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets")
    type = models.PositiveSmallIntegerField(_("type"), choices=BudgetType.choices, default=BudgetType.ORIGINAL)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value_date = models.DateField(_("value date"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "period_start", "pk"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="budget_dates")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.period_start}-{self.period_end}"


class PlannedDisbursement(MoneyLine):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="planned_disbursements")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    type = models.PositiveSmallIntegerField(_("type"), choices=BudgetType.choices, default=BudgetType.ORIGINAL)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value_date = models.DateField(_("value date"))
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("provider")
    )
    receiver = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("receiver")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "period_start", "pk"]
        verbose_name = _("planned disbursement")
        verbose_name_plural = _("planned disbursements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="planned_disbursement_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.period_start}-{self.period_end}"


class ResourceRequirement(VersionedModel, MoneyLine):
    """What a result is estimated to need in a period, with how the estimate was made."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="requirements")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("period"))
    amount = money(_("estimated cost"), validators=[MinValueValidator(Decimal(0))])
    method = models.TextField(_("method of the estimate"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["result", "period"]
        verbose_name = _("resource requirement")
        verbose_name_plural = _("resource requirements")
        constraints = [models.UniqueConstraint(fields=["result", "period"], name="requirement_unique_period")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ExchangeRate(models.Model):
    """1 `base` = `rate` `quote` on `date` (for a monthly rate: the first day of its month; for a fixed parity:
    the day it took effect, in force until `valid_to`, or still in force if empty)."""

    class Source(models.TextChoices):
        ECB = "ecb", _("European Central Bank reference rate")
        CURATED = "curated", _("Curated file")
        MANUAL = "manual", _("Entered by hand")
        OPERATIONAL = "operational", _("Fixed operational rate")

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily")
        MONTHLY = "monthly", _("Monthly")
        OPERATIONAL = "operational", _("Operational")
        PEG = "peg", _("Fixed parity")

    base = models.CharField(_("from currency"), max_length=3)
    quote = models.CharField(_("to currency"), max_length=3)
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8, validators=[MinValueValidator(Decimal(0))])
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DAILY)
    provenance = models.CharField(_("provenance"), max_length=300, blank=True)
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base", "quote", "-date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "date", "source", "kind"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        indexes = [models.Index(fields=["base", "quote", "kind", "date"])]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.date}, {self.get_source_display()})"


class Proposal(VersionedModel, MoneyLine):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("proposal", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")
        IN_APPRAISAL = "in_appraisal", _("In appraisal")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        APPROVED = "approved", pgettext_lazy("proposal", "Approved")
        SENT_TO_DONOR = "sent_to_donor", _("Sent to the donor")
        FUNDED = "funded", _("Funded")
        DECLINED = "declined", pgettext_lazy("proposal", "Declined")

    # Reached approval (and so counts in indicator 2.1's denominator).
    APPROVED_OR_LATER = (Status.APPROVED, Status.SENT_TO_DONOR, Status.FUNDED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    title = MultilingualField(_("title"), required=True)
    results = models.ManyToManyField(Result, blank=True, related_name="proposals", verbose_name=_("outcomes served"))
    amount = money(_("budget"), validators=[MinValueValidator(Decimal(0))])
    donor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("donor targeted"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Approved through the quality appraisal (every criterion rated, the rule met), rather than waived.
    appraised = models.BooleanField(_("approved through the appraisal"), default=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return text_in(self.title)


class AppraisalCriterion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="appraisal_criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = MultilingualField(_("name"), required=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = _("appraisal criterion")
        verbose_name_plural = _("appraisal criteria")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="criterion_unique_code")]

    def __str__(self) -> str:
        return text_in(self.name) or self.code


class Rating(models.IntegerChoices):
    NOT_RELEVANT = 0, _("Not relevant")
    UNSATISFACTORY = 1, _("1 Unsatisfactory")
    SATISFACTORY = 2, _("2 Satisfactory")
    HIGH = 3, _("3 High")


class AppraisalRating(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(AppraisalCriterion, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["proposal", "criterion"], name="rating_unique_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating}"
