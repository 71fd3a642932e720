"""The database of standardized technologies and conforming products (ITU Plenipotentiary Res. 44, programme 2;
the ITU-T C&I Product Conformity Database): technologies and the standards implementing them, products, and
the claims that a product conforms to a standard, on a stated basis (a supplier's declaration per ISO/IEC
17050-1, a test report, a certificate or an interoperability event) and evidence. Informative and voluntary: a
published claim is not a certification. A claim past its end date is expired: the worker stores the status
(services.products.claims_expire), and until it runs the public list and the indicators read the dates."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation
from jalon.reference.models import Country


class Technology(VersionedModel):
    name = MultilingualField(_("name"), required=True, max_length=200)
    description = MultilingualField(_("description"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:technology_detail", kwargs={"pk": self.pk})


class TechnologyStandard(models.Model):
    """A standard (ITU-T Recommendation, ISO or IEC deliverable) and edition implementing a technology."""

    technology = models.ForeignKey(Technology, on_delete=models.CASCADE, related_name="standards")
    reference = models.CharField(_("standard"), max_length=100, help_text=_("E.g. ITU-T G.9960."))
    edition = models.CharField(_("edition"), max_length=40, blank=True, help_text=_("E.g. 2018-11 or Ed. 3."))

    class Meta:
        ordering = ["technology", "reference", "edition"]
        verbose_name = _("standard of a technology")
        verbose_name_plural = _("standards of technologies")
        constraints = [
            models.UniqueConstraint(fields=["technology", "reference", "edition"], name="technology_standard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.edition})" if self.edition else self.reference


class Product(VersionedModel):
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="products", verbose_name=_("manufacturer")
    )
    model = models.CharField(_("model"), max_length=200)
    # Named so as not to clash with VersionedModel's `version` (the record's edit counter).
    product_version = models.CharField(_("version"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=120)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country of manufacture")
    )
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="products", verbose_name=_("technologies")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_products",
        verbose_name=_("submitted by"),
        help_text=_("The organisation whose focal point submits its claims; empty for the secretariat's own."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["model", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "model", "product_version"], name="product_unique_model")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.product_version}".strip()


class TestLaboratory(models.Model):
    """The laboratory behind a test report, certificate or interoperability event, with its accreditation."""

    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    accreditation_body = models.CharField(_("accreditation body"), max_length=200, blank=True)
    accreditation_number = models.CharField(_("accreditation number"), max_length=100, blank=True)
    accreditation_scope = models.TextField(_("accreditation scope"), blank=True)
    ilac_signatory = models.BooleanField(
        _("accreditation body signs the ILAC arrangement"),
        default=False,
        help_text=_("The accreditation body is a signatory of the ILAC Mutual Recognition Arrangement."),
    )
    itu_recognised = models.BooleanField(_("recognised by ITU"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("test laboratory")
        verbose_name_plural = _("test laboratories")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="laboratory_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def accredited(self) -> bool:
        """Accredited under the ILAC arrangement: a number from a signatory body."""
        return bool(self.ilac_signatory and self.accreditation_body and self.accreditation_number)


class ConformityClaim(VersionedModel):
    class Basis(models.TextChoices):
        DECLARATION = "declaration", _("Supplier's declaration of conformity (ISO/IEC 17050-1)")
        TEST_REPORT = "test_report", _("Test report")
        CERTIFICATE = "certificate", _("Certificate")
        INTEROP_EVENT = "interop_event", _("Interoperability event")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("claim", "Submitted")
        CHECKED = "checked", _("Checked by the secretariat")
        PUBLISHED = "published", pgettext_lazy("claim", "Published")
        EXPIRED = "expired", pgettext_lazy("claim", "Expired")
        WITHDRAWN = "withdrawn", pgettext_lazy("claim", "Withdrawn")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="claims", verbose_name=_("product"))
    standard = models.CharField(_("standard"), max_length=100)
    edition = models.CharField(_("edition"), max_length=40, blank=True)
    profile = models.CharField(_("profile or clauses"), max_length=200, blank=True)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    laboratory = models.ForeignKey(
        TestLaboratory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("test laboratory"),
    )
    report_number = models.CharField(_("report or declaration number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="knowledge/claims/%Y/", blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("conformity claim")
        verbose_name_plural = _("conformity claims")
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("issued_on")),
                name="claim_dates_ordered",
            ),
            # Published needs evidence: the rule is the service's, the database keeps it true whatever writes.
            models.CheckConstraint(
                condition=~models.Q(status="published") | ~models.Q(evidence="") | ~models.Q(evidence_url=""),
                name="claim_published_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.standard}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:claim_detail", kwargs={"pk": self.pk})

    def expired_on(self, day) -> bool:
        return self.status == self.Status.EXPIRED or (self.valid_until is not None and self.valid_until < day)
