"""Writes to assessments and improvement plans.

The workflow: draft -> submitted -> under review -> validated (or returned, then submitted again) ->
published. Answers are saved one section at a time (a long form on a slow link loses at most one section);
each save and each step locks the assessment and refuses a stale version. Value-dependent access (may *this*
actor open an assessment for *this* organisation, act on *this* step) is checked here, so no caller skips
it. Validation, publication and plan changes refresh the computed indicators that read them."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError, locked, unknown_fields, versioned_save, versioned_update
from jalon.activities.access import activities_visible
from jalon.assessments import access, scoring
from jalon.assessments.models import (
    COST_KINDS,
    ICS_CODE,
    REVENUE_STREAMS,
    Answer,
    Assessment,
    FinancialProfile,
    Finding,
    Framework,
    ImprovementAction,
    ImprovementArea,
    Invitation,
    NationalStrategy,
    ParticipationCost,
    PrioritySector,
    RatioThreshold,
    Risk,
    Scale,
    Section,
    StrategyItem,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from jalon.lib.multilingual import text_in
from jalon.organisations.models import Organisation
from jalon.results.access import programme_can_manage
from jalon.results.computations import computed_schedule_refresh

SOURCE = "assessments"
ZERO = Decimal("0")
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
    finding = Finding(
        assessment=assessment, kind=kind, text=text, question=question, corrective_action=corrective_action,
        due_date=due_date,
    )  # fmt: skip
    _check_finding(finding)
    finding.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=finding)
    return finding


# Improvement plans -----------------------------------------------------------------------------------------


AREA_FIELDS = ("section", "target_score", "priority", "note")
FINDING_FIELDS = ("kind", "question", "text", "corrective_action", "due_date", "status")


def _check_finding(finding: Finding) -> None:
    question = finding.question if finding.question_id is not None else None
    if question is not None and question.section.framework_id != finding.assessment.framework_id:
        raise ValidationError({"question": _("Choose a question of this assessment's question bank.")})
    finding.full_clean()


@transaction.atomic
def finding_update(*, actor, finding: Finding, version: int | None = None, **fields) -> Finding:
    """Change a finding: its text, the corrective action, its due date, close it when the action is done."""
    if actor is not None and not access.assessment_can_review(actor, finding.assessment):
        raise ValidationError(_("Only the programme team records findings."))
    saved, _changed = versioned_update(
        finding, actor=actor, version=version, fields=fields, allowed=FINDING_FIELDS, clean=_check_finding
    )
    return saved


@transaction.atomic
def finding_delete(*, actor, finding: Finding) -> None:
    if actor is not None and not access.assessment_can_review(actor, finding.assessment):
        raise ValidationError(_("Only the programme team records findings."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=finding, before=snapshot(finding))
    finding.delete()


# Improvement plans -----------------------------------------------------------------------------------------


def _check_area(area: ImprovementArea) -> None:
    """A section of the assessment's bank, ranked (answered enough), not chosen twice, with a target above its
    score."""
    assessment, section = area.assessment, area.section
    if section.framework_id != assessment.framework_id:
        raise ValidationError({"section": _("Choose a section of this assessment's question bank.")})
    row = scoring.compute(assessment).by_code().get(section.code)
    if row is None or not row.ranked or row.score is None:
        raise ValidationError({"section": _("This section is incomplete: it cannot be chosen as an area.")})
    target_score = area.target_score
    if target_score is None or not row.score < Decimal(str(target_score)) <= 1:
        raise ValidationError(
            {
                "target_score": _("The target must be above the section's score (%(score)s) and at most 1.")
                % {"score": row.score}
            }
        )
    if ImprovementArea.objects.filter(assessment=assessment, section=section).exclude(pk=area.pk).exists():
        raise ValidationError({"section": _("This section is already an improvement area.")})
    area.full_clean()


@transaction.atomic
def area_create(
    *, actor, assessment: Assessment, section: Section, target_score: Decimal, priority: int = 1, note: str = "",
    is_demo: bool = False,
) -> ImprovementArea:  # fmt: skip
    """Choose a weak section to improve: the assessment is validated, the section is ranked (answered enough)
    and the target is above its score."""
    if actor is not None and not access.assessment_can_plan(actor, assessment):
        raise ValidationError(_("Improvement areas are chosen on a validated assessment of your organisation."))
    area = ImprovementArea(
        assessment=assessment, section=section, target_score=target_score, priority=priority, note=note, is_demo=is_demo
    )
    _check_area(area)
    area.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=area)
    computed_schedule_refresh(source=SOURCE)
    return area


@transaction.atomic
def area_update(*, actor, area: ImprovementArea, version: int | None = None, **fields) -> ImprovementArea:
    """Change an area's section (another weak one), its target score, priority or note."""
    if actor is not None and not access.assessment_can_plan(actor, area.assessment):
        raise ValidationError(_("Only the organisation and the programme team follow this plan."))
    saved, changed = versioned_update(
        area,
        actor=actor,
        version=version,
        fields=fields,
        allowed=AREA_FIELDS,
        clean=_check_area,
        queryset=ImprovementArea.objects.select_related("assessment__framework", "assessment__organisation"),
    )
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def area_delete(*, actor, area: ImprovementArea) -> None:
    """Drop an area from the plan, with its actions (each audited)."""
    if actor is not None and not access.assessment_can_plan(actor, area.assessment):
        raise ValidationError(_("Only the organisation and the programme team follow this plan."))
    for action in area.actions.all():
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=action, before=snapshot(action))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=area, before=snapshot(area))
    area.delete()
    computed_schedule_refresh(source=SOURCE)


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


