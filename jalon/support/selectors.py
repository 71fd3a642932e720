"""Reads over sponsorships and fellowships: lists, the review queues, what awards cost, and the ranking
criteria a fellowship reviewer weighs. Aggregates are computed in the database; every function here runs
a fixed number of queries whatever the number of applications."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from jalon.activities.models import Activity
from jalon.committees.models import Committee, Contribution, Meeting
from jalon.committees.priorities import priority_weights_of
from jalon.organisations.models import Person
from jalon.support import access
from jalon.support.access import FELLOWSHIP_RELATED, SPONSORSHIP_RELATED
from jalon.support.models import (
    FELLOWSHIP_AWARDED,
    SPONSORSHIP_AWARDED,
    Fellowship,
    Scheme,
    Sponsorship,
    SupportBudget,
)

ZERO = Decimal("0")
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)

# The bodies whose meetings each scheme supports.
SCHEME_BODIES = {
    Scheme.ISO_SPONSORSHIP: (Committee.Body.ISO, Committee.Body.IEC_ISO),
    Scheme.ITU_FELLOWSHIP: (Committee.Body.ITU_T,),
}
# Meetings that ended this long ago are no longer offered for an application.
RECENT_DAYS = 30


# What application pages and API offer (the same choices) ------------------------------------------------------


def meeting_choices(*, scheme: str, current: int | None = None) -> QuerySet[Meeting]:
    """The meetings an application of `scheme` may be for: its bodies' meetings that have not ended, or ended
    less than RECENT_DAYS ago; and the one a draft already names (`current`), however old."""
    since = datetime.date.today() - datetime.timedelta(days=RECENT_DAYS)
    condition = Q(committee__body__in=SCHEME_BODIES[Scheme(scheme)], end_date__gte=since)
    if current is not None:
        condition |= Q(pk=current)
    return Meeting.objects.filter(condition).select_related("committee").order_by("start_date", "pk")


def training_choices() -> QuerySet[Activity]:
    """The trainings a candidate may follow before the meeting: published activities not cancelled."""
    return (
        Activity.objects.filter(published=True).exclude(status=Activity.Status.CANCELLED).order_by("-start_date", "pk")
    )


# Lists and queues --------------------------------------------------------------------------------------------


def sponsorships_visible(*, user, status: str = "") -> QuerySet[Sponsorship]:
    queryset = access.support_visible(user, Sponsorship.objects.select_related(*SPONSORSHIP_RELATED))
    return queryset.filter(status=status) if status else queryset


def fellowships_visible(*, user, status: str = "") -> QuerySet[Fellowship]:
    queryset = access.support_visible(user, Fellowship.objects.select_related(*FELLOWSHIP_RELATED))
    return queryset.filter(status=status) if status else queryset


def _queue_filters(queryset: QuerySet, *, committee_reference: str, programme) -> QuerySet:
    if committee_reference:
        queryset = queryset.filter(meeting__committee__reference__icontains=committee_reference)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset


def sponsorship_queue(
    *, user, status: str = "", committee_reference: str = "", country=None, programme=None
) -> QuerySet:
    """Applications for the programme team: by default those waiting for it (submitted or checked)."""
    queryset = access.support_reviewable(user, Sponsorship.objects.select_related(*SPONSORSHIP_RELATED))
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=(Sponsorship.Status.SUBMITTED, Sponsorship.Status.CHECKED))
    if country is not None:
        queryset = queryset.filter(organisation__country=country)
    return _queue_filters(queryset, committee_reference=committee_reference, programme=programme)


def fellowship_queue(
    *, user, status: str = "", committee_reference: str = "", country=None, programme=None
) -> QuerySet:
    """Fellowship requests for the programme team: by default those waiting for a decision."""
    queryset = access.support_reviewable(user, Fellowship.objects.select_related(*FELLOWSHIP_RELATED))
    queryset = queryset.filter(status=status) if status else queryset.filter(status=Fellowship.Status.SUBMITTED)
    if country is not None:
        queryset = queryset.filter(country=country)
    return _queue_filters(queryset, committee_reference=committee_reference, programme=programme)


# Costs -----------------------------------------------------------------------------------------------------


def _estimated():
    return F("estimated_travel") + F("estimated_allowance") + F("estimated_other")


def _actual():
    zero = Value(ZERO, output_field=MONEY)
    return Coalesce("actual_travel", zero) + Coalesce("actual_allowance", zero) + Coalesce("actual_other", zero)


def _has_actual() -> Q:
    return Q(actual_travel__isnull=False) | Q(actual_allowance__isnull=False) | Q(actual_other__isnull=False)


@dataclass
class CostRow:
    scheme: str
    programme_code: str
    programme_title: dict
    year: int
    committee: str
    currency: str
    awards: int
    estimated: Decimal
    actual: Decimal
    with_actual: int

    @property
    def scheme_label(self) -> str:
        return str(Scheme(self.scheme).label)


def award_costs(*, user=None, programme=None, year: int | None = None, committee=None) -> list[CostRow]:
    """What awards (approved sponsorships onwards, awarded fellowships) cost, estimated and actual, by
    scheme, programme, meeting year, committee and currency: never summed across currencies. `user` limits
    it to the programmes whose costs they may see (None: every programme, for internal callers such as the
    finance module)."""
    rows = []
    sources = (
        (Scheme.ISO_SPONSORSHIP, Sponsorship.objects.filter(status__in=SPONSORSHIP_AWARDED)),
        (Scheme.ITU_FELLOWSHIP, Fellowship.objects.filter(status__in=FELLOWSHIP_AWARDED)),
    )
    for scheme, queryset in sources:
        if user is not None:
            queryset = access.support_costs_visible(user, queryset)
        if programme is not None:
            queryset = queryset.filter(programme=programme)
        if year is not None:
            queryset = queryset.filter(meeting__start_date__year=year)
        if committee is not None:
            queryset = queryset.filter(meeting__committee=committee)
        grouped = (
            queryset.annotate(year=ExtractYear("meeting__start_date"))
            .values("programme__code", "programme__title", "year", "meeting__committee__reference", "currency__code")
            .annotate(
                awards=Count("pk"),
                estimated=Sum(_estimated(), output_field=MONEY),
                actual=Sum(_actual(), output_field=MONEY),
                with_actual=Count("pk", filter=_has_actual()),
            )
            .order_by("programme__code", "-year", "meeting__committee__reference", "currency__code")
        )
        for item in grouped:
            rows.append(
                CostRow(
                    scheme=scheme,
                    programme_code=item["programme__code"],
                    programme_title=item["programme__title"],
                    year=item["year"],
                    committee=item["meeting__committee__reference"],
                    currency=item["currency__code"],
                    awards=item["awards"],
                    estimated=item["estimated"] or ZERO,
                    actual=item["actual"] or ZERO,
                    with_actual=item["with_actual"],
                )
            )
    return rows


def cost_totals(rows: list[CostRow]) -> list[dict]:
    """Totals per currency of rows from `award_costs` (amounts in different currencies are never added)."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(
            row.currency, {"currency": row.currency, "awards": 0, "estimated": ZERO, "actual": ZERO}
        )
        total["awards"] += row.awards
        total["estimated"] += row.estimated
        total["actual"] += row.actual
    return [totals[code] for code in sorted(totals)]


