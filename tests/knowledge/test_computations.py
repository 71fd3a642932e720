"""The forum's and the roster's computed indicators, read from the records: questions from developing
countries, resolved within 30 days, distinct experts answering, active experts from developing countries and
their share of women."""

import datetime
from decimal import Decimal

import pytest

from jalon.knowledge import forum_services
from jalon.knowledge.models import Thread
from jalon.organisations.models import Organisation
from jalon.results.computations import REGISTRY, Span
from jalon.results.models import Programme


@pytest.fixture
def span(db):
    today = datetime.date.today()
    programme = Programme.objects.create(
        code="kf-indicators",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Indicators"},
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    return programme, Span(programme.start_date, today)


def compute(key, span):
    programme, period = span
    return REGISTRY[key].compute(programme, period)


def ask(user, **changes):
    return forum_services.thread_ask(
        actor=user, language="fr", title="Question", body="Texte", tags=[("itu_t", "X.509")], **changes
    )


def test_questions_from_developing_countries_count_the_askers_country(users, roster, span):
    ask(users["focal"])  # ASN, Senegal
    ask(users["plain"])  # no organisation: no country
    [total, *regions] = compute("knowledge_developing_questions", span)
    assert total.value == 1 and [part.code for part in regions] == ["002"]


def test_resolved_within_30_days_and_distinct_experts(users, roster, span):
    quick, slow, unanswered = ask(users["focal"]), ask(users["focal"]), ask(users["focal"])
    for thread in (quick, slow):
        answer = forum_services.answer_post(actor=roster.awa.user, thread=thread, language="fr", body="Oui.")
        forum_services.answer_post(actor=roster.jean.user, thread=thread, language="fr", body="Aussi.")
        forum_services.answer_accept(actor=users["focal"], thread=thread, answer=answer)
    asked_long_ago = quick.created_at - datetime.timedelta(days=40)
    Thread.objects.filter(pk__in=[slow.pk, unanswered.pk]).update(created_at=asked_long_ago)
    [share] = compute("knowledge_resolved_30_days_share", span)
    # Quick (resolved the day it was asked), slow (resolved 40 days after), unanswered (40 days old).
    assert (share.numerator, share.denominator) == (Decimal(1), Decimal(3))
    [experts] = compute("knowledge_experts_answering", span)
    assert experts.value == 2


def test_active_experts_from_developing_countries_and_share_of_women(roster, span):
    # Awa (Senegal, woman) and Paul (Senegal, man) are active; Rita (Senegal) is inactive; Jean and Kim: France.
    [total, *by_sex] = compute("knowledge_developing_experts", span)
    assert total.value == 2 and {(p.code, p.value) for p in by_sex} == {("female", 1), ("male", 1)}
    [women] = compute("knowledge_developing_experts_women_share", span)
    assert women.value == Decimal("50.0")
