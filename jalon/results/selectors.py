"""Reads over results frameworks. The programme's progress costs a constant number of queries: the
approved totals are summed in the database, grouped by indicator and period, and breakdowns by
dimension only for the cells without a total (bench/README.md has the figures at scale)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.lib.multilingual import text_in
from jalon.results import access
from jalon.results import progress as engine
from jalon.results.models import (
    Cumulation,
    Dimension,
    DimensionValue,
    DisaggregatedTarget,
    Indicator,
    Level,
    Measure,
    Measurement,
    MeasurementComment,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
    SpanValue,
)
from jalon.web.templatetags.jalon_results import number


@dataclass
class Cell:
    period: Period
    target: Decimal | None
    pending: bool
    actual: Decimal | None
    progress: Decimal | None
    status: engine.Status
    note: str = ""
    # What the figure leaves out of the approved values, said beside it (progress.combination_note).
    warning: str = ""
    # A milestone relative to the baseline: its percentage, shown beside (or instead of) the resolved value.
    relative_percent: Decimal | None = None


@dataclass
class IndicatorProgress:
    """An indicator's two figures, never mixed (DESIGN.md section 3):
    - the latest period with data against that period's milestone: `latest` (its actual, target, progress
      and status);
    - the whole programme against the overall target: `actual`, `target`, `overall_progress`,
      `overall_status`.
    `progress` and `status` are the headline: the latest period's when it has a milestone, else the whole
    programme's; `headline` says which ("latest" or "overall"), and pages label it so."""

    indicator: Indicator
    baseline: Decimal | None
    cells: list[Cell]
    target: Decimal | None
    target_pending: bool
    actual: Decimal | None
    progress: Decimal | None
    status: engine.Status
    latest: Cell | None = None
    next_milestone: Cell | None = None
    overall_progress: Decimal | None = None
    overall_status: engine.Status = engine.Status.NO_DATA
    headline: str = "overall"
    target_derived: bool = False  # the overall target derived from the milestones (the programme's choice)
    overall_from_records: bool = False  # a distinct count computed over the whole span, not a sum of periods
    overall_warning: str = ""
    target_relative_percent: Decimal | None = None


@dataclass
class ProgrammeProgress:
    programme: Programme
    periods: list[Period]
    results: list[Result]
    indicators: dict[int, IndicatorProgress] = field(default_factory=dict)

    def for_result(self, result: Result) -> list[IndicatorProgress]:
        return [self.indicators[i.pk] for i in result.indicators.all()]


_SUMS = {
    # Not named after the columns: the filter below reads the column, not a sum.
    "sum_value": Sum("value"),
    "sum_numerator": Sum("numerator"),
    "sum_denominator": Sum("denominator"),
    # COUNT(*), not COUNT(id): PostgreSQL then answers the totals from the index alone (models.py).
    "n": Count("*"),
    "bare": Count("indicator_id", filter=Q(denominator__isnull=True)),
}


def _aggregate_of(row: dict) -> engine.Aggregate:
    return engine.Aggregate(row["sum_value"], row["sum_numerator"], row["sum_denominator"], row["n"], row["bare"])


def counted_at(moment: datetime.datetime | None) -> Q:
    """The values that count: those approved (None), or those that counted at `moment` (a report as of a past
    date): approved by then and not yet replaced by an amendment approved by then, whatever happened since.
    Computed values keep no history: they count as they are now."""
    if moment is None:
        return Q(status=Measurement.Status.APPROVED)
    once_approved = (Measurement.Status.APPROVED, Measurement.Status.SUPERSEDED)
    replaced = Measurement.objects.filter(amends=OuterRef("pk"), status__in=once_approved, reviewed_at__lte=moment)
    return Q(computed=True, status=Measurement.Status.APPROVED) | (
        Q(computed=False, status__in=once_approved, reviewed_at__lte=moment) & Q(~Exists(replaced))
    )


