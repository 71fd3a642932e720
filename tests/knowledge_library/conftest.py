import pytest

from jalon.results.models import Programme
from jalon.results.services import frameworks_load


@pytest.fixture
def frameworks(db):
    frameworks_load()
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def ilo(frameworks):
    return frameworks["ilo-tc-2010-2015"]
