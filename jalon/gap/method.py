"""The composite-indicator method of the gap index, as pure functions over numpy arrays.

The steps and formulas are those of the JRC/OECD handbook as COINr (the reference R implementation) writes
them: screening of units with too little data, imputation, outlier treatment (skewness and kurtosis tests,
winsorisation, log transform), normalisation, weighted aggregation. A matrix is units (countries) in rows and
indicators in columns; NaN is a missing value.

An option that cannot be applied to the data (a geometric mean over a zero, an imputation with no group)
raises `MethodRefused` with a message in the current language: never a silent fallback (COINr issue #60).
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

# Screening: a unit with data for fewer than this share of the indicators gets no score (COINr dat_thresh).
SCREEN_THRESHOLD = 2 / 3
# Treatment: an indicator passes if |skewness| < SKEW_LIMIT or kurtosis < KURTOSIS_LIMIT (COINr's defaults).
SKEW_LIMIT = 2.0
KURTOSIS_LIMIT = 3.5
# At most this many points winsorised per indicator before the log transform is tried instead.
WINSOR_MAX = 5

IMPUTATIONS = ("none", "mean", "median", "mean_group", "median_group")
TREATMENTS = ("none", "winsorise")
NORMALISATIONS = ("minmax", "zscore", "goalposts", "reference")
AGGREGATIONS = ("arithmetic", "geometric", "harmonic", "copeland")


class MethodRefused(ValueError):
    """A method option that cannot be applied to these data. `message` is in the current language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Screening and imputation ----------------------------------------------------------------------------------


def coverage(data: np.ndarray) -> np.ndarray:
    """Per unit, the share of indicators with a value."""
    if data.shape[1] == 0:
        return np.zeros(data.shape[0])
    return np.mean(~np.isnan(data), axis=1)


def screen(data: np.ndarray, threshold: float = SCREEN_THRESHOLD) -> np.ndarray:
    """Which units have enough data to be scored (a boolean per row)."""
    return coverage(data) >= threshold - 1e-12


def impute(
    data: np.ndarray, method: str, *, groups: np.ndarray | None = None, names: list[str] | None = None
) -> np.ndarray:
    """Fill missing values by the indicator's mean or median, over all units or over the unit's group.

    `groups` is one label per unit (e.g. the income group; None or "" for a unit with none). A group
    imputation refuses when there are no groups, when a unit to fill has no group, or when its group has no
    value for the indicator."""
    if method not in IMPUTATIONS:
        raise MethodRefused(_("Unknown imputation “%(method)s”.") % {"method": method})
    filled = np.array(data, dtype=float, copy=True)
    if method == "none":
        return filled
    centre = np.nanmean if method.startswith("mean") else np.nanmedian
    missing = np.isnan(filled)
    names = names or [str(j + 1) for j in range(filled.shape[1])]
    if not method.endswith("_group"):
        for j in range(filled.shape[1]):
            if missing[:, j].any():
                if missing[:, j].all():
                    raise MethodRefused(
                        _("Imputation is impossible for indicator %(code)s: no country has a value.")
                        % {"code": names[j]}
                    )
                filled[missing[:, j], j] = centre(filled[:, j])
        return filled
    if groups is None or not any(groups):
        raise MethodRefused(_("Imputation by group is impossible: no group is defined for the countries."))
    labels = np.array([g or "" for g in groups], dtype=object)
    for j in range(filled.shape[1]):
        for i in np.flatnonzero(missing[:, j]):
            if not labels[i]:
                raise MethodRefused(
                    _("Imputation by group is impossible for indicator %(code)s: a country to fill has no group.")
                    % {"code": names[j]}
                )
        for group in {labels[i] for i in np.flatnonzero(missing[:, j])}:
            members = labels == group
            known = data[members, j][~np.isnan(data[members, j])]
            if known.size == 0:
                raise MethodRefused(
                    _("Imputation by group is impossible for indicator %(code)s: group “%(group)s” has no value.")
                    % {"code": names[j], "group": group}
                )
            filled[members & missing[:, j], j] = centre(known)
    return filled


