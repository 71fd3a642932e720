"""The resource library: manuals, guides and training material described in Dublin Core, one item per resource
whatever the number of its language versions (one file per language), tied to the committees, standards, ICS
codes, results and activities it serves. Downloads are counted per country and day, never per person: no user,
no address is stored (reach, anonymously)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.accounts.versioning import VersionedModel
from jalon.activities.models import Activity
from jalon.committees.models import Committee
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, Language
from jalon.results.models import Result


class Resource(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("resource", "Draft")
        PUBLISHED = "published", pgettext_lazy("resource", "Published")

    class Type(models.TextChoices):
        """DCMI Type vocabulary, the kinds a library of manuals and training material holds."""

        TEXT = "Text", _("Text")
        DATASET = "Dataset", _("Dataset")
        IMAGE = "StillImage", _("Image")
        MOVING_IMAGE = "MovingImage", _("Video")
        SOUND = "Sound", _("Sound")
        INTERACTIVE = "InteractiveResource", _("Interactive resource")
        SOFTWARE = "Software", _("Software")

    # Dublin Core elements (dc:title... dc:rights) and the DCMI term dcterms:license.
    title = MultilingualField(_("title"), required=True, max_length=300)
    creator = models.CharField(_("creator"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300, blank=True, help_text=_("Keywords, separated by ;"))
    description = MultilingualField(_("description"))
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.TEXT)
    identifier = models.CharField(_("identifier"), max_length=300, blank=True, help_text=_("ISBN, DOI or URL."))
    relation = models.CharField(_("relation"), max_length=300, blank=True)
    coverage = models.CharField(_("coverage"), max_length=300, blank=True, help_text=_("Places or periods covered."))
    rights = models.CharField(_("rights"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True, help_text=_("E.g. CC BY 4.0."))
    committees = models.ManyToManyField(Committee, blank=True, related_name="resources", verbose_name=_("committees"))
    standards = models.JSONField(_("standards"), default=list, blank=True)
    ics_codes = models.JSONField(_("ICS codes"), default=list, blank=True)
    results = models.ManyToManyField(Result, blank=True, related_name="resources", verbose_name=_("results"))
    activities = models.ManyToManyField(Activity, blank=True, related_name="resources", verbose_name=_("activities"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:resource_detail", kwargs={"pk": self.pk})


class ResourceFile(models.Model):
    """One language version of a resource. Its size and format (dc:format) are read from the file when it is
    stored, so that the page shows them before anyone downloads it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files", verbose_name=_("resource"))
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language"))
    file = models.FileField(_("file"), upload_to="knowledge/library/%Y/")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    format = models.CharField(_("format"), max_length=120, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "language__code"]
        verbose_name = _("resource file")
        verbose_name_plural = _("resource files")
        constraints = [models.UniqueConstraint(fields=["resource", "language"], name="resource_one_file_per_language")]

    def __str__(self) -> str:
        return f"{self.resource} ({self.language.code})"


class DownloadCount(models.Model):
    """Downloads of a resource's file on one day from one country (or an unknown one): a counter, nothing about
    who downloaded."""

    file = models.ForeignKey(ResourceFile, on_delete=models.CASCADE, related_name="downloads")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("download count")
        verbose_name_plural = _("download counts")
        constraints = [
            models.UniqueConstraint(fields=["file", "country", "day"], name="download_count_unique"),
            models.UniqueConstraint(
                fields=["file", "day"], condition=models.Q(country__isnull=True), name="download_count_unique_unknown"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file} {self.day} {self.country_id}: {self.count}"
