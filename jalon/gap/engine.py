"""The whole computation of the gap index over a data matrix: the nominal scores, the Monte Carlo uncertainty
over the methodological choices and noisy weights, the variance-based sensitivity indices and the statistical
audit. Pure numpy over the steps of `method`; no database. The same inputs and seed give the same numbers.

Levels: indicators are aggregated into their pillar, or first into a sub-pillar (participation in ISO, in
ITU-T) with its own weight and aggregation, the pillar then aggregating its sub-pillars and its direct
indicators; the pillars into the index. Progress: the Monte Carlo draws and sensitivity samples are
evaluated in batches of BATCH, with a progress call between two (a job's cancel stops the run there).

Speed: every distinct combination of the data-side choices (imputation, treatment, normalisation) is computed
once; the runs that share it differ only by their weights and aggregation, done for all of them at once as
matrix products.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from jalon.gap import method
from jalon.gap.method import MethodRefused

# The choices the uncertainty and sensitivity analyses may vary, in this order.
FACTORS = ("imputation", "treatment", "normalisation", "aggregation")
# Correlation flags of the audit (COINr's defaults): collinear above, negative within a pillar below.
COLLINEAR = 0.9
NEGATIVE = -0.4
BOOTSTRAP = 100


@dataclass
class Method:
    """A specification as the engine reads it. Indicator-level arrays are in `codes` order."""

    codes: list[str]
    pillars: list[str]  # the pillar of each indicator
    weights: np.ndarray  # indicator weights within their pillar
    directions: np.ndarray  # +1 / -1
    goalposts: np.ndarray | None  # (indicators x 2) lo, hi; NaN where none
    pillar_order: list[str]
    pillar_weights: np.ndarray  # in pillar_order
    screen_threshold: float = method.SCREEN_THRESHOLD
    pillar_threshold: float = 0.5  # share of a pillar's weight that must be present for a pillar score
    imputation: str = "none"
    treatment: str = "none"
    normalisation: str = "goalposts"
    aggregation: str = "arithmetic"
    # Alternatives for the uncertainty and sensitivity analyses, keyed by FACTORS; the nominal choice is
    # always among them. Noise on the weights: w·(1 + U(-1, 1)·noise).
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    weight_noise: float = 0.0
    # A third level between indicators and pillars (participation in ISO, in ITU-T): each indicator's
    # sub-pillar ("" for an indicator aggregated into its pillar directly), and per sub-pillar, in sub_order,
    # its pillar, its weight within the pillar and its own aggregation (None: the run's).
    subs: list[str] = field(default_factory=list)
    sub_order: list[str] = field(default_factory=list)
    sub_pillars: list[str] = field(default_factory=list)
    sub_weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sub_aggregations: list[str | None] = field(default_factory=list)

    def __post_init__(self):
        if not self.subs:
            self.subs = [""] * len(self.codes)

    def choices(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACTORS}

    def varied(self) -> list[str]:
        """The factors of the sensitivity analysis: choices with alternatives, then the weights if noisy."""
        factors = [name for name in FACTORS if len(self.options(name)) > 1]
        if self.weight_noise > 0:
            factors.append("weights")
        return factors

    def options(self, name: str) -> list[str]:
        options = list(self.alternatives.get(name) or [])
        nominal = getattr(self, name)
        return options if nominal in options else [nominal, *options]


@dataclass
class Prepared:
    """The data side for one combination of choices: normalised values of the scored units."""

    normalised: np.ndarray
    winsorised: list[int]
    logged: list[bool]
    treatment_applied: str


def prepare(data: np.ndarray, groups, m: Method, choice: dict[str, str]) -> Prepared:
    imputed = method.impute(data, choice["imputation"], groups=groups, names=m.codes)
    winsorised = [0] * imputed.shape[1]
    logged = [False] * imputed.shape[1]
    applied = choice["treatment"]
    if choice["treatment"] not in method.TREATMENTS:
        raise MethodRefused(_("Unknown outlier treatment “%(method)s”.") % {"method": choice["treatment"]})
    if choice["treatment"] == "winsorise":
        if choice["normalisation"] in ("goalposts", "reference"):
            # Goalposts clamp outliers at their own limits, and a log transform would change the units they
            # (and the reference) are set in: recorded as such in the run, not applied.
            applied = "none (goalposts clamp)"
        else:
            for j in range(imputed.shape[1]):
                treated = method.winsorise(imputed[:, j])
                imputed[:, j] = treated.values
                winsorised[j], logged[j] = treated.winsorised, treated.log
    normalised = method.normalise(
        imputed, choice["normalisation"], directions=m.directions, goalposts=m.goalposts, names=m.codes
    )
    return Prepared(normalised, winsorised, logged, applied)


def _columns(m: Method) -> list[np.ndarray]:
    return [np.array([j for j, p in enumerate(m.pillars) if p == pillar], dtype=int) for pillar in m.pillar_order]


def aggregate_runs(values: np.ndarray, weights: np.ndarray, how: str, threshold: float, names) -> np.ndarray:
    """`method.aggregate` for R weight vectors at once: values (units x k) or (units x k x R), weights (R x k)
    -> (units x R)."""
    if how not in method.AGGREGATIONS:
        raise MethodRefused(_("Unknown aggregation “%(method)s”.") % {"method": how})
    if how == "copeland":
        # Pairwise comparisons: one run at a time (units² x k each).
        if values.ndim == 2:
            return np.stack([method.copeland(values, w, threshold=threshold) for w in weights], axis=1)
        return np.stack(
            [method.copeland(values[:, :, r], w, threshold=threshold) for r, w in enumerate(weights)], axis=1
        )
    if values.ndim == 2:
        values = values[:, :, None]
    present = ~np.isnan(values)
    if how != "arithmetic" and (present & (values <= 0)).any():
        bad = (present & (values <= 0)).any(axis=(0, 2))
        raise MethodRefused(method.positive_only(how, names[int(np.flatnonzero(bad)[0])]))
    w = weights.T[None, :, :]  # 1 x k x R
    wp = np.where(present, w, 0.0)
    total = wp.sum(axis=1)
    safe = np.where(present, values, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "arithmetic":
            result = (wp * np.where(present, values, 0.0)).sum(axis=1) / total
        elif how == "geometric":
            result = np.exp((wp * np.log(safe)).sum(axis=1) / total)
        else:
            result = total / (wp / safe).sum(axis=1)
    enough = (total > 0) & (total >= threshold * weights.sum(axis=1)[None, :] - 1e-12)
    return np.where(enough, result, np.nan)


def scores_for(
    prepared: np.ndarray,
    m: Method,
    how: str,
    weights: np.ndarray,
    pillar_weights: np.ndarray,
    sub_weights: np.ndarray | None = None,
):
    """Pillar scores (units x pillars x R) and index (units x R) for R weight sets; with sub-pillars, their
    scores (units x sub-pillars x R) are aggregated first, then each pillar over its sub-pillars and its
    direct indicators."""
    pillars, _subs, index = scores_levels(prepared, m, how, weights, pillar_weights, sub_weights)
    return pillars, index


def scores_levels(
    prepared: np.ndarray,
    m: Method,
    how: str,
    weights: np.ndarray,
    pillar_weights: np.ndarray,
    sub_weights: np.ndarray | None = None,
):
    """(pillars, sub-pillars, index) for R weight sets: see `scores_for`."""
    runs = weights.shape[0]
    if not m.sub_order:
        columns = _columns(m)
        pillars = np.stack(
            [
                aggregate_runs(prepared[:, cols], weights[:, cols], how, m.pillar_threshold, [m.codes[j] for j in cols])
                for cols in columns
            ],
            axis=1,
        )
        subs = np.zeros((prepared.shape[0], 0, runs))
    else:
        if sub_weights is None:
            sub_weights = np.tile(m.sub_weights, (runs, 1))
        subs = np.stack(
            [
                aggregate_runs(
                    prepared[:, cols],
                    weights[:, cols],
                    m.sub_aggregations[s] or how,
                    m.pillar_threshold,
                    [m.codes[j] for j in cols],
                )
                for s, cols in enumerate(
                    np.array([j for j, sub in enumerate(m.subs) if sub == code], dtype=int) for code in m.sub_order
                )
            ],
            axis=1,
        )
        per_pillar = []
        for pillar in m.pillar_order:
            direct = [j for j, (p, sub) in enumerate(zip(m.pillars, m.subs, strict=True)) if p == pillar and not sub]
            mine = [s for s, p in enumerate(m.sub_pillars) if p == pillar]
            values = np.concatenate([np.repeat(prepared[:, direct, None], runs, axis=2), subs[:, mine, :]], axis=1)
            component_weights = np.concatenate([weights[:, direct], sub_weights[:, mine]], axis=1)
            names = [m.codes[j] for j in direct] + [m.sub_order[s] for s in mine]
            per_pillar.append(aggregate_runs(values, component_weights, how, m.pillar_threshold, names))
        pillars = np.stack(per_pillar, axis=1)
    index = aggregate_runs(pillars, pillar_weights, how, 0.0, m.pillar_order)
    return pillars, subs, index


def noisy(weights: np.ndarray, noise: float, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` weight vectors w·(1 + U(-1, 1)·noise) (COINr's noisy weights)."""
    if noise <= 0:
        return np.tile(weights, (count, 1))
    return weights[None, :] * (1 + rng.uniform(-1, 1, size=(count, weights.size)) * noise)