def _aggregates(
    *,
    indicator_ids,
    period_ids,
    filters=None,
    latest_ids=frozenset(),
    programme_id: int | None = None,
    approved_by: datetime.datetime | None = None,
) -> dict[tuple[int, int], engine.Aggregate]:
    """(indicator, period) -> approved aggregate, from totals, or from one dimension's breakdown
    when a period was reported only disaggregated.

    Two grouped queries, so that the cost follows the cells, not the disaggregated rows (there are
    dozens per cell: countries x sex x organisations): the totals first, then the breakdowns of the
    cells that have no total only (usually none, or the periods not reported yet). The second query
    is skipped when every cell has a total.

    Indicators in "latest" mode (`latest_ids`) are read as rows instead, one query for them all: within
    a period the latest report of each organisation x disaggregation value counts (progress.latest_in_period),
    which a SUM cannot say. With `programme_id`, that query runs whether or not the programme has such
    indicators: a page then costs the same queries whatever its indicators."""
    approved = Measurement.objects.filter(counted_at(approved_by), **(filters or {}))
    summed_ids = [pk for pk in indicator_ids if pk not in latest_ids]
    totals: dict[tuple[int, int], engine.Aggregate] = {}
    if summed_ids:
        totals = {
            (row["indicator_id"], row["period_id"]): _aggregate_of(row)
            for row in approved.filter(indicator_id__in=summed_ids, dimension_value__isnull=True)
            .values("indicator_id", "period_id")
            .annotate(**_SUMS)
            .order_by()
        }
    latest_breakdowns: dict[tuple[int, int], dict[int, list[engine.Report]]] = {}
    if latest_ids or programme_id is not None:
        latest_totals: dict[tuple[int, int], list[engine.Report]] = {}
        if programme_id is not None:
            latest_rows = approved.filter(
                indicator__result__programme_id=programme_id, indicator__cumulation=Cumulation.LATEST
            )
        else:
            latest_rows = approved.filter(indicator_id__in=list(latest_ids))
        rows = latest_rows.order_by().values_list(*_REPORT_FIELDS)
        for indicator_id, period_id, dimension_id, *report in rows:
            key = (indicator_id, period_id)
            item = engine.Report(*report)
            if dimension_id is None:
                latest_totals.setdefault(key, []).append(item)
            else:
                latest_breakdowns.setdefault(key, {}).setdefault(dimension_id, []).append(item)
        for key, reports in latest_totals.items():
            aggregate = engine.latest_in_period(reports)
            if aggregate is not None:
                totals[key] = aggregate
        for key, by_dimension in latest_breakdowns.items():
            if key not in totals:
                aggregate = engine.latest_in_period(by_dimension[min(by_dimension)])
                if aggregate is not None:
                    totals[key] = aggregate
    # Cells without a total, as few terms as possible: indicators grouped by their set of such periods.
    missing: dict[tuple[int, ...], list[int]] = {}
    for indicator_id in summed_ids:
        periods = tuple(p for p in period_ids if (indicator_id, p) not in totals)
        if periods:
            missing.setdefault(periods, []).append(indicator_id)
    if not missing:
        return totals
    cells = Q()
    for periods, indicators in missing.items():
        cells |= Q(indicator_id__in=indicators, period_id__in=periods)
    breakdowns: dict[tuple[int, int], tuple[int, engine.Aggregate]] = {}
    rows = (
        approved.filter(cells, dimension_value__isnull=False)
        .values("indicator_id", "period_id", "dimension_value__dimension_id")
        .annotate(**_SUMS)
        .order_by()
    )
    for row in rows:
        key = (row["indicator_id"], row["period_id"])
        dimension = row["dimension_value__dimension_id"]
        if key not in breakdowns or dimension < breakdowns[key][0]:
            breakdowns[key] = (dimension, _aggregate_of(row))
    for key, (_dimension, aggregate) in breakdowns.items():
        totals[key] = aggregate
    return totals


# What a "latest" indicator's values are read as: the cell, the dimension, then a progress.Report.
_REPORT_FIELDS = (
    "indicator_id",
    "period_id",
    "dimension_value__dimension_id",
    "organisation_id",
    "dimension_value_id",
    "collected_on",
    "id",
    "value",
    "numerator",
    "denominator",
)


def _span_values(programme: Programme) -> dict[int, dict[datetime.date, engine.Aggregate]]:
    """indicator -> end of span -> the value computed over the whole span (distinct counts: computations.py).
    One query, whatever the programme's indicators."""
    spans: dict[int, dict[datetime.date, engine.Aggregate]] = {}
    rows = (
        SpanValue.objects.filter(indicator__result__programme=programme)
        .order_by()
        .values_list("indicator_id", "end", "value", "numerator", "denominator")
    )
    for indicator_id, end, value, numerator, denominator in rows:
        spans.setdefault(indicator_id, {})[end] = engine.Aggregate(value, numerator, denominator, 1, 0)
    return spans


