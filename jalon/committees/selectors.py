"""Reads over committees and participation: who sat where on a given day, yearly series, developing versus
developed splits. Counts are aggregated in the database; each function runs a fixed number of queries
whatever the number of committees, members or years."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jalon.committees.iso_import import JOB_KIND
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    ImportRun,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.jobs.access import jobs_visible
from jalon.jobs.models import Job
from jalon.lib.multilingual import text_in_database
from jalon.organisations.access import organisations_visible, people_visible
from jalon.organisations.models import Membership, Organisation
from jalon.reference.models import Country, DevelopingCountryRule
from jalon.reference.selectors import countries_with_classifications, rule_condition

P = CommitteeMembership.Status.P
O = CommitteeMembership.Status.O  # noqa: E741


# Intervals ------------------------------------------------------------------------------------------------


def membership_in_force(on: datetime.date, prefix: str = "") -> Q:
    """Memberships in force on `on`: [since, until), an empty `since` meaning "before the records began"."""
    return (Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": on})) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": on})
    )


def role_in_force(on: datetime.date, prefix: str = "") -> Q:
    """Leadership roles held on `on` (the end date is the last day held)."""
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": on})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def committee_in_existence(on: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}creation_date__isnull": True}) | Q(**{f"{prefix}creation_date__lte": on})) & (
        Q(**{f"{prefix}disbanded_on__isnull": True}) | Q(**{f"{prefix}disbanded_on__gt": on})
    )


def _body_filter(body: str | None, prefix: str = "") -> Q:
    return Q(**{f"{prefix}body": body}) if body else Q()


def committees_active_count(*, on: datetime.date, body: str | None = None) -> int:
    """Committees in existence on `on` (not disbanded then): the denominator of a member's share."""
    return (
        Committee.objects.filter(committee_in_existence(on), _body_filter(body))
        .exclude(status=Committee.Status.DISBANDED, disbanded_on__isnull=True)
        .count()
    )


def developing_country_ids(*, rule: DevelopingCountryRule, on: datetime.date) -> QuerySet:
    """The developing countries under `rule` on `on`, as a subquery of country ids."""
    return countries_with_classifications(on=on).filter(rule_condition(rule)).values("pk")


def share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Committees -----------------------------------------------------------------------------------------------


