"""The gap index's method: COINr's properties (tests/testthat/test-normalise.R, test-aggregate.R) and worked
examples checked by hand, and the refusal of an option that cannot be applied."""

import math

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jalon.gap import method
from jalon.gap.method import MethodRefused

NAN = np.nan
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def column(values) -> np.ndarray:
    return np.array(values, dtype=float).reshape(-1, 1)


# Normalisation ---------------------------------------------------------------------------------------------


def test_min_max_worked_example_both_directions():
    data = np.array([[2.0, 2.0], [4.0, 4.0], [6.0, 6.0], [10.0, 10.0]])
    out = method.normalise(data, "minmax", directions=np.array([1, -1]))
    assert out[:, 0].tolist() == [0.0, 25.0, 50.0, 100.0]
    assert out[:, 1].tolist() == [100.0, 75.0, 50.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(2, 30), elements=finite))
def test_min_max_spans_exactly_zero_to_one_hundred(values):
    if np.ptp(values) == 0:
        with pytest.raises(MethodRefused):
            method.normalise(values.reshape(-1, 1), "minmax", directions=np.array([1]))
        return
    out = method.normalise(values.reshape(-1, 1), "minmax", directions=np.array([1]))
    assert out.min() == pytest.approx(0) and out.max() == pytest.approx(100)
    assert (out >= -1e-9).all() and (out <= 100 + 1e-9).all()


def test_goalposts_clamp_at_their_limits():
    # COINr: n_goalposts(11, c(0, 10, 1)) == 1; below the low goalpost is 0.
    assert method.goalposts_scale(np.array([11.0]), 0, 10)[0] == 1
    assert method.goalposts_scale(np.array([-1.0]), 0, 10)[0] == 0
    assert method.goalposts_scale(np.array([5.0]), 0, 10)[0] == 0.5
    # A negative indicator: (x - hi)/(lo - hi); 2 of 10 is 0.8 of the way to the good end.
    assert method.goalposts_scale(np.array([2.0]), 0, 10, direction=-1)[0] == pytest.approx(0.8)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(1, 30), elements=finite), finite, st.floats(1, 1e5))
def test_goalposts_stay_within_zero_and_one_hundred(values, low, spread):
    goalposts = np.array([[low, low + spread]])
    out = method.normalise(values.reshape(-1, 1), "goalposts", directions=np.array([1]), goalposts=goalposts)
    assert (out >= 0).all() and (out <= 100).all()
    inside = (values >= low) & (values <= low + spread)
    assert np.allclose(out[inside, 0], (values[inside] - low) / spread * 100)


def test_z_scores_worked_example():
    out = method.normalise(column([1, 2, 3]), "zscore", directions=np.array([1]))
    assert out[:, 0].tolist() == [-1.0, 0.0, 1.0]


def test_goalposts_missing_are_refused(english):
    with pytest.raises(MethodRefused, match="GP1 has no goalposts"):
        method.normalise(
            column([1, 2]), "goalposts", directions=np.array([1]), goalposts=np.array([[NAN, 1]]), names=["GP1"]
        )


# Aggregation -----------------------------------------------------------------------------------------------


def test_arithmetic_mean_renormalises_the_weights_over_present_values():
    values = np.array([[50.0, 100.0, NAN]])
    assert method.aggregate(values, np.array([1.0, 1.0, 2.0]), "arithmetic")[0] == 75
    # Present components hold half the weight: under a 60 % threshold there is no score.
    assert math.isnan(method.aggregate(values, np.array([1.0, 1.0, 2.0]), "arithmetic", threshold=0.6)[0])
    assert method.aggregate(values, np.array([1.0, 1.0, 2.0]), "arithmetic", threshold=0.5)[0] == 75


def test_geometric_and_harmonic_means_worked_examples():
    assert method.aggregate(np.array([[4.0, 16.0]]), np.array([1.0, 1.0]), "geometric")[0] == pytest.approx(8)
    # 4^(1/4)·16^(3/4) = √2·8
    assert method.aggregate(np.array([[4.0, 16.0]]), np.array([1.0, 3.0]), "geometric")[0] == pytest.approx(
        8 * math.sqrt(2)
    )
    assert method.aggregate(np.array([[2.0, 6.0]]), np.array([1.0, 1.0]), "harmonic")[0] == pytest.approx(3)


def test_geometric_mean_is_defined_on_positive_values_only(english):
    with pytest.raises(MethodRefused, match="P.MEM has a value of zero or below"):
        method.aggregate(np.array([[4.0, 0.0]]), np.array([1.0, 1.0]), "geometric", names=["LEAD", "P.MEM"])
    with pytest.raises(MethodRefused):
        method.aggregate(np.array([[4.0, -1.0]]), np.array([1.0, 1.0]), "harmonic")


def test_the_refusal_is_in_the_users_language():
    with translation.override("fr"), pytest.raises(MethodRefused) as refused:
        method.aggregate(np.array([[4.0, 0.0]]), np.array([1.0, 1.0]), "geometric", names=["LEAD", "P.MEM"])
    assert "moyenne géométrique" in refused.value.message


@settings(max_examples=60, deadline=None)
@given(arrays(float, (5, 4), elements=st.floats(0.01, 1e4)), arrays(float, 4, elements=st.floats(0.1, 10)))
def test_means_are_ordered_and_within_the_range(values, weights):
    arithmetic = method.aggregate(values, weights, "arithmetic")
    geometric = method.aggregate(values, weights, "geometric")
    harmonic = method.aggregate(values, weights, "harmonic")
    assert (harmonic <= geometric * (1 + 1e-9)).all() and (geometric <= arithmetic * (1 + 1e-9)).all()
    assert (arithmetic <= values.max(axis=1) * (1 + 1e-9)).all()
    assert (harmonic >= values.min(axis=1) * (1 - 1e-9)).all()


