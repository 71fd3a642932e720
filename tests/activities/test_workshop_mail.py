"""E-mails to participants and calendars (issue 19): the confirmation with the activity's details and its
.ics, in the participant's language; reminders the day before a session and a week after an unanswered
survey, each sent once however often the worker runs; the .ics of an activity and of the calendar."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from jalon.activities import links, services
from jalon.activities import mail as activity_mail
from jalon.activities.models import ParticipantMessage
from jalon.jobs.queue import RECOVERIES
from jalon.reference.models import Language
from tests.activities.conftest import activity_build
from tests.activities.test_pages import page_url


def details(n: int) -> dict:
    return {"given_name": f"Given{n}", "family_name": f"Family{n}", "email": f"p{n}@example.org"}


@pytest.fixture
def soon(db):
    """A workshop whose two sessions are tomorrow and in three days."""
    today = timezone.localdate()
    activity = activity_build(
        code="soon",
        start_date=today + datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=3),
        venue="Dakar, Hôtel Terrou-Bi",
    )
    services.session_create(
        actor=None,
        activity=activity,
        date=activity.start_date,
        start_time=datetime.time(9),
        end_time=datetime.time(17),
        title="Day 1",
    )
    services.session_create(actor=None, activity=activity, date=activity.end_date, title="Day 3")
    return activity


def test_the_confirmation_has_the_details_and_the_sessions_as_ics(soon, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=None, activity=soon, person_details=details(1), language="en")
    [message] = mail.outbox
    assert message.to == ["p1@example.org"] and message.subject == "Registration confirmed: GSP workshop"
    assert "Dakar, Hôtel Terrou-Bi" in message.body and "Day 1" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("soon.ics", "text/calendar")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["GSP workshop – Day 1", "GSP workshop – Day 3"]


def test_the_confirmation_speaks_the_registrations_language_else_the_activitys(
    soon, django_capture_on_commit_callbacks
):
    soon.languages.set([Language.objects.get(code="fr")])
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=None, activity=soon, person_details=details(1))
        services.registration_create(actor=None, activity=soon, person_details=details(2), language="en")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["p1@example.org"] == "Inscription confirmée : Atelier BPN"
    assert subjects["p2@example.org"] == "Registration confirmed: GSP workshop"


def test_the_public_form_records_the_pages_language(client, soon, django_capture_on_commit_callbacks):
    from jalon.reference.models import Country

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page_url("activities:registration_create", "en", code=soon.code),
            details(5) | {"country": Country.objects.get(iso3="SEN").pk, "function": "regulator"},
        )
    assert soon.registrations.get().language == "en"
    assert mail.outbox[0].subject.startswith("Registration confirmed")


def test_the_waiting_list_confirmation_gives_the_position(db, django_capture_on_commit_callbacks):
    activity = activity_build(capacity=1)
    services.registration_create(actor=None, activity=activity, person_details=details(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(
            actor=None, activity=activity, person_details=details(2), waiting_list=True, language="en"
        )
    [message] = mail.outbox
    assert message.subject == "Waiting list: GSP workshop" and "number 1 on its waiting list" in message.body
    assert not message.attachments


def test_reminders_go_the_day_before_a_session_once(soon):
    for n in (1, 2):
        services.registration_create(actor=None, activity=soon, person_details=details(n), language="en")
    services.registration_create(actor=None, activity=soon, person_details=details(3) | {"email": ""})
    mail.outbox.clear()
    assert activity_mail.scheduled_send() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["p1@example.org", "p2@example.org"]
    assert all(message.subject.startswith("Reminder: GSP workshop") for message in mail.outbox)
    assert activity_mail.scheduled_send() == 0  # never twice
    call_command("send_reminders")
    assert len(mail.outbox) == 2
    assert ParticipantMessage.objects.filter(key__startswith="reminder:").count() == 2


def test_the_worker_runs_the_reminders_every_minute(soon):
    services.registration_create(actor=None, activity=soon, person_details=details(1))
    mail.outbox.clear()
    assert RECOVERIES["activity_reminders"]() == 1


def test_no_reminder_for_a_cancelled_registration_or_a_later_session(soon):
    registration = services.registration_create(actor=None, activity=soon, person_details=details(1))
    services.registration_cancel(actor=None, registration=registration)
    mail.outbox.clear()
    assert activity_mail.scheduled_send() == 0
    later = timezone.now() + datetime.timedelta(days=2)  # the 3rd day's session is tomorrow then
    services.registration_create(actor=None, activity=soon, person=registration.person)
    mail.outbox.clear()
    assert activity_mail.scheduled_send(later) == 1 and "Day 3" in mail.outbox[0].subject


def test_an_unanswered_survey_is_recalled_once_a_week_later(db):
    activity = activity_build(
        start_date=timezone.localdate() - datetime.timedelta(days=20),
        end_date=timezone.localdate() - datetime.timedelta(days=19),
    )
    answered = services.registration_create(actor=None, activity=activity, person_details=details(1))
    silent = services.registration_create(actor=None, activity=activity, person_details=details(2), language="en")
    for registration in (answered, silent):
        assert activity_mail.survey_send(registration, links.SATISFACTION)
    assert not activity_mail.survey_send(silent, links.SATISFACTION)  # once per survey
    services.survey_answer(registration=answered, survey=links.SATISFACTION, satisfaction=4)
    mail.outbox.clear()
    assert activity_mail.scheduled_send() == 0  # too early
    week = timezone.now() + datetime.timedelta(days=activity_mail.SURVEY_REMINDER_DAYS, minutes=1)
    assert activity_mail.scheduled_send(week) == 1
    assert mail.outbox[0].to == ["p2@example.org"] and mail.outbox[0].subject.startswith("Reminder: Your opinion")
    assert activity_mail.scheduled_send(week) == 0


def test_the_activity_ics_has_one_event_per_session_with_times(client, soon):
    response = client.get(page_url("activities:activity_ics", code=soon.code))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart").hour == 9 and first.decoded("dtend").hour == 17
    assert str(first["location"]) == "Dakar, Hôtel Terrou-Bi"
    assert events[1].decoded("dtstart") == soon.end_date  # no time: an all-day event
    assert str(first["url"]).endswith(f"/activities/{soon.code}/")


def test_an_activity_without_session_is_one_all_day_event(client, db):
    activity = activity_build()
    events = Calendar.from_ical(client.get(page_url("activities:activity_ics", "fr", code=activity.code)).content).walk(
        "VEVENT"
    )
    assert [str(event["summary"]) for event in events] == ["Atelier BPN"]
    assert events[0].decoded("dtend") == activity.end_date + datetime.timedelta(days=1)


def test_the_calendar_ics_lists_the_activities_one_may_see(client, db):
    activity_build(code="shown")
    activity_build(code="hidden", published=False)
    content = client.get(page_url("activities:activities_ics")).content
    uids = {str(event["uid"]) for event in Calendar.from_ical(content).walk("VEVENT")}
    assert len(uids) == 1
    assert b"GSP workshop" in content


def test_an_unpublished_activitys_ics_is_not_found_for_the_public(client, db):
    activity = activity_build(published=False)
    assert client.get(page_url("activities:activity_ics", code=activity.code)).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_calendar_ics_costs_the_same_whatever_its_size(client, db, count, django_assert_max_num_queries):
    for n in range(count):
        activity_build(code=f"a{n:03}")
    with django_assert_max_num_queries(5):
        response = client.get(page_url("activities:activities_ics"))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count


def test_an_activitys_ics_costs_the_same_whatever_its_sessions(client, soon, django_assert_max_num_queries):
    for _n in range(5):
        services.session_create(actor=None, activity=soon, date=soon.start_date)
    with django_assert_max_num_queries(3):
        client.get(page_url("activities:activity_ics", code=soon.code))
