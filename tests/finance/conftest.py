import pytest
from django.db import transaction
from django.test import TestCase

from jalon.accounts.models import User
from jalon.finance.demo import finance_demo_build
from jalon.results.models import Programme
from jalon.results.services import frameworks_load


@pytest.fixture
def frameworks(db):
    frameworks_load()
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture(scope="module")
def finance_demo_built(django_db_setup, django_db_blocker):
    """The seed frameworks and the finance demo (its after-commit work run), built once per module in a
    transaction rolled back at its end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        with TestCase.captureOnCommitCallbacks(execute=True):
            finance_demo_build(actor=User.objects.get(username="manager"))
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(finance_demo_built, db):
    return {p.code: p for p in Programme.objects.all()}
