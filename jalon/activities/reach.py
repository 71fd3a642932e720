"""Reach: how many people the activities reached, from where, and who they are.

Every figure is a count of distinct people over one scope of participations (`participations`), read in one
pass (`scope_counts`) and kept in the reach cache until a write (reach_cache.py):
the registrations, not cancelled, of people who took part (completed, or present at one session at least,
as the computed indicators count "trained" people: jalon.activities.computations), in activities the user
may see that were not cancelled, narrowed by the filters. A participant is a distinct person: someone who
took three courses counts once in the total, once per activity type they took. Years are those the
activities started in.

Small groups: whoever may not see the participants themselves (the public, viewers, anyone outside the
activity's organisers and programme team) never gets a figure under the threshold (the rule of
jalon.lib.smallgroups, setting JALON_REACH_MIN_GROUP, default 5). Such a cell is suppressed, and so
is a second one where the shown total minus the shown cells would give the first away (`suppress`). Nor
may two published answers be subtracted: dates count in whole years for them, and a figure that differs
by a small group from the same figure without one of the filters is hidden (`_coarser_filters`).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jalon.activities import access
from jalon.activities.computations import trained_condition
from jalon.activities.models import Activity, ActivityLevel, ActivityType, Registration, activity_ids_serving
from jalon.lib.smallgroups import complement_small, count_shown, min_group_size, suppress
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Classification, Country, IncomeGroup, Region, Scheme
from jalon.reference.selectors import in_region

NOT_RECORDED = _("Not recorded")


@dataclass(frozen=True)
class ReachFilters:
    """What the reach figures are narrowed to; every field optional."""

    programme_id: int | None = None
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    type: str = ""
    level: str = ""
    region: str = ""  # the M49 code of a region, sub-region or intermediate region of participants' countries
    country_id: int | None = None  # participants from this country


def activities_filtered(*, user, filters: ReachFilters) -> QuerySet[Activity]:
    """The activities the user may see, narrowed by the filters that concern activities."""
    activities = access.activities_visible(user)
    if filters.programme_id:
        activities = activities.filter(pk__in=activity_ids_serving(programme_id=filters.programme_id))
    if filters.year:
        activities = activities.filter(start_date__year=filters.year)
    if filters.date_from:
        activities = activities.filter(start_date__gte=filters.date_from)
    if filters.date_to:
        activities = activities.filter(start_date__lte=filters.date_to)
    if filters.type:
        activities = activities.filter(type=filters.type)
    if filters.level:
        activities = activities.filter(level=filters.level)
    return activities


def participations(*, user, filters: ReachFilters = ReachFilters()) -> QuerySet[Registration]:
    """The registrations the figures count, each annotated with `reach_country`: the participant's
    country, or their organisation's when the person has none recorded."""
    activities = activities_filtered(user=user, filters=filters).exclude(status=Activity.Status.CANCELLED)
    queryset = (
        Registration.objects.filter(status=Registration.Status.REGISTERED, activity__in=activities.values("pk"))
        .filter(trained_condition())
        .annotate(reach_country=Coalesce("person__country", "person__organisation__country"))
    )
    if filters.region:
        queryset = queryset.filter(reach_country__in=Country.objects.filter(in_region(filters.region)).values("pk"))
    if filters.country_id:
        queryset = queryset.filter(reach_country=filters.country_id)
    return queryset


