"""Who may see or act in the Q&A forum. Anyone reads public threads; signed-in people also read the threads
kept for members, ask, answer, comment, vote and flag; the asker accepts an answer and edits their question;
an author edits their answer; the moderators (the programme team: programme managers and platform
administrators) close, reopen, hide and handle flags, and see what they hid. Hidden content is never shown to
anyone else, its author included (a moderator hid it)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.knowledge.models import Answer, Attachment, Thread
from jalon.lib.ids import valid_id


def forum_can_moderate(user) -> bool:
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def forum_can_post(user) -> bool:
    return grants_for(user).authenticated


def threads_visible(user, queryset: QuerySet | None = None) -> QuerySet[Thread]:
    queryset = Thread.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.has(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(visibility=Thread.Visibility.PUBLIC)
    if grants.authenticated:
        condition |= Q(visibility=Thread.Visibility.MEMBERS)
    return queryset.filter(condition, hidden=False)


def answers_shown(user, queryset: QuerySet) -> QuerySet[Answer]:
    return queryset if forum_can_moderate(user) else queryset.filter(hidden=False)


def thread_can_answer(user, thread: Thread) -> bool:
    return forum_can_post(user) and thread.state != Thread.State.CLOSED


def thread_can_accept(user, thread: Thread) -> bool:
    return thread.state != Thread.State.CLOSED and (thread.asker_id == user.pk or forum_can_moderate(user))


def question_can_edit(user, question) -> bool:
    return forum_can_post(user) and (question.author_id == user.pk or forum_can_moderate(user))


def thread_can_translate(user, thread: Thread) -> bool:
    """A version in another language: the asker, an expert of the roster or a moderator."""
    if not forum_can_post(user):
        return False
    return thread.asker_id == user.pk or forum_can_moderate(user) or hasattr(user, "expert")


def answer_can_edit(user, answer: Answer) -> bool:
    return forum_can_post(user) and (answer.author_id == user.pk or forum_can_moderate(user))


# Fetchers ---------------------------------------------------------------------------------------------------


def access_thread(user, pk) -> Thread:
    """A thread the user may read (404 otherwise, the same for "not there" and "not yours")."""
    if not valid_id(pk):
        raise Http404
    thread = threads_visible(user, Thread.objects.select_related("country", "organisation")).filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread


def access_answer(user, thread: Thread, pk) -> Answer:
    if not valid_id(pk):
        raise Http404
    answer = answers_shown(user, thread.answers.all()).filter(pk=pk).first()
    if answer is None:
        raise Http404
    return answer


def access_attachment(user, thread_pk, pk) -> Attachment:
    """An attachment of a thread the user may read, on an answer they may see."""
    thread = access_thread(user, thread_pk)
    if not valid_id(pk):
        raise Http404
    attachment = thread.attachments.filter(pk=pk).select_related("answer").first()
    if attachment is None or (
        attachment.answer is not None and attachment.answer.hidden and not forum_can_moderate(user)
    ):
        raise Http404
    return attachment


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
