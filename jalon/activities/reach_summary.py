"""The reach summary: distinct people trained per audience, year, country and breakdown value, kept in tables
that the worker updates from what each write touched (issue 21), in the spirit of DHIS2's analytics tables.

Distinct people are not additive: the people of 2024 plus those of 2025 are not the people of both years. So
the summary keeps, per trained person, the facts reach groups by (ReachPerson: their sex, function, country,
national standards body; per activity they were trained in, whether it is published, its year, type, level and
the income group of their country when it started, the programmes it serves), and the cells (ReachCell) are the
number of people whose facts fall in each: for every audience ("public": the published activities, what anyone
sees; "all": every activity), every programme the activities serve and all activities (0), every year and all
years together (0), every participants' country and all of them (0), one row per value of each breakdown. When a
person's facts change, their old cells lose one and their new cells gain one: the update costs what the changed
people cost, never the history.

What to read again comes from the reach changes (ReachChange rows, inserted with every write: the person, a
registration's person, an activity's or an organisation's people, an activity whose outputs changed or whose
result was deleted; everything for reference data), taken by the worker's recovery every minute
(`reach_summary_update`) and marked summarised. The pages read the summary once it is built (`summary_counts`, for
the public, for those who see every activity, with no filter but the programme, the year, the participants' country
and region); their views with dates, a type or a level are counted in SQL over the facts (ReachFact: one row per
trained participation, kept with ReachPerson; `facts_counts`); an organiser's or a programme team's own view is the
public's plus what their unpublished activities add (`facts_added`, reach.py). Small groups are then hidden by the
same rule (reach.breakdown). The computed indicators of a programme read the same cells for calendar years, and
for spans of years the "first" cells (every activity's people per programme, participants' country, year of their
first activity in it and sex; "first_nsb": per body instead), which add up over years (computations.py).

Not keyed by the cells: dates (a range of days is neither a year nor a sum of years: distinct people do not add
up), the activity type and level (each would multiply the cells of every programme, year and country by the
number of its values, and a person counts in a type only through the activities of that type, so they cannot be
derived from the cells kept). The facts answer them: a narrow table without the joins, the attendance EXISTS and
the income group per row of the raw rows, counted by the database (no Python per row).
"""

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from jalon.activities.computations import trained_condition
from jalon.activities.models import (
    Activity,
    ReachCell,
    ReachChange,
    ReachFact,
    ReachPerson,
    ReachSummaryState,
    Registration,
    activity_ids_serving,
)
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country
from jalon.reference.selectors import in_region

logger = logging.getLogger(__name__)

AUDIENCES = ("all", "public")
ALL = 0  # the year or country of the cells over all years, all countries
CHUNK = 500  # people read at a time (SQLite's parameter limit)


