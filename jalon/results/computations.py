"""Computed indicators: a registry of named computations that turn operational records into
measurements, so that actuals come from the records rather than being typed in.

A computed indicator's measurements are written only here (computed=True, approved: they are derived
from records that were already validated). They are refreshed on demand (`jalon refresh-computed`, the
indicator page) and after a change to the data they read: the services that change those data call
`computed_schedule_refresh(source=...)`, which marks the programmes concerned pending and queues one
refresh per programme for the worker (see "Refreshing off the request" below).
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.organisations.models import Membership, Organisation
from jalon.reference.models import Classification, DevelopingCountryRule, IncomeGroup
from jalon.reference.selectors import countries_with_classifications, rule_condition
from jalon.results.models import (
    ComputedStale,
    Dimension,
    DimensionValue,
    Indicator,
    Measure,
    Measurement,
    Period,
    Programme,
    SpanValue,
)
from jalon.results.progress_cache import progress_changed

logger = logging.getLogger(__name__)

DEFAULT_RULE = "dac-eligible"


@dataclass(frozen=True)
class Part:
    """One computed value: the total (dimension None) or one disaggregation."""

    value: Decimal
    dimension: str | None = None  # a Dimension.Kind
    code: str = ""
    name: dict | None = None
    # For percentage measures: the engine recomputes roll-ups from these, never averages values.
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Span:
    """Several periods as one: from the first period's start to `end`. A computation's `compute` is called
    with a Period or a Span and reads only `start` and `end` of it."""

    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Computation:
    """A named computation. `compute(programme, period)` returns the parts of one period; `period` is a
    `Period` or, for a computation that is not `additive`, a `Span` of several periods: it reads only its
    `start` and `end`.

    `additive`: whether values of periods can be added into a value over several periods. Distinct counts
    (people trained, countries reached, bodies sponsored) and levels cannot: 320 distinct people over
    2021-2025 are not the sum of each year's distinct people. For those (`additive=False`) the refresh also
    computes each span from the first period's start to every period's end (SpanValue), and the engine reads
    the whole-programme and cumulative figures from them, never from a sum of periods."""

    key: str
    title: dict
    method: dict  # how it is computed, shown on the indicator page
    measure: str
    sources: frozenset  # the data it reads: a change there refreshes it
    # (programme, Period or Span): typed loosely so that computations typed over a Period register as before.
    compute: Callable[[Programme, Any], list[Part]]
    additive: bool = True
    # The total alone (None: no value), where it costs less than every part: the spans need only it.
    total: Callable[[Programme, Any], Part | None] | None = None

    def whole(self, programme: Programme, period) -> Part | None:
        """The total part of `compute` (dimension None), from `total` when the computation has one."""
        if self.total is not None:
            return self.total(programme, period)
        return next((part for part in self.compute(programme, period) if part.dimension is None), None)

    # Whether its values count people: small ones are then hidden from readers who may not see the people
    # (lib.smallgroups, applied by the tracking table and its exports).
    counts_people: bool = False
    # Whether a baseline "to be set in" a year takes the value this computes for that year alone, once there
    # is one (ILO's satisfied constituents: the baseline year's surveys).
    settles_baseline: bool = False

    def t(self, field: str) -> str:
        from jalon.lib.multilingual import text_in

        return text_in(getattr(self, field))


REGISTRY: dict[str, Computation] = {}


def register(computation: Computation) -> Computation:
    REGISTRY[computation.key] = computation
    return computation


def computation_choices() -> list[tuple[str, str]]:
    return [(key, computation.t("title")) for key, computation in sorted(REGISTRY.items())]


def programme_rule(programme: Programme) -> DevelopingCountryRule:
    """The programme's own "developing country" rule, or the DAC list when it names none."""
    return programme.developing_rule or DevelopingCountryRule.objects.get(code=DEFAULT_RULE)


