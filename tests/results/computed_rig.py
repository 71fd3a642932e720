"""What the real-worker test of computed indicators runs in the rig's processes (tests/jobs/rig.py), with the
services as the pages call them: a programme whose indicator counts the people trained at an activity that
serves it, one person registered and not yet present; then the write that makes them trained."""

import datetime

from django.utils import timezone

from jalon.activities import services as activities
from jalon.activities.models import Activity, ActivitySession, Registration
from jalon.organisations.models import Organisation
from jalon.results.computations import indicator_link_computation
from jalon.results.models import Indicator, Level, Period, Programme, Result


def world_build() -> None:
    today = timezone.localdate()
    year = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    owner = Organisation.objects.create(name={"en": "Rig standards body"}, acronym="RIG")
    programme = Programme.objects.create(
        code="rig", owner=owner, title={"en": "Rig programme"}, start_date=year[0], end_date=year[1]
    )
    Period.objects.create(
        programme=programme, code=str(today.year), name={"en": str(today.year)}, start=year[0], end=year[1]
    )
    level = Level.objects.create(programme=programme, key="output", name={"en": "Output"}, iati_result_type=1)
    output = Result.objects.create(programme=programme, level=level, code="OP1", title={"en": "Skills"})
    activity = activities.activity_create(
        actor=None,
        code="rig-webinar",
        title={"en": "Rig webinar"},
        type=Activity.Type.WEBINAR,
        modality=Activity.Modality.VIRTUAL,
        level=Activity.Level.GLOBAL,
        start_date=today,
        end_date=today,
        organiser=owner,
        status=Activity.Status.OPEN,
        outputs=[output],
    )
    activities.session_create(actor=None, activity=activity, date=today)
    activities.registration_create(
        actor=None, activity=activity, person_details={"given_name": "Ada", "family_name": "Rig"}
    )
    indicator = Indicator.objects.create(result=output, code="T1", title={"en": "People trained"})
    indicator_link_computation(actor=None, indicator=indicator, key="activities_participants_trained")


def attendance_write(*, present: bool) -> None:
    """Ada was present (one person trained), or not (the write of the attendance page)."""
    registration = Registration.objects.get(person__given_name="Ada")
    session = ActivitySession.objects.get(activity__code="rig-webinar")
    activities.attendance_record(actor=None, session=session, present={registration.pk: present})
