"""E-mails of the support workflows (issue 19): the decision on a sponsorship or fellowship reaches the
candidate and the applicant organisation's focal point, each in their language; a sponsored delegate is
reminded of the report due, once, by the worker's periodic run."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from jalon.accounts.models import User
from jalon.committees.models import Meeting
from jalon.jobs.queue import RECOVERIES, recoveries_run
from jalon.support import services
from jalon.support.mail import REPORT_DAYS, report_reminders_send
from jalon.support.models import Sponsorship
from tests.support.test_workflow import run_to

pytestmark = pytest.mark.django_db


def by_recipient() -> dict[str, mail.EmailMessage]:
    return {message.to[0]: message for message in mail.outbox}


def test_an_approval_reaches_the_candidate_and_the_focal_point_in_their_languages(
    make_sponsorship, users, world, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=users["focal"].pk).update(preferred_language="en")
    world.expert.email = "awa.diop@example.sn"
    world.expert.save()
    sponsorship = make_sponsorship()
    with django_capture_on_commit_callbacks(execute=True):
        sponsorship = run_to(sponsorship, users, "check")
    assert mail.outbox == []  # a check that passes decides nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.sponsorship_approve(
            actor=users["manager"], sponsorship=sponsorship, note="Bon dossier.", version=sponsorship.version
        )
    sent = by_recipient()
    assert set(sent) == {"awa.diop@example.sn", "focal@example.org"}
    # The focal point reads English; the candidate, without an account, the language of who filed it.
    assert sent["focal@example.org"].subject == "Sponsorship approved: Awa Diop"
    assert "ISO/TC 34" in sent["focal@example.org"].body and "Bon dossier." in sent["focal@example.org"].body
    assert "reports on it by" in sent["focal@example.org"].body
    assert sent["awa.diop@example.sn"].subject == sent["focal@example.org"].subject


def test_a_refusal_sends_its_reasons_in_french(
    make_sponsorship, make_fellowship, users, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=users["focal"].pk).update(preferred_language="fr")
    sponsorship = run_to(make_sponsorship(), users, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        services.sponsorship_refuse(
            actor=users["manager"], sponsorship=sponsorship, reasons="Budget épuisé.", version=sponsorship.version
        )
    (message,) = mail.outbox
    assert message.to == ["focal@example.org"]
    assert message.subject == "Parrainage refusé : Awa Diop"
    assert "Budget épuisé." in message.body

    mail.outbox.clear()
    fellowship = make_fellowship()
    fellowship = services.fellowship_submit(actor=users["manager"], fellowship=fellowship, version=fellowship.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.fellowship_approve(
            actor=users["manager"], fellowship=fellowship, note="Vu.", version=fellowship.version
        )
    # The ministry has no focal point here; the one who filed it (the manager) is told.
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    assert "Fatou Sarr" in mail.outbox[0].subject


def test_the_report_due_is_recalled_once_by_the_worker(make_sponsorship, users, world):
    sponsorship = run_to(make_sponsorship(), users, "attend")
    assert "support_report_reminders" in RECOVERIES
    today = timezone.localdate()

    def meeting_ended(days_ago, meeting=world.meeting):
        Meeting.objects.filter(pk=meeting.pk).update(
            start_date=today - datetime.timedelta(days=days_ago + 2), end_date=today - datetime.timedelta(days=days_ago)
        )

    meeting_ended(10)  # due in 20 days: not yet
    mail.outbox.clear()
    assert report_reminders_send() == 0
    meeting_ended(REPORT_DAYS - 5)  # due in 5 days
    assert recoveries_run()["support_report_reminders"] == 1
    assert recoveries_run()["support_report_reminders"] == 0  # never twice
    (message,) = mail.outbox
    assert message.to == ["focal@example.org"] and "Awa Diop" in message.subject
    assert f"/support/sponsorships/{sponsorship.pk}/" in message.body
    sponsorship.refresh_from_db()
    assert sponsorship.report_reminded_at is not None

    # A report already overdue is not recalled (the team follows it up).
    other = run_to(make_sponsorship(person=world.other_expert, meeting=world.other_meeting), users, "attend")
    meeting_ended(REPORT_DAYS + 3, world.other_meeting)
    assert report_reminders_send() == 0
    assert Sponsorship.objects.get(pk=other.pk).report_reminded_at is None
