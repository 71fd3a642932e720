"""The standardization gap index: its indicators over the five disparities of Res. 44, the values imported
or entered for them, the versioned specifications of an index, and its runs (immutable, reproducible)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.lib.multilingual import MultilingualField
from jalon.reference.models import Country
from jalon.results.models import Programme


class Pillar(models.TextChoices):
    """The five disparities of the standardization gap (Res. 44)."""

    VOLUNTARY_STANDARDS = "voluntary_standards", _("Voluntary standards")
    TECHNICAL_REGULATIONS = "technical_regulations", _("Mandatory technical regulations")
    CONFORMITY_ASSESSMENT = "conformity_assessment", _("Conformity assessment")
    HUMAN_RESOURCES = "human_resources", _("Human resources skilled in standardization")
    PARTICIPATION = "participation", _("Effective participation in standardization work")


code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_.-]*$", _("Lower-case letters, digits, dots, dashes and underscores.")
)


class GapIndicator(models.Model):
    """What the index measures, how, and where the values come from. An indicator with no pillar is a
    denominator (population) that other indicators divide by."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from jalon's records")
        IMPORTED = "imported", _("Imported from a curated file")
        MANUAL = "manual", _("Entered by hand with evidence")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    pillar = models.CharField(_("disparity"), max_length=30, choices=Pillar.choices, blank=True)
    name = MultilingualField(_("name"), required=True, max_length=200)
    definition = MultilingualField(_("definition"))
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    # +1: more is better; -1: less is better.
    direction = models.SmallIntegerField(
        _("direction"), choices=[(1, _("higher is better")), (-1, _("lower is better"))], default=1
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Body(models.TextChoices):
        ALL = "", _("Every body's committees")
        OWNER = "owner", _("The committees of the body that owns the programme")
        ISO = "iso", _("ISO committees (with the joint IEC/ISO ones)")
        ITU_T = "itu_t", _("ITU-T study groups")

    # For a computed indicator: its key in jalon.gap.computed.COMPUTED.
    computation = models.CharField(_("computation"), max_length=40, blank=True)
    # For a committee-based computed indicator: whose committees it counts.
    body = models.CharField(_("standards body"), max_length=10, choices=Body.choices, blank=True)
    # The value is divided by the denominator's (e.g. population) then multiplied by `per` (1,000,000).
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("denominator")
    )
    per = models.FloatField(_("per"), default=1.0)
    goal_low = models.FloatField(_("low goalpost"), null=True, blank=True)
    goal_high = models.FloatField(_("high goalpost"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["pillar", "code"]
        verbose_name = _("gap indicator")
        verbose_name_plural = _("gap indicators")

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class IndicatorValue(models.Model):
    """A country's value of an imported or hand-entered indicator, with its provenance and as-of date."""

    indicator = models.ForeignKey(GapIndicator, on_delete=models.CASCADE, related_name="values")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    value = models.FloatField(_("value"))
    as_of = models.DateField(_("as of"))
    source = models.TextField(_("source"))
    evidence = models.TextField(_("evidence"), blank=True)
    # The file it came from (its name and a hash of its content), empty when entered by hand.
    batch = models.CharField(_("import"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["indicator", "country", "-as_of"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "country", "as_of"], name="gap_value_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.country.iso3} {self.as_of}: {self.value}"


class IndexSpec(models.Model):
    """One version of a programme's index: indicators and weights, method choices, their alternatives for
    the uncertainty analysis, the benchmark. Never changed once saved: a change is a new version."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme"))
    version = models.PositiveIntegerField(_("version"))
    title = MultilingualField(_("title"), required=True, max_length=200)
    definition = models.JSONField(_("definition"))
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("index specification")
        verbose_name_plural = _("index specifications")
        constraints = [models.UniqueConstraint(fields=["programme", "version"], name="gap_spec_version_unique")]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.version}"


class IndexRun(models.Model):
    """A computed index: what went in (specification, as-of date, inputs and their hash, seed) and what came
    out. Immutable; the same inputs and seed give the same outputs."""

    spec = models.ForeignKey(IndexSpec, on_delete=models.PROTECT, related_name="runs", verbose_name=_("specification"))
    as_of = models.DateField(_("as of"))
    seed = models.BigIntegerField(_("random seed"))
    runs = models.PositiveIntegerField(_("Monte Carlo runs"))
    input_hash = models.CharField(_("input hash"), max_length=64)
    inputs = models.JSONField(_("inputs"))
    outputs = models.JSONField(_("outputs"))
    baseline = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("baseline run")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("index run")
        verbose_name_plural = _("index runs")

    def __str__(self) -> str:
        return f"{self.spec} {self.as_of} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("gap:run_detail", kwargs={"code": self.spec.programme.code, "pk": self.pk})