def _rank_columns(scores: np.ndarray) -> np.ndarray:
    return method.ranks(scores)


@dataclass
class Result:
    kept: np.ndarray
    normalised: np.ndarray  # scored units x indicators
    pillars: np.ndarray  # scored units x pillars
    index: np.ndarray
    ranks: np.ndarray
    treatment: dict
    subs: np.ndarray | None = None  # scored units x sub-pillars
    uncertainty: dict | None = None
    sensitivity: dict | None = None
    audit: dict | None = None


def nominal(data: np.ndarray, groups, m: Method) -> Result:
    kept = method.screen(data, m.screen_threshold)
    if not kept.any():
        raise MethodRefused(_("No country has enough data to be scored under the screening threshold."))
    sub_groups = None if groups is None else [g for g, k in zip(groups, kept, strict=True) if k]
    prepared = prepare(data[kept], sub_groups, m, m.choices())
    pillars, subs, index = scores_levels(
        prepared.normalised, m, m.aggregation, m.weights[None, :], m.pillar_weights[None, :], m.sub_weights[None, :]
    )
    index = index[:, 0]
    return Result(
        kept=kept,
        normalised=prepared.normalised,
        pillars=pillars[:, :, 0],
        subs=subs[:, :, 0],
        index=index,
        ranks=method.ranks(index),
        treatment={
            "applied": prepared.treatment_applied,
            "winsorised": dict(zip(m.codes, prepared.winsorised, strict=True)),
            "log": [code for code, logged in zip(m.codes, prepared.logged, strict=True) if logged],
        },
    )


