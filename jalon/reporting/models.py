"""Report runs: a report of a programme (its kind, its language or both), frozen as a snapshot of the data as
of a moment, rendered from that snapshot alone into files kept with their checksums.

The snapshot holds figures and multilingual texts, never a rendered phrase: the French and the English file of
one run are drawn from the same figures. Its progress is the job's (jalon.jobs), which owns the run's life."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.results.models import Period, Programme, Result


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual report")
    IPTT = "iptt", _("Indicator tracking table (IPTT)")
    TABLE_ONE = "table1", _("Resources by outcome (Table 1)")
    DONOR = "donor", _("Donor report")
    COUNTRY = "country", _("Country profile")


class ReportLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    BOTH = "both", _("French and English")

    @classmethod
    def languages(cls, value: str) -> list[str]:
        return ["fr", "en"] if value == cls.BOTH else [value]


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.ANNUAL)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="report_runs", verbose_name=_("programme")
    )
    language = models.CharField(_("language"), max_length=4, choices=ReportLanguage.choices)
    # What a donor report and a country profile are about.
    contributor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contributor"),
    )
    country = models.ForeignKey(
        "reference.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    # The moment the data are read as of: the statuses' "today", the files' creation date. The same snapshot
    # and moment give the same bytes.
    as_of = models.DateTimeField(_("as of"))
    # A final report carries only approved narrative sections, each in every language of the run; a draft
    # prints what is written and marks what is missing.
    final = models.BooleanField(_("final"), default=False)
    # The values that counted at `as_of` (approved by then, not yet amended then), rather than those that
    # count when the run is built: a report of a past date as it would have read then.
    historical = models.BooleanField(_("values approved by that date"), default=False)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    snapshot_checksum = models.CharField(_("snapshot checksum"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The background job that builds it (its progress, its cancel and its failure message).
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Whether its starter is e-mailed when the run ends, and when they were.
    email_when_ready = models.BooleanField(_("e-mail me when it is ready"), default=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        indexes = [models.Index(fields=["programme", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:run_detail", kwargs={"code": self.programme.code, "pk": self.pk})


class ReportFile(models.Model):
    """One file of a run: its language and format, with the SHA-256 of its bytes."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="files", verbose_name=_("run"))
    language = models.CharField(_("language"), max_length=2)
    format = models.CharField(_("format"), max_length=8, default="pdf")
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["run", "language", "format"]
        constraints = [
            models.UniqueConstraint(fields=["run", "language", "format"], name="reporting_one_file_per_language")
        ]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.name


class SectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")


class ReportSection(VersionedModel):
    """The narrative of a result node for one period, in one language: what was achieved, why (the reasons
    for the variance) and what comes next. Drafted from the indicators' period narratives (results app),
    edited, submitted for review and approved by a manager; an edit of a section in review or approved
    sends it back to draft. The French and the English of a node are two sections, each with its status."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="+", verbose_name=_("result"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("period"))
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices[:2])
    achieved = models.TextField(_("what was achieved"), blank=True, max_length=10000)
    reasons = models.TextField(_("why"), blank=True, max_length=10000)
    next_steps = models.TextField(_("what comes next"), blank=True, max_length=10000)
    status = models.CharField(_("status"), max_length=10, choices=SectionStatus.choices, default=SectionStatus.DRAFT)
    review_note = models.TextField(_("review note"), blank=True, max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    TEXTS = ("achieved", "reasons", "next_steps")

    class Meta:
        ordering = ["period", "result__order", "language"]
        constraints = [
            models.UniqueConstraint(fields=["result", "period", "language"], name="reporting_one_section_per_language")
        ]
        verbose_name = _("narrative section")
        verbose_name_plural = _("narrative sections")

    def __str__(self) -> str:
        return f"{self.result_id} {self.period_id} {self.language}"