def _facts_of(person_ids: Iterable[int] | None) -> dict[int, dict]:
    """{person id: facts} of the trained people among these (None: everyone). Facts: [sex, function, country id,
    nsb id] and a sorted list of [activity id, published, year, type, level, income group, [programme ids], start
    date (ISO)]."""
    from jalon.activities.reach import _IncomeOnDate

    income = _IncomeOnDate()
    activities = {
        pk: (published, started, type_ or "", level or "")
        for pk, published, started, type_, level in Activity.objects.exclude(status=Activity.Status.CANCELLED)
        .order_by()
        .values_list("pk", "published", "start_date", "type", "level")
    }
    serving: dict[int, set[int]] = defaultdict(set)
    for activity_id, programme_id in (
        Activity.outputs.through.objects.order_by().values_list("activity_id", "result__programme_id").distinct()
    ):
        serving[activity_id].add(programme_id)
    registrations = Registration.objects.filter(status=Registration.Status.REGISTERED).filter(trained_condition())
    people = Person.objects.annotate(
        reach_country=Coalesce("country", "organisation__country"),
        nsb=Case(When(organisation__kind=Organisation.Kind.NSB, then=F("organisation")), default=None),
    )
    batches: list = [None] if person_ids is None else _chunks(sorted(set(person_ids)))
    facts: dict[int, dict] = {}
    for batch in batches:
        scope = registrations if batch is None else registrations.filter(person_id__in=batch)
        taken: dict[int, list] = defaultdict(list)
        for person_id, activity_id in scope.order_by().values_list("person_id", "activity_id").iterator(10000):
            found = activities.get(activity_id)
            if found is not None:
                taken[person_id].append(activity_id)
        who = people.filter(pk__in=list(taken) if batch is not None else scope.values("person_id"))
        for pk, sex, function, country, nsb in (
            who.order_by().values_list("pk", "sex", "function", "reach_country", "nsb").iterator(10000)
        ):
            if pk not in taken:
                continue
            parts = []
            for activity_id in sorted(set(taken[pk])):
                published, started, type_, level = activities[activity_id]
                parts.append(
                    [
                        activity_id,
                        published,
                        started.year,
                        type_,
                        level,
                        income(country, started) or "",
                        sorted(serving.get(activity_id, ())),
                        started.isoformat(),
                    ]
                )
            facts[pk] = {"person": [sex or "", function or "", country, nsb], "parts": parts}
    return facts


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def person_cells(facts: dict | None, regions: dict[int, int | None]) -> Iterable[tuple]:
    """The cells (audience, programme, year, country, dimension, key) one person counts in."""
    if not facts:
        return
    sex, function, country, nsb = facts["person"]
    region = regions.get(country) if country is not None else None
    attributes = [
        ("people", ""),
        ("sex", sex),
        ("function", function),
        ("country", str(country) if country is not None else ""),
        ("region", str(region) if region is not None else ""),
    ]
    if nsb is not None:
        attributes.append(("nsb", str(nsb)))
    for audience in AUDIENCES:
        parts = facts["parts"] if audience == "all" else [part for part in facts["parts"] if part[1]]
        if not parts:
            continue
        for programme in {ALL, *(served for part in parts for served in part[6])}:
            mine = parts if programme == ALL else [part for part in parts if programme in part[6]]
            for year in {ALL, *(part[2] for part in mine)}:
                chosen = mine if year == ALL else [part for part in mine if part[2] == year]
                keys = set(attributes)
                for _activity, _published, started, type_, level, income, *_rest in chosen:
                    keys |= {("type", type_), ("level", level), ("year", str(started)), ("income", income)}
                for place in {ALL, country} if country is not None else {ALL}:
                    for dimension, key in keys:
                        yield (audience, programme, year, place, dimension, key)
                    if programme == ALL and year == ALL and place != ALL:
                        # Per activity, the people from a country (the country page lists the activities reaching
                        # it; with a programme, the page keeps those serving it: the count does not depend on it).
                        for part in chosen:
                            yield (audience, ALL, ALL, place, "activity", str(part[0]))
            if audience == "all":
                # The year of the person's first activity (with their sex): people trained from a programme's
                # start to a year's end add up over these, as a computed indicator's spans count them.
                first = min(part[2] for part in mine)
                for place in {ALL, country} if country is not None else {ALL}:
                    yield (audience, programme, ALL, place, "first", f"{first}:{sex}")
                if nsb is not None:  # the bodies reached up to a year: those with someone first trained by then
                    yield (audience, programme, ALL, ALL, "first_nsb", f"{first}:{nsb}")


def fact_rows(person_id: int, facts: dict) -> list[ReachFact]:
    """The person's trained participations as ReachFact rows (one per activity)."""
    sex, function, country, nsb = facts["person"]
    return [
        ReachFact(
            person_id=person_id,
            activity_id=activity,
            published=published,
            start_date=datetime.date.fromisoformat(started),
            year=year,
            type=type_,
            level=level,
            income=income,
            sex=sex,
            function=function,
            country_id=country,
            nsb_id=nsb,
        )
        for activity, published, year, type_, level, income, _programmes, started in facts["parts"]
    ]


def _regions() -> dict[int, int | None]:
    return dict(Country.objects.order_by().values_list("pk", "region_id"))


@transaction.atomic
def reach_summary_rebuild() -> int:
    """Build the summary from every trained person (the first time, after reference data changed); returns
    the people counted. Everything inside one transaction, under the summary's lock."""
    state = _locked_state()
    pending = list(ReachChange.objects.filter(summarised=False).values_list("pk", flat=True))
    facts = _facts_of(None)
    regions = _regions()
    cells: Counter = Counter()
    for person_facts in facts.values():
        cells.update(person_cells(person_facts, regions))
    ReachCell.objects.all().delete()
    ReachPerson.objects.all().delete()
    ReachFact.objects.all().delete()
    ReachFact.objects.bulk_create(
        (fact for pk, value in facts.items() for fact in fact_rows(pk, value)), batch_size=5000
    )
    ReachCell.objects.bulk_create(
        (
            ReachCell(audience=a, programme_id=p, year=y, country_id=c, dimension=d, key=k, people=n)
            for (a, p, y, c, d, k), n in cells.items()
        ),
        batch_size=5000,
    )
    ReachPerson.objects.bulk_create(
        (ReachPerson(person_id=pk, facts=value) for pk, value in facts.items()), batch_size=5000
    )
    _done(state, pending)
    return len(facts)


