"""Results frameworks (DESIGN.md section 3): programmes, their result tree, indicators, periods,
targets and measurements. Multilingual content is stored as {"fr": ..., "en": ...} JSON, ready for
the six UN languages. Progress is computed (jalon/results/progress.py), never stored."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField, text_in
from jalon.organisations.models import Organisation
from jalon.reference.models import DevelopingCountryRule


class Programme(VersionedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("owner")
    )
    title = MultilingualField(_("title"), required=True)
    description = MultilingualField(_("description"))
    source = models.TextField(_("source"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    languages = models.JSONField(_("languages"), default=list)
    developing_rule = models.ForeignKey(
        DevelopingCountryRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("developing-country rule"),
    )
    developing_rule_as_of = models.DateField(_("rule applied as of"), null=True, blank=True)
    # What IATI's Validator requires of every activity (issue 18): a DAC 5-digit purpose code (32182 covers
    # "industrial standards; quality management; metrology; testing; accreditation; certification") and where
    # it serves (998: developing countries, unspecified), both from the IATI codelists shipped in interop.
    iati_sector = models.CharField(_("IATI sector (DAC 5-digit code)"), max_length=5, default="32182")
    iati_recipient_region = models.CharField(_("IATI recipient region"), max_length=3, default="998")
    # The countries served, when known (ISO alpha-2, IATI's Country codelist), each with its share or None:
    # [{"code": "KE", "percentage": "40"}]. When set, the export names them instead of the region.
    iati_recipient_countries = models.JSONField(_("IATI recipient countries"), default=list, blank=True)
    # The reporting organisations (IATI identifiers) whose imported values enter this programme approved; the
    # values of every other publisher enter as submitted, to be reviewed.
    iati_trusted_publishers = models.JSONField(_("trusted IATI publishers"), default=list, blank=True)
    # Status thresholds: share of the way from baseline to milestone reached.
    on_track_min = models.DecimalField(_("on track from"), max_digits=4, decimal_places=2, default=Decimal("0.85"))
    at_risk_min = models.DecimalField(_("at risk from"), max_digits=4, decimal_places=2, default=Decimal("0.60"))

    # How progress is measured (DESIGN.md section 3): the OECD definition by default, each choice shown
    # where the figures are (results/progress.py has the formulas).
    class ProgressMethod(models.TextChoices):
        FROM_BASELINE = "baseline", _("Share of the way from the baseline to the target (OECD)")
        SHARE_OF_TARGET = "share", _("Actual as a share of the target")

    class DescendingScoring(models.TextChoices):
        REACHED = "reached", _("Reached or not reached")
        TOLERANCE = "tolerance", _("Target divided by actual, within a tolerance band")

    class OverallTarget(models.TextChoices):
        TYPED = "typed", _("Typed in")
        DERIVED = "derived", _("Derived from the milestones by the cumulative mode")

    progress_method = models.CharField(
        _("progress measured as"), max_length=10, choices=ProgressMethod.choices, default=ProgressMethod.FROM_BASELINE
    )
    descending_scoring = models.CharField(
        _("a falling indicator without baseline is scored"),
        max_length=10,
        choices=DescendingScoring.choices,
        default=DescendingScoring.REACHED,
    )
    descending_tolerance = models.DecimalField(
        _("tolerance above the target (%)"), max_digits=6, decimal_places=2, default=Decimal("10")
    )
    overall_target = models.CharField(
        _("overall target"), max_length=10, choices=OverallTarget.choices, default=OverallTarget.TYPED
    )
    published = models.BooleanField(_("published"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Programme data that the seed documents carry beside the tree, kept as printed: the activity
    # types it names, reference lists (e.g. Res. 44's five disparities), tables (e.g. ILO's Table 1).
    activity_types = models.JSONField(_("activity types"), default=list, blank=True)
    reference_lists = models.JSONField(_("reference lists"), default=list, blank=True)
    tables = models.JSONField(_("tables"), default=dict, blank=True)
    # Replaced by every write that can change what the progress pages show; cached progress is keyed on
    # it (jalon/results/progress_cache.py). Random rather than a counter: a counter comes back to the same
    # value after a rollback or a restored backup, and would then serve what was cached for other data.
    progress_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    # Computed indicators are refreshed off the request (computations.py): a write to data they read sets
    # `computed_pending_since` and, only when it was unset, queues one refresh of the programme; the refresh
    # clears it when it starts (a write meanwhile queues another) and holds `computed_refreshing_since` until
    # it ends (left behind by a worker that died: the worker's recovery queues the refresh again).
    # On the programme rather than in a model of their own: every page that shows computed values reads the
    # programme already, so saying "being recomputed" costs no query; and a conditional UPDATE of its row
    # ("set where unset") tells exactly one of several concurrent writers that it is the one to queue.
    computed_pending_since = models.DateTimeField(null=True, blank=True, editable=False)
    computed_refreshing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="programme_dates"),
            models.CheckConstraint(
                condition=models.Q(at_risk_min__lte=models.F("on_track_min")), name="programme_thresholds_ordered"
            ),
        ]

    def __str__(self) -> str:
        return text_in(self.title) or self.code

    def get_absolute_url(self) -> str:
        return reverse("results:programme_detail", kwargs={"code": self.code})

    @property
    def computed_recomputing(self) -> bool:
        """Its computed indicators are waiting for their refresh, or being refreshed: their values may be old."""
        return self.computed_pending_since is not None or self.computed_refreshing_since is not None


class Level(models.Model):
    """A level of the programme's tree, with its own name (e.g. Impact / Outcome / Output)."""

    class IatiType(models.IntegerChoices):
        OUTPUT = 1, _("Output")
        OUTCOME = 2, _("Outcome")
        IMPACT = 3, _("Impact")
        OTHER = 9, _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="levels")
    key = models.SlugField(_("key"), max_length=40)
    name = MultilingualField(_("name"), required=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    iati_result_type = models.PositiveSmallIntegerField(_("IATI result type"), choices=IatiType.choices)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="level_unique_key")]

    def __str__(self) -> str:
        return text_in(self.name)


