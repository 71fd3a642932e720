"""The gap index's engine at the issue's scale: 200 countries x 30 indicators, 1,000 Monte Carlo runs and the
sensitivity analysis, against a plain numpy computation of the same scores.

    .venv/bin/python -m bench.gap_index [--countries 200] [--indicators 30] [--runs 1000] [--repeat 3]
        [--plain-repeat 1]

Synthetic data (deterministic, `--seed`): five pillars of six indicators, lognormal values (skewed, as
counts are), 5 % missing; alternatives: imputation (median, mean), outlier treatment (none, winsorise),
normalisation (min-max, z-score), weights ± 25 % (`--without-treatment`: no treatment alternative, so
that the plain loop does not winsorise 30 columns at each evaluation). Times, with no database:
- "engine": what a run computes (jalon.gap.engine): the nominal scores, every alternative checked, the
  Monte Carlo uncertainty over `--runs` runs, the sensitivity analysis (Saltelli, base sample `--runs`, so
  N(d+2) = 5 x runs evaluations, with 100 bootstrap resamples) and the audit;
- "engine as a job": the same with progress reported every engine.BATCH draws (as a job reports it, and
  reads a cancel), which evaluates the draws batch by batch;
- "plain": the same index scores for the same evaluations (choices and weights) computed one evaluation at
  a time with plain numpy (impute, treat, normalise, weighted means), no caching, no batching; the ranks
  and the estimators are not included. It checks that both give the same scores.
The ratio engine / plain is the price (or the gain) of the engine's structure over a plain loop.
"""

import argparse
import os
import statistics
import time

import django

# The engine needs no database; the settings only give the translated messages of refusals.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
django.setup()

import numpy as np  # noqa: E402

from jalon.gap import engine, method  # noqa: E402


def synthetic(countries: int, indicators: int, seed: int, treatment: bool = True) -> tuple[np.ndarray, engine.Method]:
    rng = np.random.default_rng(seed)
    data = rng.lognormal(mean=2.0, sigma=1.0, size=(countries, indicators))
    data[rng.uniform(size=data.shape) < 0.05] = np.nan
    pillars = [f"p{j % 5}" for j in range(indicators)]
    m = engine.Method(
        codes=[f"i{j}" for j in range(indicators)],
        pillars=pillars,
        weights=rng.uniform(0.5, 2.0, indicators),
        directions=np.ones(indicators),
        goalposts=None,
        pillar_order=sorted(set(pillars)),
        pillar_weights=np.ones(5),
        imputation="median",
        treatment="none",
        normalisation="minmax",
        aggregation="arithmetic",
        alternatives={
            "imputation": ["median", "mean"],
            "treatment": ["none", "winsorise"] if treatment else ["none"],
            "normalisation": ["minmax", "zscore"],
        },
        weight_noise=0.25,
    )
    return data, m


def with_sub_pillars(m: engine.Method) -> engine.Method:
    """Each pillar's indicators in two sub-pillars (one level more), sub-pillar weights 1 and 2."""
    subs = [f"{p}.{j // 5 % 2}" for j, p in enumerate(m.pillars)]
    order = sorted(set(subs))
    m.subs, m.sub_order = subs, order
    m.sub_pillars = [code.split(".")[0] for code in order]
    m.sub_weights = np.array([1.0 + int(code.split(".")[1]) for code in order])
    m.sub_aggregations = [None] * len(order)
    return m


def engine_run(data, m, runs: int, seed: int, progress=None) -> dict:
    rng = np.random.default_rng(seed)
    result = engine.nominal(data, None, m)
    engine.check_alternatives(data, None, m)
    spread = engine.uncertainty(data, None, m, runs=runs, rng=rng, progress=progress)
    sensitivity = engine.sensitivity(data, None, m, base=runs, nominal_ranks=result.ranks, rng=rng, progress=progress)
    engine.audit(data, result, m)
    return {"spread": spread, "sensitivity": sensitivity}


