"""GSP self-assessment: a versioned question bank (framework, sections, questions, answer sets, mappings
between versions), assessments of an organisation for a period with their answers, evidence and peer
findings, and the improvement plans that follow them (areas chosen from weak sections, actions).

Scores are not stored: they are computed from the answers (scoring.py), so that a corrected answer or a
revised band can never leave a stale score behind."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField, text_in
from jalon.organisations.models import Organisation, Person

ZERO, ONE = Decimal("0"), Decimal("1")


def default_bands() -> list:
    """Maturity bands: the lowest score each band starts at (ascending)."""
    return [
        {"min": "0", "code": "L1", "label": {"en": "Initial", "fr": "Initial"}},
        {"min": "0.25", "code": "L2", "label": {"en": "Developing", "fr": "En développement"}},
        {"min": "0.5", "code": "L3", "label": {"en": "Established", "fr": "Établi"}},
        {"min": "0.75", "code": "L4", "label": {"en": "Advanced", "fr": "Avancé"}},
    ]


class Framework(models.Model):
    """One version of a question bank (e.g. GSP v2). A published version is not edited: a revision is a
    new version, with a mapping from the previous one's questions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    title = MultilingualField(_("title"), required=True, max_length=250)
    description = MultilingualField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    coverage_threshold = models.DecimalField(
        _("coverage threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(ONE)],
        help_text=_("A section answered below this share is incomplete and not ranked."),
    )
    bands = models.JSONField(_("maturity bands"), default=default_bands)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions", verbose_name=_("previous")
    )
    source = models.CharField(_("source file"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # The edit version of the maturity bands (`version` is the bank's version number, not an edit counter):
    # an edit of the bands made from an older page is refused.
    bands_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assessment_framework_version")]

    def __str__(self) -> str:
        return f"{text_in(self.title)} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:bank", kwargs={"code": self.code, "version": self.version})


class AnswerSet(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="answer_sets")
    code = models.SlugField(_("code"), max_length=40)
    title = MultilingualField(_("title"), required=True)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_answer_set_code")]

    def __str__(self) -> str:
        return text_in(self.title)


class AnswerOption(models.Model):
    answer_set = models.ForeignKey(AnswerSet, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = MultilingualField(_("label"), required=True)
    value = models.DecimalField(
        _("value"), max_digits=4, decimal_places=3, validators=[MinValueValidator(ZERO), MaxValueValidator(ONE)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["answer_set", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["answer_set", "code"], name="assessment_option_code")]

    def __str__(self) -> str:
        return text_in(self.label)


class Section(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=40)
    title = MultilingualField(_("title"), required=True)
    description = MultilingualField(_("description"))
    gsp_clauses = models.JSONField(_("GSP clauses"), default=list, blank=True)
    tbt_paragraphs = models.JSONField(_("TBT Annex 3 paragraphs"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_section_code")]

    def __str__(self) -> str:
        return text_in(self.title)


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=40)
    text = MultilingualField(_("question"), required=True)
    guidance = MultilingualField(_("guidance"))
    evidence_expected = models.JSONField(_("evidence expected"), default=list, blank=True)
    answer_set = models.ForeignKey(AnswerSet, on_delete=models.PROTECT, related_name="questions")
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=ONE)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    applies_to = models.JSONField(
        _("applies to"), default=list, blank=True, help_text=_("Kinds of organisation; empty: all.")
    )
    gsp_clauses = models.JSONField(_("GSP clauses"), default=list, blank=True)
    tbt_paragraphs = models.JSONField(_("TBT Annex 3 paragraphs"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="assessment_question_code")]

    def __str__(self) -> str:
        return f"{self.code} {text_in(self.text)}"

    def applies(self, organisation: Organisation) -> bool:
        return not self.applies_to or organisation.kind in self.applies_to


class QuestionMapping(models.Model):
    """A question of a later version that continues one of an earlier version (renamed, reworded, split or
    merged): the comparison pairs them, `factor` scales the old value (1: same meaning)."""

    source = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mapped_to")
    target = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mapped_from")
    factor = models.DecimalField(_("factor"), max_digits=4, decimal_places=3, default=ONE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="assessment_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.source.code} -> {self.target.code}"


class Assessment(VersionedModel):
    class Mode(models.TextChoices):
        SELF = "self", _("Self-assessment")
        PEER = "peer", _("Peer assessment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Published")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("organisation")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("question bank")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.SELF)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("review note"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    COUNTED = (Status.VALIDATED, Status.PUBLISHED)

    class Meta:
        ordering = ["organisation_id", "-period_end", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="assessment_period_order",
                violation_error_message=_("The period ends before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period_start.year}-{self.period_end.year} ({self.framework})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})


class Answer(models.Model):
    class Confidence(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="assessments/evidence/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True, max_length=500)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "question__section__order", "question__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="assessment_answer_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_id}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file) or bool(self.evidence_link)


class Finding(VersionedModel):
    """A peer assessor's finding, with the corrective action it calls for."""

    class Kind(models.TextChoices):
        NONCONFORMITY = "nonconformity", _("Nonconformity")
        CONCERN = "concern", _("Concern")
        COMMENT = "comment", _("Comment")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("question")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("finding"))
    corrective_action = models.TextField(_("corrective action"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ImprovementArea(VersionedModel):
    """A weak section the organisation chose to improve, with the score it aims for."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="areas")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+", verbose_name=_("section"))
    target_score = models.DecimalField(
        _("target score"), max_digits=4, decimal_places=3, validators=[MinValueValidator(ZERO), MaxValueValidator(ONE)]
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["assessment", "priority", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "section"], name="assessment_area_unique")]

    def __str__(self) -> str:
        return text_in(self.section.title)


class ImprovementAction(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    area = models.ForeignKey(ImprovementArea, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    owner_name = models.CharField(_("owner (name)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jalon activity"),
    )
    link = models.URLField(
        _("other link"),
        blank=True,
        max_length=500,
        help_text=_("A twinning arrangement, a resource or an expert's page."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


# NSB financial sustainability ------------------------------------------------------------------------------


def money(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )


REVENUE_STREAMS = (
    ("revenue_government", _("Government subvention")),
    ("revenue_standards_sales", _("Sales of standards")),
    ("revenue_certification", _("Certification, testing and inspection")),
    ("revenue_training", _("Training")),
    ("revenue_membership", _("Membership fees")),
    ("revenue_projects", _("Projects and donors")),
    ("revenue_other", _("Other revenue")),
)
COST_KINDS = (
    ("cost_staff", _("Staff")),
    ("cost_international", _("International participation (fees, travel)")),
    ("cost_standards_development", _("Standards development")),
    ("cost_it", _("Information technology")),
    ("cost_other", _("Other costs")),
)


class FinancialProfile(VersionedModel):
    """An NSB's finances for one fiscal year, in one currency."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financial_profiles", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(1950), MaxValueValidator(2200)]
    )
    currency = models.ForeignKey(
        "reference.Currency", on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )
    revenue_government = money(_("Government subvention"))
    revenue_standards_sales = money(_("Sales of standards"))
    revenue_certification = money(_("Certification, testing and inspection"))
    revenue_training = money(_("Training"))
    revenue_membership = money(_("Membership fees"))
    revenue_projects = money(_("Projects and donors"))
    revenue_other = money(_("Other revenue"))
    cost_staff = money(_("Staff"))
    cost_international = money(_("International participation (fees, travel)"))
    cost_standards_development = money(_("Standards development"))
    cost_it = money(_("Information technology"))
    cost_other = money(_("Other costs"))
    reserves = money(_("Reserves"))
    participation_needed = money(_("Cost of the current P-memberships"))
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["organisation_id", "-year"]
        verbose_name = _("financial profile")
        verbose_name_plural = _("financial profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="assessment_financial_profile_year",
                violation_error_message=_("This organisation already has a profile for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:profile_detail", kwargs={"pk": self.pk})


class RatioThreshold(VersionedModel):
    """A programme's thresholds for one ratio: where medium and high risk start. `higher_is_worse`: for the
    revenue concentration; the other ratios are worse when lower."""

    class Ratio(models.TextChoices):
        CONCENTRATION = "concentration", _("Revenue concentration (Herfindahl index)")
        RESERVES = "reserves_months", _("Months of reserves")
        COST_RECOVERY = "cost_recovery", _("Cost recovery of standards development")
        PARTICIPATION = "participation_funding", _("Funding of international participation")

    programme = models.ForeignKey(
        "results.Programme", on_delete=models.CASCADE, related_name="ratio_thresholds", verbose_name=_("programme")
    )
    ratio = models.CharField(_("ratio"), max_length=30, choices=Ratio.choices)
    medium = models.DecimalField(_("medium risk from"), max_digits=8, decimal_places=3)
    high = models.DecimalField(_("high risk from"), max_digits=8, decimal_places=3)

    class Meta:
        ordering = ["programme", "ratio"]
        constraints = [models.UniqueConstraint(fields=["programme", "ratio"], name="assessment_threshold_unique")]

    def __str__(self) -> str:
        return self.get_ratio_display()


class ParticipationCost(VersionedModel):
    """A programme's unit costs of international participation, in one currency: what estimates the yearly
    cost of an NSB's participation from the committees module when its profile gives none (see
    participation.py). One row per programme and currency: a profile in another currency gets no estimate."""

    programme = models.ForeignKey(
        "results.Programme", on_delete=models.CASCADE, related_name="participation_costs", verbose_name=_("programme")
    )
    currency = models.ForeignKey(
        "reference.Currency", on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )
    p_membership = money(_("per P-membership and year"))
    meeting_in_person = money(_("per delegate at an in-person meeting"))
    meeting_remote = money(_("per delegate taking part remotely"))
    secretariat = money(_("per secretariat held, a year"))
    chair = money(_("per chair or convenor role held, a year"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "currency"]
        verbose_name = _("participation cost setting")
        verbose_name_plural = _("participation cost settings")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "currency"],
                name="assessment_participation_cost_currency",
                violation_error_message=_("This programme already has participation costs in this currency."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.currency_id}"


class Risk(VersionedModel):
    """A risk in an NSB's financial risk register: likelihood x impact (1-5 each)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATED = "mitigated", _("Mitigated")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financial_risks", verbose_name=_("organisation")
    )
    title = models.CharField(_("risk"), max_length=300)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["organisation_id", "-pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


# Constituents' satisfaction surveys ------------------------------------------------------------------------


class Scale(models.TextChoices):
    LIKERT5 = "likert5", _("Five-point satisfaction scale")
    AGREE6 = "agree6", _("Six-point agreement scale")


# Each scale's points (value, English, French); the top two count as satisfied. "Don't know" is apart.
SCALE_POINTS = {
    Scale.LIKERT5: (
        (1, "Very dissatisfied", "Très insatisfait"),
        (2, "Dissatisfied", "Insatisfait"),
        (3, "Neither satisfied nor dissatisfied", "Ni satisfait ni insatisfait"),
        (4, "Satisfied", "Satisfait"),
        (5, "Very satisfied", "Très satisfait"),
    ),
    Scale.AGREE6: (
        (1, "Strongly disagree", "Pas du tout d'accord"),
        (2, "Disagree", "Pas d'accord"),
        (3, "Somewhat disagree", "Plutôt pas d'accord"),
        (4, "Somewhat agree", "Plutôt d'accord"),
        (5, "Agree", "D'accord"),
        (6, "Strongly agree", "Tout à fait d'accord"),
    ),
}


class Survey(VersionedModel):
    class Population(models.TextChoices):
        DWCP = "dwcp", _("Constituents of Decent Work Country Programmes")
        UNDAF = "undaf", _("Constituents in UN development frameworks")
        FOCAL_POINTS = "focal_points", _("NSB focal points")
        PARTICIPANTS = "participants", _("Activity participants")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        "results.Programme", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = MultilingualField(_("title"), required=True, max_length=250)
    population = models.CharField(_("population"), max_length=20, choices=Population.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Answers are kept without the link to who gave them.")
    )
    threshold = models.DecimalField(
        _("satisfaction threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.7"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(ONE)],
    )
    minimum_n = models.PositiveSmallIntegerField(_("minimum number of answers"), default=5)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return text_in(self.title)

    def get_absolute_url(self) -> str:
        return reverse("assessments:survey_detail", kwargs={"code": self.code})

    def groups(self) -> list[str]:
        """The constituent groups that must each be satisfied for a unit to be."""
        if self.population in (self.Population.DWCP, self.Population.UNDAF):
            return [ConstituentGroup.GOVERNMENT, ConstituentGroup.EMPLOYERS, ConstituentGroup.WORKERS]
        if self.population == self.Population.FOCAL_POINTS:
            return [ConstituentGroup.FOCAL_POINT]
        return [ConstituentGroup.PARTICIPANT]


class ConstituentGroup(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    EMPLOYERS = "employers", _("Employers")
    WORKERS = "workers", _("Workers")
    FOCAL_POINT = "focal_point", _("NSB focal point")
    PARTICIPANT = "participant", _("Participant")


class SurveyQuestion(VersionedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    text = MultilingualField(_("question"), required=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.LIKERT5)
    counts = models.BooleanField(_("counts for satisfaction"), default=True)
    dont_know = models.BooleanField(
        _('offer "don\'t know"'),
        default=True,
        help_text=_('A "don\'t know" is not a valid answer: it leaves the rate.'),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["survey", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="assessment_survey_question_code")]

    def __str__(self) -> str:
        return text_in(self.text)

    @property
    def points(self):
        return SCALE_POINTS[Scale(self.scale)]

    @property
    def top_two(self) -> tuple[int, int]:
        top = self.points[-1][0]
        return (top - 1, top)


class Invitation(models.Model):
    """A personal link to the survey (no account needed): who it is for, their unit and group."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    unit_code = models.CharField(_("unit code"), max_length=40, help_text=_("The country programme or framework."))
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=20, choices=ConstituentGroup.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "unit_code", "group", "pk"]

    def __str__(self) -> str:
        return f"{self.unit_code}/{self.group}"


class SurveyResponse(models.Model):
    """One respondent's answers. For an anonymous survey, nothing links it to the invitation."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=200, blank=True)
    group = models.CharField(max_length=20, choices=ConstituentGroup.choices)
    source = models.CharField(max_length=10, default="web")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.unit_code}/{self.group}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="assessment_survey_answer")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"


# National priorities and national standardization strategies -----------------------------------------------

ICS_CODE = RegexValidator(r"^\d{2}(\.\d{3}(\.\d{2})?)?$", _("An ICS code reads 13, 13.020 or 13.020.10."))


def score_field(verbose_name) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, default=0, validators=[MaxValueValidator(5)])


class NationalStrategy(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        UNDER_REVIEW = "under_review", _("Under review")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("organisation")
    )
    title = MultilingualField(_("title"), required=True, max_length=250)
    period_start = models.PositiveSmallIntegerField(_("first year"), validators=[MinValueValidator(1990)])
    period_end = models.PositiveSmallIntegerField(_("last year"), validators=[MaxValueValidator(2200)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    weight_economic = models.DecimalField(
        _("weight of the economic score"), max_digits=4, decimal_places=3, default=Decimal("0.4")
    )
    weight_social = models.DecimalField(
        _("weight of the social score"), max_digits=4, decimal_places=3, default=Decimal("0.3")
    )
    weight_environmental = models.DecimalField(
        _("weight of the environmental score"), max_digits=4, decimal_places=3, default=Decimal("0.3")
    )
    document = models.FileField(_("document"), upload_to="assessments/strategies/%Y/", blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["organisation_id", "-period_end"]
        verbose_name = _("national standardization strategy")
        verbose_name_plural = _("national standardization strategies")

    def __str__(self) -> str:
        return text_in(self.title)

    def get_absolute_url(self) -> str:
        return reverse("assessments:strategy_detail", kwargs={"pk": self.pk})


class PrioritySector(VersionedModel):
    strategy = models.ForeignKey(NationalStrategy, on_delete=models.CASCADE, related_name="sectors")
    name = MultilingualField(_("sector"), required=True, max_length=200)
    ics_codes = models.JSONField(_("ICS codes"), default=list, blank=True)
    economic = score_field(_("economic score (0-5)"))
    social = score_field(_("social score (0-5)"))
    environmental = score_field(_("environmental score (0-5)"))
    evidence = models.TextField(_("evidence for the scores"), blank=True)
    committees = models.ManyToManyField(
        "committees.Committee", blank=True, related_name="+", verbose_name=_("priority committees")
    )

    class Meta:
        ordering = ["strategy", "pk"]

    def __str__(self) -> str:
        return text_in(self.name)

    @property
    def priority_score(self) -> Decimal:
        """Σ weight x score (0-5)."""
        s = self.strategy
        return (
            s.weight_economic * self.economic
            + s.weight_social * self.social
            + s.weight_environmental * self.environmental
        ).quantize(Decimal("0.001"))


class StrategyItem(VersionedModel):
    class Kind(models.TextChoices):
        ADOPT = "adopt", _("Standard to adopt")
        JOIN_P = "join_p", _("Committee to join as P-member")
        FOLLOW_O = "follow_o", _("Committee to follow as O-member")
        NEW_WORK = "new_work", _("New work to propose")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    strategy = models.ForeignKey(NationalStrategy, on_delete=models.CASCADE, related_name="items")
    sector = models.ForeignKey(
        PrioritySector, on_delete=models.SET_NULL, null=True, blank=True, related_name="items", verbose_name=_("sector")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("standard or subject"), max_length=300, blank=True)
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("committee"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["strategy", "kind", "pk"]

    def __str__(self) -> str:
        return self.reference or self.get_kind_display()
