"""Writes to assessments and improvement plans.

The workflow: draft -> submitted -> under review -> validated (or returned, then submitted again) ->
published. Answers are saved one section at a time (a long form on a slow link loses at most one section);
each save and each step locks the assessment and refuses a stale version. Value-dependent access (may *this*
actor open an assessment for *this* organisation, act on *this* step) is checked here, so no caller skips
it. Validation, publication and plan changes refresh the computed indicators that read them."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.activities.access import activities_visible
from jalon.assessments import access, scoring
from jalon.assessments.models import (
    COST_KINDS,
    REVENUE_STREAMS,
    Answer,
    Assessment,
    FinancialProfile,
    Finding,
    Framework,
    ImprovementAction,
    ImprovementArea,
    Risk,
    Section,
)
from jalon.organisations.models import Organisation
from jalon.results.computations import computed_schedule_refresh

SOURCE = "assessments"
S = Assessment.Status
# Each review step and the statuses it starts from.
STEPS = {
    "submit": Assessment.EDITABLE,
    "review": (S.SUBMITTED,),
    "return": (S.SUBMITTED, S.UNDER_REVIEW),
    "validate": (S.SUBMITTED, S.UNDER_REVIEW),
    "publish": (S.VALIDATED,),
}
ACTION_FIELDS = ("description", "owner", "owner_name", "due_date", "status", "activity", "link")


def _require_status(current: Assessment, allowed, message: str) -> None:
    if current.status not in allowed:
        raise ValidationError(message % {"status": current.get_status_display()})


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def assessment_create(
    *,
    actor,
    organisation: Organisation,
    framework: Framework,
    period_start: datetime.date,
    period_end: datetime.date,
    mode: str = Assessment.Mode.SELF,
    is_demo: bool = False,
) -> Assessment:
    if actor is not None and not access.assessment_can_create_for(actor, organisation):
        raise ValidationError({"organisation": _("Open assessments for your own organisation.")})
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError({"framework": _("Choose a published question bank.")})
    assessment = Assessment(
        organisation=organisation,
        framework=framework,
        period_start=period_start,
        period_end=period_end,
        mode=mode,
        created_by=_author(actor),
        is_demo=is_demo,
    )
    assessment.full_clean(exclude=["reviewer", "created_by"])
    if Assessment.objects.filter(
        organisation=organisation, framework__code=framework.code, period_start=period_start, period_end=period_end,
        mode=mode,
    ).exists():  # fmt: skip
        raise ValidationError({"period_start": _("This organisation already has an assessment for this period.")})
    assessment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=assessment)
    return assessment


@transaction.atomic
def assessment_answer_section(
    *, actor, assessment: Assessment, section: Section, version: int | None, answers: dict
) -> Assessment:
    """Save one section's answers. `answers`: question id -> {option, not_applicable, comment, evidence_file,
    evidence_link, remove_file, confidence}; a question left out keeps its answer. Bumps the assessment's
    version, so that two people saving the same section from stale pages cannot overwrite each other."""
    current = locked(assessment, version)
    if actor is not None and not access.assessment_can_edit(actor, current):
        raise ValidationError(
            _("This assessment cannot be answered now; it is %(status)s.") % {"status": current.get_status_display()}
        )
    if section.framework_id != current.framework_id:
        raise ValidationError(_("This section is not in the assessment's question bank."))
    questions = {question.pk: question for question in section.questions.select_related("answer_set")}
    existing = {
        answer.question_id: answer for answer in Answer.objects.filter(assessment=current, question__section=section)
    }
    errors = {}
    for question_id, values in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(_("A question of another section was sent."))
        option = values.get("option")
        if option is not None and option.answer_set_id != question.answer_set_id:
            errors[f"q{question_id}-option"] = _("Choose one of the answers offered.")
            continue
        answer = existing.get(question_id) or Answer(assessment=current, question=question)
        answer.option = None if values.get("not_applicable") else option
        answer.not_applicable = bool(values.get("not_applicable"))
        answer.comment = values.get("comment", answer.comment) or ""
        answer.evidence_link = values.get("evidence_link", answer.evidence_link) or ""
        answer.confidence = values.get("confidence", answer.confidence) or ""
        if values.get("remove_file") and answer.evidence_file:
            answer.evidence_file = ""
        if values.get("evidence_file"):
            answer.evidence_file = values["evidence_file"]
        answer.answered_by = _author(actor)
        if answer.pk is None and answer.option is None and not answer.not_applicable and not answer.comment:
            continue  # nothing said about this question yet
        answer.save()
    if errors:
        raise ValidationError(errors)
    before = snapshot(current)
    return versioned_save(current, actor=actor, before=before)


def _missing_evidence(assessment: Assessment) -> list[str]:
    return sorted(
        answer.question.code
        for answer in Answer.objects.filter(
            assessment=assessment, question__evidence_required=True, option__isnull=False
        ).select_related("question")
        if not answer.has_evidence
    )


@transaction.atomic
def assessment_step(
    *, actor, assessment: Assessment, step: str, version: int | None = None, note: str = ""
) -> Assessment:
    """One workflow step: submit (the organisation), review, return with a note, validate, publish (the team)."""
    if step not in STEPS:
        raise ValidationError(_("Unknown step."))
    current = locked(assessment, version)
    messages = {
        "submit": _("Only a draft or a returned assessment can be submitted; this one is %(status)s."),
        "review": _("Only a submitted assessment can be taken in review; this one is %(status)s."),
        "return": _("Only a submitted assessment or one under review can be returned; this one is %(status)s."),
        "validate": _("Only a submitted assessment or one under review can be validated; this one is %(status)s."),
        "publish": _("Only a validated assessment can be published; this one is %(status)s."),
    }
    _require_status(current, STEPS[step], messages[step])
    if actor is not None:
        allowed = (
            access.assessment_can_edit(actor, current)
            if step == "submit"
            else access.assessment_can_review(actor, current)
        )
        if not allowed:
            raise ValidationError(_("You may not take this step."))
    before = snapshot(current)
    now = timezone.now()
    if step == "submit":
        if not Answer.objects.filter(assessment=current).exists():
            raise ValidationError(_("Answer at least one question before submitting."))
        missing = _missing_evidence(current)
        if missing:
            raise ValidationError(
                _("Evidence is required for: %(codes)s. Attach a file or a link to these answers.")
                % {"codes": ", ".join(missing)}
            )
        current.status, current.submitted_at = S.SUBMITTED, now
    elif step == "review":
        current.status, current.reviewer = S.UNDER_REVIEW, _author(actor)
    elif step == "return":
        if not note.strip():
            raise ValidationError({"note": _("Say what must change before it is submitted again.")})
        current.status, current.review_note, current.reviewer = S.RETURNED, note.strip(), _author(actor)
        current.returned_count += 1
    elif step == "validate":
        current.status, current.validated_at, current.reviewer = S.VALIDATED, now, _author(actor)
        current.review_note = note.strip() or current.review_note
    else:
        current.status = S.PUBLISHED
    saved = versioned_save(current, actor=actor, before=before)
    if step in ("validate", "publish"):
        computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def finding_create(
    *, actor, assessment: Assessment, kind: str, text: str, question=None, corrective_action: str = "", due_date=None
) -> Finding:
    """A peer assessor's finding (the team records it while reviewing a peer assessment)."""
    if actor is not None and not access.assessment_can_review(actor, assessment):
        raise ValidationError(_("Only the programme team records findings."))
    if question is not None and question.section.framework_id != assessment.framework_id:
        raise ValidationError({"question": _("Choose a question of this assessment's question bank.")})
    finding = Finding(
        assessment=assessment, kind=kind, text=text, question=question, corrective_action=corrective_action,
        due_date=due_date,
    )  # fmt: skip
    finding.full_clean()
    finding.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=finding)
    return finding