# Ranking criteria for fellowship reviewers --------------------------------------------------------------------


@dataclass
class Ranking:
    """What ITU weighs when fellowships outnumber the budget, for one request, computed from the records."""

    budget: Decimal | None = None
    budget_currency: str = ""
    awarded_cost: Decimal = ZERO
    contributions_meeting: int = 0
    contributions_committee: int = 0
    awards_total: int = 0
    awards_by_sex: dict = field(default_factory=dict)
    awards_in_region: int = 0
    region_name: str = ""
    candidate_sex: str = ""

    @property
    def budget_remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.awarded_cost

    @property
    def women_awarded(self) -> int:
        return self.awards_by_sex.get(Person.Sex.FEMALE, 0)

    @property
    def candidate_sex_label(self) -> str:
        return str(Person.Sex(self.candidate_sex).label) if self.candidate_sex in Person.Sex.values else ""


def fellowship_ranking(fellowships: list[Fellowship]) -> dict[int, Ranking]:
    """Ranking criteria per request: budget remaining for its programme and financial year (in its
    currency), contributions of its Member State to the meeting and to the meeting's committee, awards so
    far that year by sex and in its region. Four queries whatever the number of requests."""
    if not fellowships:
        return {}
    programmes = {f.programme_id for f in fellowships}
    years = {f.financial_year for f in fellowships}
    budgets = {
        (b.programme_id, b.year, b.currency_id): b.amount
        for b in SupportBudget.objects.filter(programme_id__in=programmes, year__in=years, scheme=Scheme.ITU_FELLOWSHIP)
    }
    awarded = Fellowship.objects.filter(
        programme_id__in=programmes, financial_year__in=years, status__in=FELLOWSHIP_AWARDED
    )
    spent = {
        (row["programme_id"], row["financial_year"], row["currency_id"]): row["cost"]
        for row in awarded.values("programme_id", "financial_year", "currency_id").annotate(
            cost=Sum(_actual_or_estimated(), output_field=MONEY)
        )
    }
    by_sex: dict = defaultdict(dict)
    by_region: dict = defaultdict(dict)
    for row in awarded.values("programme_id", "financial_year", "person__sex", "country__region_id").annotate(
        n=Count("pk")
    ):
        key = (row["programme_id"], row["financial_year"])
        sex = row["person__sex"] or ""
        by_sex[key][sex] = by_sex[key].get(sex, 0) + row["n"]
        region = row["country__region_id"]
        by_region[key][region] = by_region[key].get(region, 0) + row["n"]
    contributions = (
        Contribution.objects.filter(
            meeting__committee_id__in={f.meeting.committee_id for f in fellowships},
            organisation__country_id__in={f.country_id for f in fellowships},
        )
        .values("meeting_id", "meeting__committee_id", "organisation__country_id")
        .annotate(n=Count("pk"))
    )
    per_meeting: dict = defaultdict(int)
    per_committee: dict = defaultdict(int)
    for row in contributions:
        per_meeting[(row["meeting_id"], row["organisation__country_id"])] += row["n"]
        per_committee[(row["meeting__committee_id"], row["organisation__country_id"])] += row["n"]
    rankings = {}
    for f in fellowships:
        key = (f.programme_id, f.financial_year)
        sexes = by_sex.get(key, {})
        region = f.country.region
        rankings[f.pk] = Ranking(
            budget=budgets.get((f.programme_id, f.financial_year, f.currency_id)),
            budget_currency=f.currency.code,
            awarded_cost=spent.get((f.programme_id, f.financial_year, f.currency_id)) or ZERO,
            contributions_meeting=per_meeting.get((f.meeting_id, f.country_id), 0),
            contributions_committee=per_committee.get((f.meeting.committee_id, f.country_id), 0),
            awards_total=sum(sexes.values()),
            awards_by_sex=sexes,
            awards_in_region=by_region.get(key, {}).get(region.pk if region else None, 0),
            region_name=str(region.name) if region else "",
            candidate_sex=f.person.sex,
        )
    return rankings


