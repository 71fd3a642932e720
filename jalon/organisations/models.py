from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.lib.multilingual import MultilingualField
from jalon.reference.models import Country


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        NSB = "nsb", _("National standards body")
        REGIONAL_SDO = "regional_sdo", _("Regional standards organisation")
        INTERNATIONAL_SDO = "international_sdo", _("International standards organisation")
        DONOR = "donor", _("Donor")
        MINISTRY = "ministry", _("Ministry or government agency")
        EMPLOYERS = "employers", _("Employers' organisation")
        WORKERS = "workers", _("Workers' organisation")
        UNIVERSITY = "university", _("University or research institute")
        OTHER = "other", _("Other")

    # The official name under "en" (whatever its language) unless an English one is known; "fr" for French
    # pages where the official name is not French.
    name = MultilingualField(_("name"), required=True, max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
        help_text=_("Leave empty for regional and international organisations."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    description = MultilingualField(_("description"))
    iso_member_id = models.PositiveIntegerField(_("ISO member id"), null=True, blank=True, unique=True)
    iati_identifier = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Published organisations are visible to the public.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [KeyTextTransform("en", "name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "country"])]

    def __str__(self) -> str:
        return f"{self.acronym} ({self.name})" if self.acronym else str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("web:organisation_detail", kwargs={"pk": self.pk})


class Membership(models.Model):
    """An organisation's membership of a standards body (ISO, ITU, ILO...), with its category and dates."""

    class Category(models.TextChoices):
        ISO_MEMBER_BODY = "iso_member_body", _("ISO member body")
        ISO_CORRESPONDENT = "iso_correspondent", _("ISO correspondent member")
        ISO_SUBSCRIBER = "iso_subscriber", _("ISO subscriber member")
        ITU_MEMBER_STATE = "itu_member_state", _("ITU Member State")
        ITU_SECTOR_MEMBER = "itu_sector_member", _("ITU Sector Member")
        ITU_ASSOCIATE = "itu_associate", _("ITU Associate")
        ITU_ACADEMIA = "itu_academia", _("ITU Academia")
        ILO_GOVERNMENT = "ilo_government", _("ILO government constituent")
        ILO_EMPLOYERS = "ilo_employers", _("ILO employers' constituent")
        ILO_WORKERS = "ilo_workers", _("ILO workers' constituent")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("standards body")
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    as_of = models.DateField(_("information as of"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["body", "member__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} - {self.get_category_display()}"


# The categories each standards body offers, by the body's acronym.
CATEGORIES_BY_BODY = {
    "ISO": {
        Membership.Category.ISO_MEMBER_BODY,
        Membership.Category.ISO_CORRESPONDENT,
        Membership.Category.ISO_SUBSCRIBER,
    },
    "ITU": {
        Membership.Category.ITU_MEMBER_STATE,
        Membership.Category.ITU_SECTOR_MEMBER,
        Membership.Category.ITU_ASSOCIATE,
        Membership.Category.ITU_ACADEMIA,
    },
    "ILO": {
        Membership.Category.ILO_GOVERNMENT,
        Membership.Category.ILO_EMPLOYERS,
        Membership.Category.ILO_WORKERS,
    },
}


class Person(models.Model):
    """A contact, belonging to an organisation. Sex is recorded only for disaggregation, and optional."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Function(models.TextChoices):
        COMMITTEE_CHAIR = "committee_chair", _("Committee chair")
        COMMITTEE_MANAGER = "committee_manager", _("Committee manager")
        CONVENOR = "convenor", _("Convenor")
        SECRETARY = "secretary", _("Secretary")
        NSB_STAFF = "nsb_staff", _("NSB staff")
        REGULATOR = "regulator", _("Regulator")
        INDUSTRY = "industry", _("Industry")
        ACADEMIA = "academia", _("Academia")
        OTHER = "other", _("Other")

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    # Activities (issue 4): the role in standardization, for disaggregation and targeting.
    function = models.CharField(_("function"), max_length=20, choices=Function.choices, blank=True)
    # Erased on request (jalon.activities.services.person_erase): names and contacts replaced, sex, country
    # and organisation kept so that the aggregates still hold.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # What recognises the same person (jalon.activities.people): the email as compared (trimmed, case-folded)
    # and the name as compared (accents and case folded, spaces collapsed), set on every save (`save`,
    # `person_match_fields` for bulk writes), indexed so that matching asks the index rather than normalising
    # every recorded person in Python (issue 21).
    match_email = models.CharField(max_length=254, blank=True, editable=False)
    match_name = models.CharField(max_length=201, blank=True, editable=False)
    # The same name family name first ("diop awa"): a search by family name alone, or by its start, is a
    # prefix of this key, read from its index like a prefix of match_name (organisations.selectors.people_named).
    match_name_reversed = models.CharField(max_length=201, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["match_email"], name="person_match_email"),
            # The pattern operator classes let PostgreSQL answer `LIKE 'prefix%'` from the index whatever the
            # database's collation (equality too); other databases ignore them (SQLite asks a range instead).
            models.Index(
                fields=["match_name", "organisation"],
                name="person_match_name",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(
                fields=["match_name_reversed"], name="person_match_reversed", opclasses=["varchar_pattern_ops"]
            ),
            # An organisation's contacts, a page of 25 by name, read from the index (issue 21).
            models.Index(fields=["organisation", "family_name", "given_name", "id"], name="person_organisation_name"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def save(self, *args, **kwargs):
        self.match_email, self.match_name = person_match_fields(self.email, self.given_name, self.family_name)
        self.match_name_reversed = person_match_reversed(self.given_name, self.family_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "match_email", "match_name", "match_name_reversed"}
        super().save(*args, **kwargs)


# The marks a name is written with or without, by people and by the files they send: "N'Diaye", "N’Diaye" and
# "Ndiaye"; "Jean-Pierre" and "Jean Pierre"; "St. John" and "St John". Apostrophes go, hyphens and dots part words.
NAME_MARKS = str.maketrans({"'": "", "’": "", "ʼ": "", "‘": "", "`": "", "-": " ", "‐": " ", "‑": " ", ".": " "})


def person_match_fields(email: str | None, given_name: str | None, family_name: str | None) -> tuple[str, str]:
    """(match_email, match_name) of these details: " Zoé  N'DIAYE ", "zoe n'diaye" and "Zoe Ndiaye" give the same
    name (NAME_MARKS)."""
    from jalon.lib.text import folded

    name = " ".join(folded(f"{given_name or ''} {family_name or ''}").translate(NAME_MARKS).split())
    return (email or "").strip().casefold()[:254], name[:201]


def person_match_reversed(given_name: str | None, family_name: str | None) -> str:
    """Person.match_name_reversed of these names: "Zoé N'DIAYE" gives "ndiaye zoe"."""
    return person_match_fields("", family_name, given_name)[1]


class PersonEmail(models.Model):
    """Another address a person is known by: the address of a record joined into theirs (two records of one
    person merged), so that a registration with either address finds the same person. Stored lower-cased."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_emails", verbose_name=_("person"))
    email = models.EmailField(_("email"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["person", "email"], name="person_email_once")]
        verbose_name = _("other email")
        verbose_name_plural = _("other emails")

    def __str__(self) -> str:
        return self.email
