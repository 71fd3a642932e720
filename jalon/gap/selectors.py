"""Reads of the gap index: the inputs of a run (the data matrix with its provenance), runs and their pages."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jalon.gap.access import drill_records_visible
from jalon.gap.computed import COMPUTED, BodyUnknown, Window, bodies_for
from jalon.gap.method import MethodRefused
from jalon.gap.models import GapIndicator, IndexRun, IndexSpec, IndicatorValue
from jalon.organisations.models import Membership
from jalon.reference.models import Country, Region
from jalon.reference.selectors import countries_with_classifications, rule_condition
from jalon.results.computations import programme_rule
from jalon.results.models import Programme


@dataclass
class Inputs:
    """What a run reads, in a stable order: countries by ISO alpha-3, indicators in the specification's order."""

    countries: list[Country]
    codes: list[str]
    indicators: list[GapIndicator]
    matrix: list[list[float | None]]
    developing: list[bool]
    groups: list[str]  # income group per country ("" unknown)
    rule: str
    provenance: dict[str, str] = field(default_factory=dict)  # indicator code -> computed / imported ...
    # Whether each country is in the benchmark group, and the group as the run records it.
    benchmark: list[bool] = field(default_factory=list)
    benchmark_group: dict = field(default_factory=dict)


# The benchmark group of a specification ("benchmark_group": {"kind": ...}): the complement of the programme's
# developing-country rule (the default), a named list of countries, a region (UN M49 code, at any level), one
# or more World Bank income groups, or every country scored.
GROUP_KINDS = ("non_developing", "countries", "region", "income", "all")


def group_label(group: dict) -> str:
    """The benchmark group in words, in the current language."""
    kind = group.get("kind", "non_developing")
    if kind == "countries":
        return _("the countries %(codes)s") % {"codes": ", ".join(group.get("countries", []))}
    if kind == "region":
        region = Region.objects.filter(m49=str(group.get("region", ""))).first()
        return _("the region %(region)s") % {"region": region or group.get("region")}
    if kind == "income":
        return _("the income groups %(groups)s") % {"groups": ", ".join(group.get("groups", []))}
    if kind == "all":
        return _("every country scored")
    return _("the countries that are not developing under rule %(rule)s") % {"rule": group.get("rule", "")}


def run_group_label(run: IndexRun) -> str:
    """The benchmark group a run used (runs recorded before groups were configurable: the default one)."""
    bench = run.outputs.get("benchmark", {})
    return group_label(bench.get("group") or {"kind": "non_developing", "rule": bench.get("rule", "")})


def spec_group_label(spec: IndexSpec) -> str:
    group = dict(spec.definition.get("benchmark_group") or {"kind": "non_developing"})
    if group.get("kind", "non_developing") == "non_developing":
        group["rule"] = programme_rule(spec.programme).code
    return group_label(group)


def benchmark_members(
    group: dict, countries: list[Country], developing: list[bool], incomes: dict[int, str]
) -> list[bool]:
    """Whether each country is in the benchmark group (countries in the run's order)."""
    kind = group.get("kind", "non_developing")
    if kind == "all":
        return [True] * len(countries)
    if kind == "countries":
        named = {code.upper() for code in group.get("countries", [])}
        return [c.iso3 in named for c in countries]
    if kind == "region":
        code = str(group.get("region", ""))
        rows = Country.objects.filter(pk__in=[c.pk for c in countries]).values_list(
            "pk", "region__m49", "sub_region__m49", "intermediate_region__m49"
        )
        inside = {pk for pk, *areas in rows if code in areas}
        return [c.pk in inside for c in countries]
    if kind == "income":
        wanted = set(group.get("groups", []))
        return [incomes.get(c.pk) in wanted for c in countries]
    return [not d for d in developing]


def spec_indicators(spec: IndexSpec) -> list[GapIndicator]:
    codes = [item["code"] for item in spec.definition["indicators"]]
    found = {i.code: i for i in GapIndicator.objects.filter(code__in=codes).select_related("denominator")}
    return [found[code] for code in codes if code in found]


def _stored_values(indicator_ids: list[int], as_of: datetime.date) -> dict[tuple[int, int], float]:
    """The latest value on or before `as_of` per (indicator, country)."""
    latest: dict[tuple[int, int], float] = {}
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids, as_of__lte=as_of)
        .order_by("indicator_id", "country_id", "-as_of")
        .values_list("indicator_id", "country_id", "value")
    )
    for indicator, country, value in rows:
        latest.setdefault((indicator, country), value)
    return latest