class MilestoneRow(NamedTuple):
    """What the progress engine reads of a milestone: a plain row, much cheaper than a model instance."""

    period_id: int
    value: Decimal | None
    relative_percent: Decimal | None
    note: dict


_MILESTONE_FIELDS = ("indicator_id", "period_id", "value", "relative_percent", "note")


def _milestones_as_rows(indicators: list[Indicator]) -> dict[int, dict[int, MilestoneRow]]:
    """indicator -> period -> MilestoneRow, in one query of plain rows (model instances cost ~30 ms
    on a 1,000-milestone programme; bench/README.md)."""
    by_period: dict[int, dict[int, MilestoneRow]] = {indicator.pk: {} for indicator in indicators}
    # No default ordering: it costs a join on the periods and a sort, and milestones are looked up by period.
    rows = Milestone.objects.filter(indicator_id__in=list(by_period)).order_by().values_list(*_MILESTONE_FIELDS)
    for indicator_id, period_id, value, relative_percent, note in rows:
        by_period[indicator_id][period_id] = MilestoneRow(period_id, value, relative_percent, note)
    return by_period


def programme_method(programme: Programme) -> engine.Method:
    return engine.Method(
        progress_method=programme.progress_method,
        descending_scoring=programme.descending_scoring,
        descending_tolerance=programme.descending_tolerance,
    )


def indicator_progress(
    *,
    indicator: Indicator,
    periods: list[Period],
    milestones: "Mapping[int, Milestone | MilestoneRow]",
    aggregates: dict[tuple[int, int], engine.Aggregate],
    thresholds: engine.Thresholds,
    today: datetime.date,
    method: engine.Method = engine.OECD,
    derive_target: bool = False,
    spans: "Mapping[datetime.date, engine.Aggregate] | None" = None,
) -> IndicatorProgress:
    """`spans`: values computed over several periods (from the first period's start to the key), for
    computed distinct counts: they give the whole-programme figure and the cumulative ones."""
    percentage = indicator.measure == Measure.PERCENTAGE
    descending = indicator.direction == Indicator.Direction.DESCENDING
    baseline = indicator.baseline_value
    per_period = [aggregates.get((indicator.pk, period.pk)) for period in periods]
    rolled = engine.roll_periods(per_period, mode=indicator.cumulation)
    if spans and indicator.cumulation == "cumulative":
        # A running total of distinct counts is the count over the span so far, not a sum of periods.
        rolled = [spans.get(period.end, item) for period, item in zip(periods, rolled, strict=True)]
    cells = []
    for period, aggregate, own in zip(periods, rolled, per_period, strict=True):
        milestone = milestones.get(period.pk)
        target, pending = engine.resolve_target(
            value=milestone.value if milestone else None,
            relative_percent=milestone.relative_percent if milestone else None,
            baseline=baseline,
        )
        # A period without its own approved report has no actual (and "no data"), even when the
        # cumulative mode would carry an earlier total forward: the report shows what was reported.
        actual = engine.actual_of(aggregate, percentage=percentage) if own is not None else None
        value = engine.progress(actual=actual, baseline=baseline, target=target, descending=descending, method=method)
        cells.append(
            Cell(
                period=period,
                target=target,
                pending=pending,
                actual=actual,
                progress=value,
                status=engine.status(
                    progress_value=value,
                    has_data=own is not None,
                    started=period.start <= today,
                    pending=pending,
                    has_target=target is not None,
                    thresholds=thresholds,
                    combinable=actual is not None,
                ),
                note=text_in(milestone.note) if milestone else "",
                warning=engine.combination_note(aggregate, percentage=percentage) if own is not None else "",
                relative_percent=milestone.relative_percent if milestone else None,
            )
        )
    if derive_target:
        target_pending = any(cell.pending for cell in cells)
        target = None if target_pending else engine.derive_target([c.target for c in cells], mode=indicator.cumulation)
    else:
        target, target_pending = engine.resolve_target(
            value=indicator.target_value, relative_percent=indicator.target_relative_percent, baseline=baseline
        )
    whole = engine.overall(per_period, mode=indicator.cumulation)
    from_records = bool(spans) and indicator.cumulation != "latest" and whole is not None
    if from_records and spans:
        whole = spans[max(spans)]
    overall = engine.actual_of(whole, percentage=percentage)
    with_data = [cell for cell in cells if cell.actual is not None or cell.status == engine.Status.NOT_COMBINABLE]
    latest = with_data[-1] if with_data else None
    upcoming = [cell for cell in cells if cell.period.end >= today and (cell.target is not None or cell.pending)]
    overall_progress = engine.progress(
        actual=overall, baseline=baseline, target=target, descending=descending, method=method
    )
    started = bool(periods) and periods[0].start <= today
    overall_status = engine.status(
        progress_value=overall_progress,
        has_data=whole is not None,
        started=started or not periods,
        pending=target_pending,
        has_target=target is not None,
        thresholds=thresholds,
        combinable=overall is not None,
    )
    # The headline is the latest period against its milestone, else the whole programme: labelled as such.
    if latest is not None and (latest.target is not None or latest.pending):
        headline, headline_progress, headline_status = "latest", latest.progress, latest.status
    else:
        headline, headline_progress, headline_status = "overall", overall_progress, overall_status
    return IndicatorProgress(
        indicator=indicator,
        baseline=baseline,
        cells=cells,
        target=target,
        target_pending=target_pending,
        actual=overall,
        progress=headline_progress,
        status=headline_status,
        latest=latest,
        next_milestone=upcoming[0] if upcoming else None,
        overall_progress=overall_progress,
        overall_status=overall_status,
        headline=headline,
        target_derived=derive_target,
        overall_from_records=from_records,
        overall_warning=engine.combination_note(whole, percentage=percentage) if not from_records else "",
        target_relative_percent=None if derive_target else indicator.target_relative_percent,
    )