def reach_summary_update() -> int:
    """Take the reach changes not summarised yet into the summary (the worker's recovery, every minute);
    returns how many people were read again. Built first if it is not, rebuilt if a change touched everything."""
    if not summary_built():
        return reach_summary_rebuild()
    waiting = ReachChange.objects.filter(summarised=False)
    if not waiting.exists():  # nothing changed: two queries
        return 0
    if waiting.filter(everything=True).exists():
        return reach_summary_rebuild()
    return _update()


@transaction.atomic
def _update() -> int:
    state = _locked_state()
    changes = list(
        ReachChange.objects.filter(summarised=False).values_list(
            "pk", "person_id", "registration_id", "activity_id", "organisation_id", "everything"
        )
    )
    if not changes:
        return 0
    if any(change[5] for change in changes):
        return reach_summary_rebuild()  # a savepoint, under the lock already held
    people = {change[1] for change in changes if change[1] is not None}
    registrations = [change[2] for change in changes if change[2] is not None]
    activities = [change[3] for change in changes if change[3] is not None]
    organisations = [change[4] for change in changes if change[4] is not None]
    for batch in _chunks(registrations):
        people |= set(Registration.objects.filter(pk__in=batch).values_list("person_id", flat=True))
    for batch in _chunks(activities):
        people |= set(Registration.objects.filter(activity_id__in=batch).values_list("person_id", flat=True))
    for batch in _chunks(organisations):
        people |= set(Person.objects.filter(organisation_id__in=batch).values_list("pk", flat=True))
    summary_people_update(people)
    _done(state, [change[0] for change in changes])
    return len(people)


def summary_people_update(people: set[int]) -> None:
    """Read these people's facts again; move their cells where they changed (inside the caller's lock)."""
    regions = _regions()
    new = _facts_of(people)
    old: dict[int, dict] = {}
    for batch in _chunks(sorted(people)):
        old.update(ReachPerson.objects.filter(person_id__in=batch).values_list("person_id", "facts"))
    delta: Counter = Counter()
    moved = [pk for pk in people if old.get(pk) != new.get(pk)]
    for pk in moved:
        delta.subtract(person_cells(old.get(pk), regions))
        delta.update(person_cells(new.get(pk), regions))
    for (audience, programme, year, country, dimension, key), change in sorted(delta.items()):
        if not change:
            continue
        cell = {
            "audience": audience,
            "programme_id": programme,
            "year": year,
            "country_id": country,
            "dimension": dimension,
            "key": key,
        }
        if not ReachCell.objects.filter(**cell).update(people=F("people") + change):
            ReachCell.objects.create(**cell, people=change)
    ReachCell.objects.filter(people__lte=0).delete()
    for batch in _chunks(moved):
        ReachPerson.objects.filter(person_id__in=batch).delete()
        ReachFact.objects.filter(person_id__in=batch).delete()
    ReachPerson.objects.bulk_create([ReachPerson(person_id=pk, facts=new[pk]) for pk in moved if pk in new])
    ReachFact.objects.bulk_create([fact for pk in moved if pk in new for fact in fact_rows(pk, new[pk])])


def _locked_state() -> ReachSummaryState:
    """The summary's row, locked until the transaction ends: one update at a time (two workers would count a
    change twice)."""
    ReachSummaryState.objects.get_or_create(pk=1)
    return ReachSummaryState.objects.select_for_update().get(pk=1)


def _done(state: ReachSummaryState, changes: list[int]) -> None:
    for batch in _chunks(changes):
        ReachChange.objects.filter(pk__in=batch).update(summarised=True)
    state.built_at = timezone.now()
    state.save(update_fields=["built_at"])
    from jalon.activities.reach_cache import reach_changed

    # New figures: the reach cache's entries built from the summary before must go.
    reach_changed(summarised=True)


