"""The gap index's computed indicators for the results engine: the median score of the developing countries
(index and participation pillar) with each country's, and the developing countries whose gap closed."""

import datetime
from decimal import Decimal

import pytest

from jalon.committees.models import CommitteeMembership
from jalon.gap import services
from jalon.organisations.models import Organisation
from jalon.reference.models import DevelopingCountryRule
from jalon.reference.selectors import developing_countries
from jalon.results.computations import REGISTRY
from jalon.results.models import Period
from tests.gap.conftest import AS_OF, member


def period(programme, year: int) -> Period:
    return Period.objects.create(
        programme=programme,
        code=str(year),
        name={"en": str(year)},
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
    )


def test_scores_and_closure_of_the_latest_run_in_the_period(gap):
    programme = gap["programme"]
    first, second = period(programme, 2025), period(programme, 2026)
    assert REGISTRY["gap_index_developing"].compute(programme, second) == []
    # Every member from a country that is not developing is a P-member of one of the two committees: the
    # benchmark group's participation is above zero, and Kenya's gap with it.
    developing = developing_countries(rule=DevelopingCountryRule.objects.get(code="dac-eligible"))
    for organisation in Organisation.objects.filter(iso_member_id__isnull=False).exclude(country__in=developing):
        CommitteeMembership.objects.get_or_create(committee=gap["committees"][0], member=organisation, status="p")
    baseline = services.run_record(actor=None, spec=gap["spec"], as_of=datetime.date(2026, 1, 15), seed=1, runs=20)
    CommitteeMembership.objects.create(committee=gap["committees"][1], member=member("KEBS"), status="p")
    later = services.run_record(actor=None, spec=gap["spec"], as_of=AS_OF, seed=1, runs=20)
    assert later.baseline == baseline
    parts = REGISTRY["gap_participation_developing"].compute(programme, second)
    senegal = next(p for p in parts if p.code == "SEN")
    row = next(r for r in later.outputs["countries"] if r["iso3"] == "SEN")
    assert senegal.value == Decimal(str(round(row["pillars"]["participation"], 2)))
    developing = sorted(
        r["pillars"]["participation"] for r in later.outputs["countries"] if r["scored"] and r["developing"]
    )
    assert parts[0].dimension is None and len(parts) == len(developing) + 1
    index = REGISTRY["gap_index_developing"].compute(programme, second)
    assert index[0].dimension is None and index[0].value >= 0
    closed = REGISTRY["gap_closed_developing"].compute(programme, second)
    codes = {p.code for p in closed[1:]}
    kenya = [next(r for r in run.outputs["countries"] if r["iso3"] == "KEN") for run in (baseline, later)]
    assert kenya[0]["gap"] > 0
    assert kenya[1]["closure"] == pytest.approx(1 - kenya[1]["gap"] / kenya[0]["gap"], abs=1e-5)
    assert "KEN" in codes and closed[0].value == len(codes)
    assert REGISTRY["gap_closed_developing"].compute(programme, first) == []
