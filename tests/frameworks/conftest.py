"""Fixtures for the framework builder: the `demo` programme of the results tests, and the shared client."""

from decimal import Decimal

import pytest

from jalon.organisations.models import Organisation
from tests.client import Client
from tests.factories import OrganisationFactory
from tests.results.conftest import Demo, indicator_build, programme_build

_shared = {}


@pytest.fixture
def client():
    """pytest-django's client sharing one request handler across tests (as in tests/access)."""
    client = Client()
    if "handler" in _shared:
        client.handler = _shared["handler"]
    else:
        _shared["handler"] = client.handler
    return client


@pytest.fixture
def sdo(db):
    return OrganisationFactory(name="Demo standards body", acronym="DSB", kind=Organisation.Kind.INTERNATIONAL_SDO)


@pytest.fixture
def demo(sdo) -> Demo:
    """A published programme (periods past, current, future; level outcome; result R1) with indicator D1."""
    built = programme_build(code="demo", owner=sdo)
    indicator_build(built, "D1", milestones=("20", "30", "40"), baseline_value=Decimal(10), target_value=Decimal(40))
    return built
