"""Computed indicators of the gap index for the results engine (source "gap": a recorded run refreshes them).

A period reads the programme's latest run dated within it. Scores are the index (0-100, higher is better)
or one pillar's score; the total is the median over the developing countries scored (under the programme's
rule, as the run recorded it), with one part per country."""

from decimal import Decimal

from jalon.gap.models import IndexRun
from jalon.results.computations import Computation, Part, register
from jalon.results.models import Dimension, Measure, Period, Programme

SOURCES = frozenset({"gap"})
# The share of its gap at the baseline that a country must have closed to count as closing it.
CLOSED_SHARE = 0.10


def _run(programme: Programme, period: Period) -> IndexRun | None:
    return (
        IndexRun.objects.filter(spec__programme=programme, as_of__gte=period.start, as_of__lte=period.end)
        .order_by("-as_of", "-pk")
        .first()
    )


def _median(values: list[float]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Decimal(str(round(value, 2)))


def _scores(programme: Programme, period: Period, pillar: str | None) -> list[Part]:
    run = _run(programme, period)
    if run is None:
        return []
    rows = []
    for row in run.outputs.get("countries", []):
        if not (row.get("scored") and row.get("developing")):
            continue
        score = row.get("index") if pillar is None else (row.get("pillars") or {}).get(pillar)
        if score is not None:
            rows.append((row, score))
    if not rows:
        return []
    parts = [Part(_median([score for _row, score in rows]))]
    for row, score in sorted(rows, key=lambda item: item[0]["iso3"]):
        parts.append(Part(Decimal(str(round(score, 2))), Dimension.Kind.COUNTRY, row["iso3"], row["name"]))
    return parts


def _closed(programme: Programme, period: Period) -> list[Part]:
    run = _run(programme, period)
    if run is None or run.baseline_id is None:
        return []
    closed = [
        row
        for row in run.outputs.get("countries", [])
        if row.get("developing") and row.get("closure") is not None and row["closure"] >= CLOSED_SHARE
    ]
    parts = [Part(Decimal(len(closed)))]
    for row in sorted(closed, key=lambda r: r["iso3"]):
        parts.append(Part(Decimal(1), Dimension.Kind.COUNTRY, row["iso3"], row["name"]))
    return parts


def register_all() -> None:
    register(
        Computation(
            key="gap_index_developing",
            title={
                "en": "Standardization gap index of developing countries (median score)",
                "fr": "Indice de l’écart en matière de normalisation des pays en développement (score médian)",
            },
            method={
                "en": "The latest run of the programme's gap index dated within the period: the median index score "
                "(0-100, higher is better) of the developing countries scored, with each country's score.",
                "fr": "Le dernier calcul de l’indice de l’écart du programme daté dans la période : le score médian "
                "(0-100, plus c’est élevé, mieux c’est) des pays en développement évalués, avec le score de chaque "
                "pays.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=lambda programme, period: _scores(programme, period, None),
        )
    )
    register(
        Computation(
            key="gap_participation_developing",
            title={
                "en": "Effective participation in standardization work of developing countries (median pillar score)",
                "fr": "Participation effective des pays en développement aux travaux de normalisation (score médian "
                "du pilier)",
            },
            method={
                "en": "The latest run of the programme's gap index dated within the period: the median score of the "
                "effective participation pillar (P-memberships, leadership, meetings, contributions) of the "
                "developing countries scored, with each country's score.",
                "fr": "Le dernier calcul de l’indice de l’écart du programme daté dans la période : le score médian du "
                "pilier de la participation effective (participations P, postes de direction, réunions, "
                "contributions) des pays en développement évalués, avec le score de chaque pays.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=lambda programme, period: _scores(programme, period, "participation"),
        )
    )
    register(
        Computation(
            key="gap_closed_developing",
            title={
                "en": "Developing countries whose standardization gap closed by at least 10 % since the baseline run",
                "fr": "Pays en développement dont l’écart en matière de normalisation s’est réduit d’au moins 10 % "
                "depuis le calcul de référence",
            },
            method={
                "en": "The latest run of the programme's gap index dated within the period, against its baseline run "
                "(the programme's earliest run): the developing countries whose gap to the benchmark group closed by "
                "at least 10 % of what it was at the baseline.",
                "fr": "Le dernier calcul de l’indice de l’écart du programme daté dans la période, comparé à son "
                "calcul de référence (le premier du programme) : les pays en développement dont l’écart au groupe de "
                "référence s’est réduit d’au moins 10 % de ce qu’il était au calcul de référence.",
            },
            measure=Measure.COUNT,
            sources=SOURCES,
            compute=_closed,
        )
    )
