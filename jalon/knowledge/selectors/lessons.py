"""Reads of lessons learned: the list with its filters, the lessons offered to a proposal or an activity (those
of its outcomes and countries, validated or published), and the uptake of lessons by new proposals."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jalon.finance.models import Proposal
from jalon.knowledge.access.lessons import (
    LESSON_SOURCES,
    citations_visible,
    lesson_links_shown,
    lessons_offered,
    lessons_visible,
)
from jalon.knowledge.models import Lesson, LessonCitation
from jalon.lib.multilingual import text_contains
from jalon.results.models import Result

LIST_RELATED = ("organisation",)


def lessons_list(*, user, query: str = "", kind: str = "", status: str = "", country=None) -> QuerySet[Lesson]:
    queryset = lessons_visible(user, Lesson.objects.select_related(*LIST_RELATED))
    if query:
        queryset = queryset.filter(text_contains("title", query) | text_contains("description", query))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if country is not None:
        queryset = queryset.filter(countries=country)
    return queryset.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class LessonLinks:
    """What a lesson's page names: the record it comes from, its results, the proposals and activities citing
    it; each only if the reader may see it (None, or left out, otherwise)."""

    source: object | None
    results: list[Result]
    citations: list[LessonCitation]


def lesson_links(*, user, lesson: Lesson) -> LessonLinks:
    shown = lesson_links_shown(user, [lesson])
    source = next((name for name in LESSON_SOURCES if getattr(lesson, f"{name}_id") in shown[name]), None)
    results = lesson.results.filter(pk__in=shown["results"]).select_related("programme", "level")
    citations = citations_visible(user, lesson.citations.all()).select_related("proposal__programme", "activity")
    return LessonLinks(
        source=getattr(lesson, source) if source else None,
        results=list(results.order_by("programme__code", "order")),
        citations=list(citations),
    )


def _around(result_ids: set[int]) -> set[int]:
    """The results, their parents and their children: a lesson on an outcome is offered to a proposal for one of
    its outputs, and a lesson on an output to a proposal for its outcome."""
    if not result_ids:
        return set()
    rows = Result.objects.filter(Q(pk__in=result_ids) | Q(parent_id__in=result_ids)).values_list("pk", "parent_id")
    found = set(result_ids)
    for pk, parent in rows:
        found.add(pk)
        if parent is not None:
            found.add(parent)
    return found


def _offered(user, condition: Q, cited: Q) -> list[Lesson]:
    return list(
        lessons_offered(user, Lesson.objects.all())
        .filter(condition)
        .annotate(cited=Exists(LessonCitation.objects.filter(cited, lesson=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=LessonCitation.objects.filter(cited).order_by("pk"),
                to_attr="here",
            )
        )
        .distinct()
        .order_by("-validated_on", "-pk")[:50]
    )


def lessons_for_proposal(*, user, proposal: Proposal) -> list[Lesson]:
    """The validated (or published) lessons of the proposal's outcomes, each flagged when the proposal cites it."""
    results = _around(set(proposal.results.values_list("pk", flat=True)))
    if not results:
        return []
    return _offered(user, Q(results__in=results), Q(proposal=proposal))


def lessons_for_activity(*, user, activity) -> list[Lesson]:
    """The validated (or published) lessons of the outcomes the activity's outputs serve, or of its countries."""
    results = _around(set(activity.outputs.values_list("pk", flat=True)))
    countries = list(activity.countries.values_list("pk", flat=True))
    if not results and not countries:
        return []
    return _offered(user, Q(results__in=results) | Q(countries__in=countries), Q(activity=activity))


@dataclass(frozen=True)
class Ratio:
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal


def proposals_citing_lessons(*, programme, start: datetime.date, end: datetime.date) -> Ratio:
    """New proposals (created in the span) citing at least one validated (or published) lesson, over all new
    proposals of the programme in the span."""
    created = Proposal.objects.filter(programme=programme, created_at__date__gte=start, created_at__date__lte=end)
    total = created.count()
    citing = created.filter(
        Exists(LessonCitation.objects.filter(proposal=OuterRef("pk"), lesson__status__in=Lesson.OFFERED))
    ).count()
    if not total:
        return Ratio(None, Decimal(citing), Decimal(0))
    share = (Decimal(100) * citing / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Ratio(share, Decimal(citing), Decimal(total))
