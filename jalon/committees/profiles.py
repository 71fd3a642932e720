"""Reads behind the committee pages that the selectors do not give: the committee list's filters, the years a
participation profile covers, and who counts as developing for a page. Each runs a fixed number of queries."""

import datetime

from django.db.models import BooleanField, Case, Count, Exists, Min, OuterRef, Q, QuerySet, Value, When

from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    ImportRun,
    LeadershipRole,
    Meeting,
    ParticipationEvent,
)
from jalon.committees.selectors import committees_with_counts, developing_country_ids, in_sector, membership_in_force
from jalon.lib import search as lib_search
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_contains, text_in_database
from jalon.organisations.models import Organisation
from jalon.reference.models import DevelopingCountryRule
from jalon.results.computations import DEFAULT_RULE

# A profile's chart covers at most this many years: older records are summarised by the first year shown.
MAX_YEARS = 15


def developing_rule(programme=None) -> tuple[DevelopingCountryRule | None, datetime.date]:
    """The rule a page classifies countries by (the programme's, else the OECD DAC list) and the date it is
    applied on (the programme's as-of date, else today). None when no rule is loaded."""
    today = datetime.date.today()
    if programme is not None and programme.developing_rule_id:
        return programme.developing_rule, programme.developing_rule_as_of or today
    rule = DevelopingCountryRule.objects.filter(code=DEFAULT_RULE).first()
    on = programme.developing_rule_as_of if programme is not None and programme.developing_rule_as_of else today
    return rule, on


def developing_ids(rule: DevelopingCountryRule | None, on: datetime.date) -> QuerySet:
    """A subquery of the developing countries' ids (none without a rule)."""
    if rule is None:
        return Organisation.objects.none().values("country_id")
    return developing_country_ids(rule=rule, on=on)


def committees_filtered(
    *,
    developing: QuerySet,
    search: str = "",
    body: str = "",
    kind: str = "",
    status: str = "",
    developing_secretariat: bool = False,
    min_developing_p: int | None = None,
    member: str = "",
    country: str = "",
    sector: str = "",
    on: datetime.date | None = None,
) -> QuerySet[Committee]:
    """Committees with their member counts (p_count, o_count, developing_p_count, developing_o_count) and
    `secretariat_developing`, narrowed by the list page's filters."""
    on = on or datetime.date.today()
    queryset = Committee.objects.all()
    if search:
        queryset = queryset.filter(lib_search.contains("reference", search) | text_contains("title", search))
    if body:
        queryset = queryset.filter(body=body)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if developing_secretariat:
        queryset = queryset.filter(secretariat__country__in=developing)
    if sector:
        queryset = queryset.filter(in_sector(sector))
    in_force = CommitteeMembership.objects.filter(membership_in_force(on), committee=OuterRef("pk"))
    if member:
        term = member.strip()
        queryset = queryset.filter(
            Exists(
                in_force.filter(
                    lib_search.equals("member__acronym", term)
                    | text_contains("member__name", term, lookup="equals")
                    | lib_search.equals("liaison_name", term)
                )
            )
        )
    if country:
        queryset = queryset.filter(Exists(in_force.filter(member__country__iso3=country)))
    queryset = committees_with_counts(queryset, on=on, developing=developing).annotate(
        secretariat_developing=Case(
            When(secretariat__country__in=developing, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if min_developing_p:
        # Annotated by committees_with_counts, which the django-stubs plugin does not follow.
        queryset = queryset.filter(developing_p_count__gte=min_developing_p)  # type: ignore[misc]
    return queryset


def members_with_mark(*, committee: Committee, developing: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """The committee's memberships in force, P first, each with `developing` (the member's country is)."""
    on = on or datetime.date.today()
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .filter(membership_in_force(on))
        .select_related("member__country")
        .annotate(
            developing=Case(
                When(member__country__in=developing, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("status", TextOrder("member__acronym"), TextOrder("liaison_name"))
    )


def participation_years(*, organisations: QuerySet | None = None, today: datetime.date | None = None) -> list[int]:
    """The years a participation profile shows: from the first year anything was recorded (the first import,
    a dated membership, event, role or meeting of these organisations) to this year, at most MAX_YEARS."""
    today = today or datetime.date.today()
    scope = Q(member__in=organisations) if organisations is not None else Q()
    org_scope = Q(organisation__in=organisations) if organisations is not None else Q()
    firsts = [
        ImportRun.objects.aggregate(first=Min("as_of"))["first"],
        CommitteeMembership.objects.filter(scope).aggregate(first=Min("since"))["first"],
        ParticipationEvent.objects.filter(org_scope).aggregate(first=Min("date"))["first"],
        LeadershipRole.objects.filter(org_scope).aggregate(first=Min("start_date"))["first"],
        Meeting.objects.filter(
            Q(delegates__organisation__in=organisations) if organisations is not None else Q()
        ).aggregate(first=Min("start_date"))["first"],
    ]
    years = [day.year for day in firsts if day is not None and day <= today]
    first = max(min(years, default=today.year), today.year - MAX_YEARS + 1)
    return list(range(first, today.year + 1))


def members_with_counts(*, organisations: QuerySet, on: datetime.date) -> QuerySet:
    """Those of `organisations` that sat on a committee, with their P and O counts on `on`."""
    in_force = membership_in_force(on, "committee_memberships__")
    return (
        organisations.filter(committee_memberships__isnull=False)
        .annotate(
            p_count=Count(
                "committee_memberships",
                filter=in_force & Q(committee_memberships__status=CommitteeMembership.Status.P),
                distinct=True,
            ),
            o_count=Count(
                "committee_memberships",
                filter=in_force & Q(committee_memberships__status=CommitteeMembership.Status.O),
                distinct=True,
            ),
        )
        .order_by(TextOrder("acronym"), TextOrder(text_in_database("name")))
    )
