"""Lessons learned and emerging good practices (ILO EVAL guidance note 3; the ILO i-eval Discovery record): what
was learned, in which context, from which source and on what evidence, validated by the programme team before it
is offered to those who write the next proposal or plan the next activity. A citation records that a proposal or
an activity applied a lesson, and how: the uptake indicator counts them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.accounts.versioning import VersionedModel
from jalon.activities.models import Activity
from jalon.assessments.models import Assessment
from jalon.finance.models import Proposal
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.models import Result
from jalon.twinning.models import Arrangement


class Lesson(VersionedModel):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson learned")
        GOOD_PRACTICE = "good_practice", _("Emerging good practice")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("lesson", "Draft")
        VALIDATED = "validated", pgettext_lazy("lesson", "Validated")
        PUBLISHED = "published", pgettext_lazy("lesson", "Published")

    class Source(models.TextChoices):
        EVALUATION = "evaluation", _("An evaluation")
        ACTIVITY = "activity", _("An activity")
        TWINNING = "twinning", _("A twinning arrangement")
        ASSESSMENT = "assessment", _("An assessment")
        IMPORT = "import", _("An imported file")

    # Validated and published lessons are offered to proposals and activities; a draft is not.
    OFFERED = (Status.VALIDATED, Status.PUBLISHED)

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.LESSON)
    title = MultilingualField(_("title"), required=True, max_length=300)
    description = MultilingualField(_("description"), required=True)
    preconditions = MultilingualField(_("context and preconditions"))
    targeted_users = MultilingualField(_("who should use it"))
    challenges = MultilingualField(_("challenges and causal factors"))
    success_factors = MultilingualField(_("success factors"))
    administrative_issues = MultilingualField(_("administrative issues"))
    # Good practices only: what must hold for it to work elsewhere.
    replication = MultilingualField(_("conditions to replicate it"))
    themes = models.JSONField(_("themes"), default=list, blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="lessons", verbose_name=_("countries"))
    results = models.ManyToManyField(
        Result,
        blank=True,
        related_name="lessons",
        verbose_name=_("results"),
        help_text=_("The outcomes (or outputs) of a framework it informs; required for a good practice."),
    )
    # The source: one kind, and the record it came from (separate foreign keys keep each one a real,
    # protected reference; an evaluation or an imported file is named by its reference).
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.EVALUATION)
    source_activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("activity")
    )
    source_arrangement = models.ForeignKey(
        Arrangement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("twinning arrangement"),
    )
    source_assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assessment")
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=300,
        blank=True,
        help_text=_("The evaluation's number and title, or the imported file's name."),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="knowledge/lessons/%Y/", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("organisation"),
        help_text=_("The organisation that submitted it; empty for the programme team's own."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:lesson_detail", kwargs={"pk": self.pk})


class LessonCitation(models.Model):
    """A proposal or an activity that applied a lesson, and how."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="citations", verbose_name=_("lesson"))
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_citations",
        verbose_name=_("proposal"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_citations",
        verbose_name=_("activity"),
    )
    how_applied = models.TextField(_("how it was applied"))
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cited_at", "-pk"]
        verbose_name = _("lesson citation")
        verbose_name_plural = _("lesson citations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=True, activity__isnull=False)
                | models.Q(proposal__isnull=False, activity__isnull=True),
                name="citation_one_target",
            ),
            models.UniqueConstraint(fields=["lesson", "proposal"], name="citation_unique_proposal"),
            models.UniqueConstraint(fields=["lesson", "activity"], name="citation_unique_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} → {self.proposal or self.activity}"