# Improvement plans -----------------------------------------------------------------------------------------


@transaction.atomic
def area_create(
    *, actor, assessment: Assessment, section: Section, target_score: Decimal, priority: int = 1, note: str = "",
    is_demo: bool = False,
) -> ImprovementArea:  # fmt: skip
    """Choose a weak section to improve: the assessment is validated, the section is ranked (answered enough)
    and the target is above its score."""
    if actor is not None and not access.assessment_can_plan(actor, assessment):
        raise ValidationError(_("Improvement areas are chosen on a validated assessment of your organisation."))
    if section.framework_id != assessment.framework_id:
        raise ValidationError({"section": _("Choose a section of this assessment's question bank.")})
    row = scoring.compute(assessment).by_code().get(section.code)
    if row is None or not row.ranked or row.score is None:
        raise ValidationError({"section": _("This section is incomplete: it cannot be chosen as an area.")})
    if target_score is None or not row.score < target_score <= 1:
        raise ValidationError(
            {
                "target_score": _("The target must be above the section's score (%(score)s) and at most 1.")
                % {"score": row.score}
            }
        )
    if ImprovementArea.objects.filter(assessment=assessment, section=section).exists():
        raise ValidationError({"section": _("This section is already an improvement area.")})
    area = ImprovementArea(
        assessment=assessment, section=section, target_score=target_score, priority=priority, note=note, is_demo=is_demo
    )
    area.full_clean()
    area.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=area)
    computed_schedule_refresh(source=SOURCE)
    return area