# Screening and imputation ----------------------------------------------------------------------------------


def test_screening_threshold_gives_a_missing_score():
    data = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, NAN], [1.0, NAN, NAN]])
    assert method.screen(data).tolist() == [True, True, False]
    assert method.screen(data, threshold=1.0).tolist() == [True, False, False]


def test_imputation_by_mean_median_and_group():
    data = np.array([[1.0], [NAN], [3.0], [10.0]])
    assert method.impute(data, "mean")[1, 0] == pytest.approx(14 / 3)
    assert method.impute(data, "median")[1, 0] == 3
    grouped = np.array([[1.0], [3.0], [NAN], [5.0], [NAN]])
    out = method.impute(grouped, "median_group", groups=["a", "a", "a", "b", "b"])
    assert out[:, 0].tolist() == [1.0, 3.0, 2.0, 5.0, 5.0]


def test_imputation_with_no_group_is_refused(english):
    data = np.array([[1.0], [NAN]])
    with pytest.raises(MethodRefused, match="no group is defined"):
        method.impute(data, "mean_group", groups=None)
    with pytest.raises(MethodRefused, match="a country to fill has no group"):
        method.impute(data, "mean_group", groups=["a", ""])
    with pytest.raises(MethodRefused, match="group “b” has no value"):
        method.impute(data, "mean_group", groups=["a", "b"], names=["X"])


# Outlier treatment -----------------------------------------------------------------------------------------


def test_skewness_and_kurtosis_worked_example():
    # x = 1, 2, 3, 10: d = -3, -2, -1, 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 4.
    x = np.array([1.0, 2.0, 3.0, 10.0])
    g1 = math.sqrt(4) * 180 / 50**1.5
    assert method.skewness(x) == pytest.approx(g1 * math.sqrt(12) / 2)
    r = 4 * 1394 / 50**2
    assert method.kurtosis(x) == pytest.approx(((5) * (r - 3) + 6) * 3 / (2 * 1))
    assert method.kurtosis(x) == pytest.approx(3.228)


def test_one_outlier_is_winsorised_to_the_next_value():
    x = np.array([*range(1, 21), 1000.0])
    assert not method.passes(x)
    treated = method.winsorise(x)
    assert treated.winsorised == 1 and not treated.log
    assert treated.values[-1] == 20 and treated.values[:-1].tolist() == list(range(1, 21))


def test_a_tail_too_heavy_for_five_points_is_log_transformed_instead():
    x = np.array([1.0] * 30 + [10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7])
    treated = method.winsorise(x, winmax=5)
    assert treated.log and treated.winsorised == 0
    assert np.allclose(treated.values, np.log(x - 1 + 0.01 * (1e7 - 1)))


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(5, 40), elements=st.floats(0, 1e6)), st.integers(0, 6))
def test_winsorisation_changes_at_most_the_set_number_of_points(values, winmax):
    treated = method.winsorise(values, winmax=winmax)
    if not treated.log:
        assert int(np.sum(treated.values != values)) <= winmax
        assert treated.winsorised <= winmax


def test_ranks_share_the_best_rank_on_ties_and_skip_missing_scores():
    out = method.ranks(np.array([10.0, 20.0, 20.0, NAN, 5.0]))
    assert out[:3].tolist() == [3.0, 1.0, 1.0] and math.isnan(out[3]) and out[4] == 4


def test_audit_worked_example_cronbach_alpha_and_spearman():
    from jalon.gap import engine

    # Two items, three units: var(a) = 1, var(b) = 1, var(a + b) = 4 -> alpha = 2 (1 - 2/4) = 1.
    assert engine.cronbach_alpha(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])) == pytest.approx(1)
    # Monotonic but not linear: Spearman 1, Pearson below 1; ties share their average rank.
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 4.0, 9.0, 100.0])
    assert engine._spearman(x, y) == pytest.approx(1) and engine._pearson(x, y) < 0.9
    assert engine._average_ranks(np.array([5.0, 1.0, 5.0])).tolist() == [2.5, 1.0, 2.5]


def test_distance_to_a_reference_worked_example(english):
    # Reference 10 (the high goalpost), minimum 2: 1 - (10 - x)/(10 - 2); above the reference capped at 100.
    out = method.normalise(column([2, 6, 12]), "reference", directions=np.array([1]), goalposts=np.array([[0, 10]]))
    assert out[:, 0].tolist() == [0.0, 50.0, 100.0]
    with pytest.raises(MethodRefused, match="every country reaches the reference"):
        method.normalise(column([12, 14]), "reference", directions=np.array([1]), goalposts=np.array([[0, 10]]))


def test_copeland_is_non_compensatory_worked_example():
    # A beats B and C on two of three equally weighted columns; B's huge third value does not make up.
    values = np.array([[5.0, 5.0, 0.0], [4.0, 4.0, 1000.0], [1.0, 1.0, 1.0]])
    scores = method.aggregate(values, np.array([1.0, 1.0, 1.0]), "copeland")
    # A > B (2/3), A > C (2/3); B < A, B > C (3/3); C loses both: +2, 0, -2.
    assert scores.tolist() == [2.0, 0.0, -2.0]
    assert method.aggregate(values, np.array([1.0, 1.0, 1.0]), "arithmetic")[1] > 300
    # Ties count half: two equal rows draw.
    assert method.copeland(np.array([[1.0], [1.0]]), np.array([1.0])).tolist() == [0.0, 0.0]