def summary_built() -> bool:
    return ReachSummaryState.objects.filter(pk=1, built_at__isnull=False).exists()


def summary_counts(
    *, audience: str, year: int | None, country_id: int | None, region: str = "", programme_id: int | None = None
) -> tuple[dict, dict[str, dict]]:
    """The headline and the counts per breakdown value (None: not recorded), as reach.scope_counts gives them,
    read from the summary's cells (one query). A participants' `region` (M49 code): the sum of the cells of its
    countries, exact because each person counts in one country only (their own, or their organisation's)."""
    counts: dict[str, dict] = defaultdict(dict)
    cells = ReachCell.objects.filter(
        audience=audience, programme_id=programme_id or ALL, year=year or ALL, people__gt=0
    )
    found: Iterable[tuple[str, str, int]]
    if region:
        countries = Country.objects.filter(in_region(region))
        if country_id:
            countries = countries.filter(pk=country_id)
        found = (
            cells.filter(country_id__in=countries.values("pk"))
            .values("dimension", "key")
            .annotate(total=Sum("people"))
            .order_by()
            .values_list("dimension", "key", "total")
        )
    else:
        found = cells.filter(country_id=country_id or ALL).values_list("dimension", "key", "people")
    for dimension, key, people in found:
        counts[dimension][_key(dimension, key)] = people
    people = counts.pop("people", {}).get(None, 0)
    head = {
        "participants": people,
        "countries": len([key for key in counts.get("country", {}) if key is not None]),
        "nsbs": len(counts.get("nsb", {})),
    }
    return head, counts


def summary_current() -> bool:
    """Whether the summary holds every write committed so far, brought up to date here when some people's facts
    wait (what the worker's recovery does within the minute); False when it is not built or waits for a rebuild
    (reference data changed), which would cost minutes: the caller then counts from the rows. Two queries when
    nothing waits."""
    if not summary_built():
        return False
    waiting = ReachChange.objects.filter(summarised=False)
    if not waiting.exists():
        return True
    if waiting.filter(everything=True).exists():
        return False
    _update()
    return True


def summary_firsts(*, programme_id: int, dimension: str = "first") -> list[tuple[int, int, str, int]]:
    """Every activity's people (audience "all") of a programme per participants' country (0: all), year of
    their first activity in it and sex: (country, year, sex, people), one query. With `dimension` "first_nsb",
    per national standards body instead of sex (country 0)."""
    return [
        (country, int(key.split(":", 1)[0]), key.split(":", 1)[1], people)
        for country, key, people in ReachCell.objects.filter(
            audience="all", programme_id=programme_id, year=ALL, dimension=dimension, people__gt=0
        ).values_list("country_id", "key", "people")
    ]


def _key(dimension: str, key: str):
    if key == "":
        return None
    if dimension in ("country", "region", "nsb", "year", "activity"):
        return int(key)
    return key


def summary_activities(*, audience: str, country_id: int, least: int):
    """The ids of the activities at least `least` people from the country were trained in (a subquery)."""
    return (
        ReachCell.objects.filter(
            audience=audience,
            programme_id=ALL,
            year=ALL,
            country_id=country_id,
            dimension="activity",
            people__gte=least,
        )
        .annotate(activity=Cast("key", IntegerField()))
        .values("activity")
    )


# The views the cells do not key -----------------------------------------------------------------------------
#
# Dates, an activity type or a level: distinct people counted in SQL over the facts of the scope. A person's
# attributes are the same in each of their facts, so one GROUP BY of them gives every person-level breakdown (each
# person falls in one group: the breakdowns are its margins); an activity's attributes (type, level, year, income)
# take a COUNT(DISTINCT person) each.

ACTIVITY_LEVEL = ("type", "level", "year", "income")


