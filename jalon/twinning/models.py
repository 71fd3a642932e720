"""Twinning (ISO): a lead member gives advice, expertise and training to a twinned member on one committee,
in one of four kinds; the arrangement goes from proposal to agreement to activity and review. Its quarterly
meetings and annual reviews are recorded here; its outcomes are not typed: they are read from the committees
module's participation history (selectors.arrangement_outcomes). The recommender's weights are programme
settings (`TwinningSettings`)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.committees.models import Committee, LeadershipRole
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency
from jalon.results.models import Programme


class Kind(models.TextChoices):
    P_MEMBER = "p_member", _("P-membership twinning")
    CONVENOR = "convenor", _("Convenor and co-convenor twinning")
    CHAIR = "chair", _("Chair and vice-chair twinning")
    SECRETARIAT = "secretariat", _("Secretariat and co-secretariat twinning")


LEADERSHIP_KINDS = frozenset({Kind.CONVENOR, Kind.CHAIR, Kind.SECRETARIAT})

# The committee role the lead must hold for each kind (ISO guidance): for P-membership twinning the lead is a
# P-member (or runs the secretariat); for the leadership kinds it holds the role being shared.
LEAD_ROLES = {
    Kind.CONVENOR: (LeadershipRole.Role.CONVENOR,),
    Kind.CHAIR: (LeadershipRole.Role.CHAIR,),
    Kind.SECRETARIAT: (LeadershipRole.Role.SECRETARIAT,),
}
# The roles a twinned member gains in each kind (its co- role), and every role counted as an outcome.
GAINED_ROLES = {
    Kind.CONVENOR: (LeadershipRole.Role.CO_CONVENOR, LeadershipRole.Role.CONVENOR),
    Kind.CHAIR: (LeadershipRole.Role.VICE_CHAIR, LeadershipRole.Role.CHAIR),
    Kind.SECRETARIAT: (LeadershipRole.Role.CO_SECRETARIAT, LeadershipRole.Role.SECRETARIAT),
}


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PARTNER_IDENTIFIED = "partner_identified", _("Partner identified")
    NOMINEE_APPROVED = "nominee_approved", _("Nominee approved")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    ACTIVE = "active", _("Active")
    IN_REVIEW = "in_review", _("In review")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


OPEN_STATUSES = (
    Status.PROPOSED,
    Status.PARTNER_IDENTIFIED,
    Status.NOMINEE_APPROVED,
    Status.AGREEMENT_SIGNED,
    Status.ACTIVE,
    Status.IN_REVIEW,
)
RUNNING_STATUSES = (Status.ACTIVE, Status.IN_REVIEW)


def _money(verbose_name, **options) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **options
    )


class Arrangement(VersionedModel):
    class Support(models.TextChoices):
        NONE = "none", _("No financial support")
        LEAD_FUNDED = "lead_funded", _("Funded by the lead partner")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="twinning_arrangements", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="twinning_arrangements", verbose_name=_("committee")
    )
    twinned_member = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="twinned_arrangements", verbose_name=_("twinned member")
    )
    lead_member = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_arrangements",
        verbose_name=_("lead member"),
        help_text=_("Empty while the partner is being sought."),
    )
    lead_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead person"),
        help_text=_("Leadership kinds: the lead's convenor, chair or secretary."),
    )
    twinned_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("twinned person"),
        help_text=_("Leadership kinds: the twinned member's nominee (co-convenor, vice-chair, co-secretary)."),
    )
    objectives = MultilingualField(_("objectives"))
    # A string reference, not an import: assessments sits on twinning's layer. The sector is one of the twinned
    # member's current national strategy (services check it through the committees app's priorities registry).
    priority_sector = models.ForeignKey(
        "assessments.PrioritySector",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("national priority sector"),
        help_text=_("A priority sector of the twinned member's national standardization strategy."),
    )
    priorities = models.TextField(
        _("national priorities served"),
        blank=True,
        help_text=_("The twinned member's national standardization priorities these objectives serve."),
    )
    financial_support = models.CharField(
        _("financial support"), max_length=20, choices=Support.choices, default=Support.NONE
    )
    support_amount = _money(_("amount of support"), null=True, blank=True)
    support_currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("currency")
    )
    agreement = models.FileField(_("signed agreement"), upload_to="twinning/agreements/%Y/", blank=True)
    signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    manager_notified_on = models.DateField(
        _("committee manager notified on"),
        null=True,
        blank=True,
        help_text=_("The date the lead sent the signed copy to the committee's manager (ISO/CS TPM)."),
    )
    nominee_approved_on = models.DateField(_("nominee approved on"), null=True, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("twinning arrangement")
        verbose_name_plural = _("twinning arrangements")
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["lead_member", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="twinning_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(lead_member=models.F("twinned_member")), name="twinning_not_self"
            ),
        ]

    def __str__(self) -> str:
        lead = self.lead_member.acronym if self.lead_member_id and self.lead_member else "?"
        return f"{self.committee} · {lead} → {self.twinned_member.acronym or self.twinned_member}"

    def get_absolute_url(self) -> str:
        return reverse("twinning:arrangement_detail", kwargs={"pk": self.pk})

    @property
    def is_leadership(self) -> bool:
        return self.kind in LEADERSHIP_KINDS


class TwinningMeeting(VersionedModel):
    """One of the quarterly meetings of the agreement's communication clause."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("arrangement")
    )
    date = models.DateField(_("date"), db_index=True)
    mode = models.CharField(_("format"), max_length=10, choices=Mode.choices, default=Mode.VIRTUAL)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("attendees"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("twinning meeting")
        verbose_name_plural = _("twinning meetings")

    def __str__(self) -> str:
        return f"{self.arrangement} {self.date:%Y-%m-%d}"


class AnnualReview(VersionedModel):
    """The periodic (annual) review of the agreement's clause E."""

    class Rating(models.IntegerChoices):
        UNSATISFACTORY = 1, _("1 · Unsatisfactory")
        PARTLY = 2, _("2 · Partly satisfactory")
        SATISFACTORY = 3, _("3 · Satisfactory")
        EXCELLENT = 4, _("4 · Excellent")

    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("arrangement")
    )
    date = models.DateField(_("date"), db_index=True)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    narrative = MultilingualField(_("narrative"), required=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")

    def __str__(self) -> str:
        return f"{self.arrangement} {self.date:%Y-%m-%d}"


def _weight(verbose_name, default: str, **options) -> models.DecimalField:
    if options.get("null"):
        options.setdefault(
            "help_text", _("Empty: 1 when a bilateral trade file is loaded, 0 while none is (trade is then ignored).")
        )
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=None if options.get("null") else Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **options,
    )