# Outlier treatment -----------------------------------------------------------------------------------------


def skewness(x: np.ndarray) -> float:
    """Sample skewness, type 2 (e1071, as COINr): √n·Σd³/(Σd²)^{3/2} · √(n(n-1))/(n-2). NaN when undefined."""
    x = x[~np.isnan(x)]
    n = x.size
    d = x - x.mean() if n else x
    m2 = float(np.sum(d**2))
    if n < 3 or m2**1.5 == 0:
        return float("nan")
    g1 = np.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    result = float(g1 * np.sqrt(n * (n - 1)) / (n - 2))
    return result if np.isfinite(result) else float("nan")


def kurtosis(x: np.ndarray) -> float:
    """Excess kurtosis, type 2 (e1071, as COINr): ((n+1)(r-3)+6)(n-1)/((n-2)(n-3)), r = nΣd⁴/(Σd²)²."""
    x = x[~np.isnan(x)]
    n = x.size
    d = x - x.mean() if n else x
    m2 = float(np.sum(d**2))
    if n < 4 or m2**2 == 0:
        return float("nan")
    r = n * float(np.sum(d**4)) / m2**2
    result = float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
    return result if np.isfinite(result) else float("nan")


def passes(x: np.ndarray) -> bool:
    """COINr's test: the distribution is acceptable if |skew| < 2 or kurtosis < 3.5 (undefined: acceptable)."""
    skew, kurt = skewness(x), kurtosis(x)
    if np.isnan(skew) or np.isnan(kurt):
        return True
    return abs(skew) < SKEW_LIMIT or kurt < KURTOSIS_LIMIT


@dataclass(frozen=True)
class Treated:
    values: np.ndarray
    winsorised: int  # points replaced
    log: bool  # the log transform was applied instead (winsorisation did not bring the indicator in range)


def winsorise(x: np.ndarray, winmax: int = WINSOR_MAX) -> Treated:
    """COINr's treatment: while the indicator fails the test, replace its highest value by the next highest
    (its lowest by the next lowest when skewed left), at most `winmax` points in all. If it still fails, the
    log transform `log(x - min + 0.01(max - min))` is applied to the original values instead."""
    original = np.array(x, dtype=float, copy=True)
    values = original.copy()
    count = 0
    while not passes(values):
        known = ~np.isnan(values)
        if skewness(values) >= 0:
            extreme = np.nanmax(values)
            at = known & (values == extreme)
            rest = values[known & ~at]
            replacement = rest.max() if rest.size else extreme
        else:
            extreme = np.nanmin(values)
            at = known & (values == extreme)
            rest = values[known & ~at]
            replacement = rest.min() if rest.size else extreme
        if count + int(at.sum()) > winmax or not rest.size:
            break
        values[at] = replacement
        count += int(at.sum())
    if passes(values):
        return Treated(values, count, False)
    return Treated(log_transform(original), 0, True)


def log_transform(x: np.ndarray) -> np.ndarray:
    """COINr's log_CT: log(x - min + 0.01·(max - min)), defined for any range of values."""
    low, high = np.nanmin(x), np.nanmax(x)
    spread = high - low
    return np.log(x - low + 0.01 * spread) if spread > 0 else np.zeros_like(x)


# Normalisation ---------------------------------------------------------------------------------------------