def exact_allowed(*, user, scope: QuerySet[Registration]) -> bool:
    """Exact small numbers only for whoever may see every participant counted (access decides who may)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if access.reach_sees_every_participant(user):
        # Nothing to compare: at 500,000 registrations on PostgreSQL, "NOT IN (every visible id)" overflows the
        # working memory and probes the whole list for each registration (a page from the rows ran 9 minutes).
        return True
    visible = access.registrations_visible(user, Registration.objects.all())
    return not scope.exclude(Exists(visible.filter(pk=OuterRef("pk")))).exists()


# Breakdowns: one pass over the scope --------------------------------------------------------------------
#
# Every figure is a number of distinct people per value of a dimension. One query reads, for each counted
# participation, the person and every attribute a breakdown groups by; the distinct people are counted here.
# Eight COUNT(DISTINCT) queries over the same scope cost eight times as much (issue 21), and the income group
# on the activity's date, looked up in the database for every participation, cost more than all of them.

DIMENSIONS = ("sex", "function", "country", "region", "income", "type", "level", "year")

_NSB = Case(When(person__organisation__kind=Organisation.Kind.NSB, then=F("person__organisation")), default=None)


class _IncomeOnDate:
    """The participant country's World Bank income group when the activity started. Where no loaded vintage
    covers that date (they may not go back that far), the closest one known: the next, else the last."""

    def __init__(self) -> None:
        self.periods: dict[int, list[tuple]] = {}
        for country_id, value, start, end in (
            Classification.objects.filter(scheme=Scheme.INCOME)
            .order_by("country_id", "valid_from")
            .values_list("country_id", "value", "valid_from", "valid_to")
        ):
            self.periods.setdefault(country_id, []).append((start, end, value))
        self.known: dict[tuple, str | None] = {}

    def __call__(self, country_id, started) -> str | None:
        if country_id is None or (country_id, started) in self.known:
            return self.known.get((country_id, started))
        periods = self.periods.get(country_id, [])
        found = next(
            (value for start, end, value in reversed(periods) if start <= started and (end is None or end >= started)),
            None,
        )
        if found is None:
            following = [value for start, _end, value in periods if start > started]
            preceding = [value for start, _end, value in periods if start <= started]
            found = following[0] if following else preceding[-1] if preceding else None
        self.known[(country_id, started)] = found
        return found


def scope_counts(scope: QuerySet[Registration], dimensions: Iterable[str]) -> tuple[dict, dict[str, dict], dict]:
    """The headline (participants, countries, national standards bodies), the distinct participants per value
    of each breakdown asked for (None: not recorded), and the names of the bodies of the "nsb" one. Queries:
    one over the scope, one for the activities' attributes, plus one for each of region, income and nsb asked
    for."""
    dimensions = tuple(dimensions)
    rows = scope.values_list(
        "person_id", "person__sex", "person__function", "reach_country", "activity_id", _NSB
    ).order_by()
    # An activity's attributes, read once for all (a few thousand rows), not with each participation.
    activities = {
        pk: (type_ or None, level or None, started, started.year)
        for pk, type_, level, started in Activity.objects.order_by().values_list("pk", "type", "level", "start_date")
    }
    regions = dict(Country.objects.order_by().values_list("pk", "region_id")) if "region" in dimensions else {}
    income = _IncomeOnDate() if "income" in dimensions else None
    keys: dict[str, Callable] = {
        "sex": lambda row: row[1] or None,
        "function": lambda row: row[2] or None,
        "country": lambda row: row[3],
        "region": lambda row: regions.get(row[3]),
        "income": lambda row: income(row[3], activities[row[4]][2]) if income is not None else None,
        "type": lambda row: activities[row[4]][0],
        "level": lambda row: activities[row[4]][1],
        "year": lambda row: activities[row[4]][3],
        "nsb": lambda row: row[5],
    }
    plan: list[tuple[dict, Callable, str]] = [({}, keys[dimension], dimension) for dimension in dimensions]
    people: set = set()
    countries: set = set()
    nsbs: set = set()
    for row in rows.iterator(chunk_size=10000):
        person = row[0]
        people.add(person)
        if row[3] is not None:
            countries.add(row[3])
        if row[5] is not None:
            nsbs.add(row[5])
        for found, key_of, dimension in plan:
            key = key_of(row)
            if key is None and dimension == "nsb":
                continue
            if key in found:
                found[key].add(person)
            else:
                found[key] = {person}
    counts = {dimension: {key: len(value) for key, value in found.items()} for found, _key, dimension in plan}
    nsb_labels = nsb_names(counts["nsb"]) if "nsb" in dimensions else {}
    head = {"participants": len(people), "countries": len(countries), "nsbs": len(nsbs)}
    return head, counts, nsb_labels


def nsb_names(keys: Iterable) -> dict:
    """The names the "nsb" breakdown shows (one query)."""
    return {
        pk: acronym or name
        for pk, acronym, name in Organisation.objects.filter(pk__in=[key for key in keys if key is not None])
        .order_by()
        .values_list("pk", "acronym", "name")
    }


# The summary (reach_summary.py) answers every view of the public and of those who see every activity. Its cells
# hold the views the dashboard and the country pages show most: all programmes or one, all years or one, all
# participants' countries or one (a participants' region is the sum of its countries' cells: each person counts
# in one country). Other views (dates, a type or a level) are counted in SQL over its facts, one row per trained
# participation (reach_summary.py says why the cells do not key them). Organisers' and programme teams' own views
# ("own") see the published activities and those of theirs that are not: the public's figures of the view (cells or
# facts), plus the people the unpublished ones add (their facts). Counting every fact they see cost what the
# public's fact views cost, 2-4 s at 200,000 people for the views the cells hold in 60 ms.
SUMMARY_FILTERS = ("programme_id", "year", "country_id", "region")


def summary_audience(*, user) -> str | None:
    """What answers this user's views: the summary's audience ("all", "public"), "own" (organisers and programme
    teams: the public's figures plus what their unpublished activities add), or None (not built yet: from the rows)."""
    from jalon.activities.reach_summary import summary_built

    if not summary_built():
        return None
    return access.reach_audience(user) or "own"


def _unpublished_seen(user) -> QuerySet:
    """The unpublished activities an organiser or a programme team sees (a subquery of ids)."""
    return access.activities_visible(user).filter(published=False).values("pk")


def _own_counts(*, user, filters: ReachFilters, dimensions: tuple[str, ...]) -> tuple[dict, dict[str, dict]]:
    """An organiser's or a programme team's view: the public's, plus the people only their unpublished activities
    add (reach_summary.facts_added)."""
    from jalon.activities.reach_summary import facts_added, facts_scope

    asked = (*dimensions, *(name for name in ("country", "nsb") if name not in dimensions))
    head, counts = _summary_figures(audience="public", filters=filters, dimensions=asked)
    people, added = facts_added(
        facts=facts_scope(audience="all", **vars(filters)), unpublished=_unpublished_seen(user), dimensions=asked
    )
    for dimension, found in added.items():
        for key, more in found.items():
            counts[dimension][key] = counts[dimension].get(key, 0) + more
    head = {
        "participants": head["participants"] + people,
        "countries": len([key for key in counts["country"] if key is not None]),
        "nsbs": len(counts["nsb"]),
    }
    return head, {dimension: counts[dimension] for dimension in dimensions}


def view_counts(
    *, user, filters: ReachFilters, dimensions: tuple[str, ...], audience: str | None
) -> tuple[dict, dict[str, dict], dict]:
    """`scope_counts` of the view: from the summary's cells or its facts when it answers it (`audience`)."""
    if audience is None:
        return scope_counts(participations(user=user, filters=filters), dimensions)
    if audience == "own":
        head, counts = _own_counts(user=user, filters=filters, dimensions=dimensions)
    else:
        head, counts = _summary_figures(audience=audience, filters=filters, dimensions=dimensions)
    return head, counts, nsb_names(counts["nsb"]) if "nsb" in counts else {}


def _summary_figures(
    *, audience: str, filters: ReachFilters, dimensions: tuple[str, ...]
) -> tuple[dict, dict[str, dict]]:
    """The view's headline and counts for an audience of the summary ("all", "public"): its cells, or its facts for
    what the cells do not key."""
    from jalon.activities.reach_summary import facts_counts, facts_scope, summary_counts

    asked = {name for name in ReachFilters.__dataclass_fields__ if getattr(filters, name)}
    if asked - set(SUMMARY_FILTERS):
        return facts_counts(facts=facts_scope(audience=audience, **vars(filters)), dimensions=dimensions)
    head, found = summary_counts(
        audience=audience,
        programme_id=filters.programme_id,
        year=filters.year,
        country_id=filters.country_id,
        region=filters.region,
    )
    return head, {dimension: found.get(dimension, {}) for dimension in dimensions}


# Small-group suppression --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    key: object
    label: str
    value: int | None  # None: suppressed
    extra: dict = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    cells: list[Cell]

    @property
    def suppressed(self) -> bool:
        return any(cell.suppressed for cell in self.cells)


def breakdown(
    counts: dict, *, dimension: str, labels: dict, exact: bool, order: str = "value", forced: Iterable = ()
) -> Breakdown:
    """Cells labelled and ordered (by value, largest first, or by key), small groups hidden unless exact,
    and the `forced` ones too (smallgroups.suppress)."""
    hidden = set() if exact else suppress(counts, threshold=min_group_size(), forced=forced)
    keys = list(counts)
    if order == "key":
        keys.sort(key=lambda key: (key is None, key if key is not None else 0))
    else:
        keys.sort(key=lambda key: (key is None, -counts[key], str(labels.get(key, key))))
    cells = [
        Cell(
            key=key,
            label=str(labels.get(key, NOT_RECORDED if key is None else key)),
            value=None if key in hidden else counts[key],
        )
        for key in keys
    ]
    return Breakdown(dimension=dimension, cells=cells)


def shown_total(value: int, *, exact: bool) -> int | None:
    """A total is itself a group: under the threshold it is hidden too."""
    return count_shown(value, exact=exact)


# Reports ------------------------------------------------------------------------------------------------


@dataclass
class Reach:
    exact: bool
    threshold: int
    participants: int | None
    countries: int
    nsbs: int
    breakdowns: dict[str, Breakdown]
    places: dict[int, Country] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    # The dates asked for were widened to whole years (for those who get published figures).
    dates_rounded: bool = False

    @property
    def suppressed(self) -> bool:
        return self.participants is None or any(item.suppressed for item in self.breakdowns.values())


def _labels(dimension: str, keys: Iterable, *, regions: dict, places: dict) -> dict:
    if dimension == "sex":
        return dict(Person.Sex.choices)
    if dimension == "function":
        return dict(Person.Function.choices)
    if dimension == "income":
        return dict(IncomeGroup.choices)
    if dimension == "type":
        return dict(ActivityType.choices)
    if dimension == "level":
        return dict(ActivityLevel.choices)
    if dimension == "region":
        return {key: regions[key].name for key in keys if key in regions}
    if dimension == "country":
        return {key: places[key].name for key in keys if key in places}
    return {key: str(key) for key in keys if key is not None}


# The filters a published answer may be compared with: each of them dropped in turn gives a coarser query
# that anyone may ask too. The country of a country page is the page's subject, not a filter.
COARSENING = ("programme_id", "year", "date_from", "date_to", "type", "level", "region")


def _coarser_filters(filters: ReachFilters) -> list[ReachFilters]:
    """The queries with one filter fewer (empty without filters)."""
    empty = ReachFilters()
    return [replace(filters, **{name: getattr(empty, name)}) for name in COARSENING if getattr(filters, name)]


def _differences_hidden(
    *,
    user,
    audience: str | None,
    filters: ReachFilters,
    dimensions: tuple[str, ...],
    head: dict,
    counts: dict[str, dict],
) -> tuple[bool, dict[str, set]]:
    """What to hide so that this answer and a coarser one (one filter fewer) cannot be subtracted to give a
    small group: whether the headline, and which cells of each breakdown (secondary suppression across
    queries). Queries: for each filter given, those of `scope_counts`."""
    threshold = min_group_size()
    headline = False
    forced: dict[str, set] = {dimension: set() for dimension in counts}
    for coarser in _coarser_filters(filters):
        wide_head, wide_counts, _names = view_counts(
            user=user, filters=coarser, dimensions=dimensions, audience=audience
        )
        headline |= complement_small(head["participants"], wide_head["participants"], threshold=threshold)
        for dimension, wide in wide_counts.items():
            narrow = counts[dimension]
            forced[dimension] |= {
                key for key, value in narrow.items() if complement_small(value, wide.get(key), threshold=threshold)
            }
    return headline, forced


def reach_report(
    *, user, filters: ReachFilters = ReachFilters(), dimensions: Iterable[str] = (*DIMENSIONS, "nsb")
) -> Reach:
    """The headline and the breakdowns a reach page shows, small groups protected for this user.
    Queries: those of the view's counts (`view_counts`: the summary's cells, its facts or `scope_counts`), the
    exact-numbers check, and the names of the countries and regions found (a constant number whatever the data);
    for published figures asked with filters, those of the counts again per filter given (`_differences_hidden`)."""
    dimensions = tuple(dimensions)
    audience = summary_audience(user=user)
    found = None
    if audience == "own":
        # As exact_allowed decides: no participant counted outside the activities whose participants the user sees.
        from jalon.activities.reach_summary import facts_scope

        seen = facts_scope(audience="own", unpublished=_unpublished_seen(user), **vars(filters))
        exact = not seen.exclude(activity_id__in=access.activities_manageable(user).values("pk")).exists()
    elif audience is not None:
        # As exact_allowed decides: whoever may see every participant, or any signed-in user where none is counted.
        exact = access.reach_sees_every_participant(user)
        if not exact and getattr(user, "is_authenticated", False):
            found = view_counts(user=user, filters=filters, dimensions=dimensions, audience=audience)
            exact = not found[0]["participants"]
    else:
        exact = exact_allowed(user=user, scope=participations(user=user, filters=filters))
    # Two published answers whose dates differ by a day would tell, by their difference, about the people of that
    # day: for the public, dates count in whole years.
    rounded = filters if exact else years_whole(filters)
    dates_rounded = rounded != filters
    if found is None or dates_rounded:
        found = view_counts(user=user, filters=rounded, dimensions=dimensions, audience=audience)
    filters = rounded
    head, counts, nsb_labels = found
    headline_hidden, forced = False, dict[str, set]()
    if not exact:
        headline_hidden, forced = _differences_hidden(
            user=user, audience=audience, filters=filters, dimensions=dimensions, head=head, counts=counts
        )
    places = {}
    if "country" in counts:
        places = {
            country.pk: country
            for country in Country.objects.filter(pk__in=[key for key in counts["country"] if key is not None])
        }
    regions = {}
    if "region" in counts:
        regions = {
            region.pk: region for region in Region.objects.filter(pk__in=[key for key in counts["region"] if key])
        }
    breakdowns = {
        dimension: breakdown(
            values,
            dimension=dimension,
            labels=nsb_labels if dimension == "nsb" else _labels(dimension, values, regions=regions, places=places),
            exact=exact,
            order="key" if dimension == "year" else "value",
            forced=forced.get(dimension, ()),
        )
        for dimension, values in counts.items()
    }
    years = None
    if counts.get("year"):
        known = [year for year in counts["year"] if year is not None]
        years = (min(known), max(known)) if known else None
    return Reach(
        exact=exact,
        threshold=min_group_size(),
        participants=None if headline_hidden else shown_total(head["participants"], exact=exact),
        countries=head["countries"],
        nsbs=head["nsbs"],
        breakdowns=breakdowns,
        places=places,
        years=years,
        dates_rounded=dates_rounded,
    )


def years_whole(filters: ReachFilters) -> ReachFilters:
    """The filters with their dates widened to whole years (from 1 January, to 31 December)."""
    return replace(
        filters,
        date_from=filters.date_from.replace(month=1, day=1) if filters.date_from else None,
        date_to=filters.date_to.replace(month=12, day=31) if filters.date_to else None,
    )


def activities_reaching(
    *, user, country: Country, filters: ReachFilters = ReachFilters(), exact: bool = False
) -> QuerySet[Activity]:
    """Activities the user may see held in the country or with participants from it, newest first. Without
    exact figures, an activity held elsewhere is listed only when at least the threshold of people from
    the country took part: listing it would otherwise say that a small group of them did."""
    least = 1 if exact else min_group_size()
    audience = summary_audience(user=user)
    reaching = Q()
    if audience is not None:
        # The people from the country in each activity, whatever else the filters narrow (they choose activities):
        # from the cells, of every activity or of the published ones (the public's, and an organiser's or a programme
        # team's besides their unpublished activities, a few, counted from the rows below).
        from jalon.activities.reach_summary import summary_activities

        public = "public" if audience == "own" else audience
        reaching = Q(pk__in=summary_activities(audience=public, country_id=country.pk, least=least))
    if audience in (None, "own"):
        rows = participations(user=user, filters=replace(filters, country_id=country.pk))
        if audience == "own":
            rows = rows.filter(activity__published=False)
        counted: QuerySet = rows.values("activity_id")
        if not exact:
            counted = counted.annotate(people=Count("person", distinct=True)).filter(people__gte=least)
        reaching |= Q(pk__in=counted.values("activity_id"))
    held_here = Activity.countries.through.objects.filter(country=country).values("activity_id")
    return (
        activities_filtered(user=user, filters=filters)
        .filter(Q(pk__in=held_here) | reaching)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("venue_country")
        .order_by("-start_date", "code")
    )


def activities_in_order(ids: list[int]) -> QuerySet[Activity]:
    """These activities (a cached `activities_reaching` list), in its order: newest first."""
    return Activity.objects.filter(pk__in=ids).select_related("venue_country").order_by("-start_date", "code")