def developing_members(programme: Programme, period: Period):
    """Members of the programme owner (e.g. ISO) whose membership overlaps the period and whose
    country is developing under the programme's rule on the period's last day (or the rule's as-of)."""
    on = programme.developing_rule_as_of or period.end
    rule = programme_rule(programme)
    schemes = {condition["scheme"] for condition in rule.conditions}
    if not Classification.objects.filter(scheme__in=schemes, valid_from__lte=on).exists():
        # No loaded vintage says who was developing then: no value, rather than a false zero.
        return None, on
    developing = countries_with_classifications(on=on).filter(rule_condition(rule))
    memberships = Membership.objects.filter(body=programme.owner).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=period.end),
        Q(end_date__isnull=True) | Q(end_date__gte=period.start),
    )
    return (
        Organisation.objects.filter(pk__in=memberships.values("member_id"), country__in=developing.values("pk"))
        .distinct()
        .select_related("country__region")
    ), on


def _developing_members_by_region(programme: Programme, period: Period) -> list[Part]:
    members, _on = developing_members(programme, period)
    if members is None:
        return []
    regions = Counter(member.country.region for member in members)
    parts = [Part(Decimal(sum(regions.values())))]
    for region, count in sorted(regions.items(), key=lambda item: item[0].m49 if item[0] else ""):
        if region is not None:
            parts.append(Part(Decimal(count), Dimension.Kind.REGION, region.m49, dict(region.name)))
    return parts


def _developing_members_by_income(programme: Programme, period: Period) -> list[Part]:
    members, on = developing_members(programme, period)
    if members is None:
        return []
    incomes = dict(
        countries_with_classifications(on=on)
        .filter(pk__in=[member.country_id for member in members])
        .values_list("pk", "cls_income")  # type: ignore[misc]  # annotated by countries_with_classifications
    )
    groups = Counter(incomes.get(member.country_id) for member in members)
    parts = [Part(Decimal(sum(groups.values())))]
    for code, label in IncomeGroup.choices:
        if groups.get(code):
            parts.append(Part(Decimal(groups[code]), Dimension.Kind.INCOME, code, both_languages(label)))
    return parts


register(
    Computation(
        key="developing_members_by_region",
        title={
            "en": "Developing-country members of the programme's standards body, by region",
            "fr": "Membres de pays en développement de l'organisme de normalisation du programme, par région",
        },
        method={
            "en": "Counts the members of the programme owner (its memberships, e.g. ISO member bodies and "
            "correspondents) whose membership overlaps the period and whose country is a developing country under "
            "the programme's rule on the last day of the period; broken down by UN M49 region.",
            "fr": "Compte les membres de l'organisme propriétaire du programme (ses adhésions, p. ex. comités "
            "membres et membres correspondants de l'ISO) dont l'adhésion couvre la période et dont le pays est un "
            "pays en développement selon la règle du programme au dernier jour de la période ; ventilé par région "
            "M49 de l'ONU.",
        },
        measure=Measure.COUNT,
        sources=frozenset({"organisations", "reference"}),
        compute=_developing_members_by_region,
        additive=False,
    )
)
register(
    Computation(
        key="developing_members_by_income",
        title={
            "en": "Developing-country members of the programme's standards body, by income group",
            "fr": "Membres de pays en développement de l'organisme de normalisation du programme, par groupe de revenu",
        },
        method={
            "en": "Same count as by region, broken down by the World Bank income group in force on the last day of "
            "the period.",
            "fr": "Même décompte que par région, ventilé par groupe de revenu de la Banque mondiale en vigueur au "
            "dernier jour de la période.",
        },
        measure=Measure.COUNT,
        sources=frozenset({"organisations", "reference"}),
        compute=_developing_members_by_income,
        additive=False,
    )
)


def both_languages(label) -> dict:
    """A lazily translated label, stored as content in English and French."""
    result = {}
    for language in ("en", "fr"):
        with translation.override(language):
            result[language] = str(label)
    return result


def _dimension_value(programme: Programme, part: Part, cache: dict) -> tuple[DimensionValue, bool]:
    """The disaggregation value a part goes to, created or renamed as the records say; and whether it was
    (its name shows on the tracking table: a change there must reach the cached pages)."""
    if part.dimension is None:
        raise ValueError("a computation's total goes to no disaggregation value")
    key = (part.dimension, part.code)
    if key in cache:
        return cache[key], False
    dimension, created = Dimension.objects.get_or_create(
        programme=programme,
        code=part.dimension,
        defaults={"kind": part.dimension, "name": both_languages(Dimension.Kind(part.dimension).label)},
    )
    name = part.name or {"en": part.code}
    value, value_created = DimensionValue.objects.get_or_create(
        dimension=dimension, code=part.code, defaults={"name": name}
    )
    renamed = not value_created and value.name != name
    if renamed:
        value.name = name
        value.save(update_fields=["name"])
    cache[key] = value
    return value, created or value_created or renamed


