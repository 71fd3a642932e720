"""Reads over activities and participants, each in a constant number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from jalon.activities import access
from jalon.activities.imports import PARTICIPANTS
from jalon.activities.models import (
    Activity,
    ActivitySession,
    ActivityTrainer,
    Attendance,
    FollowUp,
    Registration,
    activity_ids_serving,
)
from jalon.activities.people import normalised_name, people_duplicates, person_match_key  # noqa: F401 - read from here too
from jalon.activities.services import certificate_code_normalise
from jalon.jobs.access import jobs_visible
from jalon.jobs.models import Job
from jalon.lib import search
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_contains
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Person, PersonEmail
from jalon.reference.models import Country
from jalon.results.access import programmes_visible
from jalon.results.models import Result

CENTI = Decimal("0.01")


def _registrations_counted(**conditions) -> Coalesce:
    """How many registrations (not cancelled) of the row's activity meet the conditions: a subquery per row,
    not a join grouped over the whole list, so that a page (and its total) does not count every registration
    of the history before keeping its rows (issue 21)."""
    counted = (
        Registration.objects.filter(activity=OuterRef("pk"), status=Registration.Status.REGISTERED, **conditions)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def activities_listed(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """What an activity list shows, loaded in a fixed number of queries, with participant counts."""
    return (
        queryset.select_related(
            "organiser", "region", "venue_country", "planned_budget_currency", "actual_cost_currency"
        )
        .prefetch_related("countries", "languages", "partners", "donors", "outputs__programme")
        .annotate(registered_count=_registrations_counted(), completed_count=_registrations_counted(completed=True))
    )


def registrations_listed(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Registrations with their person and the number of sessions attended."""
    return queryset.select_related("activity", "person__organisation", "person__country").annotate(
        sessions_attended=Count("attendances", filter=Q(attendances__present=True))
    )


def activity_participants(*, activity: Activity) -> QuerySet[Registration]:
    return registrations_listed(activity.registrations.all()).order_by(
        "person__family_name", "person__given_name", "pk"
    )


def activity_sessions(*, activity: Activity):  # the type inferred keeps the annotation (present_count)
    # Ordered here: Django does not apply Meta.ordering to a grouped (annotated) query, so PostgreSQL would
    # return the sessions in any order.
    return activity.sessions.annotate(present_count=Count("attendances", filter=Q(attendances__present=True))).order_by(
        "date", "start_time", "pk"
    )


def attendance_grid(*, activity: Activity) -> dict[tuple[int, int], bool]:
    """{(registration id, session id): present} for the activity, in one query."""
    return {
        (registration_id, session_id): present
        for registration_id, session_id, present in Attendance.objects.filter(
            registration__activity=activity
        ).values_list("registration_id", "session_id", "present")
    }


@dataclass(frozen=True)
class ActivitySummary:
    """Aggregates of one activity, safe to show to anyone (no person named)."""

    registered: int
    completed: int
    women: int
    sex_recorded: int
    countries: int
    organisations: int
    average_gain: Decimal | None
    satisfaction_answers: int
    satisfied: int
    followup_answers: int
    applied: int

    @property
    def women_percent(self) -> Decimal | None:
        return None if not self.sex_recorded else (Decimal(self.women) * 100 / self.sex_recorded).quantize(CENTI)

    @property
    def satisfied_percent(self) -> Decimal | None:
        return (
            None
            if not self.satisfaction_answers
            else (Decimal(self.satisfied) * 100 / self.satisfaction_answers).quantize(CENTI)
        )

    @property
    def applied_percent(self) -> Decimal | None:
        return (
            None if not self.followup_answers else (Decimal(self.applied) * 100 / self.followup_answers).quantize(CENTI)
        )