def _count(queryset, outer: str) -> Coalesce:
    """A correlated COUNT(*) subquery, 0 when there is nothing (no join multiplication between counts)."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def committees_with_counts(
    queryset: QuerySet[Committee] | None = None,
    *,
    on: datetime.date | None = None,
    developing: QuerySet | None = None,
) -> QuerySet[Committee]:
    """Committees annotated with p_count, o_count (members in force on `on`, default today) and, given a
    subquery of developing country ids, developing_p_count and developing_o_count."""
    on = on or datetime.date.today()
    queryset = Committee.objects.all() if queryset is None else queryset
    in_force = CommitteeMembership.objects.filter(membership_in_force(on))
    annotations = {
        "p_count": _count(in_force.filter(status=P), "committee"),
        "o_count": _count(in_force.filter(status=O), "committee"),
    }
    if developing is not None:
        annotations["developing_p_count"] = _count(
            in_force.filter(status=P, member__country__in=developing), "committee"
        )
        annotations["developing_o_count"] = _count(
            in_force.filter(status=O, member__country__in=developing), "committee"
        )
    return queryset.select_related("parent", "secretariat__country").annotate(**annotations)


def committee_history(*, committee: Committee) -> QuerySet[ParticipationEvent]:
    return committee.events.select_related("organisation", "previous_organisation", "import_run").order_by(
        "-date", "kind", "organisation__acronym"
    )


# Participation measures -----------------------------------------------------------------------------------


@dataclass
class Measures:
    """Participation of one member, one country or a group of them on a day (stocks) and over a span
    (flows: meetings attended, contributions)."""

    p_count: int = 0
    o_count: int = 0
    leadership: int = 0
    meetings_attended: int = 0
    contributions: int = 0
    committees: int = 0  # committees in existence that day: the denominator of the share

    @property
    def p_share(self) -> Decimal | None:
        """P-memberships as a percentage of the committees in existence."""
        return share(self.p_count, self.committees)

    def as_dict(self) -> dict:
        return {
            "p_count": self.p_count,
            "o_count": self.o_count,
            "p_share": self.p_share,
            "leadership": self.leadership,
            "meetings_attended": self.meetings_attended,
            "contributions": self.contributions,
            "committees": self.committees,
        }


def _span(on: datetime.date, start: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    return (start or on.replace(month=1, day=1)), on


def participation_by(
    *,
    group: str,
    on: datetime.date,
    start: datetime.date | None = None,
    body: str | None = None,
    organisations: QuerySet | None = None,
) -> dict:
    """Measures per member (`group="member"`, keyed by organisation id) or per country (`group="country"`,
    keyed by country id) on `on`; meetings and contributions counted from `start` (default: 1 January of
    `on`'s year) to `on`. Five queries."""
    if group not in ("member", "country"):
        raise ValueError(group)
    start, end = _span(on, start)
    committees = committees_active_count(on=on, body=body)
    org_key = {"member": "member_id", "country": "member__country_id"}[group]
    scope = Q(member__in=organisations) if organisations is not None else Q()

    def org_scope(path: str) -> Q:
        return Q(**{f"{path}__in": organisations}) if organisations is not None else Q()

    result: dict = {}

    def measures(key) -> Measures:
        if key not in result:
            result[key] = Measures(committees=committees)
        return result[key]

    memberships = (
        CommitteeMembership.objects.filter(membership_in_force(on), scope, _body_filter(body, "committee__"))
        .filter(member__isnull=False)
        .values(org_key)
        .annotate(p=Count("pk", filter=Q(status=P)), o=Count("pk", filter=Q(status=O)))
        .order_by()
    )
    for row in memberships:
        item = measures(row[org_key])
        item.p_count, item.o_count = row["p"], row["o"]
    path = "organisation" if group == "member" else "organisation__country"
    key = f"{path}_id" if group == "member" else "organisation__country_id"
    roles = (
        LeadershipRole.objects.filter(role_in_force(on), org_scope("organisation"), _body_filter(body, "committee__"))
        .values(key)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in roles:
        measures(row[key]).leadership = row["n"]
    attended = (
        MeetingDelegate.objects.filter(
            present=True,
            meeting__start_date__gte=start,
            meeting__start_date__lte=end,
            **({"organisation__in": organisations} if organisations is not None else {}),
        )
        .filter(_body_filter(body, "meeting__committee__"))
        .values(key)
        .annotate(n=Count("meeting", distinct=True))
        .order_by()
    )
    for row in attended:
        measures(row[key]).meetings_attended = row["n"]
    contributions = (
        Contribution.objects.filter(
            submitted_on__gte=start,
            submitted_on__lte=end,
            **({"organisation__in": organisations} if organisations is not None else {}),
        )
        .filter(_body_filter(body, "meeting__committee__"))
        .values(key)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in contributions:
        measures(row[key]).contributions = row["n"]
    result.pop(None, None)
    return result


def participation_of(
    *,
    organisation: Organisation | None = None,
    country=None,
    on: datetime.date,
    start: datetime.date | None = None,
    body: str | None = None,
) -> Measures:
    """Measures of one member or one country."""
    if organisation is not None:
        found = participation_by(
            group="member",
            on=on,
            start=start,
            body=body,
            organisations=Organisation.objects.filter(pk=organisation.pk),
        )
        return found.get(organisation.pk) or Measures(committees=committees_active_count(on=on, body=body))
    found = participation_by(
        group="country", on=on, start=start, body=body, organisations=Organisation.objects.filter(country=country)
    )
    return found.get(country.pk) or Measures(committees=committees_active_count(on=on, body=body))


def participation_series(
    *,
    years: list[int],
    organisations: QuerySet | None = None,
    body: str | None = None,
    today: datetime.date | None = None,
) -> list[dict]:
    """A yearly series for a set of members (default: all): P and O counts and leadership positions at the
    end of each year (or today for the current year), meetings attended and contributions during it. Five
    queries whatever the number of years."""
    today = today or datetime.date.today()
    years = sorted(set(years))
    if not years:
        return []
    ends = {year: min(datetime.date(year, 12, 31), today) for year in years}
    member_scope = Q(member__in=organisations) if organisations is not None else Q(member__isnull=False)
    org_scope = Q(organisation__in=organisations) if organisations is not None else Q()
    memberships = CommitteeMembership.objects.filter(member_scope, _body_filter(body, "committee__")).aggregate(
        **{f"p{y}": Count("pk", filter=Q(status=P) & membership_in_force(ends[y])) for y in years},
        **{f"o{y}": Count("pk", filter=Q(status=O) & membership_in_force(ends[y])) for y in years},
    )
    roles = LeadershipRole.objects.filter(org_scope, _body_filter(body, "committee__")).aggregate(
        **{f"r{y}": Count("pk", filter=role_in_force(ends[y])) for y in years}
    )
    committees = Committee.objects.filter(_body_filter(body)).aggregate(
        **{f"c{y}": Count("pk", filter=committee_in_existence(ends[y])) for y in years}
    )
    attended = dict(
        MeetingDelegate.objects.filter(org_scope, present=True, meeting__start_date__year__in=years)
        .filter(_body_filter(body, "meeting__committee__"))
        .annotate(year=ExtractYear("meeting__start_date"))
        .values("year")
        .annotate(n=Count("meeting", distinct=True))
        .values_list("year", "n")
        .order_by()
    )
    contributions = dict(
        Contribution.objects.filter(org_scope, submitted_on__year__in=years)
        .filter(_body_filter(body, "meeting__committee__"))
        .annotate(year=ExtractYear("submitted_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
        .order_by()
    )
    series = []
    for year in years:
        measures = Measures(
            p_count=memberships[f"p{year}"],
            o_count=memberships[f"o{year}"],
            leadership=roles[f"r{year}"],
            meetings_attended=attended.get(year, 0),
            contributions=contributions.get(year, 0),
            committees=committees[f"c{year}"],
        )
        series.append({"year": year, "as_of": ends[year], **measures.as_dict()})
    return series


# What the committee pages show ----------------------------------------------------------------------------


def member_countries() -> list[tuple[str, str]]:
    """(ISO alpha-3, name) of the countries whose organisations sit on a committee, by name: the list's filter."""
    # EXISTS per country (an index lookup each), not DISTINCT over a join of every membership: 1-3 ms instead
    # of 20-45 ms for ISO's 34,700 memberships, on every request of the list (issue 21).
    sitting = CommitteeMembership.objects.filter(member__country=OuterRef("pk"))
    countries = Country.objects.filter(Exists(sitting)).annotate(shown=text_in_database("name"))
    return list(countries.order_by("shown").values_list("iso3", "shown"))


def in_sector(code: str) -> Q:
    """The committees of an ICS field (its code): those the team put in it, and their subcommittees and
    working groups (a subcommittee is found under its parent's sectors, a working group under its
    grandparent's too)."""
    sectors = Committee.ics_fields.through.objects.filter(icsfield_id=code)
    return (
        Q(Exists(sectors.filter(committee_id=OuterRef("pk"))))
        | Q(Exists(sectors.filter(committee_id=OuterRef("parent_id"))))
        | Q(Exists(sectors.filter(committee_id=OuterRef("parent__parent_id"))))
    )


def committees_in_fields(codes: Iterable[str]) -> dict[str, set[int]]:
    """ICS field code -> the ids of the committees in it, by the rule of `in_sector` (a subcommittee under its
    parent's fields, a working group under its grandparent's too), for many fields in two queries."""
    codes = list(codes)
    if not codes:
        return {}
    own: dict[int, set[str]] = {}
    for committee_id, code in Committee.ics_fields.through.objects.filter(icsfield_id__in=codes).values_list(
        "committee_id", "icsfield_id"
    ):
        own.setdefault(committee_id, set()).add(code)
    found: dict[str, set[int]] = {code: set() for code in codes}
    tagged = list(own)
    rows = Committee.objects.filter(
        Q(pk__in=tagged) | Q(parent_id__in=tagged) | Q(parent__parent_id__in=tagged)
    ).values_list("pk", "parent_id", "parent__parent_id")
    for pk, parent_id, grandparent_id in rows:
        inherited = own.get(parent_id, set()) if parent_id else set()
        inherited |= own.get(grandparent_id, set()) if grandparent_id else set()
        for code in own.get(pk, set()) | inherited:
            found[code].add(pk)
    return found


def committee_by_reference(reference: str) -> Committee | None:
    """The committee a person means by a reference typed in any case (the latest study period's, an ISO
    committee's only one): how forms read "ISO/TC 176"."""
    return Committee.objects.filter(reference__iexact=reference).order_by("-study_period", "-status", "pk").first()


def country_is_developing(country_id: int | None, developing: QuerySet) -> bool:
    """Whether the country is among `developing` (a subquery of country ids)."""
    return country_id is not None and Country.objects.filter(pk=country_id, pk__in=developing).exists()


def committee_children(committee: Committee, *, on: datetime.date) -> QuerySet[Committee]:
    return committees_with_counts(committee.children.all(), on=on).order_by("sort_key")


def committee_roles(committee: Committee) -> list[LeadershipRole]:
    """The committee's leadership roles, current and past, by role and latest first."""
    return list(
        LeadershipRole.objects.filter(committee=committee)
        .select_related("organisation__country", "person")
        .order_by("role", "-start_date", "pk")
    )


def people_named(user, roles: list[LeadershipRole]) -> set[int]:
    """Of the people holding `roles`, those whose names `user` may read (names of people are personal data)."""
    ids = [role.person_id for role in roles if role.person_id]
    return set(people_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def committee_meetings(committee: Committee, *, delegates: QuerySet[MeetingDelegate] | None) -> QuerySet[Meeting]:
    """The committee's meetings with their contributions and, given the delegates a reader may see, those
    delegates (as `visible_delegates`)."""
    prefetches: list[Prefetch] = [
        Prefetch("contributions", queryset=Contribution.objects.select_related("organisation").order_by("submitted_on"))
    ]
    if delegates is not None:
        prefetches.append(
            Prefetch(
                "delegates",
                queryset=delegates.select_related("person", "organisation").order_by(
                    "organisation__acronym", "person__family_name"
                ),
                to_attr="visible_delegates",
            )
        )
    return Meeting.objects.filter(committee=committee).select_related("country", "host").prefetch_related(*prefetches)


def country_organisations(user, country: Country) -> QuerySet[Organisation]:
    """The organisations of `country` the user may see: whose participation a country's profile adds up."""
    return organisations_visible(user).filter(country=country)


def organisation_alone(organisation: Organisation) -> QuerySet[Organisation]:
    """One member as the set of organisations a profile adds up."""
    return Organisation.objects.filter(pk=organisation.pk)


def memberships_of(organisation: Organisation, *, on: datetime.date) -> QuerySet[CommitteeMembership]:
    """The member's committees on `on`: P first, then O, then liaisons."""
    return (
        CommitteeMembership.objects.filter(member=organisation)
        .filter(membership_in_force(on))
        .select_related("committee")
        .order_by("-status", "committee__sort_key")
    )


@dataclass
class Activity:
    """What a country's or a member's profile lists besides its measures: leadership roles held, meetings
    attended, contributions (the latest 200 of each) and the participation events (to paginate)."""

    roles: QuerySet[LeadershipRole]
    attended: QuerySet
    contributions: QuerySet[Contribution]
    events: QuerySet[ParticipationEvent]


LATEST = 200


def participation_activity(*, organisations: QuerySet[Organisation]) -> Activity:
    return Activity(
        roles=LeadershipRole.objects.filter(organisation__in=organisations)
        .select_related("committee", "organisation")
        .order_by(F("end_date").desc(nulls_first=True), "committee__sort_key", "role"),
        attended=MeetingDelegate.objects.filter(organisation__in=organisations, present=True)
        .values(
            "meeting_id",
            "meeting__start_date",
            "meeting__committee_id",
            "meeting__committee__reference",
            "meeting__title",
            "meeting__mode",
            "meeting__city",
        )
        .distinct()
        .order_by("-meeting__start_date", "meeting_id")[:LATEST],
        contributions=Contribution.objects.filter(organisation__in=organisations)
        .select_related("meeting__committee", "organisation")
        .order_by("-submitted_on", "pk")[:LATEST],
        events=ParticipationEvent.objects.filter(
            Q(organisation__in=organisations) | Q(previous_organisation__in=organisations)
        )
        .select_related("committee", "organisation", "previous_organisation")
        .order_by("-date", "committee__sort_key", "pk"),
    )


def participation_overview(*, developing: QuerySet, today: datetime.date, years: list[int]) -> list[dict]:
    """Developing-country members against all other members with a country, year by year: memberships,
    leadership, meetings, contributions, and the developing share of P-memberships. Ten queries."""
    groups = {
        "developing": Organisation.objects.filter(country__in=developing),
        "developed": Organisation.objects.filter(country__isnull=False).exclude(country__in=developing),
    }
    parts = {name: participation_series(years=years, organisations=orgs, today=today) for name, orgs in groups.items()}
    rows = []
    for developing_row, developed_row in zip(parts["developing"], parts["developed"], strict=True):
        p_total = developing_row["p_count"] + developed_row["p_count"]
        rows.append(
            {
                "year": developing_row["year"],
                "as_of": developing_row["as_of"],
                "committees": developing_row["committees"],
                "developing_p": developing_row["p_count"],
                "developing_o": developing_row["o_count"],
                "developing_leadership": developing_row["leadership"],
                "developing_meetings": developing_row["meetings_attended"],
                "developing_contributions": developing_row["contributions"],
                "developed_p": developed_row["p_count"],
                "developed_o": developed_row["o_count"],
                "developed_leadership": developed_row["leadership"],
                "developed_meetings": developed_row["meetings_attended"],
                "developed_contributions": developed_row["contributions"],
                "developing_p_share": share(developing_row["p_count"], p_total),
            }
        )
    return rows


# Imports --------------------------------------------------------------------------------------------------


def iso_import_runs_recent(*, limit: int = 10) -> QuerySet[ImportRun]:
    """The latest imports of the ISO committee file (from the page or the command line), newest first, with
    who ran them: one query."""
    runs = ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).select_related("created_by")
    return runs.order_by("-created_at", "-pk")[:limit]


def iso_import_jobs_recent(user, *, limit: int = 10) -> QuerySet[Job]:
    """The latest ISO committee imports started from the page that `user` may follow (theirs; every one for
    an administrator), newest first, with their owner: one query."""
    jobs = Job.objects.filter(kind=JOB_KIND).select_related("owner").order_by("-created_at", "-id")
    return jobs_visible(user, jobs)[:limit]


# ISO members that do not take part as P-members: correspondents normally observe, subscribers neither.
NOT_P_CATEGORIES: dict[str, object] = {
    Membership.Category.ISO_CORRESPONDENT: _(
        "%(member)s is an ISO correspondent member on %(date)s: correspondent members normally take part as "
        "observers (O-members). Check the P-membership before relying on it."
    ),
    Membership.Category.ISO_SUBSCRIBER: _(
        "%(member)s is an ISO subscriber member on %(date)s: subscriber members do not take part in technical "
        "committees. Check the P-membership before relying on it."
    ),
}


def membership_status_warning(*, committee: Committee, member: Organisation, status: str, on: datetime.date) -> str:
    """Why a P-membership recorded for an ISO committee deserves a second look ("" when it does not): the
    member's ISO category on that day (one query)."""
    if status != CommitteeMembership.Status.P or committee.body not in (Committee.Body.ISO, Committee.Body.IEC_ISO):
        return ""
    category = (
        Membership.objects.filter(member=member, body__acronym="ISO", category__in=list(NOT_P_CATEGORIES))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("category", flat=True)
        .first()
    )
    if category is None:
        return ""
    return str(NOT_P_CATEGORIES[category]) % {
        "member": member.acronym or member.name,
        "date": date_format(on, "SHORT_DATE_FORMAT"),
    }


# Participation to cost (read by the assessments app's estimate of what an NSB's participation costs) -------


@dataclass(frozen=True)
class ParticipationSpan:
    """What an organisation did in committees over [start, end]: its P-memberships (since, until) as
    [since, until) intervals, its leadership roles (role, start, end) with the end day held, and the
    meetings its delegates attended (meeting start, took part remotely, sponsored), one per delegate."""

    p_memberships: list[tuple[datetime.date | None, datetime.date | None]]
    roles: list[tuple[str, datetime.date | None, datetime.date | None]]
    attendances: list[tuple[datetime.date, bool, bool]]


def participation_span(*, organisation_id: int, start: datetime.date, end: datetime.date) -> ParticipationSpan:
    """Three queries whatever the number of committees or meetings."""
    memberships = CommitteeMembership.objects.filter(member_id=organisation_id, status=P).filter(
        Q(since__isnull=True) | Q(since__lte=end), Q(until__isnull=True) | Q(until__gt=start)
    )
    roles = LeadershipRole.objects.filter(organisation_id=organisation_id).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end), Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    delegates = MeetingDelegate.objects.filter(
        organisation_id=organisation_id, present=True, meeting__start_date__gte=start, meeting__start_date__lte=end
    )
    return ParticipationSpan(
        p_memberships=list(memberships.order_by("pk").values_list("since", "until")),
        roles=list(roles.order_by("pk").values_list("role", "start_date", "end_date")),
        attendances=[
            (day, remote or mode == Meeting.Mode.VIRTUAL, sponsored)
            for day, remote, mode, sponsored in delegates.order_by("pk").values_list(
                "meeting__start_date", "remote", "meeting__mode", "sponsored"
            )
        ],
    )