def _actual_or_estimated():
    """An award's cost: what was spent where it is recorded, else what was estimated."""
    return (
        Coalesce("actual_travel", "estimated_travel")
        + Coalesce("actual_allowance", "estimated_allowance")
        + Coalesce("actual_other", "estimated_other")
    )


# Ranking criteria for sponsorship reviewers -----------------------------------------------------------------


@dataclass
class SponsorshipRanking:
    """What the programme team weighs when ISO sponsorship applications outnumber the budget, for one
    application, computed from the records: the budget left for its programme and year; how many awards its
    member already has that year (the quota is a rule) and whether the candidate was ever sponsored (first
    participations first); the member's written contributions to the committee (active participation);
    the awards so far that year by sex and in the member's region (balance); and the weight of the committee in
    the member's national priorities (0 to 1, from its national standardization strategy; None without one)."""

    budget: Decimal | None = None
    budget_currency: str = ""
    awarded_cost: Decimal = ZERO
    member_awards_year: int = 0
    candidate_awards: int = 0
    contributions_committee: int = 0
    awards_total: int = 0
    awards_by_sex: dict = field(default_factory=dict)
    awards_in_region: int = 0
    region_name: str = ""
    candidate_sex: str = ""
    priority_weight: Decimal | None = None

    @property
    def budget_remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.awarded_cost

    @property
    def women_awarded(self) -> int:
        return self.awards_by_sex.get(Person.Sex.FEMALE, 0)

    @property
    def candidate_sex_label(self) -> str:
        return str(Person.Sex(self.candidate_sex).label) if self.candidate_sex in Person.Sex.values else ""


