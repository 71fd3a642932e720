"""The gap index's demo: the standard indicators, a small labelled curated file of invented values for the
imported indicators (and populations), labelled demo participation in ITU-T study groups (through the
committees' own service), a labelled demo specification of the ITU programme over the five disparities (its
participation pillar in two sub-pillars, ISO and ITU-T), and two runs a year apart.

The runs are dated on the demo records, not only on the day the demo is built: the demo's trainings are dated
(2021-2025), and a run whose window holds none of them has a human-resources pillar of 0 everywhere. The
specification reads two years of records (window_days 730); the later run is today, but no later than the
end of the year after the latest completed training, the earlier one a year before: both windows hold
trainings, and the later run sees the committees demo's later import (October 2026), whenever the demo is
built. Runs twice without duplicating anything."""

import datetime

import numpy as np
from django.utils import timezone

from jalon.activities.models import Registration
from jalon.committees.models import Committee, CommitteeMembership
from jalon.committees.services import membership_set
from jalon.gap import services
from jalon.gap.catalogue import indicators_ensure
from jalon.gap.models import IndexRun, IndexSpec
from jalon.organisations.models import Organisation
from jalon.results.models import Programme

PROGRAMME = "itu-res44"
# Developed and developing countries, so that the benchmark group and the gap both have members; the
# developing ones include those where the demo records have people trained.
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
    "BTN",
    "CIV",
    "CMR",
    "COD",
    "COG",
    "COL",
    "EGY",
    "ETH",
    "FJI",
    "GHA",
    "IDN",
    "IND",
    "KEN",
    "LBY",
    "MAR",
    "MDG",
    "MEX",
    "MLI",
    "MOZ",
    "NER",
    "NGA",
    "PAK",
    "PER",
    "PNG",
    "RWA",
    "SEN",
    "SWZ",
    "TUN",
    "TZA",
    "UGA",
    "VNM",
    "ZAF",
    "ZMB",
    "ZWE",
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
        {"code": "trained", "weight": 2},
        {"code": "sponsored", "weight": 1},
        {"code": "fellowships", "weight": 1},
        {"code": "p-share-iso", "weight": 2, "sub_pillar": "iso"},
        {"code": "leadership-iso", "weight": 1, "sub_pillar": "iso"},
        {"code": "p-share-itu", "weight": 2, "sub_pillar": "itu-t"},
        {"code": "meetings-itu", "weight": 1, "sub_pillar": "itu-t"},
        {"code": "contributions", "weight": 1},
    ],
    "sub_pillars": [
        {
            "code": "iso",
            "pillar": "participation",
            "weight": 1,
            "aggregation": "arithmetic",
            "name": {"en": "Participation in ISO", "fr": "Participation à l’ISO"},
        },
        {
            "code": "itu-t",
            "pillar": "participation",
            "weight": 2,
            "aggregation": "arithmetic",
            "name": {"en": "Participation in ITU-T", "fr": "Participation à l’UIT-T"},
        },
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
    "benchmark_group": {"kind": "non_developing"},
    "benchmark_min": 3,
    "window_days": 730,
}
# The main ITU-T study groups (not their regional groups) the demo's participation is recorded in.
STUDY_GROUPS = ["ITU-T SG2", "ITU-T SG3", "ITU-T SG5", "ITU-T SG11", "ITU-T SG12", "ITU-T SG13", "ITU-T SG15"]
DEMO_NOTE = "DEMO: invented participation for the gap index demonstration, not real data"


def demo_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The two runs' dates: today, at most the end of the year after the latest completed training of the
    demo records, and a year before."""
    latest = (
        Registration.objects.filter(completed=True, completed_on__isnull=False, completed_on__lte=today)
        .order_by("-completed_on")
        .values_list("completed_on", flat=True)
        .first()
    )
    end = min(datetime.date(latest.year + 1, 12, 31), today) if latest else today
    return end - datetime.timedelta(days=365), end


def demo_study_groups(*, actor, dates: tuple[datetime.date, datetime.date]) -> None:
    """Labelled demo participation in ITU-T study groups, through the committees' service: the developed
    countries in most of them from before the first run, some developing countries joining a few, more of
    them in the year between the runs (what the second run sees)."""
    groups = list(Committee.objects.filter(body=Committee.Body.ITU_T, reference__in=STUDY_GROUPS).order_by("pk"))
    if not groups:
        return
    rng = np.random.default_rng(SEED + 1)
    first, second = dates
    for iso3 in COUNTRIES:
        organisation = Organisation.objects.filter(country__iso3=iso3).order_by("pk").first()
        if organisation is None:
            continue
        developed = iso3 in DEVELOPED
        before = len(groups) - int(rng.integers(0, 3)) if developed else int(rng.integers(0, 3))
        later = 0 if developed else int(rng.integers(0, 3))
        for n, committee in enumerate(groups[: min(before + later, len(groups))]):
            on = first - datetime.timedelta(days=180) if n < before else second - datetime.timedelta(days=180)
            membership_set(
                actor=actor,
                committee=committee,
                member=organisation,
                status=CommitteeMembership.Status.P,
                on=on,
                note=DEMO_NOTE,
            )


def demo_values_file(*, dates: tuple[datetime.date, datetime.date]) -> bytes:
    """The labelled curated file: a value a month before each run per country and imported indicator (some
    left out, as real files do), the developing countries a little closer to the developed ones later."""
    rng = np.random.default_rng(SEED)
    lines = ["indicator,country,value,as_of,source,evidence"]
    dates = (dates[0] - datetime.timedelta(days=30), dates[1] - datetime.timedelta(days=30))
    for iso3 in COUNTRIES:
        developed = iso3 in DEVELOPED
        base = {
            "population": rng.uniform(8e6, 90e6) if developed else rng.uniform(1e6, 40e6),
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
    dates = demo_dates(timezone.localdate())
    demo_study_groups(actor=actor, dates=dates)
    services.values_import(
        actor=actor, content=demo_values_file(dates=dates), file_name="demo-gap-values.csv", is_demo=True
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
        for as_of in dates:
            services.run_record(actor=actor, spec=spec, as_of=as_of, seed=SEED, runs=RUNS, is_demo=True)
