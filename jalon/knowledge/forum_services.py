"""Writes to the Q&A forum: asking (one thread, its question in one language, routed to the matching
experts), a version in another language, answers, comments, votes, accepting an answer, edits with their
revisions, flags and moderation, attachments.

Each write checks who may make it here (so that no caller skips it), runs in one transaction, is audited,
keeps the thread's search entries current and, where the indicators read it, schedules their refresh. The
state moves: open -> answered by an expert (the first answer by an active expert of the roster) -> resolved
(an answer accepted) ; closed by a moderator (duplicate, off topic) and reopened."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, versioned_save
from jalon.jobs.queue import task_enqueue_with_commit
from jalon.knowledge import search
from jalon.knowledge.access import forum as access
from jalon.knowledge.models import (
    FORUM_LANGUAGES,
    READS_AT,
    Answer,
    Attachment,
    Comment,
    Expert,
    Flag,
    Question,
    Revision,
    Routing,
    Tag,
    Thread,
    Vote,
)
from jalon.knowledge.tasks import routing_mail
from jalon.results.computations import computed_schedule_refresh

SOURCE = "knowledge_forum"
LANGUAGES = dict(FORUM_LANGUAGES)
S = Thread.State


def _refresh() -> None:
    computed_schedule_refresh(source=SOURCE)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose French or English.")})


def _check_text(title: str | None, body: str) -> None:
    errors = {}
    if title is not None and not title.strip():
        errors["title"] = _("Give the question a title.")
    if not body.strip():
        errors["body"] = _("This text is empty.")
    if errors:
        raise ValidationError(errors)


def tags_from(pairs) -> list[Tag]:
    """Tags from (kind, code) pairs, created when new; codes trimmed, duplicates dropped."""
    found: dict[tuple[str, str], Tag] = {}
    for kind, code in pairs:
        code = " ".join(str(code).split())
        if kind not in Tag.Kind.values:
            raise ValidationError({"tags": _("Unknown kind of tag: %(kind)s.") % {"kind": kind}})
        if not code:
            continue
        if len(code) > 60:
            raise ValidationError({"tags": _("A tag has at most 60 characters.")})
        key = (kind, code.casefold())
        if key not in found:
            existing = Tag.objects.filter(kind=kind, code__iexact=code).first()
            found[key] = existing or Tag.objects.create(kind=kind, code=code)
    return list(found.values())


# Routing ----------------------------------------------------------------------------------------------------


def _covers(competency_code: str, code: str) -> bool:
    a, b = competency_code.casefold(), code.casefold()
    return b == a or b.startswith(a + ".") or b.startswith(a + " ")


def routing_matches(thread: Thread, language: str) -> list[tuple[Expert, list[str]]]:
    """The active experts (with consent and an account) who read `language` at B2 or above and have a
    competency covering one of the thread's tags or committees, with the reasons: two queries. A question
    kept for members goes to members only."""
    tags = list(thread.tags.all())
    committees = {committee.pk: committee for committee in thread.committees.all()}
    experts = (
        access.thread_routable_experts(thread, Expert.objects.all())
        .filter(
            state=Expert.State.ACTIVE,
            consent_at__isnull=False,
            user__isnull=False,
            languages__language__code=language,
            languages__level__in=READS_AT,
        )
        .exclude(user_id=thread.asker_id)
        .distinct()
        .prefetch_related("competencies__tag")
        .select_related("person", "user")
    )
    found = []
    for expert in experts:
        reasons = []
        for competency in expert.competencies.all():
            if competency.tag is not None:
                reasons += [
                    tag.code
                    for tag in tags
                    if tag.kind == competency.tag.kind and _covers(competency.tag.code, tag.code)
                ]
            elif competency.committee_id in committees:
                reasons.append(committees[competency.committee_id].reference)
        if reasons:
            found.append((expert, sorted(set(reasons))))
    return found


def _route(thread: Thread, language: str) -> list[Routing]:
    routings = []
    for expert, reasons in routing_matches(thread, language):
        routing, created = Routing.objects.get_or_create(
            thread=thread, expert=expert, defaults={"language": language, "reasons": reasons}
        )
        if created:
            routings.append(routing)
            # E-mailed by the worker once the question is committed (knowledge/tasks.py).
            task_enqueue_with_commit(routing_mail, routing.pk)
    return routings


# Asking -----------------------------------------------------------------------------------------------------


@transaction.atomic
def thread_ask(
    *,
    actor,
    language: str,
    title: str,
    body: str,
    tags=(),
    committees=(),
    visibility: str = Thread.Visibility.PUBLIC,
    is_demo: bool = False,
) -> Thread:
    """A new question: the thread, its question in `language`, routed to the matching experts."""
    _require(access.forum_can_post(actor))
    _check_language(language)
    _check_text(title, body)
    if visibility not in Thread.Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read the question.")})
    tag_list = tags_from(tags)
    organisation = access.asker_organisation(actor)
    thread = Thread.objects.create(
        asker=actor,
        visibility=visibility,
        organisation=organisation,
        country=organisation.country if organisation is not None else None,
        is_demo=is_demo,
    )
    thread.tags.set(tag_list)
    thread.committees.set(list(committees))
    question = Question(thread=thread, language=language, title=title.strip(), body=body, author=actor)
    question.full_clean(exclude=["thread", "author"])
    question.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=question)
    _route(thread, language)
    search.index("thread", thread)
    _refresh()
    return thread


@transaction.atomic
def question_translate(*, actor, thread: Thread, language: str, title: str, body: str) -> Question:
    """The same question in another language: one thread, so it shares the answers and votes."""
    _require(access.thread_can_translate(actor, thread))
    _check_language(language)
    _check_text(title, body)
    if thread.questions.filter(language=language).exists():
        raise ValidationError({"language": _("The question already has a version in this language.")})
    question = Question(thread=thread, language=language, title=title.strip(), body=body, author=actor)
    question.full_clean(exclude=["thread", "author"])
    question.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=question)
    # Experts who read only this language hear of the question now.
    _route(thread, language)
    search.index("thread", thread)
    return question


@transaction.atomic
def question_edit(*, actor, question: Question, title: str, body: str, version: int | None = None) -> Question:
    current = locked(question, version)
    _require(access.question_can_edit(actor, current))
    _check_text(title, body)
    before = snapshot(current)
    if (current.title, current.body) == (title.strip(), body):
        return current
    Revision.objects.create(question=current, title=current.title, body=current.body, editor=actor)
    current.title, current.body = title.strip(), body
    current.full_clean(exclude=["thread", "author"])
    saved = versioned_save(current, actor=actor, before=before)
    search.index("thread", saved.thread)
    return saved


# Answers and comments ---------------------------------------------------------------------------------------


@transaction.atomic
def answer_post(*, actor, thread: Thread, language: str, body: str, is_demo: bool = False) -> Answer:
    current = locked(thread, None)
    _require(access.thread_can_answer(actor, current))
    _check_language(language)
    _check_text(None, body)
    expert = Expert.objects.filter(user=actor, state__in=(Expert.State.ACTIVE, Expert.State.STALE)).first()
    answer = Answer(thread=current, language=language, body=body, author=actor, expert=expert)
    answer.full_clean(exclude=["thread", "author", "expert"])
    answer.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=answer)
    if expert is not None and current.first_expert_answer_at is None:
        before = snapshot(current)
        current.first_expert_answer_at = answer.created_at
        if current.state == S.OPEN:
            current.state = S.ANSWERED
        versioned_save(current, actor=actor, before=before)
    search.index("thread", current)
    _refresh()
    return answer


@transaction.atomic
def answer_edit(*, actor, answer: Answer, body: str, version: int | None = None) -> Answer:
    current = locked(answer, version)
    _require(access.answer_can_edit(actor, current))
    _check_text(None, body)
    if current.body == body:
        return current
    before = snapshot(current)
    Revision.objects.create(answer=current, body=current.body, editor=actor)
    current.body = body
    saved = versioned_save(current, actor=actor, before=before)
    search.index("thread", saved.thread)
    return saved


@transaction.atomic
def answer_accept(*, actor, thread: Thread, answer: Answer, version: int | None = None) -> Thread:
    """The asker (or a moderator) accepts an answer: the thread is resolved, in every language."""
    current = locked(thread, version)
    _require(access.thread_can_accept(actor, current))
    if answer.thread_id != current.pk or answer.hidden:
        raise ValidationError({"answer": _("Choose an answer of this question.")})
    before = snapshot(current)
    current.accepted_answer = answer
    current.state = S.RESOLVED
    current.resolved_at = current.resolved_at or timezone.now()
    saved = versioned_save(current, actor=actor, before=before)
    search.index("thread", saved)
    _refresh()
    return saved


@transaction.atomic
def comment_post(*, actor, thread: Thread, body: str, answer: Answer | None = None) -> Comment:
    _require(access.thread_can_answer(actor, thread))
    _check_text(None, body)
    if answer is not None and answer.thread_id != thread.pk:
        raise ValidationError({"answer": _("Choose an answer of this question.")})
    comment = Comment(thread=thread, answer=answer, body=body, author=actor)
    comment.full_clean(exclude=["thread", "answer", "author"])
    comment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=comment)
    return comment


@transaction.atomic
def vote_cast(*, actor, thread: Thread, value: int, answer: Answer | None = None) -> int:
    """+1 or -1 on the question or an answer (again the same value takes the vote back); returns the score."""
    _require(access.forum_can_post(actor))
    if value not in (1, -1):
        raise ValidationError({"value": _("A vote is +1 or -1.")})
    if answer is not None and answer.thread_id != thread.pk:
        raise ValidationError({"answer": _("Choose an answer of this question.")})
    if (answer.author_id if answer is not None else thread.asker_id) == actor.pk:
        raise ValidationError({"value": _("You cannot vote on your own text.")})
    existing = Vote.objects.select_for_update().filter(thread=thread, answer=answer, voter=actor).first()
    if existing is not None and existing.value == value:
        existing.delete()
    elif existing is not None:
        existing.value = value
        existing.save(update_fields=["value"])
    else:
        Vote.objects.create(thread=thread, answer=answer, voter=actor, value=value)
    return sum(Vote.objects.filter(thread=thread, answer=answer).values_list("value", flat=True))


# Flags and moderation ---------------------------------------------------------------------------------------


@transaction.atomic
def flag_raise(
    *, actor, thread: Thread, reason: str, note: str = "", answer: Answer | None = None, comment: Comment | None = None
) -> Flag:
    _require(access.forum_can_post(actor))
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if (answer is not None and answer.thread_id != thread.pk) or (
        comment is not None and comment.thread_id != thread.pk
    ):
        raise ValidationError({"answer": _("Choose an answer of this question.")})
    flag = Flag(thread=thread, answer=answer, comment=comment, reason=reason, note=note.strip(), reporter=actor)
    flag.full_clean(exclude=["thread", "answer", "comment", "reporter", "handled_by"])
    flag.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=flag)
    return flag


def _hide(actor, target) -> None:
    before = snapshot(target)
    target.hidden = True
    target.save(update_fields=["hidden"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=target, before=before)


@transaction.atomic
def flag_handle(*, actor, flag: Flag, uphold: bool) -> Flag:
    """A moderator upholds a flag (abuse and spam hide what was flagged; off topic and duplicate close the
    thread by the other services) or dismisses it."""
    _require(access.forum_can_moderate(actor))
    current = Flag.objects.select_for_update().get(pk=flag.pk)
    if current.status != Flag.Status.OPEN:
        raise ValidationError(_("This flag was handled already."))
    before = snapshot(current)
    current.status = Flag.Status.UPHELD if uphold else Flag.Status.DISMISSED
    current.handled_by = actor
    current.save(update_fields=["status", "handled_by"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
    if uphold and current.reason in (Flag.Reason.ABUSE, Flag.Reason.SPAM):
        content_hide(actor=actor, thread=current.thread, answer=current.answer, comment=current.comment)
    return current


@transaction.atomic
def content_hide(*, actor, thread: Thread, answer: Answer | None = None, comment: Comment | None = None) -> None:
    """A moderator hides abuse: a comment, an answer (it can no longer be the accepted one) or the thread."""
    _require(access.forum_can_moderate(actor))
    if comment is not None:
        _hide(actor, comment)
    elif answer is not None:
        _hide(actor, answer)
        if thread.accepted_answer_id == answer.pk:
            current = locked(thread, None)
            before = snapshot(current)
            current.accepted_answer, current.state, current.resolved_at = None, S.ANSWERED, None
            if current.first_expert_answer_at is None:
                current.state = S.OPEN
            versioned_save(current, actor=actor, before=before)
    else:
        _hide(actor, thread)
    search.index("thread", Thread.objects.get(pk=thread.pk))
    _refresh()


@transaction.atomic
def thread_close(
    *, actor, thread: Thread, reason: str, duplicate_of: Thread | None = None, version: int | None = None
) -> Thread:
    _require(access.forum_can_moderate(actor))
    current = locked(thread, version)
    if reason not in Thread.CloseReason.values:
        raise ValidationError({"reason": _("Choose why the question is closed.")})
    if reason == Thread.CloseReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == current.pk:
            raise ValidationError({"duplicate_of": _("Name the question this one repeats.")})
    else:
        duplicate_of = None
    before = snapshot(current)
    current.state, current.close_reason, current.duplicate_of = S.CLOSED, reason, duplicate_of
    saved = versioned_save(current, actor=actor, before=before)
    search.index("thread", saved)
    _refresh()
    return saved


@transaction.atomic
def thread_reopen(*, actor, thread: Thread, version: int | None = None) -> Thread:
    _require(access.forum_can_moderate(actor))
    current = locked(thread, version)
    if current.state != S.CLOSED:
        raise ValidationError(_("Only a closed question is reopened."))
    before = snapshot(current)
    if current.accepted_answer_id:
        current.state = S.RESOLVED
    else:
        current.state = S.ANSWERED if current.first_expert_answer_at else S.OPEN
    current.close_reason, current.duplicate_of = "", None
    saved = versioned_save(current, actor=actor, before=before)
    search.index("thread", saved)
    _refresh()
    return saved


@transaction.atomic
def attachment_add(*, actor, thread: Thread, upload, answer: Answer | None = None) -> Attachment:
    """A file on the question (its asker) or on an answer (its author); validated by the form's upload check."""
    owner = answer.author_id if answer is not None else thread.asker_id
    _require(access.forum_can_post(actor) and (owner == actor.pk or access.forum_can_moderate(actor)))
    if answer is not None and answer.thread_id != thread.pk:
        raise ValidationError({"answer": _("Choose an answer of this question.")})
    attachment = Attachment(thread=thread, answer=answer, name=upload.name[:200], size=upload.size, uploaded_by=actor)
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=attachment)
    return attachment


def routing_mark_read(*, actor, thread: Thread) -> None:
    """The expert opened the question: it is read in their inbox."""
    Routing.objects.filter(Q(expert__user=actor), thread=thread, read_at__isnull=True).update(read_at=timezone.now())