def activity_summary(*, activity: Activity) -> ActivitySummary:
    """Counts over the activity's (not cancelled) registrations, in two queries."""
    registrations = activity.registrations.filter(status=Registration.Status.REGISTERED)
    gain = ExpressionWrapper(
        F("post_test_score") - F("pre_test_score"), output_field=DecimalField(max_digits=6, decimal_places=2)
    )
    both = Q(pre_test_score__isnull=False, post_test_score__isnull=False)
    row = registrations.aggregate(
        registered=Count("pk"),
        completed=Count("pk", filter=Q(completed=True)),
        women=Count("pk", filter=Q(person__sex=Person.Sex.FEMALE)),
        sex_recorded=Count("pk", filter=Q(person__sex__in=(Person.Sex.FEMALE, Person.Sex.MALE, Person.Sex.OTHER))),
        organisations=Count("person__organisation", distinct=True),
        gains=Count("pk", filter=both),
        gain_total=Sum(gain, filter=both),
        satisfaction_answers=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        followup_answers=Count("pk", filter=Q(followup_applied__in=FollowUp.values)),
        applied=Count("pk", filter=Q(followup_applied__in=(FollowUp.YES, FollowUp.PARTLY))),
    )
    countries = (
        Person.objects.filter(pk__in=registrations.values("person_id"))
        .filter(Q(country__isnull=False) | Q(organisation__country__isnull=False))
        .values_list("country_id", "organisation__country_id")
    )
    reached = {own or organisation for own, organisation in countries}
    average = (Decimal(row["gain_total"]) / row["gains"]).quantize(CENTI) if row["gains"] else None
    return ActivitySummary(
        registered=row["registered"],
        completed=row["completed"],
        women=row["women"],
        sex_recorded=row["sex_recorded"],
        countries=len(reached),
        organisations=row["organisations"],
        average_gain=average,
        satisfaction_answers=row["satisfaction_answers"],
        satisfied=row["satisfied"],
        followup_answers=row["followup_answers"],
        applied=row["applied"],
    )


def person_history(*, person: Person) -> QuerySet[Registration]:
    """A person's registrations, newest activity first, with sessions attended and each activity's organiser."""
    return (
        registrations_listed(person.registrations.all())
        .select_related("activity__organiser")
        .order_by("-activity__start_date", "-pk")
    )


# Long enough for the longest code a person could type with separators, short enough to refuse junk early.
CERTIFICATE_CODE_MAX_LENGTH = 64


def certificate_lookup(*, code: str) -> Registration | None:
    """The completed registration a certificate code belongs to, or None (never an error for a malformed
    code). Anyone may check a code: the answer names the person and the activity, as the certificate itself
    does. A cancelled registration's certificate no longer verifies."""
    if not code or len(code) > CERTIFICATE_CODE_MAX_LENGTH:
        return None
    normalised = certificate_code_normalise(code)
    if not normalised or len(normalised) > 32:
        return None
    return (
        Registration.objects.filter(certificate_code=normalised, completed=True, status=Registration.Status.REGISTERED)
        .select_related("person", "activity__organiser")
        .first()
    )


def people_with_history(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """People with their organisation, country and number of activities (registrations not cancelled)."""
    return queryset.select_related("organisation", "country").annotate(
        activities_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED))
    )


def people_activity_counts(people_ids) -> dict[int, int]:
    """How many activities (registrations not cancelled) each of these people has, in one query."""
    rows = (
        Registration.objects.filter(person_id__in=people_ids, status=Registration.Status.REGISTERED)
        .values("person_id")
        .annotate(n=Count("pk"))
    )
    return {row["person_id"]: row["n"] for row in rows}


def people_histories(people) -> dict[int, list[Registration]]:
    """Each person's registrations with their activity, latest first, in one query."""
    history: dict[int, list[Registration]] = {}
    for registration in (
        Registration.objects.filter(person__in=people).select_related("activity").order_by("-activity__start_date")
    ):
        history.setdefault(registration.person_id, []).append(registration)
    return history


@dataclass(frozen=True)
class Headline:
    """The seed-001-style line: "N participants from M countries in YEAR"."""

    participants: int
    countries: int
    period: object


def reach_headline(*, programme, period) -> Headline:
    """Distinct people trained in the programme's activities during the period, and their countries (the
    same rules as the computed indicators, so that the line and the indicators agree)."""
    from jalon.activities.computations import trained_people

    people = trained_people(programme, period)
    countries = people.filter(reach_country__isnull=False).order_by().values("reach_country").distinct().count()
    return Headline(participants=people.count(), countries=countries, period=period)


# Lists and the activity page ----------------------------------------------------------------------------


