"""The progress engine (jalon/results/progress.py): pure functions, no database."""

from decimal import Decimal as D

import pytest

from jalon.results.progress import (
    Aggregate,
    Status,
    Thresholds,
    actual_of,
    overall,
    progress,
    resolve_target,
    roll_periods,
    status,
)

DEFAULT = Thresholds()


def status_of(value, *, has_data=True, started=True, pending=False, has_target=True, thresholds=DEFAULT):
    return status(
        progress_value=value,
        has_data=has_data,
        started=started,
        pending=pending,
        has_target=has_target,
        thresholds=thresholds,
    )


def agg(value, numerator=None, denominator=None, count=1) -> Aggregate:
    return Aggregate(
        None if value is None else D(value),
        None if numerator is None else D(numerator),
        None if denominator is None else D(denominator),
        count,
    )


def values(rolled):
    return [None if item is None else item.value for item in rolled]


# The formula -----------------------------------------------------------------------------------------------


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    assert progress(actual=D(13), baseline=D(10), target=D(20)) == D("0.3")
    assert progress(actual=D(20), baseline=D(10), target=D(20)) == D(1)
    assert progress(actual=D(10), baseline=D(10), target=D(20)) == D(0)


def test_progress_without_a_baseline_is_measured_from_zero():
    assert progress(actual=D(45), baseline=None, target=D(90)) == D("0.5")


def test_a_zero_baseline_counts_as_a_baseline():
    assert progress(actual=D(5), baseline=D(0), target=D(20)) == D("0.25")


def test_progress_needs_an_actual_and_a_target():
    assert progress(actual=None, baseline=D(10), target=D(20)) is None
    assert progress(actual=D(15), baseline=D(10), target=None) is None


def test_a_descending_indicator_progresses_as_its_value_falls():
    assert progress(actual=D(30), baseline=D(40), target=D(20), descending=True) == D("0.5")
    assert progress(actual=D(20), baseline=D(40), target=D(20), descending=True) == D(1)


def test_overshooting_the_target_keeps_progress_above_one_and_is_on_track():
    value = progress(actual=D(23), baseline=D(10), target=D(20))
    assert value == D("1.3")
    assert status_of(value) == Status.ON_TRACK
    assert progress(actual=D(10), baseline=D(40), target=D(20), descending=True) == D("1.5")


def test_regressing_below_the_baseline_gives_negative_progress_and_is_off_track():
    value = progress(actual=D(5), baseline=D(10), target=D(20))
    assert value == D("-0.5")
    assert status_of(value) == Status.OFF_TRACK


def test_a_descending_indicator_rising_above_its_baseline_regresses():
    value = progress(actual=D(50), baseline=D(40), target=D(20), descending=True)
    assert value == D("-0.5")
    assert status_of(value) == Status.OFF_TRACK


@pytest.mark.parametrize(("actual", "expected"), [("10", 1), ("12", 1), ("9.99", 0)])
def test_a_target_equal_to_the_baseline_is_reached_or_not_when_ascending(actual, expected):
    assert progress(actual=D(actual), baseline=D(10), target=D(10)) == D(expected)


@pytest.mark.parametrize(("actual", "expected"), [("10", 1), ("8", 1), ("10.01", 0)])
def test_a_target_equal_to_the_baseline_is_reached_or_not_when_descending(actual, expected):
    assert progress(actual=D(actual), baseline=D(10), target=D(10), descending=True) == D(expected)


def test_a_zero_target_without_baseline_is_reached_only_at_zero():
    assert progress(actual=D(0), baseline=None, target=D(0)) == D(1)
    assert progress(actual=D(0), baseline=None, target=D(0), descending=True) == D(1)
    assert progress(actual=D(3), baseline=None, target=D(0), descending=True) == D(0)


@pytest.mark.parametrize(("actual", "expected"), [("15", 1), ("20", 1), ("21", 0), ("30", 0)])
def test_a_descending_indicator_without_baseline_counts_only_whether_the_target_is_reached(actual, expected):
    # Measured "from zero", a falling indicator would score 30 days against a 20-day target as 150 %.
    assert progress(actual=D(actual), baseline=None, target=D(20), descending=True) == D(expected)


# Targets ---------------------------------------------------------------------------------------------------


def test_an_absolute_target_is_its_value():
    assert resolve_target(value=D(90), relative_percent=None, baseline=None) == (D(90), False)


def test_a_relative_target_is_the_baseline_increased_by_the_percent():
    assert resolve_target(value=None, relative_percent=D(50), baseline=D(10)) == (D(15), False)
    assert resolve_target(value=None, relative_percent=D(80), baseline=D(25)) == (D(45), False)
    assert resolve_target(value=None, relative_percent=D(-25), baseline=D(40)) == (D(30), False)


def test_a_relative_target_without_a_baseline_is_pending():
    assert resolve_target(value=None, relative_percent=D(50), baseline=None) == (None, True)


