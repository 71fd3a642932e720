"""The progress engine: pure functions, no database. Selectors feed it aggregated approved values.

    progress = (actual - baseline) / (target - baseline)

works for descending indicators too, because the denominator's sign flips with the direction.
Edge cases, decided here and tested:
- no baseline: an absolute target is measured from zero (for a descending indicator, which has no
  natural start, progress is 1 once the target is reached, else 0); a target relative to a baseline
  that is not set yet cannot be computed, and the status is "pending";
- target equal to baseline: progress is 1 once the actual is at or beyond the target in the
  indicator's direction, else 0 (there is no distance to cover);
- overshoot: progress above 1 is kept (reports show 130 %), the status is on track;
- regression below the baseline: progress is negative, the status is off track.

Programme choices (Programme.progress_method, descending_scoring, overall_target), OECD by default:
- "baseline": (actual - baseline) / (target - baseline), as above; "share": actual / target (for a falling
  indicator, target / actual), whatever the baseline;
- a falling indicator without a baseline: "reached" scores 1 once the target is reached, else 0;
  "tolerance" scores target / actual, and 1 while the actual stays within the tolerance above the target;
- the overall target: typed, or derived from the milestones by the cumulative mode (the sum of the
  milestones for a non-cumulative indicator, the last milestone for a cumulative or "latest" one: their
  milestones are already running totals or levels).

Several reports in one period follow the cumulative mode: summed for "non_cumulative" and "cumulative"
(flows); for "latest" (levels), the latest report of each organisation x disaggregation value counts, by
collection date (then by entry), and organisations are summed (`latest_in_period`). An organisation's
level does NOT carry forward into a period where it did not report: a period's figure is what was
reported in it, so that no one reads as reported a value nobody gave for that period (and an organisation
that left the programme does not count for ever). Across periods, "latest" takes the latest period with
data, as before.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext, gettext_lazy, ngettext

HUNDRED = Decimal(100)


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_STARTED = "not_started"
    PENDING = "pending"  # the target depends on a baseline that is not set yet
    NO_TARGET = "no_target"
    NOT_COMBINABLE = "not_combinable"  # values were approved, but none that can be combined into one figure


STATUS_LABELS = {
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.AT_RISK: gettext_lazy("At risk"),
    Status.OFF_TRACK: gettext_lazy("Off track"),
    Status.NO_DATA: gettext_lazy("No data"),
    Status.NOT_STARTED: gettext_lazy("Not started"),
    Status.PENDING: gettext_lazy("Pending baseline"),
    Status.NO_TARGET: gettext_lazy("No target"),
    Status.NOT_COMBINABLE: gettext_lazy("Values cannot be combined"),
}


@dataclass(frozen=True)
class Thresholds:
    on_track_min: Decimal = Decimal("0.85")
    at_risk_min: Decimal = Decimal("0.60")


@dataclass(frozen=True)
class Aggregate:
    """Approved measurements of one cell, summed in the database."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    count: int = 0
    # How many of the values have no denominator: for a percentage, values given bare.
    bare: int = 0

    def __add__(self, other: "Aggregate") -> "Aggregate":
        def add(a, b):
            return b if a is None else a if b is None else a + b

        return Aggregate(
            add(self.value, other.value),
            add(self.numerator, other.numerator),
            add(self.denominator, other.denominator),
            self.count + other.count,
            self.bare + other.bare,
        )


@dataclass(frozen=True)
class Report:
    """One approved value as `latest_in_period` reads it."""

    organisation_id: int | None
    dimension_value_id: int | None
    collected_on: object  # a date, or None (then the period's end was meant: it sorts as the latest)
    id: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


def latest_in_period(reports: list[Report]) -> Aggregate | None:
    """A "latest" (level) indicator's reports of one cell within one period: the latest of each organisation
    x disaggregation value (by collection date, then by entry), summed across them."""
    latest: dict[tuple, Report] = {}
    for report in reports:
        key = (report.organisation_id, report.dimension_value_id)
        current = latest.get(key)
        if current is None or _later(report, current):
            latest[key] = report
    total: Aggregate | None = None
    for report in latest.values():
        one = Aggregate(report.value, report.numerator, report.denominator, 1, 1 if report.denominator is None else 0)
        total = one if total is None else total + one
    return total


def _later(a: Report, b: Report) -> bool:
    # No collection date: the period's end was meant, i.e. after any dated report of the period.
    if (a.collected_on is None) != (b.collected_on is None):
        return a.collected_on is None
    if a.collected_on != b.collected_on:
        return a.collected_on > b.collected_on  # type: ignore[operator]
    return a.id > b.id


def actual_of(aggregate: Aggregate | None, *, percentage: bool) -> Decimal | None:
    """The cell's actual. Percentages are recomputed from summed numerators and denominators, never
    averaged; a percentage reported without them (value only) counts as given when it stands alone."""
    if aggregate is None or aggregate.count == 0:
        return None
    if percentage and aggregate.denominator and aggregate.numerator is not None:
        # Bare percentages beside them are left out of the figure, and said so (`combination_note`).
        return aggregate.numerator * HUNDRED / aggregate.denominator
    if percentage and aggregate.count > 1:
        return None  # several bare percentages cannot be combined honestly
    return aggregate.value


