"""Committees of standards bodies (ISO TC/SC/WG, IEC/ISO joint committees, ITU-T study groups and their
regional groups) and participation in them over time: memberships as dated intervals, the events that
changed them, leadership roles, meetings with their delegates and written contributions.

Participation history is kept as intervals [since, until): a membership is in force on day D when
`since` is empty or <= D and `until` is empty or > D. An empty `since` means "already in force when the
records began" (the first import of a file cannot know when a member joined)."""

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country

# Credit asked by the ODC-By 1.0 licence of the ISO committee data: show it wherever that data is shown.
ATTRIBUTION = _("Committee data: ISO Open Data, licensed under the Open Data Commons Attribution License (ODC-By 1.0).")
ATTRIBUTION_URL = "https://www.iso.org/open-data.html"
ITU_ATTRIBUTION = _("ITU-T study groups of the 2025-2028 study period: ITU-T (itu.int), as listed after WTSA-24.")


class ImportRun(models.Model):
    """One run of a committee import: what file, as of which date, and what it changed."""

    class Source(models.TextChoices):
        ISO_OPEN_DATA = "iso_open_data", _("ISO Open Data committee file")
        ITU_STUDY_GROUPS = "itu_study_groups", _("ITU-T study groups file")

    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    as_of = models.DateField(_("data as of"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("committee import")
        verbose_name_plural = _("committee imports")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.as_of:%Y-%m-%d}"


class Committee(VersionedModel):
    class Body(models.TextChoices):
        ISO = "iso", _("ISO")
        IEC_ISO = "iec_iso", _("IEC/ISO joint")
        ITU_T = "itu_t", _("ITU-T")
        OTHER = "other", _("Other")

    class Kind(models.TextChoices):
        TC = "tc", _("Technical committee")
        SC = "sc", _("Subcommittee")
        WG = "wg", _("Working group")
        JTC = "jtc", _("Joint technical committee")
        PC = "pc", _("Project committee")
        STUDY_GROUP = "study_group", _("Study group")
        REGIONAL_GROUP = "regional_group", _("Regional group")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DISBANDED = "disbanded", _("Disbanded")

    body = models.CharField(_("body"), max_length=10, choices=Body.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    reference = models.CharField(_("reference"), max_length=100, db_index=True, help_text=_("E.g. ISO/TC 176/SC 2."))
    iso_id = models.PositiveBigIntegerField(_("ISO Open Data id"), null=True, blank=True, unique=True)
    title = MultilingualField(_("title"), required=True)
    scope = MultilingualField(_("scope"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    secretariat = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretariats",
        verbose_name=_("secretariat"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The ISO Open Data file gives no sector: the programme team sets them (a subcommittee without its own
    # takes its parent's, in the sector filter).
    ics_fields = models.ManyToManyField(
        "reference.IcsField", blank=True, related_name="committees", verbose_name=_("sectors (ICS fields)")
    )
    creation_date = models.DateField(_("creation date"), null=True, blank=True)
    disbanded_on = models.DateField(_("disbanded on"), null=True, blank=True)
    sort_key = models.CharField(_("sort key"), max_length=120, blank=True, db_index=True)
    study_period = models.CharField(
        _("study period"), max_length=9, blank=True, help_text=_("ITU-T study period, e.g. 2025-2028.")
    )
    website = models.URLField(_("website"), blank=True)
    liaison_committees = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name=_("committees in liaison")
    )
    source = models.TextField(_("source"), blank=True)
    last_import = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "reference"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        indexes = [models.Index(fields=["body", "kind", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["body", "reference", "study_period"], name="committee_reference_unique"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def run_by_iec(self) -> bool:
        """A joint committee IEC administers ("IEC/ISO JTC 3"): ISO Open Data lists none of its members."""
        return self.body == self.Body.IEC_ISO and self.reference.startswith("IEC/")

    def get_absolute_url(self) -> str:
        try:
            return reverse("committees:committee_detail", kwargs={"pk": self.pk})
        except NoReverseMatch:
            return ""


class CommitteeMembership(models.Model):
    """A member's participation in a committee with one status over an interval [since, until).

    Members are organisations of the directory. Liaison organisations that are not in it (ISO's
    organisation liaisons: IEEE, OECD...) are kept as text (`liaison_name`, `liaison_iso_id`) rather
    than created as organisations, so that the directory is not flooded with names nobody curates."""

    class Status(models.TextChoices):
        P = "p", _("P-member (participating)")
        O = "o", _("O-member (observer)")  # noqa: E741
        LIAISON = "liaison", _("Liaison")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    member = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_memberships",
        verbose_name=_("member"),
    )
    liaison_name = models.CharField(_("liaison organisation"), max_length=200, blank=True)
    liaison_iso_id = models.PositiveBigIntegerField(_("liaison ISO id"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "status", "member__acronym", "liaison_name"]
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        indexes = [
            models.Index(fields=["member", "status", "until"]),
            models.Index(fields=["committee", "until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True)
                | models.Q(since__isnull=True)
                | models.Q(until__gte=models.F("since")),
                name="committee_membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(liaison_name=""),
                name="committee_membership_has_member",
            ),
            # One open interval per member and committee: a change of status closes one and opens another.
            models.UniqueConstraint(
                fields=["committee", "member"],
                condition=models.Q(until__isnull=True, member__isnull=False),
                name="committee_membership_one_open",
            ),
        ]

    def __str__(self) -> str:
        member = self.member
        who = (member.acronym or member.name) if member is not None else self.liaison_name
        return f"{self.committee} - {who} ({self.get_status_display()})"


class ParticipationEvent(models.Model):
    """A dated change of participation, recorded by an import (comparing files) or by a hand edit."""

    class Kind(models.TextChoices):
        JOINED_P = "joined_p", _("Joined as P-member")
        JOINED_O = "joined_o", _("Joined as O-member")
        MOVED_O_TO_P = "o_to_p", _("Moved from O to P")
        MOVED_P_TO_O = "p_to_o", _("Moved from P to O")
        LEFT = "left", _("Left")
        SECRETARIAT_MOVED = "secretariat_moved", _("Secretariat moved")
        COMMITTEE_CREATED = "committee_created", _("Committee created")
        COMMITTEE_DISBANDED = "committee_disbanded", _("Committee disbanded")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="events", verbose_name=_("committee")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participation_events",
        verbose_name=_("organisation"),
        help_text=_("The member concerned; for a secretariat move, the new secretariat."),
    )
    previous_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous organisation"),
        help_text=_("For a secretariat move: the former secretariat."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True)
    import_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("recorded by import"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "committee__sort_key", "pk"]
        verbose_name = _("participation event")
        verbose_name_plural = _("participation events")
        indexes = [models.Index(fields=["organisation", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.committee} {self.organisation or ''} {self.get_kind_display()}"


class LeadershipRole(VersionedModel):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        CONVENOR = "convenor", _("Convenor")
        CO_CONVENOR = "co_convenor", _("Co-convenor")
        SECRETARIAT = "secretariat", _("Secretariat")
        CO_SECRETARIAT = "co_secretariat", _("Co-secretariat")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="leadership_roles", verbose_name=_("committee")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leadership_roles",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="leadership_roles",
        verbose_name=_("member organisation"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Made up by `jalon demo`: labelled on every page that shows it.
    is_demo = models.BooleanField(_("demo"), default=False, editable=False)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["committee", "role", "-start_date"]
        verbose_name = _("leadership role")
        verbose_name_plural = _("leadership roles")
        indexes = [models.Index(fields=["organisation", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="leadership_role_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.get_role_display()}: {self.organisation}"


class Meeting(VersionedModel):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    title = MultilingualField(_("title"), required=True)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"))
    mode = models.CharField(_("format"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="meeting_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.title} ({self.start_date:%Y-%m-%d})"


class MeetingDelegate(VersionedModel):
    """A person registered for a meeting on behalf of an organisation. `sponsored` is set by the
    support app (sponsorships and fellowships) when an award pays for the delegate's participation."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        EXPERT = "expert", _("Expert")
        OBSERVER = "observer", _("Observer")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("meeting"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="meeting_delegations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meeting_delegates", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.DELEGATE)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    present = models.BooleanField(_("present"), default=False)
    remote = models.BooleanField(_("took part remotely"), default=False)
    sponsored = models.BooleanField(_("sponsored"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "organisation__acronym", "person__family_name"]
        verbose_name = _("meeting delegate")
        verbose_name_plural = _("meeting delegates")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_delegate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation}) - {self.meeting}"


class Contribution(VersionedModel):
    """A written contribution (document) submitted to a meeting by an organisation."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("meeting")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="committee_contributions", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=300)
    document_reference = models.CharField(_("document reference"), max_length=100, blank=True)
    url = models.URLField(_("link"), blank=True)
    submitted_on = models.DateField(_("submitted on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_on", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.document_reference or self.title} ({self.organisation})"
