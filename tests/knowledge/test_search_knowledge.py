"""Issue 17's search line for the forum and the roster: "qualite" finds "qualité" in questions and experts,
by the services' own indexing, on SQLite and on PostgreSQL (run the file with DATABASE_URL set); what a
person may not read stays out; the page and the endpoint in a constant number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from jalon.knowledge import forum_services, roster_services, search
from jalon.knowledge.models import Tag


@pytest.fixture
def indexed(users, roster):
    public = forum_services.thread_ask(
        actor=users["focal"],
        language="fr",
        title="Système de management de la qualité pour un laboratoire",
        body="Quelles exigences de la norme ISO 9001 s'appliquent ?",
        tags=[("iso", "ISO 9001")],
    )
    members = forum_services.thread_ask(
        actor=users["focal"],
        language="fr",
        title="Qualité des données de métrologie",
        body="Réservée aux membres.",
        visibility="members",
    )
    quality, _created = Tag.objects.get_or_create(kind="topic", code="Assurance qualité")
    roster_services.competency_add(actor=roster.awa.user, expert=roster.awa, level="expert", tag=quality)
    return public, members


def kinds(results):
    return [(hit.kind, hit.object_id) for hit in results.hits]


def test_qualite_finds_qualite_in_questions_and_experts(indexed, roster, users):
    public, members = indexed
    found = kinds(search.search_run(user=users["contributor"], query="qualite"))
    assert ("thread", public.pk) in found and ("thread", members.pk) in found
    assert ("expert", roster.awa.pk) in found
    # Case and accents both ways.
    assert ("thread", public.pk) in kinds(search.search_run(user=users["plain"], query="QUALITÉ"))


def test_visitors_do_not_find_members_questions(indexed, users):
    public, members = indexed
    found = kinds(search.search_run(user=AnonymousUser(), query="qualite", kinds=["thread"]))
    assert found == [("thread", public.pk)]


def test_an_expert_who_withdraws_consent_leaves_public_search(indexed, roster):
    roster_services.expert_profile_save(actor=roster.awa.user, expert=roster.awa, consent=False)
    assert ("expert", roster.awa.pk) not in kinds(search.search_run(user=AnonymousUser(), query="qualite"))
    assert ("expert", roster.awa.pk) in kinds(search.search_run(user=roster.awa.user, query="qualite"))


def test_an_answer_word_finds_its_thread_and_filters_narrow(indexed, roster, users):
    public, _members = indexed
    forum_services.answer_post(actor=roster.awa.user, thread=public, language="fr", body="Voyez l'étalonnage.")
    assert kinds(search.search_run(user=users["plain"], query="etalonnage")) == [("thread", public.pk)]
    assert search.search_run(user=users["plain"], query="qualite", language="en").hits == []


@pytest.mark.parametrize("more", [0, 6])
def test_the_search_page_and_endpoint_read_in_constant_queries(
    indexed, users, client_as, django_assert_num_queries, more
):
    for n in range(more):
        forum_services.thread_ask(actor=users["focal"], language="fr", title=f"Qualité {n}", body="Texte")
    client = client_as("plain")
    with django_assert_num_queries(QUERIES_PAGE):
        response = client.get("/fr/knowledge/search/?q=qualite")
    assert response.status_code == 200
    assert "Système de management de la qualité" in response.content.decode()
    with django_assert_num_queries(QUERIES_API):
        response = client.get("/api/v1/knowledge-search/?q=qualite")
    assert response.status_code == 200
    assert {hit["kind"] for hit in response.json()} >= {"thread", "expert"}


# Session, user and grants, then one query for the hits whatever their number.
QUERIES_PAGE = 4
QUERIES_API = 4


def test_the_endpoint_filters_by_kind_and_refuses_an_unknown_one(indexed, roster, client_as):
    client = client_as(None)
    hits = client.get("/api/v1/knowledge-search/?q=qualite&kind=expert").json()
    assert [(hit["kind"], hit["id"]) for hit in hits] == [("expert", roster.awa.pk)]
    assert client.get("/api/v1/knowledge-search/?q=qualite&kind=nothing").status_code == 400
