from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from jalon.lib.multilingual import MultilingualField


class Region(models.Model):
    """A UN M49 area: world, region, sub-region or intermediate region."""

    class Kind(models.TextChoices):
        WORLD = "world", _("World")
        REGION = "region", _("Region")
        SUB_REGION = "sub_region", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")

    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = MultilingualField(_("name"), required=True, max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["m49"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return str(self.name)


class Language(models.Model):
    """A language by its ISO 639 code (as CLDR spells it), named in English and French (CLDR)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = MultilingualField(_("name"), required=True, max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return str(self.name)


class IcsField(models.Model):
    """A field (the first level) of the International Classification for Standards: the sector a committee
    works in (data/ics_fields.csv, loaded by a migration)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = MultilingualField(_("name"), required=True, max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICS field")
        verbose_name_plural = _("ICS fields")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Currency(models.Model):
    """An ISO 4217 currency."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = MultilingualField(_("name"), required=True, max_length=100)
    minor_units = models.PositiveSmallIntegerField(_("minor units"), default=2)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Country(models.Model):
    """A country or area (ISO 3166-1), named in the six UN languages.

    Development classifications (income group, LDC, DAC eligibility...) change over time and live in
    `Classification`, so that they can be asked as of a date.
    """

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(_("ISO numeric / M49"), max_length=3, unique=True)
    name = MultilingualField(_("name"), required=True, max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    sub_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sub-region")
    )
    intermediate_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intermediate region"),
    )
    capital = models.CharField(_("capital"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=5, null=True, blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="countries", verbose_name=_("official languages")
    )
    currencies = models.ManyToManyField(Currency, blank=True, related_name="countries", verbose_name=_("currencies"))

    class Meta:
        ordering = [KeyTextTransform("en", "name")]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return str(self.name)


class Vintage(models.Model):
    """One edition of a classification source, as loaded (e.g. "World Bank income groups FY2027")."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    as_of = models.DateField(_("as of"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["as_of", "key"]
        verbose_name = _("data vintage")
        verbose_name_plural = _("data vintages")

    def __str__(self) -> str:
        return self.title


class Scheme(models.TextChoices):
    """The development classifications jalon keeps, each with its history."""

    LDC = "ldc", _("Least developed country (UN)")
    LLDC = "lldc", _("Landlocked developing country (UN)")
    SIDS = "sids", _("Small island developing state (UN)")
    INCOME = "income", _("Income group (World Bank)")
    LENDING = "lending", _("Lending category (World Bank)")
    DAC = "dac", _("ODA eligible (OECD DAC list)")
    FCS = "fcs", _("Fragile or conflict-affected (World Bank)")


BOOLEAN_SCHEMES = {Scheme.LDC, Scheme.LLDC, Scheme.SIDS, Scheme.DAC, Scheme.FCS}
YES, NO = "yes", "no"


class IncomeGroup(models.TextChoices):
    LOW = "LIC", _("Low income")
    LOWER_MIDDLE = "LMC", _("Lower middle income")
    UPPER_MIDDLE = "UMC", _("Upper middle income")
    HIGH = "HIC", _("High income")


class Classification(models.Model):
    """The value of one scheme for one country over a period [valid_from, valid_to] (open-ended if null)."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="classifications", verbose_name=_("country")
    )
    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    value = models.CharField(_("value"), max_length=10)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    vintage = models.ForeignKey(Vintage, on_delete=models.PROTECT, related_name="+", verbose_name=_("vintage"))

    class Meta:
        ordering = ["country", "scheme", "valid_from"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(fields=["country", "scheme", "valid_from"], name="classification_unique_start"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="classification_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "value", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.scheme}={self.value} from {self.valid_from}"


class DevelopingCountryRule(models.Model):
    """A named, configurable definition of "developing country" over the classifications.

    `conditions` is a list of {"scheme": <Scheme>, "in": [values]} or {"scheme": ..., "not_in": [...]},
    combined with all (every condition holds) or any (at least one holds).
    """

    class Combine(models.TextChoices):
        ALL = "all", _("all conditions hold")
        ANY = "any", _("any condition holds")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = MultilingualField(_("name"), required=True, max_length=200)
    description = MultilingualField(_("description"))
    combine = models.CharField(_("combine"), max_length=3, choices=Combine.choices, default=Combine.ALL)
    conditions = models.JSONField(_("conditions"), default=list)

    class Meta:
        ordering = ["code"]
        verbose_name = _("developing-country rule")
        verbose_name_plural = _("developing-country rules")

    def __str__(self) -> str:
        return str(self.name)