def activities_filtered(user, filters: dict):
    """The activities a user may see, narrowed by the list's filters (a set-based query, no row loaded)."""
    queryset = access.activities_visible(user)
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(
            search.any_contains(term, "code", "venue")
            | text_contains("title", term)
            | search.equals("organiser__acronym", term)
        )
    for name in ("type", "level", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("country"):
        queryset = queryset.filter(
            pk__in=Activity.countries.through.objects.filter(country__iso3=filters["country"]).values("activity_id")
        )
    if filters.get("region"):
        m49 = filters["region"]
        in_region = Q(region__m49=m49) | Q(region__parent__m49=m49) | Q(region__parent__parent__m49=m49)
        countries = Country.objects.filter(
            Q(region__m49=m49) | Q(sub_region__m49=m49) | Q(intermediate_region__m49=m49)
        )
        by_country = Activity.countries.through.objects.filter(country__in=countries).values("activity_id")
        queryset = queryset.filter(in_region | Q(pk__in=by_country))
    if filters.get("language"):
        queryset = queryset.filter(
            pk__in=Activity.languages.through.objects.filter(language__code=filters["language"]).values("activity_id")
        )
    if filters.get("programme"):
        queryset = queryset.filter(pk__in=activity_ids_serving(programme__code=filters["programme"]))
    # A date range keeps the activities that run at some point inside it.
    if filters.get("date_from"):
        queryset = queryset.filter(end_date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(start_date__lte=filters["date_to"])
    return queryset


def activity_counts(*, activity: Activity) -> dict:
    """What the shared summary lacks, in one query over the registrations that are not cancelled: how many
    were present at one session at least, and how many have both test scores (the knowledge gain's group)."""
    present = Attendance.objects.filter(registration=OuterRef("pk"), present=True)
    return (
        activity.registrations.filter(status=Registration.Status.REGISTERED)
        .annotate(was_present=Exists(present))
        .aggregate(
            attended=Count("pk", filter=Q(was_present=True)),
            tested=Count("pk", filter=Q(pre_test_score__isnull=False, post_test_score__isnull=False)),
        )
    )


def activities_for_list(user, filters: dict) -> QuerySet[Activity]:
    """The list page's rows: what it shows of each activity. The number registered is counted for the rows of
    the page only (`registered_counts`): counted here, it made the page count every registration of the
    history, for the total and the sort, before keeping 25 rows (issue 21)."""
    return activities_filtered(user, filters).select_related("organiser", "region").prefetch_related("countries")


def registered_counts(activities) -> dict[int, int]:
    """How many people are registered (not cancelled) for each of these activities, in one query."""
    rows = (
        Registration.objects.filter(activity__in=[activity.pk for activity in activities])
        .filter(status=Registration.Status.REGISTERED)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["activity_id"]: row["n"] for row in rows}


def activities_managed_among(user, activities) -> set[int]:
    """Which of these activities the user manages (and so sees exact participant counts of), in one query."""
    ids = [activity.pk for activity in activities]
    return set(access.activities_manageable(user).filter(pk__in=ids).values_list("pk", flat=True))


def activities_in_calendar(user, filters: dict, *, start, end) -> list[Activity]:
    """The activities running at some point from `start` to `end`, in date order."""
    return list(
        activities_filtered(user, {**filters, "date_from": start, "date_to": end})
        .select_related("organiser")
        .order_by("start_date", "end_date", "code")
    )


def activity_outputs_shown(user, activity: Activity) -> QuerySet[Result]:
    """The results an activity serves, in the programmes the user may see."""
    return (
        activity.outputs.filter(programme__in=programmes_visible(user))
        .select_related("programme", "level")
        .order_by("programme__code", "order")
    )


def activity_sessions_in_order(activity: Activity) -> QuerySet[ActivitySession]:
    return activity.sessions.order_by("date", "start_time", "id")


def attendance_sheet(session: ActivitySession) -> tuple[list[Registration], dict[int, bool]]:
    """The people registered (not cancelled) for the session's activity, by name, and the attendance
    recorded so far ({registration id: present}): two queries."""
    registrations = list(
        Registration.objects.filter(activity_id=session.activity_id, status=Registration.Status.REGISTERED)
        .select_related("person__organisation")
        .order_by(TextOrder("person__family_name"), TextOrder("person__given_name"), "pk")
    )
    recorded = dict(session.attendances.values_list("registration_id", "present"))
    return registrations, recorded


def person_registration_count(person: Person) -> int:
    return person.registrations.count()


def registration_namesakes(registration: Registration) -> list[Registration]:
    """The other active registrations of the same activity whose person has the same name in the same
    organisation (another record, most often another address of the same person): one query over the
    activity's registrations of that organisation."""
    person = registration.person
    wanted = normalised_name(person.given_name, person.family_name)
    same_organisation = (
        Q(person__organisation_id=person.organisation_id)
        if person.organisation_id is not None
        else Q(person__organisation__isnull=True)
    )
    others = (
        Registration.objects.filter(
            same_organisation,
            activity_id=registration.activity_id,
            status=Registration.Status.REGISTERED,
            person__anonymised_at__isnull=True,
        )
        .exclude(pk=registration.pk)
        .select_related("person")
        .order_by("person_id")
    )
    return [other for other in others if normalised_name(other.person.given_name, other.person.family_name) == wanted]


def people_search(user, term: str, *, limit: int) -> list[Person]:
    """The records a user may join whose name or email (or another address) contains `term`, accents and
    case ignored, by name; at most `limit`."""
    words = term.split()
    queryset = people_mergeable(user)
    for word in words:
        queryset = queryset.filter(
            search.any_contains(word, "given_name", "family_name", "email")
            | Q(pk__in=PersonEmail.objects.filter(search.contains("email", word)).values("person_id"))
        )
    return list(queryset.order_by(TextOrder("family_name"), TextOrder("given_name"), "pk")[:limit])


def people_mergeable(user) -> QuerySet[Person]:
    """The records a user may join: people they see that were not erased."""
    return (
        organisations_access.people_visible(user)
        .filter(anonymised_at__isnull=True)
        .select_related("organisation", "country")
    )


def participant_imports_recent(user, activity: Activity, *, count: int = 10) -> QuerySet[Job]:
    """The activity's latest participant imports that the user may follow (jalon.jobs decides, one query)."""
    imports = Job.objects.filter(kind=PARTICIPANTS, subject_id=activity.pk).select_related("owner")
    return jobs_visible(user, imports)[:count]


def activity_of_job(job: Job) -> Activity | None:
    """The activity a job is about (its subject), or None once deleted."""
    if job.subject_id is None:
        return None
    return Activity.objects.filter(pk=job.subject_id).first()


# Reach pages ------------------------------------------------------------------------------------------------


def country_by_iso3(iso3: str) -> Country | None:
    if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
        # Not a country code; and PostgreSQL would refuse a NUL character in the lookup (a server error).
        return None
    return Country.objects.filter(iso3=iso3.upper()).first()


def activities_held_in(country: Country, activities) -> set[int]:
    """Which of these activities took place in the country (the others concerned it, or reached its people,
    from elsewhere or online)."""
    ids = [activity.pk for activity in activities]
    return set(country.activities_hosted.filter(pk__in=ids).values_list("pk", flat=True))


def activity_relations(activity: Activity) -> dict:
    """What the activity page lists beside the activity: its countries, languages, partners, donors and
    materials (each read when the page shows it)."""
    return {
        "countries": activity.countries.all(),
        "languages": activity.languages.all(),
        "partners": activity.partners.all(),
        "donors": activity.donors.all(),
        "materials": activity.materials.select_related("language"),
    }


def material_next_order(activity: Activity) -> int:
    """The place of a new material: after the others."""
    return activity.materials.count()


# The participants page of an activity (search, filters, bulk actions, exports) ----------------------------

PARTICIPANT_STATUSES = ("registered", "waiting", "cancelled")
PARTICIPANT_PROGRESS = ("completed", "not_completed", "certificate", "no_satisfaction", "no_followup")


def activity_participants_filtered(
    *, activity: Activity, term: str = "", status: str = "", progress: str = ""
) -> QuerySet[Registration]:
    """The activity's registrations matching a term (name, e-mail, organisation: accents and case ignored),
    a status and a progress filter, by name: one query (with the sessions attended)."""
    queryset = activity.registrations.all()
    if term.strip():
        queryset = queryset.filter(
            search.any_contains(
                term,
                "person__given_name",
                "person__family_name",
                "person__email",
                "person__organisation__name",
                "person__organisation__acronym",
            )
        )
    if status in PARTICIPANT_STATUSES:
        queryset = queryset.filter(status=status)
    if progress == "completed":
        queryset = queryset.filter(completed=True)
    elif progress == "not_completed":
        queryset = queryset.filter(completed=False)
    elif progress == "certificate":
        queryset = queryset.filter(certificate_code__isnull=False)
    elif progress == "no_satisfaction":
        queryset = queryset.filter(satisfaction__isnull=True)
    elif progress == "no_followup":
        queryset = queryset.filter(followup_applied="")
    return registrations_listed(queryset).order_by(
        TextOrder("person__family_name"), TextOrder("person__given_name"), "pk"
    )


def activity_registrations_among(activity: Activity, ids) -> list[Registration]:
    """The registrations of this activity among `ids` (others ignored), with their person, by name."""
    return list(
        Registration.objects.filter(activity=activity, pk__in=ids)
        .select_related("person__organisation", "activity")
        .order_by(TextOrder("person__family_name"), TextOrder("person__given_name"), "pk")
    )


def waiting_list(activity: Activity) -> list[Registration]:
    return list(
        activity.registrations.filter(status=Registration.Status.WAITING)
        .select_related("person")
        .order_by("registered_at", "pk")
    )


def registration_by_pk(pk: int) -> Registration | None:
    return Registration.objects.select_related("person", "activity").filter(pk=pk).first()


def activity_trainers(*, activity: Activity) -> QuerySet[ActivityTrainer]:
    return ActivityTrainer.objects.filter(activity=activity).select_related("person").order_by("person__family_name")
