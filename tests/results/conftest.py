"""Fixtures for the results tests: small programmes built with the models, dated around today."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from jalon.organisations.models import Organisation
from jalon.results.models import Indicator, Level, Milestone, Period, Programme, Result
from tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fr(message: str) -> str:
    """A message as a French user reads it (whatever the state of the catalogue)."""
    with translation.override("fr"):
        return translation.gettext(message)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@dataclass
class Demo:
    """A small programme: periods `past` (over), `current` (running) and `future` (not started)."""

    programme: Programme
    past: Period
    current: Period
    future: Period
    level: Level
    result: Result
    indicators: dict[str, Indicator] = field(default_factory=dict)

    @property
    def periods(self) -> list[Period]:
        return [self.past, self.current, self.future]


def programme_build(
    *,
    code: str,
    owner: Organisation,
    published: bool = True,
    today: datetime.date | None = None,
) -> Demo:
    today = today or timezone.localdate()
    days = datetime.timedelta
    programme = Programme.objects.create(
        code=code,
        owner=owner,
        title={"fr": f"Programme {code}", "en": f"Programme {code}"},
        start_date=today - days(730),
        end_date=today + days(730),
        languages=["fr", "en"],
        published=published,
    )
    periods = [
        Period.objects.create(programme=programme, code=name, name={"fr": label, "en": label}, start=start, end=end)
        for name, label, start, end in (
            ("past", "Passée", today - days(730), today - days(366)),
            ("current", "En cours", today - days(365), today + days(365)),
            ("future", "À venir", today + days(366), today + days(730)),
        )
    ]
    level = Level.objects.create(
        programme=programme,
        key="outcome",
        name={"fr": "Résultat", "en": "Outcome"},
        iati_result_type=Level.IatiType.OUTCOME,
    )
    result = Result.objects.create(
        programme=programme, level=level, code="R1", title={"fr": "Résultat un", "en": "Outcome one"}, order=1
    )
    return Demo(programme, *periods, level=level, result=result)


def indicator_build(
    demo: Demo, code: str, *, milestones: tuple = (), result: Result | None = None, **fields
) -> Indicator:
    """An indicator with milestones given per period in order (past, current, future); None skips one."""
    defaults = {"title": {"fr": f"Indicateur {code}", "en": f"Indicator {code}"}}
    indicator = Indicator.objects.create(result=result or demo.result, code=code, **(defaults | fields))
    for period, value in zip(demo.periods, milestones, strict=False):
        if value is not None:
            Milestone.objects.create(indicator=indicator, period=period, value=Decimal(value))
    demo.indicators[code] = indicator
    return indicator


@pytest.fixture
def sdo(db):
    return OrganisationFactory(name="Demo standards body", acronym="DSB", kind=Organisation.Kind.INTERNATIONAL_SDO)


@pytest.fixture
def demo(sdo) -> Demo:
    """A published programme with a level indicator D1 (baseline 10; milestones 20, 30, 40; target 40)."""
    built = programme_build(code="demo", owner=sdo)
    indicator_build(
        built,
        "D1",
        milestones=("20", "30", "40"),
        baseline_value=Decimal(10),
        baseline_year=2024,
        target_value=Decimal(40),
        cumulation="latest",
    )
    return built
