"""The demo activities: of the seed kinds, at every level, in French and English, and the seed-001-style
headline they give. One test, because building the demo is the slow part."""

import pytest

from jalon.activities.demo import ACTIVITIES, demo_activities_build
from jalon.activities.imports import PARTICIPANTS
from jalon.activities.models import Activity, Registration
from jalon.activities.selectors import reach_headline
from jalon.jobs.models import Job
from jalon.results.models import Indicator, Measurement, Programme
from jalon.results.services import frameworks_load

pytestmark = pytest.mark.django_db


def test_the_demo_covers_the_seed_kinds_and_its_indicators_give_the_reach_headline(users):
    frameworks_load()
    built = demo_activities_build(actor=users["manager"])

    demo = Activity.objects.filter(is_demo=True)
    assert demo.count() == len(ACTIVITIES) + 2
    assert set(demo.values_list("level", flat=True)) == {"global", "regional", "national"}
    assert len(set(demo.values_list("type", flat=True))) >= 12
    assert set(demo.values_list("languages__code", flat=True)) >= {"fr", "en"}
    assert built == Registration.objects.filter(activity__is_demo=True).count() >= 300
    # Each participant list came in as its organiser would bring it: one import per activity with participants.
    imports = Job.objects.filter(kind=PARTICIPANTS, status=Job.Status.SUCCEEDED)
    assert sorted(imports.values_list("subject_id", flat=True)) == sorted(
        demo.filter(registrations__isnull=False).distinct().values_list("pk", flat=True)
    )
    assert sum(job.result["registrations_created"] for job in imports) == built

    programme = Programme.objects.get(code="iso-ap-2021-2025")
    period = programme.periods.get(code="2023")
    headline = reach_headline(programme=programme, period=period)
    assert headline.participants > 50 and headline.countries > 20
    trained = Indicator.objects.get(result__programme=programme, code="DA1")
    assert trained.is_demo and trained.source == Indicator.Source.COMPUTED
    assert Measurement.objects.get(indicator=trained, period=period, dimension_value__isnull=True).value == (
        headline.participants
    )
    countries = Indicator.objects.get(result__programme=programme, code="DA2")
    assert Measurement.objects.get(indicator=countries, period=period, dimension_value__isnull=True).value == (
        headline.countries
    )

    # Building again (a second `jalon demo` on the same database) adds nothing.
    assert demo_activities_build(actor=users["manager"]) == built
    assert Activity.objects.filter(is_demo=True).count() == len(ACTIVITIES) + 2
