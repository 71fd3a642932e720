"""Support for committee meetings: ISO sponsorships and ITU fellowships, the eligibility rules that decide
them (configured per programme and scheme in the database), the yearly list of Member States eligible for
ITU fellowships, and the budgets their awards are drawn from.

Rule *kinds* (what a rule checks and how) are code, in rules.py, which registers them in rule_kinds.py;
which rules apply to a programme, with which parameters, in which order and with which outcome on failure,
is data (`EligibilityRule`). This module holds data only: it reads the registry, never rules.py (which
evaluates applications and imports these models)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.accounts.versioning import VersionedModel
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency
from jalon.results.models import Programme
from jalon.support.rule_kinds import Outcome, cleaned_rule_params, kind_title

ZERO = Decimal("0")


def money(verbose_name, **options) -> models.DecimalField:
    """An amount of money: never negative, to the cent."""
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)], **options
    )


class Scheme(models.TextChoices):
    ISO_SPONSORSHIP = "iso_sponsorship", _("ISO sponsorship")
    ITU_FELLOWSHIP = "itu_fellowship", _("ITU fellowship")


class EligibilityRule(models.Model):
    """One rule applied to one scheme's applications: for a programme, or (programme empty) the default for
    every programme that configures none of its own."""

    scheme = models.CharField(pgettext_lazy("support", "scheme"), max_length=20, choices=Scheme.choices)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="eligibility_rules",
        verbose_name=_("programme"),
        help_text=_("Empty: the default rules, for programmes that have none of their own for this scheme."),
    )
    kind = models.CharField(_("rule"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    outcome = models.CharField(_("on failure"), max_length=10, choices=Outcome.choices, default=Outcome.REFUSE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["scheme", "programme_id", "order", "pk"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind"],
                condition=models.Q(programme__isnull=True),
                name="rule_default_unique",
                violation_error_message=_("This rule is already among the default rules of this scheme."),
            ),
            models.UniqueConstraint(
                fields=["scheme", "programme", "kind"],
                condition=models.Q(programme__isnull=False),
                name="rule_programme_unique",
                violation_error_message=_("This rule is already configured for this programme and scheme."),
            ),
        ]

    def __str__(self) -> str:
        return kind_title(self.kind)

    def clean(self):
        self.params = cleaned_rule_params(scheme=self.scheme, kind_key=self.kind, params=self.params)


class FellowshipEligibility(models.Model):
    """A Member State on the yearly list of those eligible for ITU fellowships: data, not a formula."""

    year = models.PositiveSmallIntegerField(_("year"))
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="fellowship_eligibility", verbose_name=_("country")
    )
    source = models.CharField(_("source"), max_length=250, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("A made-up list for the demo, not ITU's published list.")
    )

    class Meta:
        ordering = ["-year", KeyTextTransform("en", "country__name")]
        verbose_name = _("fellowship eligibility")
        verbose_name_plural = _("fellowship eligibility lists")
        constraints = [models.UniqueConstraint(fields=["year", "country"], name="fellowship_eligibility_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.country.iso3}"


class SupportBudget(models.Model):
    """What a programme may spend on one scheme's awards in a year, in one currency."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="support_budgets", verbose_name=_("programme")
    )
    scheme = models.CharField(pgettext_lazy("support", "scheme"), max_length=20, choices=Scheme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency"))
    amount = money(_("amount"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "scheme", "-year"]
        verbose_name = _("support budget")
        verbose_name_plural = _("support budgets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "scheme", "year", "currency"], name="support_budget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.get_scheme_display()} {self.year}: {self.amount} {self.currency.code}"


class Award(VersionedModel):
    """What sponsorships and fellowships share: who, which meeting, the money, the rule results, the lock."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant organisation")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("candidate"))
    meeting = models.ForeignKey(
        "committees.Meeting", on_delete=models.PROTECT, related_name="+", verbose_name=_("meeting")
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency"))
    estimated_travel = money(_("estimated travel"), default=ZERO)
    estimated_allowance = money(_("estimated daily allowance"), default=ZERO)
    estimated_other = money(_("estimated other costs"), default=ZERO)
    actual_travel = money(_("actual travel"), null=True, blank=True)
    actual_allowance = money(_("actual daily allowance"), null=True, blank=True)
    actual_other = money(_("actual other costs"), null=True, blank=True)
    # The last evaluation of the eligibility rules (rules.Evaluation.as_json), kept so the page shows what
    # the decision was based on even after the data or the rules change (rules.stored_evaluation reads it).
    rule_results = models.JSONField(_("rule results"), default=list, blank=True)
    evaluated_at = models.DateTimeField(_("rules evaluated"), null=True, blank=True)
    # Why this person at this meeting: what the member expects of the participation (read by the reviewer).
    motivation = models.TextField(_("motivation"), blank=True, max_length=4000)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    refusal_reasons = models.TextField(_("reasons for refusal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def estimated_total(self) -> Decimal:
        return self.estimated_travel + self.estimated_allowance + self.estimated_other

    @property
    def actual_total(self) -> Decimal | None:
        parts = [self.actual_travel, self.actual_allowance, self.actual_other]
        if all(part is None for part in parts):
            return None
        return sum((part or ZERO for part in parts), ZERO)


class Sponsorship(Award):
    """An NSB's application to sponsor one of its experts at an ISO committee meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHECKED = "checked", _("Checked")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        TRAVEL_ARRANGED = "travel_arranged", _("Travel arranged")
        ATTENDED = "attended", _("Attended")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")

    class Mirror(models.TextChoices):
        EXISTS = "exists", _("A national mirror committee exists")
        PLANNED = "planned", _("A national mirror committee is planned")
        NONE = "none", _("No national mirror committee")

    class MirrorRole(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        EXPERT = "expert", _("Member (expert)")
        NONE = "none", _("No role")

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    mirror_committee = models.CharField(
        _("national mirror committee"), max_length=10, choices=Mirror.choices, default=Mirror.EXISTS
    )
    mirror_role = models.CharField(
        _("candidate's role in the mirror committee"),
        max_length=10,
        choices=MirrorRole.choices,
        default=MirrorRole.NONE,
    )
    training = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pre-meeting training"),
    )
    delegate = models.ForeignKey(
        "committees.MeetingDelegate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting delegate"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    report_text = models.TextField(_("report"), blank=True)
    report_file = models.FileField(_("report file"), upload_to="support/reports/%Y/", blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True)
    # When the reminder that the report is due went (support.mail): never twice.
    report_reminded_at = models.DateTimeField(_("report reminder sent"), null=True, blank=True, editable=False)

    scheme = Scheme.ISO_SPONSORSHIP

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return _("Sponsorship %(id)s: %(person)s") % {"id": self.pk or "-", "person": self.person}

    def get_absolute_url(self) -> str:
        return reverse("support:sponsorship_detail", kwargs={"pk": self.pk})


class Fellowship(Award):
    """A request for an ITU fellowship for a delegate of a Member State at an ITU meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Awarded")
        REFUSED = "refused", _("Refused")

    class Kind(models.TextChoices):
        FULL = "full", _("Full fellowship")
        PARTIAL = "partial", _("Partial fellowship")

    class Part(models.TextChoices):
        TICKET = "ticket", _("Air ticket")
        ALLOWANCE = "allowance", _("Daily subsistence allowance")

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("Member State"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FULL)
    partial_part = models.CharField(_("partial fellowship covers"), max_length=10, choices=Part.choices, blank=True)
    financial_year = models.PositiveSmallIntegerField(_("financial year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    scheme = Scheme.ITU_FELLOWSHIP

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fellowship")
        verbose_name_plural = _("fellowships")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["country", "meeting", "status"]),
            models.Index(fields=["person", "financial_year", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="full") & models.Q(partial_part=""))
                | (models.Q(kind="partial") & ~models.Q(partial_part="")),
                name="fellowship_partial_part_matches_kind",
                violation_error_message=_(
                    "A partial fellowship covers the air ticket or the daily allowance; a full one covers both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Fellowship %(id)s: %(person)s") % {"id": self.pk or "-", "person": self.person}

    def get_absolute_url(self) -> str:
        return reverse("support:fellowship_detail", kwargs={"pk": self.pk})

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.PARTIAL and self.partial_part:
            return f"{self.get_kind_display()} ({self.get_partial_part_display()})"
        return self.get_kind_display()


# Either kind of application, where both are handled alike.
Application = Sponsorship | Fellowship

# Statuses in which an award counts against quotas and budgets.
SPONSORSHIP_AWARDED = (
    Sponsorship.Status.APPROVED,
    Sponsorship.Status.TRAVEL_ARRANGED,
    Sponsorship.Status.ATTENDED,
    Sponsorship.Status.REPORT_SUBMITTED,
)
FELLOWSHIP_AWARDED = (Fellowship.Status.APPROVED,)
# Requests still in play also count against the ITU per-meeting and per-person limits: a third partial
# request must be refused even while the first two wait for a decision.
FELLOWSHIP_COUNTED = (Fellowship.Status.SUBMITTED, Fellowship.Status.APPROVED)
