"""The committees demo: the real file, a later copy with a few changes, ITU-T groups, meetings, and a demo
indicator that fills itself."""

from collections import Counter

import pytest

from jalon.committees.demo import committees_demo_build
from jalon.committees.models import Committee, LeadershipRole, MeetingDelegate, ParticipationEvent
from jalon.results.models import Indicator
from jalon.results.services import frameworks_load

pytestmark = pytest.mark.django_db


def test_the_demo_shows_dated_changes_meetings_and_a_computed_indicator(django_capture_on_commit_callbacks, users):
    frameworks_load()
    with django_capture_on_commit_callbacks(execute=True):
        committees_demo_build(actor=users["manager"])
        committees_demo_build(actor=users["manager"])  # a second run adds nothing

    kinds = Counter(ParticipationEvent.objects.values_list("kind", flat=True))
    assert kinds == {"o_to_p": 6, "p_to_o": 1, "left": 1, "secretariat_moved": 1}
    moved = set(ParticipationEvent.objects.filter(kind="o_to_p").values_list("organisation__acronym", flat=True))
    assert moved == {"ASN", "KEBS", "ABNORM"}
    assert Committee.objects.filter(body="itu_t").count() == 17
    assert MeetingDelegate.objects.filter(sponsored=True, present=True).count() == 3
    indicator = Indicator.objects.get(code="D20", computation="committees_leadership_developing")
    assert indicator.is_demo
    assert indicator.measurements.filter(dimension_value=None, period__code="2025").get().value > 0
    # Every made-up leadership role, the ABNT co-secretariat among them, says it is demo data.
    assert LeadershipRole.objects.filter(role="co_secretariat", organisation__acronym="ABNT").get().is_demo
    assert not LeadershipRole.objects.filter(note="Demo", is_demo=False).exists()