def sponsorship_ranking(sponsorships: list[Sponsorship]) -> dict[int, SponsorshipRanking]:
    """Ranking criteria per application (SponsorshipRanking), the year being its meeting's. Five queries
    whatever the number of applications (each application's organisation, country and meeting loaded), and
    those of the members' national priorities (one, or three when a member has a strategy)."""
    if not sponsorships:
        return {}
    programmes = {s.programme_id for s in sponsorships}
    years = {s.meeting.start_date.year for s in sponsorships}
    budgets = {
        (b.programme_id, b.year, b.currency_id): b.amount
        for b in SupportBudget.objects.filter(
            programme_id__in=programmes, year__in=years, scheme=Scheme.ISO_SPONSORSHIP
        )
    }
    awarded = Sponsorship.objects.filter(
        programme_id__in=programmes, meeting__start_date__year__in=years, status__in=SPONSORSHIP_AWARDED
    ).annotate(year=ExtractYear("meeting__start_date"))
    spent = {
        (row["programme_id"], row["year"], row["currency_id"]): row["cost"]
        for row in awarded.values("programme_id", "year", "currency_id").annotate(
            cost=Sum(_actual_or_estimated(), output_field=MONEY)
        )
    }
    by_sex: dict = defaultdict(dict)
    by_region: dict = defaultdict(dict)
    by_member: dict = defaultdict(int)
    rows = awarded.values(
        "programme_id", "year", "person__sex", "organisation_id", "organisation__country__region_id"
    ).annotate(n=Count("pk"))
    for row in rows:
        key = (row["programme_id"], row["year"])
        sex = row["person__sex"] or ""
        by_sex[key][sex] = by_sex[key].get(sex, 0) + row["n"]
        region = row["organisation__country__region_id"]
        by_region[key][region] = by_region[key].get(region, 0) + row["n"]
        by_member[(*key, row["organisation_id"])] += row["n"]
    candidates = dict(
        Sponsorship.objects.filter(person_id__in={s.person_id for s in sponsorships}, status__in=SPONSORSHIP_AWARDED)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    contributions = {
        (row["meeting__committee_id"], row["organisation_id"]): row["n"]
        for row in Contribution.objects.filter(
            meeting__committee_id__in={s.committee_id for s in sponsorships},
            organisation_id__in={s.organisation_id for s in sponsorships},
        )
        .values("meeting__committee_id", "organisation_id")
        .annotate(n=Count("pk"))
    }
    priorities = priority_weights_of({s.organisation_id for s in sponsorships})
    rankings = {}
    for s in sponsorships:
        key = (s.programme_id, s.meeting.start_date.year)
        sexes = by_sex.get(key, {})
        region = s.organisation.country.region if s.organisation.country else None
        rankings[s.pk] = SponsorshipRanking(
            budget=budgets.get((*key, s.currency_id)),
            budget_currency=s.currency.code,
            awarded_cost=spent.get((*key, s.currency_id)) or ZERO,
            member_awards_year=by_member.get((*key, s.organisation_id), 0),
            candidate_awards=candidates.get(s.person_id, 0),
            contributions_committee=contributions.get((s.committee_id, s.organisation_id), 0),
            awards_total=sum(sexes.values()),
            awards_by_sex=sexes,
            awards_in_region=by_region.get(key, {}).get(region.pk if region else None, 0),
            region_name=str(region.name) if region else "",
            candidate_sex=s.person.sex,
            priority_weight=priorities.get(s.organisation_id, {}).get(s.committee_id),
        )
    return rankings