def facts_scope(
    *,
    audience: str,
    unpublished: QuerySet | None = None,
    programme_id: int | None = None,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    type: str = "",
    level: str = "",
    region: str = "",
    country_id: int | None = None,
) -> QuerySet[ReachFact]:
    """The facts of a view: of every activity ("all"), of the published ones ("public"), or of the published ones
    and the `unpublished` ones a user sees besides ("own", a subquery of ids: an organiser's or a programme team's
    own view, what access.activities_visible lets them see)."""
    facts = ReachFact.objects.order_by()
    if audience == "public":
        facts = facts.filter(published=True)
    elif audience == "own":
        facts = facts.filter(Q(published=True) | Q(activity_id__in=unpublished))
    if programme_id:
        facts = facts.filter(activity_id__in=activity_ids_serving(programme_id=programme_id))
    if year:
        facts = facts.filter(year=year)
    if date_from:
        facts = facts.filter(start_date__gte=date_from)
    if date_to:
        facts = facts.filter(start_date__lte=date_to)
    if type:
        facts = facts.filter(type=type)
    if level:
        facts = facts.filter(level=level)
    if region:
        facts = facts.filter(country_id__in=Country.objects.filter(in_region(region)).values("pk"))
    if country_id:
        facts = facts.filter(country_id=country_id)
    return facts


def facts_counts(*, facts: QuerySet[ReachFact], dimensions: Iterable[str]) -> tuple[dict, dict[str, dict]]:
    """The headline and the counts per breakdown value (None: not recorded) of these facts (`facts_scope`), as
    reach.scope_counts gives them. Queries: one, plus one for each of type, level, year and income asked for, plus
    the countries' regions when asked for."""
    dimensions = tuple(dimensions)
    counts: dict[str, dict] = {dimension: {} for dimension in dimensions}
    regions = _regions() if "region" in dimensions else {}
    people, countries, nsbs = 0, set(), set()
    for sex, function, country, nsb, found in facts.values_list("sex", "function", "country_id", "nsb_id").annotate(
        found=Count("person_id", distinct=True)
    ):
        people += found
        countries.add(country)
        nsbs.add(nsb)
        for dimension, key in _person_keys(sex, function, country, nsb, regions):
            if dimension in counts:
                counts[dimension][key] = counts[dimension].get(key, 0) + found
    for dimension in ACTIVITY_LEVEL:
        if dimension in dimensions:
            counts[dimension] = {
                (key or None): found
                for key, found in facts.values_list(dimension).annotate(found=Count("person_id", distinct=True))
            }
    head = {"participants": people, "countries": len(countries - {None}), "nsbs": len(nsbs - {None})}
    return head, counts


def _person_keys(sex: str, function: str, country: int | None, nsb: int | None, regions: dict) -> Iterator:
    """(dimension, key) of a person's own breakdowns in a fact (None: not recorded); no body is not a body's key."""
    yield "sex", sex or None
    yield "function", function or None
    yield "country", country
    yield "region", regions.get(country) if country is not None else None
    if nsb is not None:
        yield "nsb", nsb


def facts_added(*, facts: QuerySet[ReachFact], unpublished: QuerySet, dimensions: Iterable[str]) -> tuple[int, dict]:
    """What the `unpublished` activities (a subquery of ids: those an organiser or a programme team sees besides the
    published ones) add to the public's figures of a view (`facts`: its facts of every activity, `facts_scope`):
    the people no published activity of the view counts, and per value of each breakdown the people no published
    activity of the view counts there. Returns (people added, {dimension: {key: people added}}). Queries: one (none
    of those activities in the view), else two, plus the countries' regions when asked for: they read the people of
    the user's unpublished activities, not the history."""
    dimensions = tuple(dimensions)
    mine = facts.filter(published=False, activity_id__in=unpublished)
    own = list(mine.values_list("person_id", "sex", "function", "country_id", "nsb_id", *ACTIVITY_LEVEL))
    if not own:
        return 0, {}
    shown: dict[int, set[tuple[str, object]]] = defaultdict(set)
    for person, *values in facts.filter(published=True, person_id__in=mine.values("person_id")).values_list(
        "person_id", *ACTIVITY_LEVEL
    ):
        shown[person] |= {("person", None), *zip(ACTIVITY_LEVEL, (value or None for value in values), strict=True)}
    added: dict[str, Counter] = {dimension: Counter() for dimension in dimensions}
    people = 0
    regions = _regions() if "region" in dimensions else {}
    for person, sex, function, country, nsb, *values in own:
        if ("person", None) not in shown[person]:
            shown[person].add(("person", None))
            people += 1
            for dimension, key in _person_keys(sex, function, country, nsb, regions):
                if dimension in added:
                    added[dimension][key] += 1
        for dimension, value in zip(ACTIVITY_LEVEL, values, strict=True):
            key = value or None
            if dimension in added and (dimension, key) not in shown[person]:
                shown[person].add((dimension, key))
                added[dimension][key] += 1
    return people, added
