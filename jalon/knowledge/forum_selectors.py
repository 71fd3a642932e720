"""Reads of the Q&A forum: the list of threads with its filters, one thread as a page in one language (the
same answers, votes and accepted answer whatever the language), an expert's inbox, the moderators' queue.
Each in a constant number of queries."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.knowledge.access import forum as access
from jalon.knowledge.markdown import markdown_html
from jalon.knowledge.models import Answer, Attachment, Comment, Flag, Question, Routing, Thread, Vote


def waiting_since() -> datetime.datetime:
    """Open questions asked before this moment with no expert answer are "waiting for an expert"."""
    return timezone.now() - datetime.timedelta(days=settings.JALON_FORUM_WAITING_DAYS)


def is_waiting(thread: Thread) -> bool:
    return thread.state == Thread.State.OPEN and thread.created_at < waiting_since()


def threads_list(
    *, user, state: str = "", tag: str = "", language: str = "", waiting: bool = False, mine: bool = False
) -> QuerySet[Thread]:
    """The threads `user` may read, newest first, with their questions, tags and answer counts (3 queries a
    page)."""
    threads = access.threads_visible(user).select_related("country")
    if state:
        threads = threads.filter(state=state)
    if tag:
        threads = threads.filter(tags__code__iexact=tag.strip())
    if language:
        threads = threads.filter(questions__language=language)
    if waiting:
        threads = threads.filter(state=Thread.State.OPEN, created_at__lt=waiting_since())
    if mine and user.is_authenticated:
        threads = threads.filter(asker=user)
    return (
        threads.distinct()
        .annotate(answer_count=Count("answers", filter=Q(answers__hidden=False), distinct=True))
        .prefetch_related("questions", "tags")
        .order_by("-created_at", "-id")
    )


def question_in(thread: Thread, language: str) -> Question:
    """The thread's question in `language`, else in the first language it was asked in."""
    questions = list(thread.questions.all())
    return next((q for q in questions if q.language == language), None) or min(questions, key=lambda q: q.pk)


@dataclass
class ThreadPage:
    thread: Thread
    question: Question
    languages: list[str]
    missing_languages: list[str]
    question_html: str
    question_score: int
    answers: Sequence[Answer]
    accepted: Answer | None
    comments: list[Comment]
    attachments: list[Attachment]
    waiting: bool
    my_votes: dict = field(default_factory=dict)


def thread_page(*, user, thread: Thread, language: str) -> ThreadPage:
    """The thread shown in `language` (its question in that language when it has one): one set of answers
    for every language, each with its rendered body, score and comments."""
    thread = (
        Thread.objects.filter(pk=thread.pk)
        .select_related("country", "organisation", "duplicate_of")
        .prefetch_related("questions", "tags", "committees")
        .get()
    )
    question = question_in(thread, language)
    scores = Vote.objects.filter(answer=OuterRef("pk")).order_by().values("answer").annotate(s=Sum("value"))
    answers = list(
        access.answers_shown(user, thread.answers.all())
        .select_related("author", "expert__person")
        .annotate(score=Coalesce(Subquery(scores.values("s")), 0))
        .prefetch_related(
            Prefetch("comments", Comment.objects.filter(hidden=False).select_related("author")),
            "attachments",
        )
        .order_by("created_at", "id")
    )
    accepted = next((answer for answer in answers if answer.pk == thread.accepted_answer_id), None)
    if accepted is not None:
        answers.remove(accepted)
        answers.insert(0, accepted)
    for answer in answers:
        answer.html = markdown_html(answer.body)  # type: ignore[attr-defined]
    my_votes = {}
    if user.is_authenticated:
        my_votes = {(vote.answer_id or 0): vote.value for vote in Vote.objects.filter(thread=thread, voter=user)}
    languages = sorted(q.language for q in thread.questions.all())
    return ThreadPage(
        thread=thread,
        question=question,
        languages=languages,
        missing_languages=[code for code in ("fr", "en") if code not in languages],
        question_html=markdown_html(question.body),
        question_score=sum(Vote.objects.filter(thread=thread, answer__isnull=True).values_list("value", flat=True)),
        answers=answers,
        accepted=accepted,
        comments=list(thread.comments.filter(answer__isnull=True, hidden=False).select_related("author")),
        attachments=list(thread.attachments.filter(answer__isnull=True)),
        waiting=is_waiting(thread),
        my_votes=my_votes,
    )


@dataclass
class ExpertInbox:
    routings: Sequence[Routing]
    unread: int


INBOX_SHOWN = 20


def expert_inbox(*, user) -> ExpertInbox | None:
    """The questions routed to the user as an expert, newest first, those still unanswered by them marked
    (2 queries); None for someone not on the roster."""
    if not user.is_authenticated:
        return None
    routings = Routing.objects.filter(expert__user=user)
    if not routings.exists():
        return None
    answered = Answer.objects.filter(thread=OuterRef("thread_id"), author=user)
    shown = list(
        routings.filter(thread__hidden=False, thread__in=access.threads_visible(user))
        .select_related("thread")
        .prefetch_related("thread__questions")
        .annotate(answered=Exists(answered))
        .order_by("-created_at", "-id")[:INBOX_SHOWN]
    )
    return ExpertInbox(routings=shown, unread=routings.filter(read_at__isnull=True).count())


def expert_inbox_unread(*, user) -> int | None:
    """For the home page's inbox: how many questions routed to the user as an expert are not yet opened
    (one query), None for someone who never received one."""
    if not user.is_authenticated:
        return None
    counts = Routing.objects.filter(expert__user=user).aggregate(
        routed=Count("pk"),
        unread=Count(
            "pk",
            filter=Q(read_at__isnull=True, thread__hidden=False, thread__in=access.threads_visible(user)),
        ),
    )
    return counts["unread"] if counts["routed"] else None


def flags_open(*, user) -> QuerySet[Flag]:
    """The moderators' queue: open flags, oldest first."""
    if not access.forum_can_moderate(user):
        return Flag.objects.none()
    return (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .select_related("thread", "answer", "comment", "reporter")
        .prefetch_related("thread__questions")
        .order_by("created_at", "id")
    )