class _Evaluator:
    """Index scores for many (choice, weight set) pairs, each data-side combination prepared once."""

    def __init__(self, data, groups, m: Method):
        self.data, self.groups, self.m = data, groups, m
        self._prepared: dict[tuple, np.ndarray] = {}

    def prepared(self, choice: dict[str, str]) -> np.ndarray:
        key = (choice["imputation"], choice["treatment"], choice["normalisation"])
        if key not in self._prepared:
            self._prepared[key] = prepare(self.data, self.groups, self.m, choice).normalised
        return self._prepared[key]

    def index(
        self,
        choices: list[dict[str, str]],
        weights: np.ndarray,
        pillar_weights: np.ndarray,
        sub_weights: np.ndarray | None = None,
        *,
        progress: "Advance | None" = None,
        batch: int = 0,
    ) -> np.ndarray:
        """Index (units x R) for R runs given their choices and weights. With `progress`, the runs are
        evaluated `batch` at a time and `progress(done, total)` is called after each batch: a cancel raised
        there stops the work between draws. Every draw is made before: batching does not change a number."""
        if sub_weights is None:
            sub_weights = np.tile(self.m.sub_weights, (len(choices), 1))
        out = np.full((self.data.shape[0], len(choices)), np.nan)
        size = batch if progress is not None and batch > 0 else max(len(choices), 1)
        for first in range(0, len(choices), size):
            rows_in = range(first, min(first + size, len(choices)))
            by_combination: dict[tuple, list[int]] = {}
            for r in rows_in:
                by_combination.setdefault(tuple(choices[r][f] for f in FACTORS), []).append(r)
            for combination, rows in by_combination.items():
                choice = dict(zip(FACTORS, combination, strict=True))
                selected = np.array(rows)
                _pillars, index = scores_for(
                    self.prepared(choice),
                    self.m,
                    choice["aggregation"],
                    weights[selected],
                    pillar_weights[selected],
                    sub_weights[selected],
                )
                out[:, selected] = index
            if progress is not None:
                progress(rows_in.stop, len(choices))
        return out


# progress(done, total): called between batches of draws (a job's Progress.advance).
Advance = Callable[[int, int], None]
# Draws evaluated between two progress points.
BATCH = 50