def programme_progress(
    *,
    programme: Programme,
    today: datetime.date | None = None,
    measurement_filters: dict | None = None,
    milestone_overrides: "Mapping[tuple[int, int], Decimal] | None" = None,
    derive_for: frozenset[int] = frozenset(),
    approved_by: datetime.datetime | None = None,
) -> ProgrammeProgress:
    """`approved_by`: the values that counted then (counted_at), for a report as of a past date.
    `milestone_overrides`: (indicator id, period id) -> the target to compare with instead of the
    milestone (a view filtered by a disaggregation value compares with that value's target where it has one);
    `derive_for`: indicators whose overall target is derived from their (overridden) milestones, whatever the
    programme's choice (that value's overall target)."""
    today = today or timezone.localdate()
    periods = list(programme.periods.all())
    results = list(programme.results.select_related("level", "parent").prefetch_related("indicators").order_by("order"))
    indicators = [indicator for result in results for indicator in result.indicators.all()]
    milestones = _milestones_as_rows(indicators)
    for (indicator_id, period_id), value in (milestone_overrides or {}).items():
        if indicator_id in milestones:
            milestones[indicator_id][period_id] = MilestoneRow(period_id, value, None, {})
    aggregates = _aggregates(
        indicator_ids=[i.pk for i in indicators],
        period_ids=[p.pk for p in periods],
        filters=measurement_filters,
        latest_ids=frozenset(i.pk for i in indicators if i.cumulation == "latest"),
        programme_id=programme.pk,
        approved_by=approved_by,
    )
    # Whole-span values are totals: a view filtered by a disaggregation value adds periods' values instead.
    spans = _span_values(programme) if not measurement_filters else {}
    thresholds = engine.Thresholds(programme.on_track_min, programme.at_risk_min)
    method = programme_method(programme)
    derive = programme.overall_target == Programme.OverallTarget.DERIVED
    report = ProgrammeProgress(programme=programme, periods=periods, results=results)
    for indicator in indicators:
        indicator.result = next(r for r in results if r.pk == indicator.result_id)
        report.indicators[indicator.pk] = indicator_progress(
            indicator=indicator,
            periods=periods,
            milestones=milestones[indicator.pk],
            aggregates=aggregates,
            thresholds=thresholds,
            today=today,
            method=method,
            derive_target=derive or indicator.pk in derive_for,
            spans=spans.get(indicator.pk),
        )
    return report


