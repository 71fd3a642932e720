import pytest
from django.db import transaction

from jalon.organisations.models import Organisation
from jalon.results.demo import demo_history_build
from jalon.results.models import Programme
from jalon.results.services import SEED_FRAMEWORKS, frameworks_load


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The three seed frameworks, loaded once per module in a transaction rolled back at its end; each
    test runs in a savepoint inside it (as in tests/results/test_seed_frameworks.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def frameworks(seeded, db):
    """The seed frameworks, by code."""
    return {programme.code: programme for programme in Programme.objects.filter(code__in=SEED_FRAMEWORKS)}


@pytest.fixture
def demo_history(frameworks, users, nsb):
    """The seeds plus the demo indicators and history on the ISO Action Plan, as `jalon demo` builds them."""
    assert nsb.kind == Organisation.Kind.NSB
    demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
    return frameworks