# Date ranges a write made stale ((start, end), either None: open): what a refresh recomputes. None: everything.
Ranges = list[tuple[datetime.date | None, datetime.date | None]] | None


def _overlaps(ranges: Ranges, start: datetime.date, end: datetime.date) -> bool:
    return ranges is None or any(
        (low is None or low <= end) and (high is None or high >= start) for low, high in ranges
    )


@transaction.atomic
def indicator_refresh(
    *, indicator: Indicator, actor=None, today: datetime.date | None = None, stale: Ranges = None
) -> int:
    """Recompute the started periods of a computed indicator that overlap the `stale` date ranges (None:
    every one) and the spans those can change; returns how many values changed."""
    computation = REGISTRY.get(indicator.computation)
    if indicator.source != Indicator.Source.COMPUTED or computation is None:
        raise ValueError(f"{indicator} is not a computed indicator")
    programme = indicator.result.programme
    today = today or datetime.date.today()
    # One refresh of an indicator at a time (two workers, or a worker and "Recompute now"): both would add
    # the same new values. The lock waits for the other to commit; then the values read below are its own.
    list(Indicator.objects.select_for_update().filter(pk=indicator.pk).values_list("pk", flat=True))
    periods = [
        period
        for period in Period.objects.filter(programme=programme, start__lte=today)
        if _overlaps(stale, period.start, period.end)
    ]
    existing = {
        (m.period_id, m.dimension_value_id): m
        for m in Measurement.objects.filter(
            indicator=indicator, computed=True, period__in=[period.pk for period in periods]
        ).select_related("dimension_value")
    }
    cache: dict = {}
    seen = set()
    changed = 0
    linked = set(indicator.dimensions.values_list("pk", flat=True))
    structure_changed = False
    for period in periods:
        for part in computation.compute(programme, period):
            dimension_value = None
            if part.dimension:
                dimension_value, renamed = _dimension_value(programme, part, cache)
                structure_changed = structure_changed or renamed
            if dimension_value is not None and dimension_value.dimension_id not in linked:
                indicator.dimensions.add(dimension_value.dimension)
                linked.add(dimension_value.dimension_id)
                structure_changed = True
            key = (period.pk, dimension_value.pk if dimension_value else None)
            seen.add(key)
            current = existing.get(key)
            if current is not None and (current.value, current.numerator, current.denominator) == (
                part.value,
                part.numerator,
                part.denominator,
            ):
                continue
            if current is not None:
                before = snapshot(current)
                current.value, current.numerator, current.denominator = part.value, part.numerator, part.denominator
                current.save(update_fields=["value", "numerator", "denominator", "updated_at"])
                audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
                changed += 1
                continue
            measurement = Measurement.objects.create(
                indicator=indicator,
                period=period,
                dimension_value=dimension_value,
                value=part.value,
                numerator=part.numerator,
                denominator=part.denominator,
                computed=True,
                status=Measurement.Status.APPROVED,
                comment=_("Computed: %(name)s") % {"name": computation.t("title")},
            )
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=measurement)
            changed += 1
    for key, gone in existing.items():
        if key not in seen:
            audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=gone, before=snapshot(gone))
            gone.delete()
            changed += 1
    changed += _spans_refresh(indicator, computation, programme, today, stale)
    changed += _baseline_settle(indicator, computation, programme, actor, today)
    if changed or structure_changed:
        # Only then (new or changed values, disaggregations added or renamed): refreshes run after every
        # organisation or reference write, and an unchanged result must not empty the cached pages.
        progress_changed(programme)
    return changed


