"""Capacity-building activities (issue 4): what was delivered, to whom, with what effect.

An activity serves outputs of one or more programmes (`outputs`); its participants are
`organisations.Person` records (one person, one record, across activities), who register, attend
sessions, complete, and answer tests and surveys. Computed indicators (computations.py) read these.
Multilingual content is stored as {"fr": ..., "en": ...} JSON, like the results models.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency, Language, Region


class ActivityType(models.TextChoices):
    """Every kind of activity the seed documents name (ISO action plan, ITU Res. 44, ILO strategy)."""

    E_LEARNING = "e_learning", _("E-learning course")
    VIRTUAL_CLASSROOM = "virtual_classroom", _("Virtual classroom")
    MICRO_LEARNING = "micro_learning", _("Micro-learning video")
    WEBINAR = "webinar", _("Webinar")
    REMOTE_COACHING = "remote_coaching", _("Remote coaching")
    PUBLICATION = "publication", _("Publication or guidance material")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training course")
    WORKSHOP = "workshop", _("Workshop")
    SPONSORSHIP = "sponsorship", _("Sponsorship-backed meeting attendance")
    ADVISORY = "advisory", _("In-country advisory service")
    PEER_LEARNING = "peer_learning", _("Peer learning")
    INTERNSHIP = "internship", _("Internship or secondment")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    BLENDED = "blended", _("Blended")
    SELF_PACED = "self_paced", _("Self-paced")


class ActivityLevel(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")


def activity_ids_serving(**programme):
    """The ids of the activities that serve a programme (an output of one of its results), as a subquery; the
    programme given as `programme=`, `programme_id=`, `programme__code=` or `programme_id__in=`."""
    return Activity.outputs.through.objects.filter(
        **{f"result__{lookup}": value for lookup, value in programme.items()}
    ).values("activity_id")


class Activity(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for registration")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    Type = ActivityType
    Modality = Modality
    Level = ActivityLevel

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = MultilingualField(_("title"), required=True)
    description = MultilingualField(_("description"))
    type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices)
    modality = models.CharField(_("modality"), max_length=12, choices=Modality.choices)
    level = models.CharField(_("level"), max_length=10, choices=ActivityLevel.choices)
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="activities",
        verbose_name=_("countries concerned"),
        help_text=_("For national activities: the country; for regional ones, optionally the countries invited."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("region concerned"),
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="activities", verbose_name=_("languages"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True, help_text=_("City and place, or the platform."))
    # Where it takes place, apart from the countries it concerns (a regional workshop held in Lomé for the
    # countries of West Africa): a country's page says "held here" only of its own.
    venue_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_hosted",
        verbose_name=_("country of the venue"),
        help_text=_("Where the activity takes place (for a national activity, its country unless told otherwise)."),
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_deadline = models.DateField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("The last day the public form takes registrations (organisers may still register someone)."),
    )
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activities_organised", verbose_name=_("organiser")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="activities_partnered", verbose_name=_("partners")
    )
    donors = models.ManyToManyField(
        Organisation, blank=True, related_name="activities_funded", verbose_name=_("donors")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_budget = models.DecimalField(_("planned budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    planned_budget_currency = models.ForeignKey(
        Currency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("currency of the planned budget"),
    )
    actual_cost = models.DecimalField(_("actual cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_cost_currency = models.ForeignKey(
        Currency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("currency of the actual cost"),
    )
    outputs = models.ManyToManyField(
        "results.Result",
        blank=True,
        related_name="activities",
        verbose_name=_("outputs served"),
        help_text=_("The outputs of one or more programmes that this activity delivers."),
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Published activities are visible to the public.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    # The title as the list sorts it (accents and case ignored: lib.collation's order), in each language of
    # the pages, set on every save (`title_sort_keys`): an index-backed sort instead of a comparison in
    # Python of every row (SQLite's collation) or of the JSON text (issue 21).
    title_sort_en = models.CharField(_("title for sorting (English)"), max_length=255, blank=True, editable=False)
    title_sort_fr = models.CharField(_("title for sorting (French)"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["type", "level"]),
            models.Index(fields=["organiser", "status"]),
            models.Index(fields=["title_sort_en"], name="activity_title_sort_en"),
            models.Index(fields=["title_sort_fr"], name="activity_title_sort_fr"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="activity_dates"),
            models.CheckConstraint(
                condition=models.Q(planned_budget__isnull=True) | models.Q(planned_budget__gte=0),
                name="activity_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_cost__isnull=True) | models.Q(actual_cost__gte=0),
                name="activity_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title) or self.code

    def get_absolute_url(self) -> str:
        return reverse("activities:activity_detail", kwargs={"code": self.code})


# The languages of the pages that have a sort column (Activity.title_sort_<language>).
TITLE_SORT_LANGUAGES = ("en", "fr")


def title_sort_keys(activity: Activity) -> None:
    """Set the activity's sort columns from its title: in each language, the title in that language (else
    English, French, any; else the code), accents and case ignored, cut to the column's length."""
    from jalon.lib.multilingual import text_in
    from jalon.lib.text import folded

    for language in TITLE_SORT_LANGUAGES:
        text = text_in(activity.title, language) or activity.code or ""
        setattr(activity, f"title_sort_{language}", folded(text)[:255])


