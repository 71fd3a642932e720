"""Fixtures for the activities tests: a small programme with fixed yearly periods (2025, 2026; the
shipped income groups hold from July 2026) and builders for activities and participants."""

import datetime
from dataclasses import dataclass

import pytest

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.models import Level, Period, Programme, Result


@dataclass
class Reach:
    programme: Programme
    p2025: Period
    p2026: Period
    output: Result
    other_output: Result
    foreign_output: Result  # an output of another programme


@pytest.fixture
def reach(db) -> Reach:
    iso = Organisation.objects.get(acronym="ISO")
    programme = Programme.objects.create(
        code="reach",
        owner=iso,
        title={"fr": "Programme de formation", "en": "Training programme"},
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        languages=["fr", "en"],
    )
    periods = [
        Period.objects.create(
            programme=programme,
            code=str(year),
            name={"fr": str(year), "en": str(year)},
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
        )
        for year in (2025, 2026)
    ]
    level = Level.objects.create(
        programme=programme, key="output", name={"fr": "Produit", "en": "Output"}, iati_result_type=1
    )
    output = Result.objects.create(programme=programme, level=level, code="OP1", title={"en": "Skills acquired"})
    other = Result.objects.create(programme=programme, level=level, code="OP2", title={"en": "Tools in place"})
    elsewhere = Programme.objects.create(
        code="elsewhere",
        owner=iso,
        title={"en": "Another programme"},
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    elsewhere_level = Level.objects.create(programme=elsewhere, key="output", name={"en": "Output"}, iati_result_type=1)
    foreign = Result.objects.create(programme=elsewhere, level=elsewhere_level, code="X1", title={"en": "Elsewhere"})
    return Reach(programme, *periods, output=output, other_output=other, foreign_output=foreign)


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


def activity_build(*, actor=None, code="gsp-workshop", outputs=(), **fields) -> Activity:
    """A national workshop in Senegal, organised by ASN, in October 2026 (override what a test needs)."""
    defaults = {
        "title": {"fr": "Atelier BPN", "en": "GSP workshop"},
        "type": Activity.Type.WORKSHOP,
        "modality": Activity.Modality.IN_PERSON,
        "level": Activity.Level.NATIONAL,
        "countries": [country("SEN")],
        "start_date": datetime.date(2026, 10, 5),
        "end_date": datetime.date(2026, 10, 7),
        "organiser": Organisation.objects.get(acronym="ASN"),
        "status": Activity.Status.OPEN,
    }
    return services.activity_create(actor=actor, code=code, outputs=list(outputs), **(defaults | fields))


def register(activity, actor=None, **details):
    """Register someone described by `details` (find-or-create), e.g. given_name/family_name/sex/organisation."""
    return services.registration_create(actor=actor, activity=activity, person_details=details)


@pytest.fixture
def asn(db):
    return Organisation.objects.get(acronym="ASN")


@pytest.fixture
def kebs(db):
    return Organisation.objects.get(acronym="KEBS")