def _choices_from_uniform(m: Method, u: np.ndarray, factors: list[str]) -> list[dict[str, str]]:
    """Each row of u (runs x factors, in [0, 1)) picks one option per varied factor; others stay nominal."""
    result = []
    for row in u:
        choice = m.choices()
        for k, name in enumerate(factors):
            if name != "weights":
                options = m.options(name)
                choice[name] = options[min(int(row[k] * len(options)), len(options) - 1)]
        result.append(choice)
    return result


def check_alternatives(data, groups, m: Method) -> None:
    """Every alternative must apply to the data: one that cannot fails the run before any work (COINr #60)."""
    evaluator = _Evaluator(data, groups, m)
    for combination in itertools.product(*(m.options(name) for name in FACTORS)):
        choice = dict(zip(FACTORS, combination, strict=True))
        evaluator.index([choice], m.weights[None, :], m.pillar_weights[None, :])


def _noisy_subs(m: Method, count: int, rng: np.random.Generator) -> np.ndarray:
    # Drawn only when the specification has sub-pillars: a specification without keeps its random stream.
    if not m.sub_order:
        return np.zeros((count, 0))
    return noisy(m.sub_weights, m.weight_noise, count, rng)


def uncertainty(
    data, groups, m: Method, *, runs: int, rng: np.random.Generator, progress: Advance | None = None
) -> dict:
    """Monte Carlo over the choices and noisy weights: per unit, rank median and 5-95 % band, score band.
    `progress(done, runs)` is called every BATCH draws."""
    factors = [f for f in m.varied() if f != "weights"]
    u = rng.uniform(size=(runs, len(factors)))
    choices = _choices_from_uniform(m, u, factors)
    weights = noisy(m.weights, m.weight_noise, runs, rng)
    pillar_weights = noisy(m.pillar_weights, m.weight_noise, runs, rng)
    sub_weights = _noisy_subs(m, runs, rng)
    index = _Evaluator(data, groups, m).index(
        choices, weights, pillar_weights, sub_weights, progress=progress, batch=BATCH
    )
    ranks = method.ranks(index)
    with np.errstate(all="ignore"):
        return {
            "runs": runs,
            "rank_median": np.nanmedian(ranks, axis=1),
            "rank_q05": np.nanquantile(ranks, 0.05, axis=1),
            "rank_q95": np.nanquantile(ranks, 0.95, axis=1),
            "score_q05": np.nanquantile(index, 0.05, axis=1),
            "score_q95": np.nanquantile(index, 0.95, axis=1),
        }


def sensitivity_evaluations(m: Method, base: int) -> int:
    """How many index evaluations the sensitivity analysis makes: N(d+2), 0 with no factor varied."""
    d = len(m.varied())
    return base * (d + 2) if d else 0