@transaction.atomic
def action_delete(*, actor, action: ImprovementAction) -> None:
    if actor is not None and not access.assessment_can_plan(actor, action.area.assessment):
        raise ValidationError(_("Only the organisation and the programme team follow this plan."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=action, before=snapshot(action))
    action.delete()
    computed_schedule_refresh(source=SOURCE)


# Maturity bands --------------------------------------------------------------------------------------------


def bands_clean(bands: list[dict]) -> list[dict]:
    """Bands as stored: [{"min": "0.5", "code": "L3", "label": {"en": ..., "fr": ...}}], ascending. Each band
    runs from its `min` up to the next band's, so bands are ordered and cannot overlap when their lower bounds
    rise strictly; the first starts at 0 so that every score has a band."""
    errors = []
    cleaned: list[dict] = []
    for number, band in enumerate(bands, start=1):
        code = str(band.get("code") or "").strip()
        label = {lang: str((band.get("label") or {}).get(lang) or "").strip() for lang in ("en", "fr")}
        try:
            low = Decimal(str(band.get("min")))
        except ArithmeticError:
            low = None
        if low is None or not low.is_finite() or not ZERO <= low <= 1:
            errors.append(_("Band %(n)s: its lower bound must be a number from 0 to 1.") % {"n": number})
            continue
        if not code or not all(label.values()):
            errors.append(_("Band %(n)s: give a code and a name in French and in English.") % {"n": number})
            continue
        cleaned.append({"min": str(low.normalize() if low else ZERO), "code": code[:20], "label": label})
    if not errors:
        if not cleaned:
            errors.append(_("Give at least one band."))
        elif Decimal(cleaned[0]["min"]) != ZERO:
            errors.append(_("The first band must start at 0, so that every score has a band."))
        for before, after in zip(cleaned, cleaned[1:], strict=False):
            if Decimal(after["min"]) <= Decimal(before["min"]):
                errors.append(
                    _("Band %(code)s must start above band %(previous)s: bands are ordered and do not overlap.")
                    % {"code": after["code"], "previous": before["code"]}
                )
        codes = [band["code"] for band in cleaned]
        if len(set(codes)) != len(codes):
            errors.append(_("Two bands have the same code."))
    if errors:
        raise ValidationError({"bands": errors})
    return cleaned


@transaction.atomic
def framework_bands_update(*, actor, framework: Framework, version: int | None, bands: list[dict]) -> Framework:
    """Set a question bank's maturity bands (scores are computed when read, so every assessment on the bank
    shows the new bands at once). `version`: the bands' edit version the editor saw."""
    if actor is not None and not access.bands_can_edit(actor):
        raise ValidationError(_("Only the programme team sets the maturity bands."))
    current = Framework.objects.select_for_update().get(pk=framework.pk)
    if version is not None and current.bands_version != version:
        raise ConflictError()
    cleaned = bands_clean(bands)
    before = snapshot(current)
    if cleaned == current.bands:
        return current
    current.bands = cleaned
    current.bands_version = F("bands_version") + 1
    current.save(update_fields=["bands", "bands_version"])
    current.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
    return current


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


def _check_threshold(threshold: RatioThreshold) -> None:
    """Where medium and high risk start, in the ratio's direction: for the revenue concentration (higher is
    worse) high starts above medium; for the other ratios (lower is worse) below it."""
    threshold.full_clean()
    medium, high = threshold.medium, threshold.high
    if medium < 0 or high < 0:
        raise ValidationError({"medium": _("Thresholds cannot be negative.")})
    if threshold.ratio == RatioThreshold.Ratio.CONCENTRATION:
        if not medium < high <= 1:
            raise ValidationError(
                {"high": _("The concentration is worse when higher: high risk starts above medium risk, at most 1.")}
            )
    elif not high < medium:
        raise ValidationError({"high": _("This ratio is worse when lower: high risk starts below medium risk.")})


@transaction.atomic
def ratio_threshold_set(
    *, actor, programme, ratio: str, medium: Decimal, high: Decimal, version: int | None = None
) -> RatioThreshold:
    """Set a programme's thresholds for one ratio (the defaults apply until it does)."""
    if actor is not None and not programme_can_manage(actor, programme):
        raise ValidationError(_("Only the programme's managers set its thresholds."))
    existing = RatioThreshold.objects.filter(programme=programme, ratio=ratio).first()
    if existing is not None:
        saved, changed = versioned_update(
            existing, actor=actor, version=version, fields={"medium": medium, "high": high},
            allowed=("medium", "high"), clean=_check_threshold,
        )  # fmt: skip
    else:
        saved = RatioThreshold(programme=programme, ratio=ratio, medium=medium, high=high)
        _check_threshold(saved)
        saved.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=saved)
        changed = True
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