def _baseline_settle(indicator: Indicator, computation: Computation, programme: Programme, actor, today) -> int:
    """A baseline "to be set in" year Y, computed: once the computation gives a value for Y alone (for
    satisfaction surveys, once a survey of Y is closed), that value becomes the baseline, and the targets
    and milestones set relative to it resolve. Returns 1 when it was set."""
    year = indicator.baseline_to_be_set_in
    if not computation.settles_baseline or indicator.baseline_value is not None or year is None:
        return 0
    if datetime.date(year, 1, 1) > today:
        return 0
    whole = computation.whole(programme, Span(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if whole is None:
        return 0
    before = snapshot(indicator)
    indicator.baseline_value, indicator.baseline_year, indicator.baseline_to_be_set_in = whole.value, year, None
    indicator.save(update_fields=["baseline_value", "baseline_year", "baseline_to_be_set_in"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=indicator, before=before)
    return 1


def _spans_refresh(
    indicator: Indicator, computation: Computation, programme: Programme, today, stale: Ranges = None
) -> int:
    """The whole-span values of a computation that is not additive: from the first period's start to each
    started period's end, computed from the records over the span; returns how many changed. With `stale`
    ranges, only the spans they overlap (a change dated d reaches every span ending on or after d)."""
    existing = {
        (span.start, span.end): span
        for span in SpanValue.objects.filter(indicator=indicator)
        if _overlaps(stale, span.start, span.end)
    }
    wanted: dict[tuple, Part] = {}
    periods = list(Period.objects.filter(programme=programme).order_by("start"))
    if not computation.additive and periods:
        first = periods[0].start
        for period in periods:
            if period.start > today:
                break
            if not _overlaps(stale, first, period.end):
                continue
            total = computation.whole(programme, Span(first, period.end))
            if total is not None:
                wanted[(first, period.end)] = total
    changed = 0
    for key, span in existing.items():
        if key not in wanted:
            span.delete()
            changed += 1
    for (start, end), part in wanted.items():
        found = existing.get((start, end))
        if found is not None and (found.value, found.numerator, found.denominator) == (
            part.value,
            part.numerator,
            part.denominator,
        ):
            continue
        SpanValue.objects.update_or_create(
            indicator=indicator,
            start=start,
            end=end,
            defaults={"value": part.value, "numerator": part.numerator, "denominator": part.denominator},
        )
        changed += 1
    return changed


@transaction.atomic
def indicator_link_computation(*, actor, indicator: Indicator, key: str) -> Indicator:
    """Make an indicator computed by `key` (and fill it now), or manual again with key ""."""
    from django.core.exceptions import ValidationError

    before = snapshot(indicator)
    if key:
        if key not in REGISTRY:
            raise ValidationError({"computation": _("Unknown computation.")})
        if indicator.measurements.filter(computed=False).exists():
            raise ValidationError(
                {"computation": _("This indicator has values reported by hand: remove them before computing it.")}
            )
        indicator.source, indicator.computation = Indicator.Source.COMPUTED, key
        indicator.measure = REGISTRY[key].measure
    else:
        indicator.measurements.filter(computed=True).delete()
        indicator.span_values.all().delete()
        indicator.source, indicator.computation = Indicator.Source.MANUAL, ""
    indicator.save(update_fields=["source", "computation", "measure"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=indicator, before=before)
    progress_changed(indicator.result.programme_id)
    if key:
        indicator_refresh(indicator=indicator, actor=actor)
    return indicator


def computed_indicators(*, sources: set[str] | None = None):
    keys = [key for key, c in REGISTRY.items() if sources is None or c.sources & set(sources)]
    return Indicator.objects.filter(source=Indicator.Source.COMPUTED, computation__in=keys).select_related(
        "result__programme"
    )


# Refreshing off the request ---------------------------------------------------------------------------------
#
# A write to data that computed indicators read calls `computed_schedule_refresh(source=...)` in its
# transaction: each programme whose computed indicators read that source is marked pending with the write
# (Programme.computed_pending_since), and the one write that finds it not pending yet queues its refresh (the
# `computed_refresh` task, results/tasks.py), with its transaction: however many writes come before the
# refresh runs, the programme is refreshed once. The refresh clears the mark as it starts, so that a write
# during the refresh queues another one and nothing is missed; it marks the programme pending again if it
# fails (a later write then queues nothing: the mark is set). The worker's recovery (`computed_recover`)
# queues again the refreshes of programmes pending for long (a task the queue refused, a failed refresh) and
# of refreshes whose worker died.
#
# What is stale is said by marks (ComputedStale, issue 21): each write inserts, with its transaction, the
# source it changed and the dates it can change (an activity's dates; a person's activities'), and the refresh
# recomputes only the computations reading those sources, for the periods those dates overlap and the spans
# ending after them, then deletes the marks it read. A refresh with nothing marked does nothing.

# A programme pending for longer than this has lost its refresh (or its refresh failed): queued again.
RECOVER_PENDING_AFTER = datetime.timedelta(minutes=5)


def computed_schedule_refresh(*, source: str, programme_ids=None, dates=None) -> None:
    """Mark stale the programmes whose computed indicators read `source`, in the current transaction, and
    queue the refresh of those not already waiting for one (queued with the transaction: see jobs.queue).
    `programme_ids`: only these (the source knows which programmes a write can change: issue 21). `dates`:
    {programme id: [(start, end), ...]}, the dates the write can change in each (its activities'): only the
    periods and spans they overlap are recomputed; without it, every period is."""
    keys = [key for key, computation in REGISTRY.items() if source in computation.sources]
    concerned = Programme.objects.filter(
        results__indicators__source=Indicator.Source.COMPUTED, results__indicators__computation__in=keys
    )
    if dates is not None:
        programme_ids = list(dates)
    if programme_ids is not None:
        concerned = concerned.filter(pk__in=list(programme_ids))
    found = dict(concerned.order_by().values_list("pk", "computed_pending_since").distinct())
    _mark(found, source=source, dates=dates)


def computed_mark_stale(*, programme_ids) -> list[int]:
    """Mark every computed indicator of these programmes stale, for every period, and queue one refresh for
    each programme that was not pending yet; returns those."""
    ids = sorted(set(programme_ids))
    pending = dict(Programme.objects.filter(pk__in=ids).values_list("pk", "computed_pending_since"))
    return _mark(pending, source="", dates=None)


def _mark(pending: dict, *, source: str, dates) -> list[int]:
    """Insert the marks (one query), then flip the programmes not pending yet ({id: pending since}) and queue
    their refresh. A row at a time: the conditional UPDATE says which writer set the mark, even with another
    transaction setting it at the same moment (PostgreSQL re-reads the row once it is free)."""
    from jalon.jobs.queue import task_enqueue_with_commit
    from jalon.results.tasks import computed_refresh

    if not pending:
        return []
    ComputedStale.objects.bulk_create(
        ComputedStale(programme_id=pk, source=source, start=span[0], end=span[1])
        for pk in sorted(pending)
        for span in (dates or {}).get(pk) or [(None, None)]
    )
    now = timezone.now()
    flipped = [
        pk
        for pk in sorted(pending)
        if pending[pk] is None
        and Programme.objects.filter(pk=pk, computed_pending_since__isnull=True).update(computed_pending_since=now)
    ]
    for pk in flipped:
        task_enqueue_with_commit(computed_refresh, pk)
    return flipped


def programme_computed_refresh(*, programme_id: int, actor=None, full: bool = False) -> int:
    """Refresh what the programme's marks say is stale (the `computed_refresh` task), or every computed
    indicator (`full`: `jalon refresh-computed`); returns how many values changed. Clears the pending mark
    first (in the worker, outside a transaction: at once, before the records are read), so that a write from
    now on queues another refresh. The marks read are deleted once done: a later write's marks stay for the
    next refresh. If the refresh fails, the programme is pending again, for the worker's recovery to retry,
    its marks kept, and the error is raised."""
    started = timezone.now()
    today = datetime.date.today()
    Programme.objects.filter(pk=programme_id).update(computed_pending_since=None, computed_refreshing_since=started)
    mine = Programme.objects.filter(pk=programme_id, computed_refreshing_since=started)
    marks = list(
        ComputedStale.objects.filter(programme_id=programme_id).filter(Q(due__isnull=True) | Q(due__lte=today))
    )
    if full:
        marks.append(ComputedStale(programme_id=programme_id))
    if not marks:  # nothing changed since the last refresh (queued twice, or its marks read by another)
        mine.update(computed_refreshing_since=None)
        return 0
    try:
        changed = 0
        for indicator in computed_indicators().filter(result__programme_id=programme_id).order_by("pk"):
            sources = REGISTRY[indicator.computation].sources
            relevant = [mark for mark in marks if not mark.source or mark.source in sources]
            if not relevant:
                continue
            spans = [(mark.start, mark.end) for mark in relevant]
            ranges: Ranges = None if (None, None) in spans else spans
            changed += indicator_refresh(indicator=indicator, actor=actor, today=today, stale=ranges)
        _carry_over(programme_id, marks, today)
        ComputedStale.objects.filter(pk__in=[mark.pk for mark in marks if mark.pk]).delete()
    except Exception:
        logger.warning("Computed indicators of programme %s: the refresh failed, pending again", programme_id)
        mine.update(computed_refreshing_since=None)
        Programme.objects.filter(pk=programme_id, computed_pending_since__isnull=True).update(
            computed_pending_since=timezone.now()
        )
        raise
    # Unless another refresh started meanwhile: its end says when it is done.
    mine.update(computed_refreshing_since=None)
    return changed


def _carry_over(programme_id: int, marks: list[ComputedStale], today: datetime.date) -> None:
    """The part of the marks over periods not started yet (not computed today), kept for the day the first of
    them starts: once, however many marks reached it."""
    future = list(
        Period.objects.filter(programme_id=programme_id, start__gt=today).order_by("start").values_list("start", "end")
    )
    kept = set()
    for mark in marks:
        reached = [start for start, end in future if _overlaps([(mark.start, mark.end)], start, end)]
        if reached:
            kept.add((mark.source, max(mark.start or reached[0], reached[0]), mark.end, reached[0]))
    for source, start, end, due in sorted(kept, key=str):
        ComputedStale.objects.get_or_create(programme_id=programme_id, source=source, start=start, end=end, due=due)


def computed_refresh_all(*, programme_code: str = "", actor=None) -> dict[str, int]:
    """Refresh now every programme's computed indicators (or one programme's), clearing the pending marks:
    {programme code: values changed}. Programmes marked pending with no computed indicator left are cleared."""
    programmes = Programme.objects.filter(
        Q(results__indicators__source=Indicator.Source.COMPUTED)
        | Q(computed_pending_since__isnull=False)
        | Q(computed_refreshing_since__isnull=False)
    )
    if programme_code:
        programmes = programmes.filter(code=programme_code)
    return {
        code: programme_computed_refresh(programme_id=pk, actor=actor, full=True)
        for pk, code in programmes.order_by("code").values_list("pk", "code").distinct()
    }


def computed_recover() -> int:
    """The worker's recovery (every minute): queue again the refresh of programmes pending for long (a task
    the queue refused or lost, a failed refresh), and of refreshes whose worker died (refreshing for longer
    than the stale delay of jobs: marked pending again); returns how many. A refresh queued twice is
    harmless: the second finds nothing changed."""
    from jalon.jobs.queue import task_enqueue
    from jalon.results.tasks import computed_refresh

    now = timezone.now()
    dead = now - datetime.timedelta(seconds=settings.JALON_JOB_STALE_SECONDS)
    died = list(Programme.objects.filter(computed_refreshing_since__lt=dead).values_list("pk", flat=True))
    for pk in died:
        Programme.objects.filter(pk=pk, computed_refreshing_since__lt=dead).update(computed_refreshing_since=None)
        Programme.objects.filter(pk=pk, computed_pending_since__isnull=True).update(computed_pending_since=now)
        # Its marks are still there (deleted only by a refresh that ends); what it may have half-written
        # outside them too, so everything is recomputed.
        ComputedStale.objects.create(programme_id=pk)
    lost = Programme.objects.filter(computed_pending_since__lt=now - RECOVER_PENDING_AFTER).values_list("pk", flat=True)
    # Marks carried over to a period that has started since: their programme's refresh is due (once: pending).
    due = ComputedStale.objects.filter(due__lte=now.date(), programme__computed_pending_since__isnull=True)
    started = [
        pk
        for pk in sorted(set(due.values_list("programme_id", flat=True)))
        if Programme.objects.filter(pk=pk, computed_pending_since__isnull=True).update(computed_pending_since=now)
    ]
    again = sorted({*died, *lost, *started})
    for pk in again:
        task_enqueue(computed_refresh, pk)
    return len(again)
