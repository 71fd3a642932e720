import pytest

from jalon.finance.demo import finance_demo_build
from jalon.results.models import Programme
from jalon.results.services import frameworks_load


@pytest.fixture
def frameworks(db):
    frameworks_load()
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def demo(frameworks, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        finance_demo_build(actor=users["manager"])
    return frameworks