COST_FIELDS = ("currency", "p_membership", "meeting_in_person", "meeting_remote", "secretariat", "chair")


def _check_cost_actor(actor, programme) -> None:
    if actor is not None and not programme_can_manage(actor, programme):
        raise ValidationError(_("Only the programme's managers set its participation costs."))


def _check_cost(setting: ParticipationCost) -> None:
    if (
        setting.currency_id is not None
        and ParticipationCost.objects.filter(programme_id=setting.programme_id, currency_id=setting.currency_id)
        .exclude(pk=setting.pk)
        .exists()
    ):
        raise ValidationError({"currency": _("This programme already has participation costs in this currency.")})
    setting.full_clean()


@transaction.atomic
def participation_cost_create(*, actor, programme, **fields) -> ParticipationCost:
    """A programme's unit costs of international participation in one currency (the estimate's settings)."""
    unknown_fields(fields, COST_FIELDS, "participation cost")
    _check_cost_actor(actor, programme)
    setting = ParticipationCost(programme=programme, **fields)
    _check_cost(setting)
    setting.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=setting)
    computed_schedule_refresh(source=SOURCE)
    return setting


@transaction.atomic
def participation_cost_update(
    *, actor, setting: ParticipationCost, version: int | None = None, **fields
) -> ParticipationCost:
    _check_cost_actor(actor, setting.programme)
    saved, changed = versioned_update(
        setting, actor=actor, version=version, fields=fields, allowed=COST_FIELDS, clean=_check_cost
    )
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def participation_cost_delete(*, actor, setting: ParticipationCost) -> None:
    _check_cost_actor(actor, setting.programme)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=setting, before=snapshot(setting))
    setting.delete()
    computed_schedule_refresh(source=SOURCE)


# Satisfaction surveys --------------------------------------------------------------------------------------

