"""Who may see or act in the Q&A forum. Anyone reads public threads; members (access/members.py: people of an
organisation that is a member of a standards body) also read the threads kept for members, and an asker always
reads their own; signed-in people ask, answer, comment, vote and flag; the asker accepts an answer and edits
their question; an author edits their answer; the moderators (the programme team: programme managers and platform
administrators) close, reopen, hide and handle flags, and see what they hid. Hidden content is never shown to
anyone else, its author included (a moderator hid it)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jalon.accounts.access import grants_for
from jalon.accounts.models import ORGANISATION_ROLES, Role
from jalon.knowledge.access.members import experts_members, is_member_condition
from jalon.knowledge.models import Answer, Attachment, Thread
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation


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
        members = Q(visibility=Thread.Visibility.MEMBERS) & is_member_condition(user, day=timezone.localdate())
        condition |= members | Q(asker_id=user.pk)
    return queryset.filter(condition, hidden=False)


def thread_routable_experts(thread: Thread, experts: QuerySet) -> QuerySet:
    """The experts a new question may be sent to (inbox and e-mail): for a members' question, members only."""
    if thread.visibility == Thread.Visibility.MEMBERS:
        return experts_members(experts, day=timezone.localdate())
    return experts


def asker_organisation(user) -> Organisation | None:
    """The organisation a question is asked for: the first the asker acts for."""
    own = grants_for(user).organisations(*ORGANISATION_ROLES)
    return Organisation.objects.filter(pk__in=own).select_related("country").order_by("pk").first() if own else None


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