def _check_action(action: ImprovementAction, actor=None) -> None:
    """Valid fields, and a linked activity the actor may see (a hidden one cannot be linked by guessing its id)."""
    action.full_clean(exclude=["area"])
    if (
        actor is not None
        and action.activity_id
        and not activities_visible(actor).filter(pk=action.activity_id).exists()
    ):
        raise ValidationError({"activity": _("Choose an activity you can see.")})


@transaction.atomic
def action_create(*, actor, area: ImprovementArea, **fields) -> ImprovementAction:
    unknown_fields(fields, ACTION_FIELDS, "improvement action")
    if actor is not None and not access.assessment_can_plan(actor, area.assessment):
        raise ValidationError(_("Only the organisation and the programme team follow this plan."))
    action = ImprovementAction(area=area, **fields)
    _check_owner(action, area)
    _check_action(action, actor)
    action.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=action)
    computed_schedule_refresh(source=SOURCE)
    return action


def _check_owner(action: ImprovementAction, area: ImprovementArea) -> None:
    if action.owner is not None and action.owner.organisation_id not in (area.assessment.organisation_id, None):
        raise ValidationError({"owner": _("Choose a person of the assessed organisation.")})


@transaction.atomic
def action_update(*, actor, action: ImprovementAction, version: int | None = None, **fields) -> ImprovementAction:
    if actor is not None and not access.assessment_can_plan(actor, action.area.assessment):
        raise ValidationError(_("Only the organisation and the programme team follow this plan."))

    def clean(current):
        _check_owner(current, action.area)
        _check_action(current, actor)

    saved, changed = versioned_update(
        action, actor=actor, version=version, fields=fields, allowed=ACTION_FIELDS, clean=clean
    )
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


# Financial sustainability ----------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "year", "currency", *(name for name, _label in REVENUE_STREAMS), *(name for name, _label in COST_KINDS),
    "reserves", "participation_needed", "note",
)  # fmt: skip
RISK_FIELDS = ("title", "likelihood", "impact", "owner", "mitigation", "status")


def _check_finance_actor(actor, organisation) -> None:
    if actor is not None and not access.finance_can_edit(actor, organisation):
        raise ValidationError({"organisation": _("Record the finances of your own organisation.")})


@transaction.atomic
def profile_create(*, actor, organisation: Organisation, is_demo: bool = False, **fields) -> FinancialProfile:
    unknown_fields(fields, PROFILE_FIELDS, "financial profile")
    _check_finance_actor(actor, organisation)
    profile = FinancialProfile(organisation=organisation, is_demo=is_demo, **fields)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=profile)
    computed_schedule_refresh(source=SOURCE)
    return profile


@transaction.atomic
def profile_update(*, actor, profile: FinancialProfile, version: int | None = None, **fields) -> FinancialProfile:
    _check_finance_actor(actor, profile.organisation)
    saved, changed = versioned_update(profile, actor=actor, version=version, fields=fields, allowed=PROFILE_FIELDS)
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def risk_create(*, actor, organisation: Organisation, is_demo: bool = False, **fields) -> Risk:
    unknown_fields(fields, RISK_FIELDS, "risk")
    _check_finance_actor(actor, organisation)
    risk = Risk(organisation=organisation, is_demo=is_demo, **fields)
    risk.full_clean()
    risk.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=risk)
    return risk


@transaction.atomic
def risk_update(*, actor, risk: Risk, version: int | None = None, **fields) -> Risk:
    _check_finance_actor(actor, risk.organisation)
    saved, _changed = versioned_update(risk, actor=actor, version=version, fields=fields, allowed=RISK_FIELDS)
    return saved
