import datetime

import pytest

from jalon.committees.models import Committee, CommitteeMembership
from jalon.gap import services
from jalon.gap.catalogue import indicators_ensure
from jalon.organisations.models import Organisation
from jalon.results.models import Programme

AS_OF = datetime.date(2026, 6, 30)

POPULATION = """indicator,country,value,as_of,source,evidence
population,SEN,18000000,2025-12-31,UN WPP 2024 (test),
population,KEN,55000000,2025-12-31,UN WPP 2024 (test),
population,FRA,68000000,2025-12-31,UN WPP 2024 (test),
population,DEU,84000000,2025-12-31,UN WPP 2024 (test),
identical-adoptions,SEN,40,2025-12-31,Test curated file,
identical-adoptions,FRA,90,2025-12-31,Test curated file,
"""

DEFINITION = {
    "indicators": [
        {"code": "p-share", "weight": 2},
        {"code": "leadership", "weight": 1},
        {"code": "meetings", "weight": 1},
        {"code": "trained", "weight": 1},
        {"code": "sponsored", "weight": 1},
        {"code": "fellowships", "weight": 1},
    ],
    "pillar_weights": {"participation": 1, "human_resources": 1},
    "screen_threshold": 0.5,
    "normalisation": "goalposts",
    "aggregation": "arithmetic",
    "alternatives": {"imputation": ["none", "median", "mean"]},
    "weight_noise": 0.25,
}


def member(acronym: str) -> Organisation:
    return Organisation.objects.get(acronym=acronym)


@pytest.fixture
def gap(db):
    """The standard indicators, a programme of ISO with an index specification, two committees with
    P-members (AFNOR, DIN, ASN) and an O-member (KEBS), populations imported."""
    indicators_ensure()
    iso = Organisation.objects.get(acronym="ISO")
    programme = Programme.objects.create(
        code="gap-test",
        owner=iso,
        title={"en": "Gap test"},
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    spec = services.spec_create(actor=None, programme=programme, title={"en": "Test index"}, definition=DEFINITION)
    services.values_import(actor=None, content=POPULATION.encode(), file_name="population.csv")
    committees = [
        Committee.objects.create(body="iso", kind="tc", reference=f"ISO/TC {900 + n}", title={"en": f"T{n}"})
        for n in range(2)
    ]
    for committee in committees:
        for acronym in ("AFNOR", "DIN"):
            CommitteeMembership.objects.create(committee=committee, member=member(acronym), status="p")
    CommitteeMembership.objects.create(committee=committees[0], member=member("ASN"), status="p")
    CommitteeMembership.objects.create(committee=committees[0], member=member("KEBS"), status="o")
    return {"programme": programme, "spec": spec, "committees": committees}