def units(programme: Programme, indicators: list[GapIndicator], as_of: datetime.date) -> QuerySet[Country]:
    """The countries of the programme owner's members on `as_of`, and those with a stored value for one of
    the indicators."""
    members = Membership.objects.filter(body=programme.owner, member__country__isnull=False).filter(
        (Q(start_date__isnull=True) | Q(start_date__lte=as_of)) & (Q(end_date__isnull=True) | Q(end_date__gte=as_of))
    )
    stored = IndicatorValue.objects.filter(
        indicator__in=[i for i in indicators if i.source != GapIndicator.Source.COMPUTED], as_of__lte=as_of
    )
    return Country.objects.filter(
        Q(pk__in=members.values("member__country_id")) | Q(pk__in=stored.values("country_id"))
    ).order_by("iso3")


def indicator_bodies(indicator: GapIndicator, programme: Programme) -> tuple[str, ...] | None:
    """The committee bodies a computed indicator reads for this programme (None: every body). Refuses (with a
    message in the current language) an "owner" indicator when the owner is no standards body jalon knows."""
    if indicator.source != GapIndicator.Source.COMPUTED:
        return None
    try:
        return bodies_for(indicator.body, programme.owner.acronym if programme.owner_id else None)
    except BodyUnknown:
        raise MethodRefused(
            _(
                "Indicator %(code)s counts the committees of the programme owner's body, but %(owner)s is not a "
                "standards body whose committees jalon knows (ISO or ITU): name the body on the indicator."
            )
            % {"code": indicator.code, "owner": programme.owner}
        ) from None


def run_inputs(spec: IndexSpec, as_of: datetime.date) -> Inputs:
    indicators = spec_indicators(spec)
    window = Window.ending(as_of, int(spec.definition.get("window_days", 365)))
    countries = list(units(spec.programme, indicators, as_of))
    denominators = {i.denominator_id for i in indicators if i.denominator_id}
    stored = _stored_values([i.pk for i in indicators] + list(denominators), as_of)
    computed_cache: dict[tuple, dict[int, float]] = {}
    bodies = {i.code: indicator_bodies(i, spec.programme) for i in indicators}
    matrix: list[list[float | None]] = []
    for country in countries:
        row: list[float | None] = []
        for indicator in indicators:
            value: float | None
            if indicator.source == GapIndicator.Source.COMPUTED:
                key = (indicator.computation, bodies[indicator.code])
                if key not in computed_cache:
                    computed_cache[key] = COMPUTED[indicator.computation].values(window, bodies[indicator.code])
                value = computed_cache[key].get(country.pk, 0.0)
            else:
                value = stored.get((indicator.pk, country.pk))
            if value is not None and indicator.denominator_id:
                denominator = stored.get((indicator.denominator_id, country.pk))
                value = value / denominator * indicator.per if denominator else None
            row.append(value)
        matrix.append(row)
    rule = programme_rule(spec.programme)
    on = spec.programme.developing_rule_as_of or as_of
    annotated = countries_with_classifications(on=on, queryset=Country.objects.filter(pk__in=[c.pk for c in countries]))
    developing = set(annotated.filter(rule_condition(rule)).values_list("pk", flat=True))
    incomes = dict(annotated.values_list("pk", "cls_income"))  # type: ignore[misc]  # annotated in reference.selectors
    developing_flags = [c.pk in developing for c in countries]
    group = dict(spec.definition.get("benchmark_group") or {"kind": "non_developing"})
    group.setdefault("kind", "non_developing")
    if group["kind"] == "non_developing":
        group["rule"] = rule.code
    return Inputs(
        countries=countries,
        codes=[i.code for i in indicators],
        indicators=indicators,
        matrix=matrix,
        developing=developing_flags,
        groups=[incomes.get(c.pk) or "" for c in countries],
        rule=rule.code,
        provenance={i.code: i.source for i in indicators},
        benchmark=benchmark_members(group, countries, developing_flags, incomes),
        benchmark_group=group,
    )


def specs_of(programme: Programme) -> QuerySet[IndexSpec]:
    return IndexSpec.objects.filter(programme=programme).order_by("-version")


def runs_of(programme: Programme) -> QuerySet[IndexRun]:
    return IndexRun.objects.filter(spec__programme=programme).select_related("spec").order_by("-as_of", "-pk")


def baseline_for(programme: Programme, as_of: datetime.date) -> IndexRun | None:
    """The programme's earliest run dated before `as_of`: what the closure of the gap is measured from."""
    return (
        IndexRun.objects.filter(spec__programme=programme, as_of__lt=as_of)
        .select_related("spec")
        .order_by("as_of", "pk")
        .first()
    )


def country_row(run: IndexRun, iso3: str) -> dict | None:
    for row in run.outputs.get("countries", []):
        if row["iso3"] == iso3:
            return row
    return None


# Pages -----------------------------------------------------------------------------------------------------