def indicator_breakdown(*, indicator: Indicator, periods: list[Period]) -> list[dict]:
    """Per dimension: its values x periods with the approved actual of each (one query for the values), and
    a warning for each period whose disaggregated values do not add up to the total reported (a warning,
    not a refusal: a breakdown may be partial)."""
    percentage = indicator.measure == Measure.PERCENTAGE
    latest = indicator.cumulation == "latest"
    reports: dict[tuple[int | None, int], list[engine.Report]] = {}
    rows = (
        Measurement.objects.filter(indicator=indicator, status=Measurement.Status.APPROVED)
        .order_by()
        .values_list(*_REPORT_FIELDS[1:])
    )
    for period_id, _dimension_id, *report in rows:
        item = engine.Report(*report)
        reports.setdefault((item.dimension_value_id, period_id), []).append(item)

    def combine(items: list[engine.Report]) -> engine.Aggregate | None:
        if latest:
            return engine.latest_in_period(items)
        total = None
        for r in items:
            one = engine.Aggregate(r.value, r.numerator, r.denominator, 1, 1 if r.denominator is None else 0)
            total = one if total is None else total + one
        return total

    cells = {key: combine(items) for key, items in reports.items()}
    targets = {
        (value_id, period_id): value
        for value_id, period_id, value in DisaggregatedTarget.objects.filter(indicator=indicator).values_list(
            "dimension_value_id", "period_id", "value"
        )
    }
    additive = indicator.measure in (Measure.COUNT, Measure.CURRENCY)
    tables = []
    for dimension in indicator.dimensions.prefetch_related("values"):
        lines: list[dict] = []
        sums: list[Decimal | None] = [None] * len(periods)
        for value in dimension.values.all():
            per_period = [cells.get((value.pk, period.pk)) for period in periods]
            rolled = engine.roll_periods(per_period, mode=indicator.cumulation)
            # As in indicator_progress: a period without its own report shows no actual, not a carried total.
            actuals = [
                engine.actual_of(a, percentage=percentage) if own is not None else None
                for a, own in zip(rolled, per_period, strict=True)
            ]
            for index, own in enumerate(per_period):
                if own is not None and own.value is not None:
                    sums[index] = (sums[index] or Decimal(0)) + own.value
            lines.append(
                {
                    "value": value,
                    "actuals": actuals,
                    "cells": [(a, targets.get((value.pk, p.pk))) for a, p in zip(actuals, periods, strict=True)],
                }
            )
        warnings = []
        for period, part_sum in zip(periods, sums, strict=True):
            total = cells.get((None, period.pk))
            if (
                additive
                and part_sum is not None
                and total is not None
                and total.value is not None
                and part_sum != total.value
            ):
                warnings.append(
                    _("%(period)s: the values by %(dimension)s add up to %(sum)s, but the total reported is %(total)s.")
                    % {
                        "period": period,
                        "dimension": dimension,
                        "sum": _plain(part_sum),
                        "total": _plain(total.value),
                    }
                )
        has_targets = any(target is not None for line in lines for _actual, target in line["cells"])
        tables.append({"dimension": dimension, "lines": lines, "warnings": warnings, "has_targets": has_targets})
    return tables


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Pages ---------------------------------------------------------------------------------------------------


def programme_list(*, user) -> QuerySet[Programme]:
    return access.programmes_visible(user).select_related("owner").order_by("code")


def level_choices(programme: Programme) -> list[tuple[str, str]]:
    """(key, name) of the programme's levels, in their order: the choices of the level filters."""
    return [(level.key, text_in(level.name)) for level in programme.levels.all()]


def _depths(results: list[Result]) -> dict[int, int]:
    """How deep each result sits in the tree (0 at the top)."""
    parents = {result.pk: result.parent_id for result in results}
    depths = {}
    for pk, parent in parents.items():
        depth = 0
        while parent is not None:
            depth += 1
            parent = parents.get(parent)
        depths[pk] = depth
    return depths


@dataclass
class TreeRow:
    result: Result
    depth: int
    indicators: list[IndicatorProgress]


def programme_tree(report: ProgrammeProgress, *, level: str = "", status: str = "") -> list[TreeRow]:
    """The programme page's results tree: the results of one level (`level`, a key) or all, each with its
    indicators' progress; with `status`, only the indicators of that status and the results that have some."""
    depths = _depths(report.results)
    rows = []
    for result in report.results:
        indicators = report.for_result(result)
        if status:
            indicators = [item for item in indicators if item.status == status]
            if not indicators:
                continue
        if level and result.level.key != level:
            continue
        rows.append(TreeRow(result=result, depth=depths[result.pk], indicators=indicators))
    return rows


@dataclass
class StructureRow:
    result: Result
    depth: int


