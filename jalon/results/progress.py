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
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy

HUNDRED = Decimal(100)


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_STARTED = "not_started"
    PENDING = "pending"  # the target depends on a baseline that is not set yet
    NO_TARGET = "no_target"


STATUS_LABELS = {
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.AT_RISK: gettext_lazy("At risk"),
    Status.OFF_TRACK: gettext_lazy("Off track"),
    Status.NO_DATA: gettext_lazy("No data"),
    Status.NOT_STARTED: gettext_lazy("Not started"),
    Status.PENDING: gettext_lazy("Pending baseline"),
    Status.NO_TARGET: gettext_lazy("No target"),
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

    def __add__(self, other: "Aggregate") -> "Aggregate":
        def add(a, b):
            return b if a is None else a if b is None else a + b

        return Aggregate(
            add(self.value, other.value),
            add(self.numerator, other.numerator),
            add(self.denominator, other.denominator),
            self.count + other.count,
        )


def actual_of(aggregate: Aggregate | None, *, percentage: bool) -> Decimal | None:
    """The cell's actual. Percentages are recomputed from summed numerators and denominators, never
    averaged; a percentage reported without them (value only) counts as given when it stands alone."""
    if aggregate is None or aggregate.count == 0:
        return None
    if percentage and aggregate.denominator and aggregate.numerator is not None:
        return aggregate.numerator * HUNDRED / aggregate.denominator
    if percentage and aggregate.count > 1:
        return None  # several bare percentages cannot be combined honestly
    return aggregate.value


def resolve_target(
    *, value: Decimal | None, relative_percent: Decimal | None, baseline: Decimal | None
) -> tuple[Decimal | None, bool]:
    """(target, pending): a relative target is baseline x (1 + percent/100); pending if no baseline."""
    if relative_percent is not None:
        if baseline is None:
            return None, True
        return baseline * (1 + relative_percent / HUNDRED), False
    return value, False


def progress(
    *, actual: Decimal | None, baseline: Decimal | None, target: Decimal | None, descending: bool = False
) -> Decimal | None:
    if actual is None or target is None:
        return None
    start = baseline if baseline is not None else Decimal(0)
    # Zero is a natural start only for a rising indicator: a falling one without a baseline has no
    # distance to measure, so it is judged like a target equal to the baseline (reached or not).
    if target == start or (descending and baseline is None):
        reached = actual <= target if descending else actual >= target
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
) -> Status:
    if not started:
        return Status.NOT_STARTED
    if pending:
        return Status.PENDING
    if not has_data:
        return Status.NO_DATA
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
