"""Issue 17's forum line, end to end through the services and selectors: a focal point asks in French with an
ITU-T Recommendation; the two matching French-reading experts get it in their inbox and by e-mail, each in
their own language; one answers, the answer is accepted; the English version of the thread shows the same
accepted answer; the median-time indicator moves."""

import datetime

import pytest
from django.core import mail

from jalon.knowledge import forum_selectors, forum_services
from jalon.knowledge.models import Routing, Thread
from jalon.results.computations import REGISTRY, Span
from jalon.results.models import Programme


@pytest.fixture
def programme(db, nsb):
    from jalon.organisations.models import Organisation

    today = datetime.date.today()
    return Programme.objects.create(
        code="kf-test",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Forum test"},
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )


def ask(users, **changes):
    fields = {
        "language": "fr",
        "title": "Comment appliquer la recommandation X.509 à une infrastructure à clés publiques ?",
        "body": "Notre organisme prépare une **norme nationale** sur les certificats.",
        "tags": [("itu_t", "X.509")],
    }
    fields.update(changes)
    return forum_services.thread_ask(actor=users["focal"], **fields)


def test_a_french_question_reaches_the_two_matching_french_reading_experts(
    users, roster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = ask(users)
    routed = set(Routing.objects.filter(thread=thread).values_list("expert__person__family_name", flat=True))
    assert routed == {"Diop", "Morel"}
    assert thread.organisation.acronym == "ASN" and thread.country.iso3 == "SEN"
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"awa@example.org", "jean@example.org"}
    # Each in their own language: Awa's account is in French, Jean's in English.
    assert by_address["awa@example.org"].subject.startswith("Une question pour vous")
    assert by_address["jean@example.org"].subject.startswith("A question for you")
    assert "X.509" in by_address["jean@example.org"].body
    for expert in (roster.awa, roster.jean):
        inbox = forum_selectors.expert_inbox(user=expert.user)
        assert [routing.thread_id for routing in inbox.routings] == [thread.pk] and inbox.unread == 1
    assert forum_selectors.expert_inbox(user=roster.english_only.user) is None


def test_a_routing_mail_not_sent_is_queued_again_by_the_workers_recovery(users, roster):
    """The e-mail goes through the queue once the question commits; one lost on the way (the queue refused it,
    the worker died, the mail server failed) is queued again by the worker's recovery, for two days."""
    import datetime as dt

    from django.utils import timezone

    from jalon.jobs.queue import recoveries_run
    from jalon.knowledge.tasks import routings_unsent_requeue

    thread = ask(users)  # inside the test's transaction: nothing committed, nothing sent
    assert mail.outbox == [] and Routing.objects.filter(thread=thread, emailed_at__isnull=True).count() == 2
    assert routings_unsent_requeue() == 0  # too recent: its own task may still be on its way
    Routing.objects.filter(thread=thread).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    stale = Routing.objects.filter(thread=thread, expert=roster.jean).get()
    Routing.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    recoveries_run()
    assert [message.to for message in mail.outbox] == [["awa@example.org"]]
    assert Routing.objects.get(thread=thread, expert=roster.awa).emailed_at is not None
    assert Routing.objects.get(pk=stale.pk).emailed_at is None  # given up after two days
    assert routings_unsent_requeue() == 0  # sent once only


def test_answered_accepted_and_the_english_version_shows_the_same_accepted_answer(
    users, roster, programme, django_capture_on_commit_callbacks
):
    median = REGISTRY["knowledge_first_expert_answer_days"]
    span = Span(programme.start_date, datetime.date.today())
    thread = ask(users)
    assert median.compute(programme, span) == []

    answer = forum_services.answer_post(
        actor=roster.awa.user, thread=thread, language="fr", body="Voir la clause 7 de la recommandation."
    )
    thread.refresh_from_db()
    assert thread.state == Thread.State.ANSWERED and answer.expert == roster.awa
    [part] = median.compute(programme, span)
    assert part.value >= 0

    forum_services.answer_accept(actor=users["focal"], thread=thread, answer=answer)
    forum_services.question_translate(
        actor=roster.jean.user,
        thread=thread,
        language="en",
        title="How to apply Recommendation X.509 to a public key infrastructure?",
        body="Our body prepares a national standard on certificates.",
    )
    french = forum_selectors.thread_page(user=users["plain"], thread=thread, language="fr")
    english = forum_selectors.thread_page(user=users["plain"], thread=thread, language="en")
    assert english.question.title.startswith("How to apply") and french.question.title.startswith("Comment")
    assert english.thread.state == Thread.State.RESOLVED
    assert english.accepted is not None and english.accepted.pk == french.accepted.pk == answer.pk
    assert [a.pk for a in english.answers] == [a.pk for a in french.answers]


def test_the_median_moves_with_a_slower_answer(users, roster, programme):
    median = REGISTRY["knowledge_first_expert_answer_days"]
    span = Span(programme.start_date, datetime.date.today())
    first = ask(users)
    forum_services.answer_post(actor=roster.awa.user, thread=first, language="fr", body="Réponse rapide.")
    [before] = median.compute(programme, span)
    second = ask(users, title="Une autre question sur X.509 ?")
    Thread.objects.filter(pk=second.pk).update(created_at=second.created_at - datetime.timedelta(days=10))
    forum_services.answer_post(actor=roster.jean.user, thread=second, language="fr", body="Réponse lente.")
    [after] = median.compute(programme, span)
    assert after.value > before.value