SURVEY_FIELDS = ("code", "title", "population", "year", "anonymous", "threshold", "minimum_n")
DEFAULT_QUESTION = {
    "en": "How satisfied are you with your participation in the programme?",
    "fr": "Dans quelle mesure êtes-vous satisfait de votre participation au programme ?",
}


@transaction.atomic
def survey_create(*, actor, programme, is_demo: bool = False, **fields) -> Survey:
    """A draft survey with one satisfaction question (replace them by importing an XLSForm)."""
    unknown_fields(fields, SURVEY_FIELDS, "survey")
    if actor is not None and not programme_can_manage(actor, programme):
        raise ValidationError({"programme": _("Choose a programme you manage.")})
    survey = Survey(programme=programme, is_demo=is_demo, **fields)
    survey.full_clean()
    survey.save()
    SurveyQuestion.objects.create(survey=survey, code="satisfaction", text=DEFAULT_QUESTION, scale=Scale.LIKERT5)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=survey)
    return survey


@transaction.atomic
def survey_set_status(*, actor, survey: Survey, status: str, version: int | None = None) -> Survey:
    current = locked(survey, version)
    allowed: dict[str, tuple[str, ...]] = {
        Survey.Status.OPEN: (Survey.Status.DRAFT,),
        Survey.Status.CLOSED: (Survey.Status.OPEN,),
    }
    if status not in allowed or current.status not in allowed[status]:
        raise ValidationError(_("This survey cannot move from %(status)s.") % {"status": current.get_status_display()})
    if status == Survey.Status.OPEN and not current.questions.filter(counts=True).exists():
        raise ValidationError(_("Add a question that counts for satisfaction before opening the survey."))
    before = snapshot(current)
    current.status = status
    saved = versioned_save(current, actor=actor, before=before)
    if status == Survey.Status.CLOSED:
        computed_schedule_refresh(source=SOURCE)
    return saved


SURVEY_QUESTION_FIELDS = ("code", "text", "scale", "counts", "dont_know", "order")


def _check_question_editable(actor, survey: Survey) -> None:
    """Questions change only on a draft survey without answers: an answer given on one scale must not be read
    on another."""
    if actor is not None and not access.survey_can_manage(actor, survey):
        raise ValidationError(_("Only the programme's team changes this survey."))
    if survey.status != Survey.Status.DRAFT or survey.responses.exists():
        raise ValidationError(_("Questions can be changed only on a draft survey without answers."))


def _check_survey_question(question: SurveyQuestion) -> None:
    question.code = (question.code or "").strip()
    if SurveyQuestion.objects.filter(survey_id=question.survey_id, code=question.code).exclude(pk=question.pk).exists():
        raise ValidationError({"code": _("Another question of this survey has this code.")})
    question.full_clean()


@transaction.atomic
def survey_question_create(*, actor, survey: Survey, **fields) -> SurveyQuestion:
    unknown_fields(fields, SURVEY_QUESTION_FIELDS, "survey question")
    _check_question_editable(actor, survey)
    question = SurveyQuestion(survey=survey, **fields)
    _check_survey_question(question)
    question.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=question)
    return question


@transaction.atomic
def survey_question_update(*, actor, question: SurveyQuestion, version: int | None = None, **fields) -> SurveyQuestion:
    _check_question_editable(actor, question.survey)
    saved, _changed = versioned_update(
        question, actor=actor, version=version, fields=fields, allowed=SURVEY_QUESTION_FIELDS,
        clean=_check_survey_question,
    )  # fmt: skip
    return saved


@transaction.atomic
def survey_question_delete(*, actor, question: SurveyQuestion) -> None:
    _check_question_editable(actor, question.survey)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=question, before=snapshot(question))
    question.delete()


def _invitation_lines(text: str, groups: list[str]) -> tuple[list[dict], list[str]]:
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) < 4:
            errors.append(_("Line %(line)s: write e-mail; unit code; unit name; group.") % {"line": number})
            continue
        email, unit_code, unit_name, group = parts[:4]
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("Line %(line)s: %(email)s is not an e-mail address.") % {"line": number, "email": email[:60]}
            )
            continue
        if group not in groups or not unit_code:
            errors.append(
                _("Line %(line)s: the group must be one of %(groups)s, with a unit code.")
                % {"line": number, "groups": ", ".join(groups)}
            )
            continue
        rows.append({"email": email, "unit_code": unit_code[:40], "unit_name": unit_name[:200], "group": group})
    return rows, errors