def test_a_pending_target_gives_the_pending_status_even_with_data():
    target, pending = resolve_target(value=None, relative_percent=D(50), baseline=None)
    value = progress(actual=D(12), baseline=None, target=target)
    assert value is None
    assert status_of(value, pending=pending, has_target=target is not None) == Status.PENDING


def test_no_target_at_all_is_not_pending():
    assert resolve_target(value=None, relative_percent=None, baseline=D(10)) == (None, False)


# Status ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", Status.ON_TRACK),
        ("0.85", Status.ON_TRACK),
        ("0.8499", Status.AT_RISK),
        ("0.60", Status.AT_RISK),
        ("0.5999", Status.OFF_TRACK),
        ("0", Status.OFF_TRACK),
        ("-1", Status.OFF_TRACK),
    ],
)
def test_status_thresholds_include_their_lower_bound(value, expected):
    assert status_of(D(value)) == expected


def test_status_thresholds_are_the_programmes_settings():
    strict = Thresholds(on_track_min=D("0.95"), at_risk_min=D("0.50"))
    assert status_of(D("0.9"), thresholds=strict) == Status.AT_RISK
    assert status_of(D("0.55"), thresholds=strict) == Status.AT_RISK
    assert status_of(D("0.55")) == Status.OFF_TRACK
    assert status_of(D("0.9")) == Status.ON_TRACK


def test_a_period_that_has_not_started_is_not_started_whatever_else():
    assert status_of(D(1), started=False) == Status.NOT_STARTED
    assert status_of(None, started=False, pending=True, has_data=False, has_target=False) == Status.NOT_STARTED


def test_pending_comes_before_no_data():
    assert status_of(None, pending=True, has_data=False, has_target=False) == Status.PENDING


def test_a_started_period_without_data_has_no_data():
    assert status_of(None, has_data=False) == Status.NO_DATA


def test_data_without_target_has_no_target():
    assert status_of(None, has_target=False) == Status.NO_TARGET


# Roll-ups across periods -----------------------------------------------------------------------------------

PERIODS_WITH_GAPS = [None, agg(5), None, agg(3), None]


def test_a_non_cumulative_indicator_reports_each_period_alone():
    assert values(roll_periods(PERIODS_WITH_GAPS, mode="non_cumulative")) == [None, D(5), None, D(3), None]


def test_a_cumulative_indicator_reports_the_running_total():
    rolled = roll_periods(PERIODS_WITH_GAPS, mode="cumulative")
    assert values(rolled) == [None, D(5), D(5), D(8), D(8)]
    assert [item and item.count for item in rolled] == [None, 1, 1, 2, 2]


def test_a_latest_indicator_reports_the_latest_level():
    assert values(roll_periods(PERIODS_WITH_GAPS, mode="latest")) == [None, D(5), D(5), D(3), D(3)]


def test_a_cumulative_percentage_sums_numerators_and_denominators():
    rolled = roll_periods([agg(50, 1, 2), agg(75, 3, 4)], mode="cumulative")
    assert (rolled[1].numerator, rolled[1].denominator) == (D(4), D(6))
    assert actual_of(rolled[1], percentage=True).quantize(D("0.01")) == D("66.67")


def test_overall_sums_the_periods_or_takes_the_latest_level():
    assert overall(PERIODS_WITH_GAPS, mode="non_cumulative") == Aggregate(D(8), None, None, 2)
    assert overall(PERIODS_WITH_GAPS, mode="cumulative") == Aggregate(D(8), None, None, 2)
    assert overall(PERIODS_WITH_GAPS, mode="latest") == Aggregate(D(3), None, None, 1)


def test_overall_without_any_data_is_none():
    assert overall([None, None], mode="non_cumulative") is None
    assert overall([], mode="latest") is None


# Actuals and percentages -----------------------------------------------------------------------------------


def test_percentages_are_recomputed_from_numerators_and_denominators_never_averaged():
    combined = agg(50, 1, 2) + agg(75, 3, 4)
    actual = actual_of(combined, percentage=True)
    assert actual.quantize(D("0.01")) == D("66.67")
    assert actual != D("62.5")  # the average of 50 % and 75 %


def test_several_bare_percentages_cannot_be_combined():
    assert actual_of(agg(50) + agg(75), percentage=True) is None
    assert actual_of(Aggregate(D(125), None, None, 2), percentage=True) is None


def test_one_bare_percentage_stands_as_given():
    assert actual_of(agg("62.5"), percentage=True) == D("62.5")


def test_counts_are_summed():
    assert actual_of(agg(5) + agg(7), percentage=False) == D(12)


def test_no_aggregate_or_an_empty_one_has_no_actual():
    assert actual_of(None, percentage=False) is None
    assert actual_of(Aggregate(), percentage=True) is None