def plain_scores(data, m, choices: list[dict], weights: np.ndarray, pillar_weights: np.ndarray) -> np.ndarray:
    """Index scores one evaluation at a time, written out with numpy."""
    out = np.empty((data.shape[0], len(choices)))
    pillars = np.array(m.pillars)
    for r, choice in enumerate(choices):
        x = data.copy()
        centre = np.nanmedian(x, axis=0) if choice["imputation"] == "median" else np.nanmean(x, axis=0)
        x = np.where(np.isnan(x), centre, x)
        if choice["treatment"] == "winsorise":
            for j in range(x.shape[1]):
                x[:, j] = method.winsorise(x[:, j]).values
        if choice["normalisation"] == "minmax":
            x = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0)) * 100
        else:
            x = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        scores = np.stack(
            [
                (x[:, pillars == p] * weights[r, pillars == p]).sum(1) / weights[r, pillars == p].sum()
                for p in m.pillar_order
            ],
            axis=1,
        )
        out[:, r] = (scores * pillar_weights[r]).sum(1) / pillar_weights[r].sum()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plain-repeat", type=int, default=1, help="The plain loop is slow: fewer repeats.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--without-treatment", action="store_true", help="No winsorisation alternative (the plain loop's slowest step)."
    )
    parser.add_argument(
        "--sub-pillars", action="store_true", help="Two sub-pillars per pillar (the plain loop is not run)."
    )
    args = parser.parse_args()
    data, m = synthetic(args.countries, args.indicators, args.seed, treatment=not args.without_treatment)
    if args.sub_pillars:
        m = with_sub_pillars(m)
        args.plain_repeat = 0
    factors = m.varied()
    evaluations = args.runs + args.runs * (len(factors) + 2)
    print(
        f"{args.countries} countries x {args.indicators} indicators, {args.runs} Monte Carlo runs, "
        f"sensitivity over {factors}: {evaluations} evaluations"
    )

    engine_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        engine_run(data, m, args.runs, args.seed)
        engine_times.append(time.perf_counter() - start)
    # As a job runs it: progress reported (and a cancel read) every engine.BATCH draws.
    job_times = []
    calls = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        engine_run(data, m, args.runs, args.seed, progress=lambda done, total: calls.append(done))
        job_times.append(time.perf_counter() - start)

    # The same evaluations for the plain loop: random choices and noisy weights.
    rng = np.random.default_rng(args.seed)
    u = rng.uniform(size=(evaluations, len(factors)))
    choices = engine._choices_from_uniform(m, u, factors)
    weights = engine.noisy(m.weights, m.weight_noise, evaluations, rng)
    pillar_weights = engine.noisy(m.pillar_weights, m.weight_noise, evaluations, rng)
    if not args.sub_pillars:
        check = engine._Evaluator(data, None, m).index(choices[:50], weights[:50], pillar_weights[:50])
        assert np.allclose(check, plain_scores(data, m, choices[:50], weights[:50], pillar_weights[:50])), (
            "scores differ"
        )

    plain_times = []
    for _ in range(args.plain_repeat):
        start = time.perf_counter()
        plain_scores(data, m, choices, weights, pillar_weights)
        plain_times.append(time.perf_counter() - start)

    engine_time = statistics.median(engine_times)
    print(f"engine (nominal, checks, uncertainty, sensitivity, audit): median {engine_time:.2f} s {engine_times}")
    print(
        f"engine as a job, progress every {engine.BATCH} draws ({len(calls) // args.repeat} progress points): "
        f"median {statistics.median(job_times):.2f} s {job_times}"
    )
    if plain_times:
        plain_time = statistics.median(plain_times)
        print(f"plain numpy, index scores only, one evaluation at a time: median {plain_time:.2f} s {plain_times}")
        print(f"ratio engine / plain: {engine_time / plain_time:.3f}")


if __name__ == "__main__":
    main()