@transaction.atomic
def invitations_add(*, actor, survey: Survey, lines: str) -> int:
    """Invitations from lines "e-mail; unit code; unit name; group", all or nothing."""
    rows, errors = _invitation_lines(lines, survey.groups())
    if errors:
        raise ValidationError({"lines": errors[:20]})
    for row in rows:
        Invitation.objects.create(survey=survey, token=secrets.token_urlsafe(24), **row)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=survey)
    return len(rows)


def invitations_send(*, actor, survey: Survey, link_for, reminder: bool = False) -> int:
    """E-mail each invitation its personal link: the first time to those not yet sent, as a reminder to those
    sent but not answered. `link_for(invitation)`: the absolute URL of the answer page."""
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Open the survey before sending its invitations."))
    pending = survey.invitations.filter(responded_at__isnull=True)
    pending = pending.filter(sent_at__isnull=False) if reminder else pending.filter(sent_at__isnull=True)
    now = timezone.now()
    sent = 0
    title = text_in(survey.title)
    for invitation in pending:
        subject = (_("Reminder: %(title)s") if reminder else "%(title)s") % {"title": title}
        body = _(
            'You are invited to answer the survey "%(title)s" (a few minutes, no account needed):\n%(link)s\n\n'
            "%(anonymity)s"
        ) % {
            "title": title,
            "link": link_for(invitation),
            "anonymity": _("Your answers are kept without your name.") if survey.anonymous else "",
        }
        send_mail(subject, body, None, [invitation.email])
        if reminder:
            Invitation.objects.filter(pk=invitation.pk).update(reminded_at=now, reminders=F("reminders") + 1)
        else:
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
        sent += 1
    return sent


@transaction.atomic
def response_submit(*, invitation: Invitation, answers: dict) -> SurveyResponse:
    """A respondent's answers through their personal link (no account). `answers`: question id -> a scale
    value or "dk". Once only; for an anonymous survey, the response keeps no link to the invitation."""
    current = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    survey = current.survey
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("This survey is not open."))
    if current.responded_at is not None:
        raise ValidationError(_("This link has already been used to answer. Thank you."))
    questions = {q.pk: q for q in survey.questions.all()}
    response = SurveyResponse.objects.create(
        survey=survey,
        invitation=None if survey.anonymous else current,
        unit_code=current.unit_code,
        unit_name=current.unit_name,
        group=current.group,
    )
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None or value in (None, ""):
            continue
        if value == "dk" and question.dont_know:
            SurveyAnswer.objects.create(response=response, question=question, dont_know=True)
        elif str(value).isdigit() and any(int(value) == point[0] for point in question.points):
            SurveyAnswer.objects.create(response=response, question=question, value=int(value))
        else:
            raise ValidationError(_("Choose one of the answers offered."))
    current.responded_at = timezone.now()
    current.save(update_fields=["responded_at"])
    return response


# National strategies -----------------------------------------------------------------------------------------

STRATEGY_FIELDS = (
    "title", "period_start", "period_end", "status", "weight_economic", "weight_social", "weight_environmental",
    "document",
)  # fmt: skip


def _check_strategy(strategy: NationalStrategy) -> None:
    strategy.full_clean(exclude=["organisation"])
    if strategy.period_end < strategy.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})


@transaction.atomic
def strategy_create(*, actor, organisation: Organisation, is_demo: bool = False, **fields) -> NationalStrategy:
    unknown_fields(fields, STRATEGY_FIELDS, "strategy")
    _check_finance_actor(actor, organisation)
    strategy = NationalStrategy(organisation=organisation, is_demo=is_demo, **fields)
    _check_strategy(strategy)
    strategy.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=strategy)
    computed_schedule_refresh(source=SOURCE)
    return strategy