@dataclass
class FrameworkStructure:
    """What the framework builder's overview shows: levels, periods, disaggregations and the results tree
    with each result's indicators (a constant number of queries)."""

    levels: list[Level]
    periods: list[Period]
    dimensions: list[Dimension]
    rows: list[StructureRow]


def framework_structure(programme: Programme) -> FrameworkStructure:
    results = list(programme.results.select_related("level").prefetch_related("indicators").order_by("order", "pk"))
    depths = _depths(results)
    return FrameworkStructure(
        levels=list(programme.levels.all()),
        periods=list(programme.periods.all()),
        dimensions=list(programme.dimensions.prefetch_related("values")),
        rows=[StructureRow(result=result, depth=depths[result.pk]) for result in results],
    )


@dataclass
class IndicatorPage:
    periods: list[Period]
    progress: IndicatorProgress
    breakdown: list[dict]
    history: list[Measurement]
    amended: set[int] = field(default_factory=set)  # approved values with an amendment waiting
    groups: list["PeriodGroup"] = field(default_factory=list)


@dataclass
class PeriodGroup:
    """One period of an indicator page's reported values, with its narrative: folded on the page unless it is
    open (values waiting for a decision, or the latest period with values), so that a page of hundreds of
    values stays short."""

    period: Period
    measurements: list[Measurement]
    narrative: Narrative | None
    waiting: int
    open: bool


def indicator_page(*, user, indicator: Indicator) -> IndicatorPage:
    """An indicator's progress by period, its approved values by disaggregation, and the values reported
    on it that the user may see (newest first within a period)."""
    programme = indicator.result.programme
    periods = list(programme.periods.all())
    report = programme_progress(programme=programme)
    history = (
        access.measurements_visible(
            user,
            Measurement.objects.filter(indicator=indicator).select_related(
                "period", "dimension_value__dimension", "organisation", "author", "reviewer"
            ),
        )
        .annotate(comment_count=Count("comments"))
        .order_by("period__start", "-updated_at")
    )
    history = list(history)
    waiting = (Measurement.Status.DRAFT, Measurement.Status.SUBMITTED, Measurement.Status.RETURNED)
    narratives = {n.period_id: n for n in Narrative.objects.filter(indicator=indicator)}
    return IndicatorPage(
        periods=periods,
        progress=report.indicators[indicator.pk],
        breakdown=indicator_breakdown(indicator=indicator, periods=periods),
        history=history,
        amended={m.amends_id for m in history if m.amends_id and m.status in waiting},
        groups=_period_groups(periods, history, narratives, waiting),
    )


def _period_groups(
    periods: list[Period], history: list[Measurement], narratives: dict[int, Narrative], waiting: tuple
) -> list[PeriodGroup]:
    by_period: dict[int, list[Measurement]] = {}
    for measurement in history:
        by_period.setdefault(measurement.period_id, []).append(measurement)
    groups = [
        PeriodGroup(
            period=period,
            measurements=by_period.get(period.pk, []),
            narrative=narratives.get(period.pk),
            waiting=sum(1 for m in by_period.get(period.pk, []) if m.status in waiting),
            open=False,
        )
        for period in periods
        if period.pk in by_period or period.pk in narratives
    ]
    latest = next((group for group in reversed(groups) if group.measurements), None)
    for group in groups:
        group.open = bool(group.waiting) or group is latest
    return groups


def measurement_thread(measurement: Measurement) -> list[MeasurementComment]:
    """The comments on a value, oldest first, with their authors (one query)."""
    return list(measurement.comments.select_related("author").order_by("created_at", "id"))


def narrative_of(indicator: Indicator, period: Period) -> Narrative | None:
    return Narrative.objects.filter(indicator=indicator, period=period).first()


def disaggregated_targets_of(indicator: Indicator) -> dict[tuple[int, int], Decimal]:
    """The indicator's targets by disaggregation value: (period id, dimension value id) -> value."""
    return {
        (period_id, value_id): value
        for period_id, value_id, value in DisaggregatedTarget.objects.filter(indicator=indicator).values_list(
            "period_id", "dimension_value_id", "value"
        )
    }