class TwinningSettings(models.Model):
    """A programme's settings for twinning: the recommender's weights and the follow-up rules. A programme
    without a row uses the defaults below."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="twinning_settings", verbose_name=_("programme")
    )
    twinned_committees = _weight(_("twinned side: committees"), "1")
    twinned_language = _weight(_("twinned side: shared language"), "1")
    twinned_region = _weight(_("twinned side: region"), "1")
    lead_interest = _weight(_("lead side: committees it runs with few P-members"), "1")
    lead_language = _weight(_("lead side: shared language"), "1")
    lead_region = _weight(_("lead side: region"), "1")
    # Empty: 1 once a trade file is loaded, 0 before (jalon import_trade; selectors.trade_weights).
    twinned_trade = _weight(_("twinned side: trade links"), "0", null=True, blank=True)
    lead_trade = _weight(_("lead side: trade links"), "0", null=True, blank=True)
    observer_bonus = _weight(_("bonus for committees already observed (β)"), "1")
    load_damping = _weight(_("lead load damping (κ)"), "3")
    overdue_days = models.PositiveSmallIntegerField(
        _("days without a meeting before communication is overdue"),
        default=100,
        validators=[MinValueValidator(30), MaxValueValidator(400)],
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up window after the end (months)"),
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("twinning settings")
        verbose_name_plural = _("twinning settings")

    def __str__(self) -> str:
        return str(self.programme)


class TradeFile(models.Model):
    """One load of the bilateral trade file (twinning.trade): what was read. The latest one's flows are the
    trade data; each load replaces the flows of the one before."""

    name = models.CharField(_("file name"), max_length=255)
    source = models.CharField(_("source"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows_read = models.PositiveIntegerField(_("rows read"))
    flows = models.PositiveIntegerField(_("reporter, partner and year triples"))
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    skipped = models.PositiveIntegerField(_("rows skipped (aggregates, re-exports)"), default=0)
    note = models.TextField(_("aggregate codes skipped"), blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        verbose_name = _("trade file")
        verbose_name_plural = _("trade files")

    def __str__(self) -> str:
        return f"{self.source or self.name} {self.first_year}-{self.last_year}"


class TradeFlow(models.Model):
    """Goods traded in a year as the reporter declared it (its imports from and exports to the partner, in US
    dollars), from the latest trade file."""

    reporter = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("reporter"))
    partner = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    year = models.PositiveSmallIntegerField(_("year"))
    value_usd = models.DecimalField(_("value (US dollars)"), max_digits=18, decimal_places=0)

    class Meta:
        verbose_name = _("trade flow")
        verbose_name_plural = _("trade flows")
        indexes = [models.Index(fields=["year"])]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "partner", "year"], name="twinning_trade_flow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id}->{self.partner_id} {self.year}"
