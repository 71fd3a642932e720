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
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

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


# PostgreSQL: the document is written exactly as the GIN index of migration 0001_forum_roster
# (to_tsvector('simple', folded_title || ' ' || folded_body)), so that the planner uses that index.
def _pg_document() -> Func:
    return Func(
        F("folded_title"), F("folded_body"), template="to_tsvector('simple', %(expressions)s)", arg_joiner=" || ' ' || "
    )


def _pg_query(query: str) -> Func:
    return Func(Value(query), template="to_tsquery('simple', %(expressions)s)")


def _pg_rank(query: str) -> Func:
    """Title words weigh more (weight A) than body words."""
    weighted = Func(
        Func(F("folded_title"), template="setweight(to_tsvector('simple', %(expressions)s), 'A')"),
        Func(F("folded_body"), template="to_tsvector('simple', %(expressions)s)"),
        template="(%(expressions)s)",
        arg_joiner=" || ",
    )
    return Func(weighted, _pg_query(query), function="ts_rank", output_field=FloatField())


# SQLite: the FTS5 table (rowid = the entry's id) answers the match, and bm25 the rank (lower is better:
# negated so that both databases sort by descending rank). The query is a parameter, never in the SQL.
FTS5_MATCHES = "SELECT rowid FROM knowledge_searchfts WHERE knowledge_searchfts MATCH %s"
FTS5_RANK = (
    "SELECT -bm25(knowledge_searchfts, 10.0, 1.0) FROM knowledge_searchfts "
    "WHERE knowledge_searchfts MATCH %s AND knowledge_searchfts.rowid = knowledge_searchentry.id"
)


def _match(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """The entries of `queryset` holding every term (as the start of a word), best first."""
    if connection.vendor == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        found = Func(
            _pg_document(), _pg_query(query), template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField()
        )
        return queryset.filter(found).annotate(rank=_pg_rank(query)).order_by("-rank", "id")
    if connection.vendor == "sqlite":
        query = " ".join(f'"{term}"*' for term in terms)
        # Constant SQL; the folded terms go in as parameters.
        rows = RawSQL(FTS5_MATCHES, [query])  # noqa: S611
        rank = RawSQL(FTS5_RANK, [query], output_field=FloatField())  # noqa: S611
        return queryset.filter(id__in=rows).annotate(rank=rank).order_by("-rank", "id")
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