def programmes_with_index(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """The (visible) programmes that have an index specification."""
    return programmes.filter(pk__in=IndexSpec.objects.values("programme_id")).order_by("code")


def latest_run(programme: Programme) -> IndexRun | None:
    return runs_of(programme).first()


def ranking(run: IndexRun, previous: IndexRun | None = None) -> list[dict]:
    """The scored countries by rank, then the countries without a score (too little data). With the previous
    run, each scored row gets `moved`: places gained since then (negative: lost), None if it had no rank."""
    before = {r["iso3"]: r.get("rank") for r in (previous.outputs.get("countries", []) if previous else [])}
    rows = [dict(r) for r in run.outputs.get("countries", [])]
    for row in rows:
        earlier = before.get(row["iso3"])
        row["moved"] = earlier - row["rank"] if row.get("scored") and earlier is not None else None
    scored = sorted((r for r in rows if r.get("scored")), key=lambda r: (r["rank"], r["iso3"]))
    return scored + [r for r in rows if not r.get("scored")]


def sensitivity_rows(run: IndexRun) -> list[dict]:
    s = run.outputs.get("sensitivity") or {}
    keys = ("first", "first_q05", "first_q95", "total", "total_q05", "total_q95")
    return [
        {"factor": factor} | {key: s[key][k] for key in keys if key in s}
        for k, factor in enumerate(s.get("factors", []))
    ]


@dataclass
class IndicatorLine:
    indicator: GapIndicator
    value: float | None
    normalised: float | None
    before: float | None
    records: list = field(default_factory=list)


@dataclass
class SubPillarLine:
    code: str
    name: dict
    score: float | None
    benchmark: float | None
    before: float | None


@dataclass
class Profile:
    row: dict
    before: dict | None  # the country's row in the previous run
    previous: IndexRun | None
    lines: dict[str, list[IndicatorLine]]  # by pillar
    subs: dict[str, list[SubPillarLine]] = field(default_factory=dict)  # by pillar
    sub_of: dict[str, str] = field(default_factory=dict)  # indicator code -> sub-pillar code


def previous_run(run: IndexRun) -> IndexRun | None:
    """The programme's run just before this one (by date, then by when it was recorded)."""
    return (
        IndexRun.objects.filter(spec__programme_id=run.spec.programme_id)
        .filter(Q(as_of__lt=run.as_of) | Q(as_of=run.as_of, pk__lt=run.pk))
        .order_by("-as_of", "-pk")
        .first()
    )


def country_profile(run: IndexRun, iso3: str, *, user, drill: int = 20) -> Profile | None:
    """A country's row of the run with its indicators by pillar, its row in the previous run (what moved),
    and up to `drill` records behind each computed indicator (one query per computed indicator)."""
    row = country_row(run, iso3)
    if row is None:
        return None
    previous = previous_run(run)
    before = country_row(previous, iso3) if previous else None
    indicators = {i.code: i for i in GapIndicator.objects.filter(code__in=run.inputs.get("codes", []))}
    country = Country.objects.filter(iso3=iso3).first()
    window = Window.ending(run.as_of, int(run.spec.definition.get("window_days", 365)))
    lines: dict[str, list[IndicatorLine]] = {}
    for code in run.inputs.get("codes", []):
        indicator = indicators.get(code)
        if indicator is None:
            continue
        records: list = []
        if (
            indicator.source == GapIndicator.Source.COMPUTED
            and country is not None
            and indicator.computation in COMPUTED
        ):
            try:
                bodies = indicator_bodies(indicator, run.spec.programme)
            except MethodRefused:
                bodies = ()
            found = COMPUTED[indicator.computation].records(window, country.pk, bodies)
            records = list(drill_records_visible(user, indicator.computation, found)[:drill])
        lines.setdefault(indicator.pillar, []).append(
            IndicatorLine(
                indicator=indicator,
                value=row.get("values", {}).get(code),
                normalised=(row.get("normalised") or {}).get(code),
                before=(before or {}).get("values", {}).get(code) if before else None,
                records=records,
            )
        )
    subs: dict[str, list[SubPillarLine]] = {}
    bench = run.outputs.get("benchmark", {}).get("sub_pillars", {})
    for sub in run.outputs.get("sub_pillars", []):
        subs.setdefault(sub["pillar"], []).append(
            SubPillarLine(
                code=sub["code"],
                name=sub.get("name") or {},
                score=(row.get("sub_pillars") or {}).get(sub["code"]),
                benchmark=bench.get(sub["code"]),
                before=((before or {}).get("sub_pillars") or {}).get(sub["code"]),
            )
        )
    sub_of = {
        item["code"]: item["sub_pillar"] for item in run.spec.definition.get("indicators", []) if item.get("sub_pillar")
    }
    return Profile(row=row, before=before, previous=previous, lines=lines, subs=subs, sub_of=sub_of)