class Material(models.Model):
    """A material of an activity: slides, handbook, recording... as a link or an uploaded file."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=250)
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to="activities/materials/%Y/%m/", blank=True)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("language")
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class ActivityTrainer(models.Model):
    """A person who trained in an activity, recorded by the activity's organisers; the expert roster
    (knowledge) reads it as engagement, so that the expert does not type it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="trainers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("trainer in an activity")
        verbose_name_plural = _("trainers in activities")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="activity_trainer_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.activity})"


class ActivitySession(models.Model):
    """One day or sitting of an activity; attendance is taken per session."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Not a column: set on the activity page's rows (views.activities).
    present_shown: int | None

    class Meta:
        ordering = ["activity", "date", "start_time", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(end_time__isnull=True)
                | models.Q(end_time__gte=models.F("start_time")),
                name="activity_session_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}".strip()


class FollowUp(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Registration(VersionedModel):
    """A person registered for an activity, with completion, certificate, tests and surveys."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by the organiser")
        IMPORT = "import", _("Imported from a file")
        FORM = "form", _("Registration form")

    FollowUp = FollowUp

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_reference = models.CharField(_("import"), max_length=100, blank=True)
    # The language of the messages sent to the participant (confirmation, reminders, surveys, certificate):
    # the page's when they registered themselves, else the activity's (services.message_language).
    language = models.CharField(_("language of messages"), max_length=5, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # Random and unguessable (secrets.token_*), issued on completion; the public check page reads it.
    certificate_code = models.CharField(
        _("certificate verification code"), max_length=32, unique=True, null=True, blank=True
    )
    certificate_issued_at = models.DateTimeField(_("certificate issued"), null=True, blank=True)
    pre_test_score = models.DecimalField(_("pre-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    post_test_score = models.DecimalField(_("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    followup_applied = models.CharField(
        _("applied what was learned"), max_length=6, choices=FollowUp.choices, blank=True
    )
    followup_comment = models.TextField(_("follow-up comment"), blank=True)
    followup_date = models.DateField(_("follow-up date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["activity", "person__family_name", "person__given_name", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="registration_unique_person"),
            models.CheckConstraint(
                condition=models.Q(pre_test_score__isnull=True)
                | models.Q(pre_test_score__gte=0, pre_test_score__lte=100),
                name="registration_pre_test_range",
            ),
            models.CheckConstraint(
                condition=models.Q(post_test_score__isnull=True)
                | models.Q(post_test_score__gte=0, post_test_score__lte=100),
                name="registration_post_test_range",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="registration_satisfaction_range",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "completed"])]

    def __str__(self) -> str:
        return f"{self.person} - {self.activity}"

    @property
    def knowledge_gain(self):
        if self.pre_test_score is None or self.post_test_score is None:
            return None
        return self.post_test_score - self.pre_test_score


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(ActivitySession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["session", "registration"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="attendance_unique_session"),
        ]
        indexes = [models.Index(fields=["session", "present"])]

    def __str__(self) -> str:
        return f"{self.registration} {self.session}: {_('present') if self.present else _('absent')}"


class ParticipantMessage(models.Model):
    """An e-mail sent to a participant, once per key ("confirmation", "reminder:<session id>",
    "survey:satisfaction", "survey-reminder:followup", "certificate"...): what makes reminders idempotent."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="messages")
    key = models.CharField(_("message"), max_length=60)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["registration", "sent_at", "id"]
        verbose_name = _("message to a participant")
        verbose_name_plural = _("messages to participants")
        constraints = [models.UniqueConstraint(fields=["registration", "key"], name="participant_message_once")]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.key}"


class ReachChange(models.Model):
    """A change to what the reach figures read (activities, participants, attendance, people, organisations,
    reference data, roles): one row per write, inserted in the write's transaction, so that it becomes visible
    with the data. The latest row's `stamp` keys the reach cache (reach_cache.py). Rows are only inserted (and
    old ones pruned): concurrent writers never wait on each other for it, as they would updating one row."""

    stamp = models.UUIDField()
    # What the change touched, for the reach summary (reach_summary.py): the people whose facts to read again
    # (a person, a registration's person, an activity's or an organisation's people), or everything (reference
    # data). None of them: nothing the summary counts (roles, the countries an activity is held in).
    person_id = models.IntegerField(null=True, blank=True)
    registration_id = models.IntegerField(null=True, blank=True)
    activity_id = models.IntegerField(null=True, blank=True)
    organisation_id = models.IntegerField(null=True, blank=True)
    everything = models.BooleanField(default=False)
    # Taken into the summary (by the worker): kept a while for the cache's stamp, then pruned.
    summarised = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["summarised"], name="reach_change_summarised")]

    def __str__(self) -> str:
        return str(self.stamp)


class ReachPerson(models.Model):
    """What the reach summary counted of one trained person (reach_summary.py): their attributes and, per
    activity they were trained in, what reach groups by. The summary's cells are the sums of these; a change
    takes the person's old cells out and puts the new ones in. The id is not a foreign key: a deleted (merged)
    person's row stays until the summary has taken them out."""

    person_id = models.IntegerField(primary_key=True)
    facts = models.JSONField()

    def __str__(self) -> str:
        return str(self.person_id)


class ReachCell(models.Model):
    """Distinct people trained, for one audience ("public": published activities; "all"), one programme the
    activities serve (0: every activity), one year (0: all) and one participants' country (0: all), per value
    of one breakdown (key "": not recorded), maintained incrementally from ReachPerson by the worker
    (reach_summary.py): what the reach pages read."""

    audience = models.CharField(max_length=6)
    # Not a foreign key, as the country: 0 is "every programme", and the summary moves a deleted programme's
    # cells out itself (its activities' people are read again).
    programme_id = models.IntegerField(default=0)
    year = models.PositiveSmallIntegerField()
    country_id = models.IntegerField()
    dimension = models.CharField(max_length=10)
    key = models.CharField(max_length=40, blank=True)
    people = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "programme_id", "year", "country_id", "dimension", "key"],
                name="reach_cell_unique",
            )
        ]

    def __str__(self) -> str:
        where = f"{self.audience} {self.programme_id} {self.year} {self.country_id}"
        return f"{where} {self.dimension}={self.key}: {self.people}"