def programme_disaggregated_targets(programme: Programme) -> list[DisaggregatedTarget]:
    """Every target by disaggregation value of the programme, with its value and dimension, in the order of
    the disaggregations' values (one query)."""
    return list(
        DisaggregatedTarget.objects.filter(indicator__result__programme=programme)
        .select_related("dimension_value__dimension")
        .order_by("dimension_value__dimension_id", "dimension_value__order", "dimension_value_id")
    )


def programme_narratives(programme: Programme) -> dict[tuple[int, int], Narrative]:
    """Every narrative of the programme: (indicator id, period id) -> narrative (one query)."""
    return {(n.indicator_id, n.period_id): n for n in Narrative.objects.filter(indicator__result__programme=programme)}


@dataclass
class IndicatorTargets:
    """What the indicator form edits beside the indicator's own fields: its milestone in each period of the
    programme (None where it has none), and its disaggregations."""

    milestones: list[tuple[Period, Milestone | None]]
    dimension_ids: list[int]


def indicator_targets(*, programme: Programme, indicator: Indicator | None) -> IndicatorTargets:
    milestones = {m.period_id: m for m in indicator.milestones.all()} if indicator else {}
    return IndicatorTargets(
        milestones=[(period, milestones.get(period.pk)) for period in programme.periods.all()],
        dimension_ids=list(indicator.dimensions.values_list("pk", flat=True)) if indicator else [],
    )


def programme_results(programme: Programme) -> QuerySet[Result]:
    """The programme's results in tree order, with their level and parent (the API's list)."""
    return programme.results.select_related("level", "parent").order_by("order")


def programme_indicators(programme: Programme) -> QuerySet[Indicator]:
    """The programme's indicators in tree order, with their result and milestones (the API's list)."""
    return (
        Indicator.objects.filter(result__programme=programme)
        .select_related("result")
        .prefetch_related("milestones__period")
        .order_by("result__order", "order")
    )


def programme_targets(programme: Programme) -> list[dict]:
    """Every milestone (per-period target) of the programme with the value it resolves to (relative ones
    from the baseline), in tree and period order."""
    milestones = (
        Milestone.objects.filter(indicator__result__programme=programme)
        .select_related("indicator", "period")
        .order_by("indicator__result__order", "indicator__order", "period__start")
    )
    rows = []
    for milestone in milestones:
        target, pending = engine.resolve_target(
            value=milestone.value,
            relative_percent=milestone.relative_percent,
            baseline=milestone.indicator.baseline_value,
        )
        rows.append(
            {
                "indicator": milestone.indicator.code,
                "period": milestone.period.code,
                "value": milestone.value,
                "relative_percent": milestone.relative_percent,
                "target": target,
                "pending": pending,
                "note": milestone.note,
            }
        )
    return rows


def approval_queue(*, user) -> QuerySet[Measurement]:
    """The values waiting for the user's approval, oldest first, in the programmes they manage; with the
    value an amendment would replace (`amends`) and the period's milestone (`milestone_value`,
    `milestone_relative`), in one query."""
    milestone = Milestone.objects.filter(indicator=OuterRef("indicator"), period=OuterRef("period"))
    return (
        Measurement.objects.filter(
            status=Measurement.Status.SUBMITTED,
            indicator__result__programme__in=access.programmes_managed(user),
        )
        .select_related("indicator__result__programme", "period", "organisation", "author", "dimension_value", "amends")
        .annotate(
            milestone_value=Subquery(milestone.values("value")[:1]),
            milestone_relative=Subquery(milestone.values("relative_percent")[:1]),
        )
        .order_by("submitted_at", "id")
    )


@dataclass
class Inbox:
    """What waits for a person on the home page: values returned to them, values waiting for their approval,
    their drafts; each a count and the first few."""

    returned: list[Measurement]
    returned_count: int
    to_approve: list[Measurement]
    to_approve_count: int
    drafts: list[Measurement]
    drafts_count: int
    comments: list[MeasurementComment] = field(default_factory=list)
    comments_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.returned_count or self.to_approve_count or self.drafts_count or self.comments_count)


INBOX_SHOWN = 5
# Comments by others on a person's values are in their inbox for this long (no read marks: the e-mail is
# the notice, the inbox the reminder).
INBOX_COMMENT_DAYS = 30


