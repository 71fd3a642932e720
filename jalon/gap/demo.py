"""The gap index's demo: the standard indicators, a small labelled curated file of invented values for the
imported indicators (and populations), a labelled demo specification of the ITU programme over the five
disparities, and two runs a year apart. Runs twice without duplicating anything."""

import datetime

import numpy as np
from django.utils import timezone

from jalon.gap import services
from jalon.gap.catalogue import indicators_ensure
from jalon.gap.models import IndexRun, IndexSpec
from jalon.results.models import Programme

PROGRAMME = "itu-res44"
# Developed and developing countries, so that the benchmark group and the gap both have members.
COUNTRIES = [
    "AUS",
    "CAN",
    "CHE",
    "DEU",
    "FRA",
    "GBR",
    "JPN",
    "KOR",
    "NLD",
    "SWE",
    "USA",
    "BEN",
    "BFA",
    "BRA",
    "CIV",
    "CMR",
    "COL",
    "EGY",
    "ETH",
    "GHA",
    "IDN",
    "IND",
    "KEN",
    "MAR",
    "MDG",
    "MEX",
    "MLI",
    "NER",
    "NGA",
    "PAK",
    "PER",
    "RWA",
    "SEN",
    "TUN",
    "TZA",
    "UGA",
    "VNM",
    "ZAF",
    "ZMB",
]
DEVELOPED = set(COUNTRIES[:11])
SOURCE = "DEMO: invented values for the demonstration, not real data"
SEED = 44
RUNS = 200

DEFINITION = {
    "indicators": [
        {"code": "identical-adoptions", "weight": 1},
        {"code": "tbt-enquiry-point", "weight": 1},
        {"code": "tbt-notifications", "weight": 1},
        {"code": "ilac-iaf", "weight": 1},
        {"code": "cmcs", "weight": 1},
        {"code": "trained", "weight": 1},
        {"code": "sponsored", "weight": 1},
        {"code": "fellowships", "weight": 1},
        {"code": "p-share", "weight": 2},
        {"code": "leadership", "weight": 1},
        {"code": "meetings", "weight": 1},
        {"code": "contributions", "weight": 1},
    ],
    "pillar_weights": {
        "voluntary_standards": 1,
        "technical_regulations": 1,
        "conformity_assessment": 1,
        "human_resources": 1,
        "participation": 1,
    },
    "screen_threshold": 0.6,
    "pillar_threshold": 0.5,
    "imputation": "median",
    "treatment": "none",
    "normalisation": "goalposts",
    "aggregation": "arithmetic",
    "alternatives": {"imputation": ["median", "mean", "none"]},
    "weight_noise": 0.25,
    "benchmark": "median",
    "window_days": 365,
}


def demo_values_file(*, today: datetime.date) -> bytes:
    """The labelled curated file: a value a year ago and one now per country and imported indicator (some
    left out, as real files do), the developing countries a little closer to the developed ones now."""
    rng = np.random.default_rng(SEED)
    lines = ["indicator,country,value,as_of,source,evidence"]
    dates = (today - datetime.timedelta(days=395), today - datetime.timedelta(days=30))
    for iso3 in COUNTRIES:
        developed = iso3 in DEVELOPED
        base = {
            "population": rng.uniform(8e6, 90e6) if developed else rng.uniform(5e6, 220e6),
            "identical-adoptions": rng.uniform(60, 95) if developed else rng.uniform(5, 60),
            "tbt-enquiry-point": 1.0 if developed or rng.uniform() < 0.7 else 0.0,
            "tbt-notifications": rng.uniform(10, 60) if developed else rng.uniform(0, 15),
            "ilac-iaf": 1.0 if developed or rng.uniform() < 0.4 else 0.0,
            "cmcs": rng.uniform(150, 900) if developed else rng.uniform(0, 60),
        }
        for step, as_of in enumerate(dates):
            for code, value in base.items():
                if code != "population" and rng.uniform() < 0.08:
                    continue  # a gap in the curated file
                if step and not developed and code in ("identical-adoptions", "tbt-notifications", "cmcs"):
                    value *= rng.uniform(1.05, 1.3)
                if step and not developed and code in ("tbt-enquiry-point", "ilac-iaf") and rng.uniform() < 0.3:
                    value = 1.0
                lines.append(f"{code},{iso3},{round(value, 2)},{as_of.isoformat()},{SOURCE},")
    return ("\n".join(lines) + "\n").encode()


def gap_demo_build(*, actor) -> None:
    programme = Programme.objects.filter(code=PROGRAMME).first()
    if programme is None:
        return
    indicators_ensure(actor=actor)
    today = timezone.localdate()
    services.values_import(
        actor=actor, content=demo_values_file(today=today), file_name="demo-gap-values.csv", is_demo=True
    )
    spec = IndexSpec.objects.filter(programme=programme, is_demo=True).order_by("version").first()
    if spec is None:
        spec = services.spec_create(
            actor=actor,
            programme=programme,
            title={
                "en": "DEMO standardization gap index over the five disparities",
                "fr": "DÉMO Indice de l’écart en matière de normalisation sur les cinq disparités",
            },
            definition=DEFINITION,
            note="Demo specification: invented curated values, computed indicators from the demo records.",
            is_demo=True,
        )
    if not IndexRun.objects.filter(spec=spec, is_demo=True).exists():
        for as_of in (today - datetime.timedelta(days=365), today):
            services.run_record(actor=actor, spec=spec, as_of=as_of, seed=SEED, runs=RUNS, is_demo=True)
