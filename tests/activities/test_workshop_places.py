"""Places, waiting list and registration deadline (issue 19): a full activity says so before the form is
filled and offers its waiting list; a freed place goes to the first waiting (audited, told by e-mail); the
public form closes after the deadline."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from jalon.accounts.models import AuditEntry
from jalon.activities import services
from jalon.activities.models import Registration
from tests.activities.conftest import activity_build, country, register
from tests.activities.test_pages import main_text, page_url


def person(n: int) -> dict:
    return {"given_name": f"Given{n}", "family_name": f"Family{n}", "email": f"p{n}@example.org"}


def form(n: int) -> dict:
    return person(n) | {"country": country("SEN").pk, "function": "regulator"}


@pytest.fixture
def full(db):
    activity = activity_build(capacity=2)
    register(activity, **person(1))
    register(activity, **person(2))
    return activity


def test_a_full_activity_refuses_a_registration_unless_on_the_waiting_list(full):
    with pytest.raises(ValidationError, match="complète"):
        register(full, **person(3))
    waiting = services.registration_create(actor=None, activity=full, person_details=person(3), waiting_list=True)
    assert waiting.status == Registration.Status.WAITING
    assert services.waiting_position(waiting) == 1
    assert services.places_taken(full) == 2


@pytest.mark.parametrize(
    ("language", "says", "button"),
    [
        ("en", "This activity is full (2 places).", "Join the waiting list"),
        ("fr", "Cette activité est complète (2 places).", "S’inscrire sur la liste d’attente"),
    ],
)
def test_the_public_form_says_the_activity_is_full_before_it_is_filled(client, full, language, says, button):
    response = client.get(page_url("activities:registration_create", language, code=full.code))
    text = main_text(response)
    assert says in text and button in text


def test_the_public_form_puts_a_late_comer_on_the_waiting_list(client, full):
    url = page_url("activities:registration_create", code=full.code)
    response = client.post(url, form(3) | {"waiting_list": "1"}, follow=True)
    assert "you are on its waiting list" in main_text(response)
    assert full.registrations.get(person__email="p3@example.org").status == Registration.Status.WAITING


def test_a_freed_place_goes_to_the_first_waiting_audited_and_told_by_email(full, django_capture_on_commit_callbacks):
    first = services.registration_create(actor=None, activity=full, person_details=person(3), waiting_list=True)
    second = services.registration_create(actor=None, activity=full, person_details=person(4), waiting_list=True)
    leaving = full.registrations.get(person__email="p1@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=None, registration=leaving)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED
    assert second.status == Registration.Status.WAITING and services.waiting_position(second) == 1
    assert AuditEntry.objects.filter(object_id=str(first.pk), action=AuditEntry.Action.UPDATE).exists()
    assert [message.to for message in mail.outbox] == [["p3@example.org"]]
    assert "A place is yours" in mail.outbox[0].subject or "Une place" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == f"{full.code}.ics"


def test_more_places_promote_the_waiting(full, django_capture_on_commit_callbacks):
    waiting = services.registration_create(actor=None, activity=full, person_details=person(3), waiting_list=True)
    full.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_update(actor=None, activity=full, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


def test_someone_on_the_waiting_list_cannot_complete(full):
    waiting = services.registration_create(actor=None, activity=full, person_details=person(3), waiting_list=True)
    with pytest.raises(ValidationError, match="liste d’attente"):
        services.registration_complete(actor=None, registration=waiting)


def test_a_cancelled_registration_reopened_needs_a_place_too(full):
    leaving = full.registrations.get(person__email="p1@example.org")
    services.registration_cancel(actor=None, registration=leaving)
    register(full, **person(3))  # the place freed is taken
    with pytest.raises(ValidationError, match="complète"):
        services.registration_create(actor=None, activity=full, person=leaving.person)


@pytest.mark.parametrize(
    ("language", "says"), [("en", "Registration closed on"), ("fr", "Les inscriptions ont fermé le")]
)
def test_after_the_deadline_the_public_form_is_closed_with_a_message(client, db, language, says):
    activity = activity_build(registration_deadline=timezone.localdate() - datetime.timedelta(days=1))
    response = client.get(page_url("activities:registration_create", language, code=activity.code))
    assert response.status_code == 403 and says in main_text(response)
    response = client.post(page_url("activities:registration_create", language, code=activity.code), form(1))
    assert response.status_code == 403 and not activity.registrations.exists()


def test_the_deadline_binds_the_public_form_not_the_organisers(db, users):
    activity = activity_build(registration_deadline=timezone.localdate() - datetime.timedelta(days=1))
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError, match="fermé"):
        services.registration_create(
            actor=AnonymousUser(), activity=activity, person_details=person(1), source=Registration.Source.FORM
        )
    registration = services.registration_create(actor=users["manager"], activity=activity, person_details=person(1))
    assert registration.status == Registration.Status.REGISTERED


def test_on_the_deadline_day_the_form_is_open(client, db):
    activity = activity_build(registration_deadline=timezone.localdate())
    response = client.get(page_url("activities:registration_create", code=activity.code))
    assert response.status_code == 200 and "Registration closes at the end of" in main_text(response)


def test_an_organiser_adding_someone_to_a_full_activity_puts_them_on_the_waiting_list(client_as, full):
    client = client_as("focal")
    url = page_url("activities:registration_create", code=full.code)
    assert "This activity is full (2 places)." in main_text(client.get(url))
    response = client.post(url, person(3) | {"waiting_list": "1"}, follow=True)
    assert "is on the waiting list (number 1)." in main_text(response)
    text = main_text(client.get(page_url("activities:activity_detail", code=full.code)))
    assert "On the waiting list" in text


def test_the_activity_page_gives_the_deadline_and_the_calendar(client, db):
    activity = activity_build(registration_deadline=datetime.date(2026, 9, 30))
    text = main_text(client.get(page_url("activities:activity_detail", "fr", code=activity.code)))
    assert "Date limite d’inscription" in text and "Ajouter à mon agenda (.ics)" in text


def test_the_api_puts_someone_on_the_waiting_list_when_asked_and_refuses_a_place_otherwise(client_as, full):
    import json

    client = client_as("focal")

    def post(body):
        return client.post("/api/v1/registrations/", json.dumps(body), content_type="application/json")

    body = {"activity": full.code, "person_details": person(3)}
    response = post(body)
    assert response.status_code == 400 and "complète" in response.json()["non_field_errors"][0]
    response = post(body | {"status": "waiting"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "waiting"
