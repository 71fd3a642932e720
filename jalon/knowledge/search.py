"""Search across the knowledge app: one index (SearchEntry), filled by each part through a small registry.

How a part adds what it indexes (lessons, resources, products...):

    from jalon.knowledge import search

    search.register(search.Kind(
        key="lesson", label=_("Lessons learned"),
        documents=lesson_documents,      # obj -> list[search.Document], one per language; [] takes it out
        objects=lambda: Lesson.objects.all(),   # every object to index (a rebuild)
    ))

in the app's `ready()` (jalon/knowledge/apps.py), then call `search.index("lesson", lesson)` in the services
after each write that changes what is shown or who may see it (in the same transaction), and
`search.unindex("lesson", pk)` before a delete. A `Document` carries who may see it (`visibility`, with the
organisation for ORGANISATION and an `owner` who always sees it), the filters it answers (`facets`,
"name:value" pairs) and its page. `search_run` reads the index in one query whatever the number of kinds.

Matching: the text and the terms are folded the same way (jalon.lib.search.search_folded: "Qualité" and
"qualite" are one word) and cut into words; every word of the query must begin a word of the entry. Ranked by
SQLite FTS5's bm25 or PostgreSQL's ts_rank, title words weighing more than body words."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from jalon.knowledge.access.search import entries_visible
from jalon.knowledge.models import SearchEntry
from jalon.lib.search import search_folded

Visibility = SearchEntry.Visibility
WORD = re.compile(r"\w+")
SUMMARY_LENGTH = 280
MAX_TERMS = 12


@dataclass(frozen=True)
class Document:
    language: str
    title: str
    body: str
    url: str
    visibility: str = Visibility.PUBLIC
    organisation_id: int | None = None
    owner_id: int | None = None
    facets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    documents: Callable[[Any], list[Document]]
    objects: Callable[[], QuerySet]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.key] = kind
    return kind


def words(text: str) -> list[str]:
    """The folded words of `text`, as the index stores and the search compares them."""
    return WORD.findall(search_folded(text or ""))


def _facet(name: str, value: str) -> str:
    return f"{name}:{'_'.join(words(str(value)))}"


def _facets(pairs: Iterable[tuple[str, str]]) -> str:
    # Surrounded by spaces so that " tag:x_509 " never matches inside " tag:x_5090 ".
    return " " + " ".join(_facet(name, value) for name, value in pairs) + " "


def index(key: str, obj) -> None:
    """Replace the entries of `obj` with its current documents."""
    documents = KINDS[key].documents(obj)
    SearchEntry.objects.filter(kind=key, object_id=obj.pk).exclude(
        language__in=[document.language for document in documents]
    ).delete()
    for document in documents:
        summary = " ".join(document.body.split())
        SearchEntry.objects.update_or_create(
            kind=key,
            object_id=obj.pk,
            language=document.language,
            defaults={
                "title": document.title[:300],
                "summary": summary[:SUMMARY_LENGTH],
                "url": document.url,
                "folded_title": " ".join(words(document.title)),
                "folded_body": " ".join(words(document.body)),
                "facets": _facets(document.facets),
                "visibility": document.visibility,
                "organisation_id": document.organisation_id,
                "owner_id": document.owner_id,
            },
        )


def unindex(key: str, pk: int) -> None:
    SearchEntry.objects.filter(kind=key, object_id=pk).delete()


def rebuild(keys: Iterable[str] | None = None) -> int:
    """Index again every object of the kinds (all by default); returns how many objects."""
    count = 0
    for key in keys or list(KINDS):
        SearchEntry.objects.filter(kind=key).delete()
        for obj in KINDS[key].objects():
            index(key, obj)
            count += 1
    return count


def _match(queryset: QuerySet, terms: list[str]) -> QuerySet:
    if connection.vendor == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        document = (
            "to_tsvector('simple', knowledge_searchentry.folded_title || ' ' || knowledge_searchentry.folded_body)"
        )
        rank = (
            "ts_rank(setweight(to_tsvector('simple', knowledge_searchentry.folded_title), 'A') || "
            "to_tsvector('simple', knowledge_searchentry.folded_body), to_tsquery('simple', %s))"
        )
        # Only the folded words go into the query, and as parameters.
        return queryset.extra(  # noqa: S610
            select={"rank": rank},
            select_params=[query],
            where=[f"{document} @@ to_tsquery('simple', %s)"],
            params=[query],
            order_by=["-rank", "id"],
        )
    if connection.vendor == "sqlite":
        query = " ".join(f'"{term}"*' for term in terms)
        # bm25 is lower for better matches: negated so that both databases sort by descending rank.
        return queryset.extra(  # noqa: S610
            select={"rank": "-bm25(knowledge_searchfts, 10.0, 1.0)"},
            tables=["knowledge_searchfts"],
            where=["knowledge_searchfts.rowid = knowledge_searchentry.id", "knowledge_searchfts MATCH %s"],
            params=[query],
            order_by=["-rank", "id"],
        )
    condition = Q()
    for term in terms:
        condition &= Q(folded_title__contains=term) | Q(folded_body__contains=term)
    return queryset.filter(condition)


@dataclass
class Results:
    query: str
    hits: list[SearchEntry] = field(default_factory=list)
    more: bool = False


def search_run(
    *,
    user,
    query: str,
    kinds: Iterable[str] = (),
    language: str = "",
    facets: Iterable[tuple[str, str]] = (),
    limit: int = 50,
) -> Results:
    """The entries `user` may see that match every word of `query`, best first, filtered by kind, language
    and facets: one query."""
    terms = words(query)[:MAX_TERMS]
    if not terms:
        return Results(query=query)
    queryset = entries_visible(user)
    kinds = [kind for kind in kinds if kind]
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if language:
        queryset = queryset.filter(language=language)
    for name, value in facets:
        if value:
            queryset = queryset.filter(facets__contains=f" {_facet(name, value)} ")
    hits = list(_match(queryset, terms)[: limit + 1])
    return Results(query=query, hits=hits[:limit], more=len(hits) > limit)