class Period(models.Model):
    """A reporting period of a programme: a year, a biennium or any custom span."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("code"), max_length=20)
    name = MultilingualField(_("name"), required=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["programme", "start"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="period_unique_code"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="period_dates"),
        ]

    def __str__(self) -> str:
        return text_in(self.name) or self.code


class Result(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="results")
    code = models.CharField(_("code"), max_length=20)
    title = MultilingualField(_("title"), required=True)
    description = MultilingualField(_("description"))
    # The logframe's column: what must hold outside the programme's control for this result to follow.
    assumptions = MultilingualField(_("assumptions and risks"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="result_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {text_in(self.title)}"


class Measure(models.TextChoices):
    """IATI IndicatorMeasure: unit 1, percentage 2, nominal 3, ordinal 4, qualitative 5."""

    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    CURRENCY = "currency", _("Amount of money")
    QUALITATIVE = "qualitative", _("Qualitative")
    ORDINAL = "ordinal", _("Ordinal")


IATI_MEASURE = {
    Measure.COUNT: 1,
    Measure.CURRENCY: 1,
    Measure.PERCENTAGE: 2,
    Measure.ORDINAL: 4,
    Measure.QUALITATIVE: 5,
}


class Cumulation(models.TextChoices):
    NON_CUMULATIVE = "non_cumulative", _("Non-cumulative: each period stands alone")
    CUMULATIVE = "cumulative", _("Cumulative: running total of the periods")
    LATEST = "latest", _("Non-summing cumulative: the latest value")


class Dimension(models.Model):
    """A way to disaggregate: sex, country, region, income group, activity type, or a custom one."""

    class Kind(models.TextChoices):
        SEX = "sex", _("Sex")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        INCOME = "income", _("Income group")
        ACTIVITY_TYPE = "activity_type", _("Activity type")
        CUSTOM = "custom", _("Custom")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dimensions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = MultilingualField(_("name"), required=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="dimension_unique_code")]

    def __str__(self) -> str:
        return text_in(self.name) or self.code


class DimensionValue(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(_("code"), max_length=40)
    name = MultilingualField(_("name"), required=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="dimension_value_unique_code")]

    def __str__(self) -> str:
        return text_in(self.name) or self.code


class Indicator(models.Model):
    class Direction(models.TextChoices):
        ASCENDING = "ascending", _("Higher is better")
        DESCENDING = "descending", _("Lower is better")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Reported by hand, with evidence")
        COMPUTED = "computed", _("Computed from operational records")

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    title = MultilingualField(_("title"), required=True)
    definition = MultilingualField(_("definition"))
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices, default=Measure.COUNT)
    unit = MultilingualField(_("unit"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.ASCENDING)
    cumulation = models.CharField(
        _("cumulative mode"), max_length=16, choices=Cumulation.choices, default=Cumulation.NON_CUMULATIVE
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_to_be_set_in = models.PositiveSmallIntegerField(_("baseline to be set in"), null=True, blank=True)
    baseline_note = MultilingualField(_("baseline note"))
    target_value = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_relative_percent = models.DecimalField(
        _("target: increase over the baseline (%)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    target_note = MultilingualField(_("target note"))
    # A count is never negative, unless the indicator takes corrections (a value that takes back an earlier one).
    allows_corrections = models.BooleanField(_("negative corrections allowed"), default=False)
    source = models.CharField(_("data source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    computation = models.CharField(_("computation"), max_length=80, blank=True)
    means_of_verification = MultilingualField(_("means of verification"))
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="indicators")
    is_demo = models.BooleanField(_("demo indicator"), default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["result", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["result", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {text_in(self.title)}"

    def get_absolute_url(self) -> str:
        return reverse("results:indicator_detail", kwargs={"code": self.result.programme.code, "pk": self.pk})


class Milestone(models.Model):
    """The target for one period: absolute, or relative to the baseline ("+50 %" = baseline x 1.5)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="milestones")
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    relative_percent = models.DecimalField(
        _("increase over the baseline (%)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    note = MultilingualField(_("note"))

    class Meta:
        ordering = ["indicator", "period__start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="milestone_unique_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.code}"


class Measurement(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        # An approved value replaced by its approved amendment: kept in the history, no longer counted.
        SUPERSEDED = "superseded", _("Replaced by its amendment")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="measurements")
    dimension_value = models.ForeignKey(
        DimensionValue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("disaggregation"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("organisation"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("qualitative value"), blank=True)
    # When the value was observed: "latest" within a period is by this date, not by the order of entry.
    # Set to the period's end when not given (services.measurement_create).
    collected_on = models.DateField(_("collection date"), null=True, blank=True)
    # A change to an approved value: a new value, under review, while the approved one stays counted.
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments", verbose_name=_("amends")
    )
    comment = models.TextField(_("comment"), blank=True)
    # The language the qualitative value and the comment are written in (a content language; empty: not said),
    # so that an export labels them as what they are instead of the programme's first language.
    language = models.CharField(_("language of the text"), max_length=8, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("review note"), blank=True)
    computed = models.BooleanField(_("computed"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period__start", "id"]
        indexes = [
            models.Index(fields=["indicator", "period", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            # The totals (not disaggregated) of a programme's indicators, read without the dozens of
            # disaggregated rows beside each total: progress pages, tracking table, progress API
            # (selectors._aggregates). Partial, so small. The summed columns are key columns (not
            # INCLUDE, which SQLite lacks) so that PostgreSQL answers the sums from the index alone.
            models.Index(
                fields=["indicator", "status", "period", "value", "numerator", "denominator"],
                condition=models.Q(dimension_value__isnull=True),
                name="measurement_cell_totals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.code}: {self.value if self.value is not None else self.text}"


class SpanValue(models.Model):
    """A computed indicator's value over several periods (from the first period's start to `end`), for
    computations whose values cannot be added across periods (distinct people, countries, bodies):
    computed from the records over the whole span by the refresh (computations.py), read by the engine for
    the whole-programme figure and the cumulative figures."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="span_values")
    start = models.DateField()
    end = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=4)
    numerator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "start", "end"], name="span_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.start}..{self.end}: {self.value}"


class ComputedStale(models.Model):
    """What a write made stale in a programme's computed indicators (issue 21): the computations reading
    `source` (blank: every one), for the periods overlapping `start`..`end` (none: every period) and the spans
    ending on or after `start`. The refresh (computations.programme_computed_refresh) recomputes only what its
    marks name, then deletes them; a refresh with no mark does nothing. A mark reaching periods not started
    yet is carried over, `due` on the first of them (the worker's recovery queues it that day)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="computed_stale_marks")
    source = models.CharField(max_length=30, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["programme", "due"], name="computed_stale_programme")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.source or '*'} {self.start}..{self.end}"


class MeasurementComment(models.Model):
    """A message in the thread of a reported value: a reviewer's question, the reporter's answer. Kept
    beside the value's own comment and review note, which each hold one text and are replaced on change."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measurement", "created_at", "id"]
        verbose_name = _("comment on a value")
        verbose_name_plural = _("comments on values")

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.body[:40]}"


class Narrative(models.Model):
    """What an M&E officer writes of an indicator in a period, in the programme's languages: what happened,
    why it differs from the milestone, what comes next. Shown on the indicator page, the tracking table
    and its exports."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="narratives")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="narratives")
    achieved = MultilingualField(_("what happened"), max_length=5000)
    variance = MultilingualField(_("reasons for the variance"), max_length=5000)
    next_steps = MultilingualField(_("what comes next"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period__start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="narrative_unique_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id}"


class DisaggregatedTarget(models.Model):
    """The target of one disaggregation value in one period (e.g. 40 women of the 100 trained): optional,
    beside the indicator's milestone for the total."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="disaggregated_targets")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="disaggregated_targets")
    dimension_value = models.ForeignKey(DimensionValue, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "period__start", "dimension_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "dimension_value"], name="disaggregated_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id} {self.dimension_value_id}: {self.value}"


class IatiActivityImport(models.Model):
    """The IATI activity a programme was last imported from (issue 18): a second import of the same content
    (its hash) changes nothing."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="iati_imports")
    identifier = models.CharField(_("IATI identifier"), max_length=200, unique=True)
    file_name = models.CharField(_("file"), max_length=250)
    content_hash = models.CharField(max_length=64)
    last_updated = models.CharField(_("last updated in the file"), max_length=40, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.identifier


class IatiProvenance(models.Model):
    """Where an imported record comes from: its file, activity identifier and XPath."""

    record_type = models.CharField(max_length=40)  # "programme", "result", "indicator", "measurement"...
    record_id = models.PositiveBigIntegerField()
    file_name = models.CharField(_("file"), max_length=250)
    activity_identifier = models.CharField(_("IATI identifier"), max_length=200)
    xpath = models.CharField(max_length=500)
    # A value's: what it holds (iati_import._fingerprint), which recognises it in a later file wherever it stands
    # there; "" for other records, and for values imported before it was kept (recognised by XPath).
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["activity_identifier", "xpath"]),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}: {self.file_name} {self.xpath}"