class ReachFact(models.Model):
    """One trained participation as the reach summary counted it (reach_summary.py): the person, the activity and
    every attribute reach groups or filters by, kept with ReachPerson by the worker. The views the cells do not
    key (dates, an activity type or level) count distinct people in these rows with SQL aggregates, without the
    joins and the attendance EXISTS of the raw rows, nor the income group looked up per row (reach.py)."""

    person_id = models.IntegerField()
    activity_id = models.IntegerField()
    published = models.BooleanField()
    start_date = models.DateField()
    year = models.PositiveSmallIntegerField()
    type = models.CharField(max_length=20, blank=True)
    level = models.CharField(max_length=10, blank=True)
    income = models.CharField(max_length=3, blank=True)  # the participant country's group when the activity began
    sex = models.CharField(max_length=12, blank=True)
    function = models.CharField(max_length=20, blank=True)
    country_id = models.IntegerField(null=True)  # the participant's country, or their organisation's
    nsb_id = models.IntegerField(null=True)

    class Meta:
        # The person's rows are replaced when their facts change. No index for the filters: each view reads a good
        # part of the table, and SQLite, given an index on a filter or a grouped column, walks it row by row (twice
        # as slow as scanning the table at 200,000 people).
        indexes = [models.Index(fields=["person_id"], name="reach_fact_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.activity_id}"


class ReachSummaryState(models.Model):
    """One row: whether the summary is built (the pages read it only then), and the lock its updates take."""

    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reach summary built {self.built_at}"
