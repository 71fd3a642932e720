"""What the database itself refuses, whatever path a write takes (admin, shell, import); and the admin pages."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from jalon.activities import services
from jalon.activities.models import Activity, ActivitySession, Attendance, Registration
from jalon.organisations.models import Organisation, Person
from tests.activities.conftest import activity_build, register

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def registration():
    return register(activity_build(), given_name="Awa", family_name="Sow")


def test_an_activity_cannot_end_before_it_starts_or_cost_less_than_nothing():
    organiser = Organisation.objects.get(acronym="ASN")
    base = {"title": {"en": "X"}, "type": "workshop", "modality": "virtual", "level": "global", "organiser": organiser}
    day = datetime.date(2026, 5, 1)
    assert refused(
        lambda: Activity.objects.create(code="a", start_date=day, end_date=day - datetime.timedelta(1), **base)
    )
    assert refused(
        lambda: Activity.objects.create(code="b", start_date=day, end_date=day, planned_budget=Decimal(-1), **base)
    )


@pytest.mark.parametrize(
    "field,value",
    [("pre_test_score", Decimal("100.01")), ("post_test_score", Decimal(-1)), ("satisfaction", 0), ("satisfaction", 6)],
)
def test_scores_and_ratings_stay_in_their_range(registration, field, value):
    assert refused(lambda: Registration.objects.filter(pk=registration.pk).update(**{field: value}))


def test_a_certificate_code_is_unique(registration):
    other = register(registration.activity, given_name="Omar", family_name="Ba")
    Registration.objects.filter(pk=registration.pk).update(certificate_code="AAAA-BBBB-CCCC-DDDD")
    assert refused(lambda: Registration.objects.filter(pk=other.pk).update(certificate_code="AAAA-BBBB-CCCC-DDDD"))


def test_attendance_is_one_row_per_registration_and_session(registration):
    session = ActivitySession.objects.create(activity=registration.activity, date=datetime.date(2026, 10, 5))
    Attendance.objects.create(registration=registration, session=session)
    assert refused(lambda: Attendance.objects.create(registration=registration, session=session))


def test_a_person_with_registrations_cannot_be_deleted_and_lose_their_history(registration):
    assert refused(lambda: Person.objects.filter(pk=registration.person_id).delete())


def test_the_admin_lists_and_shows_activities_and_registrations(client, users, registration):
    client.force_login(users["admin"])
    assert client.get("/fr/admin/activities/activity/").status_code == 200
    assert client.get("/fr/admin/activities/registration/").status_code == 200
    activity = registration.activity
    services.session_create(actor=None, activity=activity, date=datetime.date(2026, 10, 5))
    change = client.get(f"/fr/admin/activities/activity/{activity.pk}/change/")
    assert change.status_code == 200
    assert b"GSP workshop" in change.content or b"Atelier BPN" in change.content
    assert client.get(f"/fr/admin/activities/registration/{registration.pk}/change/").status_code == 200