def measurement_inbox(*, user) -> Inbox | None:
    """The inbox of a signed-in user (None for a visitor): eight small queries, whatever the numbers."""
    if not getattr(user, "is_authenticated", False):
        return None
    related = ("indicator__result__programme", "period", "organisation")
    own = access.measurement_reporting_organisations(user)
    mine = Q(author=user) | Q(organisation_id__in=own) if own else Q(author=user)
    returned = (
        access.measurements_visible(user, Measurement.objects.filter(mine, status=Measurement.Status.RETURNED))
        .select_related(*related)
        .order_by("-reviewed_at", "-id")
    )
    drafts = (
        Measurement.objects.filter(author=user, status=Measurement.Status.DRAFT)
        .select_related(*related)
        .order_by("-updated_at", "-id")
    )
    queue = approval_queue(user=user) if access.approval_queue_can_open(user) else Measurement.objects.none()
    concerned = Measurement.objects.filter(Q(author=user) | Q(reviewer=user) | Q(comments__author=user))
    comments = (
        MeasurementComment.objects.filter(
            measurement__in=access.measurements_visible(user, concerned).values("pk"),
            created_at__gte=timezone.now() - datetime.timedelta(days=INBOX_COMMENT_DAYS),
        )
        .exclude(author=user)
        .select_related("author", "measurement__indicator__result__programme", "measurement__period")
        .order_by("-created_at", "-id")
    )
    return Inbox(
        comments=list(comments[:INBOX_SHOWN]),
        comments_count=comments.count(),
        returned=list(returned[:INBOX_SHOWN]),
        returned_count=returned.count(),
        to_approve=list(queue[:INBOX_SHOWN]),
        to_approve_count=queue.count(),
        drafts=list(drafts[:INBOX_SHOWN]),
        drafts_count=drafts.count(),
    )


def dimension_values_of(programme: Programme) -> QuerySet[DimensionValue]:
    """Every value of the programme's disaggregations, with its dimension (a filter's choices)."""
    return DimensionValue.objects.filter(dimension__programme=programme).select_related("dimension")


def milestone_keys(programme: Programme) -> set[tuple[int, int]]:
    """(indicator id, period id) of every milestone of the programme (one query)."""
    return set(
        Milestone.objects.filter(indicator__result__programme=programme).values_list("indicator_id", "period_id")
    )


def indicators_disaggregated_by(dimension_id: int) -> set[int]:
    """The ids of the indicators disaggregated by this dimension (one query)."""
    through = Indicator.dimensions.through
    return set(through.objects.filter(dimension_id=dimension_id).values_list("indicator_id", flat=True))


@dataclass
class PrintedTable:
    """A table a framework's document prints beside its tree (ILO's Table 1), laid out as printed, in one
    language: its own headers, its printed cells ("Environ 3 600 000 dollars E.-U. (30 pour cent)", "Aucun"),
    one line per main output."""

    title: str
    unit_note: str
    headers: list[str]
    # Per row: the outcome, its main outputs (one a line), then one cell per column shown.
    rows: list[tuple[str, list[str], list[str]]]


def printed_table(programme: Programme, key: str = "resources_by_outcome") -> PrintedTable | None:
    """The programme's printed table `key` (None when it has none). When the rows carry their printed cells,
    the columns shown are those printed (a share printed inside the amount's cell is not a column of its own);
    otherwise every column, its numbers formatted for the language with their unit."""
    table = (programme.tables or {}).get(key)
    if not table:
        return None
    rows = table.get("rows") or []
    columns = table.get("columns") or []
    printed = {name for row in rows for name in (row.get("cells") or {})}
    shown = [column for column in columns if not printed or column.get("key") in printed]
    heads = table.get("headers") or {}

    def cell(row: dict, column: dict) -> str:
        text = (row.get("cells") or {}).get(column.get("key"))
        if text:
            return text_in(text)
        value = (row.get("values") or {}).get(column.get("key"))
        if value in (None, ""):
            return ""
        unit = column.get("unit")
        if unit == "percent":
            return f"{number(value)} %"
        return f"{number(value)} {unit}" if unit else number(value)

    return PrintedTable(
        title=text_in(table.get("title")),
        unit_note=text_in(table.get("unit_note")),
        headers=[
            text_in(heads.get("outcome")) or _("Outcome"),
            text_in(heads.get("main_outputs")) or _("Main outputs"),
            *(text_in(column.get("name")) for column in shown),
        ],
        rows=[
            (
                str(row.get("outcome", "")),
                [line for line in text_in(row.get("main_outputs")).split("\n") if line.strip()],
                [cell(row, column) for column in shown],
            )
            for row in rows
        ],
    )