def normalise(
    data: np.ndarray,
    method: str,
    *,
    directions: np.ndarray,
    goalposts: np.ndarray | None = None,
    names: list[str] | None = None,
) -> np.ndarray:
    """Each column to a common scale, higher is better: min-max to [0, 100], z-scores (mean 0, sd 1),
    goalposts (clamp((x - lo)/(hi - lo), 0, 1)·100; (x - hi)/(lo - hi) for a negative direction), or the
    distance to a reference (COINr's n_dist2ref, capped at 1: (1 - (ref - x)/(ref - min))·100, the reference
    being the goalpost at the good end: hi, or lo for a negative indicator).

    `directions` holds +1 or -1 per column: a negative indicator is multiplied by -1 first (min-max and
    z-score), as COINr does. Goalposts are a (columns x 2) array of lo, hi in the indicator's own units."""
    if method not in NORMALISATIONS:
        raise MethodRefused(_("Unknown normalisation “%(method)s”.") % {"method": method})
    names = names or [str(j + 1) for j in range(data.shape[1])]
    if method == "goalposts":
        if goalposts is None or np.isnan(goalposts).any():
            missing = [names[j] for j in range(data.shape[1]) if goalposts is None or np.isnan(goalposts[j]).any()]
            raise MethodRefused(
                _("Normalisation by goalposts is impossible: indicator %(code)s has no goalposts.")
                % {"code": ", ".join(missing)}
            )
        low, high = goalposts[:, 0], goalposts[:, 1]
        if (high == low).any():
            code = names[int(np.flatnonzero(high == low)[0])]
            raise MethodRefused(
                _("Normalisation by goalposts is impossible: indicator %(code)s has equal goalposts.") % {"code": code}
            )
        scaled = np.where(directions > 0, (data - low) / (high - low), (data - high) / (low - high))
        return np.clip(scaled, 0.0, 1.0) * 100.0
    signed = data * directions
    if method == "reference":
        if goalposts is None or np.isnan(np.where(directions > 0, goalposts[:, 1], goalposts[:, 0])).any():
            raise MethodRefused(
                _(
                    "Normalisation by distance to a reference is impossible: an indicator has no goalpost to use "
                    "as its reference."
                )
            )
        reference = np.where(directions > 0, goalposts[:, 1], -goalposts[:, 0])
        low = np.nanmin(signed, axis=0)
        if (reference <= low).any():
            code = names[int(np.flatnonzero(reference <= low)[0])]
            raise MethodRefused(
                _(
                    "Normalisation by distance to a reference is impossible: every country reaches the reference "
                    "of %(code)s."
                )
                % {"code": code}
            )
        return np.minimum(1 - (reference - signed) / (reference - low), 1.0) * 100.0
    if method == "minmax":
        low, high = np.nanmin(signed, axis=0), np.nanmax(signed, axis=0)
        flat = high == low
        if flat.any():
            code = names[int(np.flatnonzero(flat)[0])]
            raise MethodRefused(
                _("Min-max normalisation is impossible: indicator %(code)s has the same value for every country.")
                % {"code": code}
            )
        return (signed - low) / (high - low) * 100.0
    mean, sd = np.nanmean(signed, axis=0), np.nanstd(signed, axis=0, ddof=1)
    if (sd == 0).any() or np.isnan(sd).any():
        code = names[int(np.flatnonzero((sd == 0) | np.isnan(sd))[0])]
        raise MethodRefused(
            _("Z-score normalisation is impossible: indicator %(code)s does not vary.") % {"code": code}
        )
    return (signed - mean) / sd


def goalposts_scale(x: np.ndarray, low: float, high: float, scale: float = 1.0, direction: int = 1) -> np.ndarray:
    """COINr's n_goalposts for one indicator (kept for the worked examples of the tests)."""
    scaled = (x - low) / (high - low) if direction > 0 else (x - high) / (low - high)
    return np.clip(scaled, 0.0, 1.0) * scale


# Aggregation -----------------------------------------------------------------------------------------------


def positive_only(how: str, code: str) -> str:
    """The refusal of a geometric or harmonic mean over a value of zero or below."""
    if how == "geometric":
        return _(
            "A geometric mean is impossible: %(code)s has a value of zero or below, and a geometric mean is "
            "defined on positive values only."
        ) % {"code": code}
    return _(
        "A harmonic mean is impossible: %(code)s has a value of zero or below, and a harmonic mean is defined on "
        "positive values only."
    ) % {"code": code}