def combination_note(aggregate: Aggregate | None, *, percentage: bool) -> str:
    """What the figure leaves out of the approved values, said on the page, never silently."""
    if not percentage or aggregate is None or aggregate.count == 0:
        return ""
    if aggregate.bare and aggregate.denominator:
        return ngettext(
            "%(n)s percentage reported without numerator and denominator is not counted in this figure.",
            "%(n)s percentages reported without numerator and denominator are not counted in this figure.",
            aggregate.bare,
        ) % {"n": aggregate.bare}
    if aggregate.bare > 1 and aggregate.count > 1:
        return gettext(
            "Several percentages were reported without numerator and denominator: they cannot be combined "
            "into one figure. Report numerators and denominators."
        )
    return ""


def derive_target(milestones: list[Decimal | None], *, mode: str) -> Decimal | None:
    """The overall target derived from the (resolved) milestones by the cumulative mode."""
    present = [value for value in milestones if value is not None]
    if not present:
        return None
    return sum(present, Decimal(0)) if mode == "non_cumulative" else present[-1]


def resolve_target(
    *, value: Decimal | None, relative_percent: Decimal | None, baseline: Decimal | None
) -> tuple[Decimal | None, bool]:
    """(target, pending): a relative target is baseline x (1 + percent/100); pending if no baseline."""
    if relative_percent is not None:
        if baseline is None:
            return None, True
        return baseline * (1 + relative_percent / HUNDRED), False
    return value, False


@dataclass(frozen=True)
class Method:
    """The programme's choices of how progress is measured (Programme fields of the same names)."""

    progress_method: str = "baseline"  # or "share"
    descending_scoring: str = "reached"  # or "tolerance"
    descending_tolerance: Decimal = Decimal(10)  # percent above the target still scored as reached


OECD = Method()


def progress(
    *,
    actual: Decimal | None,
    baseline: Decimal | None,
    target: Decimal | None,
    descending: bool = False,
    method: Method = OECD,
) -> Decimal | None:
    if actual is None or target is None:
        return None
    reached = actual <= target if descending else actual >= target
    if descending and (baseline is None or method.progress_method == "share"):
        # A falling indicator has no natural start: without a baseline (or as a share of the target) it is
        # scored by the programme's choice.
        if method.descending_scoring == "tolerance" or method.progress_method == "share":
            tolerance = method.descending_tolerance if method.descending_scoring == "tolerance" else Decimal(0)
            if actual <= target * (1 + tolerance / HUNDRED) or actual <= 0:
                return Decimal(1)
            return target / actual
        return Decimal(1) if reached else Decimal(0)
    if method.progress_method == "share":
        if target == 0:
            return Decimal(1) if reached else Decimal(0)
        return actual / target
    start = baseline if baseline is not None else Decimal(0)
    if target == start:
        return Decimal(1) if reached else Decimal(0)
    return (actual - start) / (target - start)


def status(
    *,
    progress_value: Decimal | None,
    has_data: bool,
    started: bool,
    pending: bool,
    has_target: bool,
    thresholds: Thresholds,
    combinable: bool = True,
) -> Status:
    """`combinable`: False when values were approved but none gives a figure (bare percentages of several
    reports): that is neither "no data" nor "no target"."""
    if not started:
        return Status.NOT_STARTED
    if pending:
        return Status.PENDING
    if not has_data:
        return Status.NO_DATA
    if not combinable:
        return Status.NOT_COMBINABLE
    if not has_target or progress_value is None:
        return Status.NO_TARGET
    if progress_value >= thresholds.on_track_min:
        return Status.ON_TRACK
    if progress_value >= thresholds.at_risk_min:
        return Status.AT_RISK
    return Status.OFF_TRACK


def roll_periods(per_period: list[Aggregate | None], *, mode: str) -> list[Aggregate | None]:
    """Per-period aggregates -> the aggregate each period reports under the cumulative mode.

    non_cumulative: each period alone; cumulative: running sum up to the period; latest: the latest
    period with data up to this one (values are levels, not flows)."""
    rolled: list[Aggregate | None] = []
    running: Aggregate | None = None
    for item in per_period:
        if mode == "non_cumulative":
            rolled.append(item)
        elif mode == "cumulative":
            if item is not None:
                running = item if running is None else running + item
            rolled.append(running)
        else:
            if item is not None:
                running = item
            rolled.append(running)
    return rolled


def overall(per_period: list[Aggregate | None], *, mode: str) -> Aggregate | None:
    """The life-of-programme aggregate: the sum of the periods, or the latest level for "latest"."""
    present = [item for item in per_period if item is not None]
    if not present:
        return None
    if mode == "latest":
        return present[-1]
    total = present[0]
    for item in present[1:]:
        total = total + item
    return total
