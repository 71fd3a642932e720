"""Writes to lessons learned: submitting and editing a lesson, validating and publishing it (the programme team),
and citing it on a proposal or an activity with how it was applied. Each write is one transaction, checks who
may write this value, is audited, and refreshes the computed indicators that read knowledge."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.knowledge import search
from jalon.knowledge.access import lessons as access
from jalon.knowledge.models import Lesson, LessonCitation
from jalon.results.computations import computed_schedule_refresh

LESSON_FIELDS = (
    "kind",
    "title",
    "description",
    "preconditions",
    "targeted_users",
    "challenges",
    "success_factors",
    "administrative_issues",
    "replication",
    "themes",
    "source",
    "source_activity",
    "source_arrangement",
    "source_assessment",
    "source_reference",
    "evidence",
    "evidence_file",
    "organisation",
)
LESSON_RELATIONS = ("countries", "results")
# The record each kind of source names (an evaluation and an imported file are named by their reference).
SOURCE_RECORD: dict[str, str] = {
    Lesson.Source.ACTIVITY: "source_activity",
    Lesson.Source.TWINNING: "source_arrangement",
    Lesson.Source.ASSESSMENT: "source_assessment",
}
MAX_THEMES = 20


def _refresh() -> None:
    computed_schedule_refresh(source="knowledge")


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check(lesson: Lesson, relations: dict) -> None:
    errors: dict[str, str] = {}
    needed = SOURCE_RECORD.get(lesson.source)
    for name in SOURCE_RECORD.values():
        if name != needed:
            setattr(lesson, name, None)
    if needed and getattr(lesson, f"{needed}_id") is None:
        errors[needed] = _("Name the record this lesson comes from.")
    if lesson.source in (Lesson.Source.EVALUATION, Lesson.Source.IMPORT) and not lesson.source_reference.strip():
        errors["source_reference"] = _("Give the evaluation's reference or the imported file's name.")
    themes = lesson.themes
    if not isinstance(themes, list) or not all(isinstance(theme, str) and theme.strip() for theme in themes):
        errors["themes"] = _("Themes are a list of words.")
    elif len(themes) > MAX_THEMES:
        errors["themes"] = _("At most %(count)s themes.") % {"count": MAX_THEMES}
    else:
        lesson.themes = sorted({theme.strip()[:80] for theme in themes})
    if lesson.kind == Lesson.Kind.GOOD_PRACTICE:
        if not relations.get("results"):
            errors["results"] = _("A good practice is linked to a result of a framework.")
        if not str(lesson.replication).strip():
            errors["replication"] = _("Say on what conditions a good practice can be replicated.")
    if errors:
        raise ValidationError(errors)
    lesson.full_clean(exclude=["created_by", "evidence_file"])


def _relations(fields: dict) -> dict:
    return {name: list(fields.pop(name)) for name in LESSON_RELATIONS if name in fields}


@transaction.atomic
def lesson_create(*, actor, is_demo: bool = False, **fields) -> Lesson:
    """A draft lesson, submitted by the team or a focal point for its organisation."""
    relations = _relations(fields)
    unknown_fields(fields, LESSON_FIELDS, "lesson")
    lesson = Lesson(**fields, is_demo=is_demo, created_by=_author(actor))
    if actor is not None and not access.lesson_can_submit_for(actor, lesson.organisation):
        raise ValidationError({"organisation": _("You submit lessons for your own organisation only.")})
    _check(lesson, relations)
    lesson.save()
    for name, values in relations.items():
        getattr(lesson, name).set(values)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=lesson)
    search.index("lesson", lesson)
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, version: int | None = None, **fields) -> Lesson:
    current = locked(lesson, version)
    if not access.lesson_can_edit(actor, current):
        raise PermissionDenied
    relations = _relations(fields)
    if "organisation" in fields and not access.lesson_can_submit_for(actor, fields["organisation"]):
        raise ValidationError({"organisation": _("You submit lessons for your own organisation only.")})
    merged = {name: relations.get(name, list(getattr(current, name).all())) for name in LESSON_RELATIONS}
    saved, _changed = versioned_update(
        current,
        actor=actor,
        version=None,
        fields=fields,
        allowed=LESSON_FIELDS,
        clean=lambda record: _check(record, merged),
        relations=relations,
        current=current,
    )
    search.index("lesson", saved)
    if current.status != Lesson.Status.DRAFT:
        _refresh()
    return saved


def _move(*, actor, lesson: Lesson, version: int | None, start: tuple, status: str, date_field: str) -> Lesson:
    current = locked(lesson, version)
    if not access.lesson_can_validate(actor, current):
        raise PermissionDenied
    if current.status not in start:
        raise ValidationError(_("This lesson cannot move to that state from its current one."))
    before = snapshot(current)
    current.status = status
    setattr(current, date_field, timezone.localdate())
    saved = versioned_save(current, actor=actor, before=before)
    search.index("lesson", saved)
    _refresh()
    return saved


@transaction.atomic
def lesson_validate(*, actor, lesson: Lesson, version: int | None = None) -> Lesson:
    """The team validates a draft: from then on it is offered to proposals and activities of its outcomes."""
    return _move(
        actor=actor,
        lesson=lesson,
        version=version,
        start=(Lesson.Status.DRAFT,),
        status=Lesson.Status.VALIDATED,
        date_field="validated_on",
    )


@transaction.atomic
def lesson_publish(*, actor, lesson: Lesson, version: int | None = None) -> Lesson:
    """Published: anyone reads it. Only a validated lesson is published."""
    return _move(
        actor=actor,
        lesson=lesson,
        version=version,
        start=(Lesson.Status.VALIDATED,),
        status=Lesson.Status.PUBLISHED,
        date_field="published_on",
    )


@transaction.atomic
def lesson_cite(*, actor, lesson: Lesson, how_applied: str, proposal=None, activity=None) -> LessonCitation:
    """Records that a proposal (or an activity) applied a lesson, and how."""
    if (proposal is None) == (activity is None):
        raise TypeError("cite a lesson on one proposal or one activity")
    if not access.lessons_offered(actor).filter(pk=lesson.pk).exists():
        raise ValidationError({"lesson": _("Only a validated lesson can be cited.")})
    if proposal is not None and not access.lesson_can_cite_on_proposal(actor, proposal):
        raise PermissionDenied
    if activity is not None and not access.lesson_can_cite_on_activity(actor, activity):
        raise PermissionDenied
    how_applied = (how_applied or "").strip()
    if not how_applied:
        raise ValidationError({"how_applied": _("Say how the lesson was applied.")})
    target = {"proposal": proposal} if proposal is not None else {"activity": activity}
    if LessonCitation.objects.filter(lesson=lesson, **target).exists():
        raise ValidationError({"lesson": _("This lesson is already cited here.")})
    citation = LessonCitation(lesson=lesson, how_applied=how_applied[:5000], cited_by=_author(actor), **target)
    citation.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=citation)
    _refresh()
    return citation
