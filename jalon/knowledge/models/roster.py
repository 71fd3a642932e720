"""The expert roster: profiles kept by the experts themselves, with their consent and who may see them.

What an expert declares: competencies (the forum's tags: ICS codes, ITU-T Recommendations, ISO deliverables,
training topics; committees and study groups; GSP areas) with a level and evidence, languages with a CEFR level,
countries of experience, availability and a day rate. What they did is not declared: the engagement history is
read from jalon's records (roster_selectors.expert_engagement): trainer in an activity (activities'
`ActivityTrainer`, recorded by the activity's organisers), committee leadership roles, twinning arrangements,
accepted answers.

A profile is never deleted: invited, incomplete, active, stale (twelve months without an update: a reminder
is sent), inactive."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.assessments.models import Section
from jalon.committees.models import Committee
from jalon.knowledge.models.forum import Tag
from jalon.organisations.models import Person
from jalon.reference.models import Country, Currency, Language


class Expert(VersionedModel):
    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        INCOMPLETE = "incomplete", _("Incomplete")
        ACTIVE = "active", _("Active")
        STALE = "stale", _("Not updated for 12 months")
        INACTIVE = "inactive", _("Inactive")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Anyone")
        MEMBERS = "members", _("Members of a standards body")
        TEAM = "team", _("The programme team only")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="expert", verbose_name=_("person"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("account"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.INVITED, db_index=True)
    visibility = models.CharField(_("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.TEAM)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("countries of experience"))
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    availability_note = models.CharField(_("availability"), max_length=300, blank=True)
    day_rate = models.DecimalField(_("day rate"), max_digits=10, decimal_places=2, null=True, blank=True)
    day_rate_currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("currency")
    )
    # The last time the expert saw and saved their profile: twelve months later it is stale.
    profile_updated_at = models.DateTimeField(_("profile updated"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["person__family_name", "person__given_name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:expert_detail", args=[self.pk])


class Competency(models.Model):
    class Level(models.TextChoices):
        WORKING = "working", _("Working knowledge")
        ADVANCED = "advanced", _("Advanced")
        EXPERT = "expert", _("Expert")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="competencies")
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tag")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("committee")
    )
    gsp_area = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("GSP area")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.WORKING)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)

    class Meta:
        ordering = ["expert", "id"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(tag__isnull=False, committee__isnull=True, gsp_area__isnull=True)
                    | models.Q(tag__isnull=True, committee__isnull=False, gsp_area__isnull=True)
                    | models.Q(tag__isnull=True, committee__isnull=True, gsp_area__isnull=False)
                ),
                name="knowledge_competency_one_subject",
            )
        ]

    def __str__(self) -> str:
        return str(self.tag or self.committee or self.gsp_area)


class Cefr(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Mother tongue")


# The levels at which an expert is asked to read and answer questions in a language.
READS_AT = (Cefr.B2, Cefr.C1, Cefr.C2, Cefr.NATIVE)


class ExpertLanguage(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language"))
    level = models.CharField(_("CEFR level"), max_length=6, choices=Cefr.choices)

    class Meta:
        ordering = ["expert", "language__code"]
        verbose_name = _("language of an expert")
        verbose_name_plural = _("languages of experts")
        constraints = [models.UniqueConstraint(fields=["expert", "language"], name="knowledge_expert_language_once")]

    def __str__(self) -> str:
        return f"{self.language.code} {self.level}"
