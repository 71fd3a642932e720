"""The search index itself, with a kind registered by the test: folding, ranking, filters, visibility, one
query; on SQLite (FTS5) and PostgreSQL (full-text index) alike."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from jalon.knowledge import search
from jalon.knowledge.models import SearchEntry


@dataclass
class Note:
    pk: int
    title: str
    body: str
    visibility: str = "public"
    organisation_id: int | None = None
    tag: str = "quality"


@pytest.fixture
def notes(db, monkeypatch):
    monkeypatch.setitem(
        search.KINDS,
        "note",
        search.Kind(
            key="note",
            label="Notes",
            documents=lambda note: [
                search.Document(
                    language="fr",
                    title=note.title,
                    body=note.body,
                    url=f"/notes/{note.pk}/",
                    visibility=note.visibility,
                    organisation_id=note.organisation_id,
                    facets=(("tag", note.tag),),
                )
            ],
            objects=lambda: [],
        ),
    )
    found = [
        Note(1, "Gestion de la qualité", "La norme ISO 9001 décrit un système de management."),
        Note(2, "Métrologie légale", "Étalonnage et qualité des mesures.", tag="metrology"),
        Note(3, "Sécurité des réseaux", "Recommandation UIT-T X.509 sur les certificats."),
        Note(4, "Qualité interne", "Réservé aux membres.", visibility="members"),
    ]
    for note in found:
        search.index("note", note)
    return found


def test_qualite_finds_qualite_with_its_accent_title_matches_first(notes, django_assert_num_queries, users):
    with django_assert_num_queries(1):
        results = search.search_run(user=AnonymousUser(), query="QUALITE")
    assert [hit.object_id for hit in results.hits] == [1, 2]


def test_members_entries_are_for_members_not_any_signed_in_person(notes, users):
    assert {hit.object_id for hit in search.search_run(user=users["contributor"], query="qualite").hits} == {1, 2, 4}
    assert {hit.object_id for hit in search.search_run(user=users["plain"], query="qualite").hits} == {1, 2}


def test_prefix_and_every_word(notes, users):
    assert [hit.object_id for hit in search.search_run(user=users["plain"], query="etalon qualit").hits] == [2]
    assert [hit.object_id for hit in search.search_run(user=users["plain"], query="x.509").hits] == [3]
    assert search.search_run(user=users["plain"], query="qualité inexistant").hits == []


def test_facets_filter(notes, users):
    hits = search.search_run(user=users["plain"], query="qualite", facets=[("tag", "metrology")]).hits
    assert [hit.object_id for hit in hits] == [2]


def test_hostile_query_is_only_words(notes, users):
    for query in ['"', "*", "a OR b", "NEAR(", "'); drop table x; --", ":*", "&|!"]:
        search.search_run(user=users["plain"], query=query)


def test_reindex_replaces_and_unindex_removes(notes, users):
    notes[0].title = "Gestion environnementale"
    search.index("note", notes[0])
    assert [hit.object_id for hit in search.search_run(user=users["contributor"], query="qualite").hits] == [4, 2]
    search.unindex("note", 2)
    assert not SearchEntry.objects.filter(kind="note", object_id=2).exists()
    assert [hit.object_id for hit in search.search_run(user=users["contributor"], query="qualite").hits] == [4]


def test_the_match_uses_the_full_text_index(notes, users):
    """The ORM expression is the index's own (PostgreSQL's GIN expression index, SQLite's FTS5 table): with
    sequential scans discouraged, the plan reads the index rather than every entry."""
    from django.db import connection

    from jalon.knowledge.search import _match

    queryset = _match(SearchEntry.objects.all(), ["qualite"])
    assert {entry.object_id for entry in queryset} == {1, 2, 4}
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan TO off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "knowledge_searchentry_fts" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan and "knowledge_searchfts" in plan, plan