@transaction.atomic
def strategy_update(*, actor, strategy: NationalStrategy, version: int | None = None, **fields) -> NationalStrategy:
    _check_finance_actor(actor, strategy.organisation)
    saved, changed = versioned_update(
        strategy, actor=actor, version=version, fields=fields, allowed=STRATEGY_FIELDS, clean=_check_strategy
    )
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


SECTOR_FIELDS = ("name", "ics_codes", "economic", "social", "environmental", "evidence")
ITEM_FIELDS = ("kind", "reference", "committee", "sector", "status")


def _ics_codes(codes) -> list[str]:
    cleaned = [str(code).strip() for code in codes or [] if str(code).strip()]
    for code in cleaned:
        try:
            ICS_CODE(code)
        except ValidationError:
            raise ValidationError(
                {"ics_codes": _("%(code)s is not an ICS code (13, 13.020 or 13.020.10).") % {"code": code[:20]}}
            ) from None
    return cleaned


def _check_sector(sector: PrioritySector) -> None:
    sector.ics_codes = _ics_codes(sector.ics_codes)
    sector.full_clean(exclude=["strategy"])


@transaction.atomic
def sector_create(*, actor, strategy: NationalStrategy, committees=(), **fields) -> PrioritySector:
    unknown_fields(fields, SECTOR_FIELDS, "sector")
    _check_finance_actor(actor, strategy.organisation)
    sector = PrioritySector(strategy=strategy, **fields)
    _check_sector(sector)
    sector.save()
    sector.committees.set(committees)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=sector)
    computed_schedule_refresh(source=SOURCE)
    return sector


@transaction.atomic
def sector_update(
    *, actor, sector: PrioritySector, version: int | None = None, committees=None, **fields
) -> PrioritySector:
    """Change a sector's name, ICS codes, scores and their evidence, and its priority committees."""
    _check_finance_actor(actor, sector.strategy.organisation)
    saved, changed = versioned_update(
        sector,
        actor=actor,
        version=version,
        fields=fields,
        allowed=(*SECTOR_FIELDS, "committees"),
        clean=_check_sector,
        relations=None if committees is None else {"committees": list(committees)},
        queryset=PrioritySector.objects.select_related("strategy"),
    )
    if changed:
        computed_schedule_refresh(source=SOURCE)
    return saved


@transaction.atomic
def sector_delete(*, actor, sector: PrioritySector) -> None:
    """Drop a sector; its items stay in the strategy, without a sector."""
    _check_finance_actor(actor, sector.strategy.organisation)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=sector, before=snapshot(sector))
    sector.delete()
    computed_schedule_refresh(source=SOURCE)


def _check_item(item: StrategyItem) -> None:
    if item.sector is not None and item.sector.strategy_id != item.strategy_id:
        raise ValidationError({"sector": _("Choose a sector of this strategy.")})
    if item.kind in (StrategyItem.Kind.JOIN_P, StrategyItem.Kind.FOLLOW_O) and not item.committee_id:
        raise ValidationError({"committee": _("Name the committee to join or follow.")})
    item.full_clean(exclude=["strategy"])


@transaction.atomic
def item_create(*, actor, strategy: NationalStrategy, **fields) -> StrategyItem:
    unknown_fields(fields, ITEM_FIELDS, "strategy item")
    _check_finance_actor(actor, strategy.organisation)
    item = StrategyItem(strategy=strategy, **fields)
    _check_item(item)
    item.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=item)
    return item


@transaction.atomic
def item_update(*, actor, item: StrategyItem, version: int | None = None, **fields) -> StrategyItem:
    """Change an item: most often its status, as the standard is adopted or the committee joined."""
    _check_finance_actor(actor, item.strategy.organisation)
    saved, _changed = versioned_update(
        item, actor=actor, version=version, fields=fields, allowed=ITEM_FIELDS, clean=_check_item
    )
    return saved


@transaction.atomic
def item_delete(*, actor, item: StrategyItem) -> None:
    _check_finance_actor(actor, item.strategy.organisation)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=item, before=snapshot(item))
    item.delete()