def sensitivity(
    data,
    groups,
    m: Method,
    *,
    base: int,
    nominal_ranks: np.ndarray,
    rng: np.random.Generator,
    progress: Advance | None = None,
) -> dict:
    """Variance-based sensitivity (Saltelli design, N(d+2) evaluations): first-order Si and total STi per
    factor, with bootstrap 5-95 % bands. The output is the mean absolute rank change against the nominal
    ranks. Discrete factors pick an option by their uniform input; the weights factor picks one of `base`
    pre-drawn noisy weight sets. `progress(done, evaluations)` is called every BATCH samples."""
    factors = m.varied()
    if not factors:
        return {"factors": [], "base": base, "evaluations": 0}
    d = len(factors)
    a, b = rng.uniform(size=(base, d)), rng.uniform(size=(base, d))
    samples = [a, b] + [np.where(np.arange(d) == i, b, a) for i in range(d)]
    design = np.vstack(samples)
    weight_sets = noisy(m.weights, m.weight_noise, base, rng)
    pillar_sets = noisy(m.pillar_weights, m.weight_noise, base, rng)
    sub_sets = _noisy_subs(m, base, rng)
    if "weights" in factors:
        pick = np.minimum((design[:, factors.index("weights")] * base).astype(int), base - 1)
        weights, pillar_weights, sub_weights = weight_sets[pick], pillar_sets[pick], sub_sets[pick]
    else:
        weights = np.tile(m.weights, (design.shape[0], 1))
        pillar_weights = np.tile(m.pillar_weights, (design.shape[0], 1))
        sub_weights = np.tile(m.sub_weights, (design.shape[0], 1))
    choices = _choices_from_uniform(m, design, factors)
    index = _Evaluator(data, groups, m).index(
        choices, weights, pillar_weights, sub_weights, progress=progress, batch=BATCH
    )
    ranks = method.ranks(index)
    with np.errstate(all="ignore"):
        y = np.nanmean(np.abs(ranks - nominal_ranks[:, None]), axis=0)
    y = np.nan_to_num(y)
    y_a, y_b = y[:base], y[base : 2 * base]
    y_ab = y[2 * base :].reshape(d, base)

    def estimate(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        variance = np.var(np.concatenate([y_a[rows], y_b[rows]]))
        if variance == 0:
            return np.zeros(d), np.zeros(d)
        first = np.mean(y_b[rows][None, :] * (y_ab[:, rows] - y_a[rows][None, :]), axis=1) / variance
        total = np.sum((y_a[rows][None, :] - y_ab[:, rows]) ** 2, axis=1) / (2 * rows.size * variance)
        return first, total

    first, total = estimate(np.arange(base))
    boot = [estimate(rng.integers(0, base, size=base)) for _ in range(BOOTSTRAP)]
    firsts, totals = np.array([f for f, _t in boot]), np.array([t for _f, t in boot])
    return {
        "factors": factors,
        "base": base,
        "evaluations": int(design.shape[0]),
        "first": first,
        "first_q05": np.quantile(firsts, 0.05, axis=0),
        "first_q95": np.quantile(firsts, 0.95, axis=0),
        "total": total,
        "total_q05": np.quantile(totals, 0.05, axis=0),
        "total_q95": np.quantile(totals, 0.95, axis=0),
        "output_mean": float(np.mean(y)),
    }


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    known = ~np.isnan(x) & ~np.isnan(y)
    if known.sum() < 3:
        return float("nan")
    xs, ys = x[known], y[known]
    if xs.std() == 0 or ys.std() == 0:
        return float("nan")
    return float(np.corrcoef(xs, ys)[0, 1])


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank (for Spearman's correlation)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(1, x.size + 1)
    values, inverse = np.unique(x, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks)
    counts = np.bincount(inverse)
    return (sums / counts)[inverse] if values.size < x.size else ranks


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    known = ~np.isnan(x) & ~np.isnan(y)
    if known.sum() < 3:
        return float("nan")
    return _pearson(_average_ranks(x[known]), _average_ranks(y[known]))


def cronbach_alpha(values: np.ndarray) -> float:
    """k/(k-1)·(1 - Σ var(item)/var(total)) over the units with every item; NaN under 2 items or 3 units."""
    complete = values[~np.isnan(values).any(axis=1)]
    k = values.shape[1]
    if k < 2 or complete.shape[0] < 3:
        return float("nan")
    total = complete.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total))


def audit(data: np.ndarray, result: Result, m: Method) -> dict:
    """Coverage per indicator and unit, correlations (Pearson r, Spearman rho) within and across pillars with
    flags on r, Cronbach's alpha per pillar."""
    columns = _columns(m)
    normalised = result.normalised
    correlations = []
    flags = []
    for a in range(len(m.codes)):
        for b in range(a + 1, len(m.codes)):
            r = _pearson(normalised[:, a], normalised[:, b])
            rho = _spearman(normalised[:, a], normalised[:, b])
            same = m.pillars[a] == m.pillars[b]
            correlations.append({"a": m.codes[a], "b": m.codes[b], "r": r, "rho": rho, "same_pillar": same})
            if not np.isnan(r) and r > COLLINEAR:
                flags.append({"a": m.codes[a], "b": m.codes[b], "r": r, "flag": "collinear"})
            elif same and not np.isnan(r) and r < NEGATIVE:
                flags.append({"a": m.codes[a], "b": m.codes[b], "r": r, "flag": "negative"})
    to_pillar = [
        {"code": code, "pillar_r": _pearson(normalised[:, j], result.pillars[:, m.pillar_order.index(m.pillars[j])])}
        for j, code in enumerate(m.codes)
    ]
    return {
        "coverage_indicator": dict(zip(m.codes, np.mean(~np.isnan(data), axis=0), strict=True)),
        "coverage_unit": method.coverage(data),
        "correlations": correlations,
        "flags": flags,
        "indicator_pillar": to_pillar,
        "alpha": {
            pillar: cronbach_alpha(normalised[:, cols]) for pillar, cols in zip(m.pillar_order, columns, strict=True)
        },
        "alpha_sub": {
            code: cronbach_alpha(normalised[:, [j for j, sub in enumerate(m.subs) if sub == code]])
            for code in m.sub_order
        },
    }