def aggregate(
    values: np.ndarray,
    weights: np.ndarray,
    method: str,
    *,
    threshold: float = 0.0,
    names: list[str] | None = None,
) -> np.ndarray:
    """Weighted mean of the columns per row, over the values present (weights renormalised); NaN for a row
    whose present components hold less than `threshold` of the weight, or none.

    arithmetic Σw·x/Σw; geometric exp(Σw·ln x/Σw), x > 0 only; harmonic Σw/Σ(w/x), x > 0 only; copeland:
    the non-compensatory ranking (see `copeland`)."""
    if method not in AGGREGATIONS:
        raise MethodRefused(_("Unknown aggregation “%(method)s”.") % {"method": method})
    if method == "copeland":
        return copeland(values, weights, threshold=threshold)
    present = ~np.isnan(values)
    if method != "arithmetic":
        bad = present & (values <= 0)
        if bad.any():
            names = names or [str(j + 1) for j in range(values.shape[1])]
            code = names[int(np.flatnonzero(bad.any(axis=0))[0])]
            raise MethodRefused(positive_only(method, code))
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=1)
    safe = np.where(present, values, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            result = (w * np.where(present, values, 0.0)).sum(axis=1) / total
        elif method == "geometric":
            result = np.exp((w * np.log(safe)).sum(axis=1) / total)
        else:
            result = total / (w / safe).sum(axis=1)
    all_weight = float(np.sum(weights))
    enough = (total > 0) & (total >= threshold * all_weight - 1e-12)
    return np.where(enough, result, np.nan)


def copeland(values: np.ndarray, weights: np.ndarray, *, threshold: float = 0.0) -> np.ndarray:
    """COINr's Copeland aggregation, non-compensatory: for each pair of rows, the weight of the columns where
    one is higher plus half the weight of the ties, over the weight of the columns both have; a pair score
    above one half counts +1, below -1. A row's score is its sum over every other row (NaN for a row whose
    present columns hold less than `threshold` of the weight). A high value in one column cannot make up for
    low ones in the others."""
    present = ~np.isnan(values)
    enough = (present * weights).sum(axis=1) >= max(threshold * float(np.sum(weights)), 1e-12) - 1e-12
    x = np.where(present, values, 0.0)
    both = present[:, None, :] & present[None, :, :]
    higher = ((x[:, None, :] > x[None, :, :]) & both) @ weights
    tied = ((x[:, None, :] == x[None, :, :]) & both) @ weights
    total = both @ weights
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (higher + 0.5 * tied) / total
    outcome = np.where(total > 0, np.sign(share - 0.5), 0.0)
    outcome[~enough, :] = 0.0
    outcome[:, ~enough] = 0.0
    np.fill_diagonal(outcome, 0.0)
    return np.where(enough, outcome.sum(axis=1), np.nan)


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score, ties sharing the best rank ("min"), NaN scores unranked (NaN). Works on
    a vector or column by column on a (units x runs) matrix."""
    matrix = scores.reshape(scores.shape[0], -1)
    out = np.full(matrix.shape, np.nan)
    for k in range(matrix.shape[1]):
        column = matrix[:, k]
        known = ~np.isnan(column)
        values = column[known]
        # Rank = 1 + the number of strictly higher scores.
        order = np.sort(values)
        out[known, k] = 1 + values.size - np.searchsorted(order, values, side="right")
    return out.reshape(scores.shape)


def ranks_matrix(scores: np.ndarray) -> np.ndarray:
    """`ranks` for a (units x runs) matrix without NaN, vectorised ("min" ties)."""
    ordered = np.sort(scores, axis=0)
    n = scores.shape[0]
    out = np.empty_like(scores)
    for k in range(scores.shape[1]):
        out[:, k] = 1 + n - np.searchsorted(ordered[:, k], scores[:, k], side="right")
    return out
