"""Who may see or change assessments and improvement plans.

An organisation's assessments (answers, evidence, findings, plans) are its own and the programme team's:
its focal points fill and submit them, its contributors read them; programme managers (the team, whatever
programme they manage: an assessment is of an organisation, not of a programme) review, return, validate
and publish, and see the portfolio. Viewers and the public see only aggregates of published assessments,
never one organisation's answers. Platform administrators do everything."""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.assessments.models import (
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
    Risk,
    StrategyItem,
    Survey,
    SurveyQuestion,
)
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation
from jalon.results.models import Programme

# A part of a national strategy: its priority sectors and its items, each checked through its strategy.
Part = TypeVar("Part", PrioritySector, StrategyItem)


def assessments_team(user) -> bool:
    """The programme team: administrators and programme managers."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def assessments_visible(user, queryset: QuerySet[Assessment] | None = None) -> QuerySet[Assessment]:
    queryset = Assessment.objects.all() if queryset is None else queryset
    if assessments_team(user):
        return queryset
    own = grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    return queryset.filter(organisation_id__in=own) if own else queryset.none()


def assessments_can_list(user) -> bool:
    return assessments_team(user) or bool(grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR))


def assessment_organisations(user) -> QuerySet[Organisation]:
    """The organisations a user may open an assessment for: any national body for the team, their own for
    focal points."""
    if assessments_team(user):
        return Organisation.objects.filter(country__isnull=False)
    return Organisation.objects.filter(pk__in=grants_for(user).organisations(Role.FOCAL_POINT))


def assessment_can_create(user) -> bool:
    return assessments_team(user) or bool(grants_for(user).organisations(Role.FOCAL_POINT))


def assessment_can_create_for(user, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return assessments_team(user) or organisation.pk in grants_for(user).organisations(Role.FOCAL_POINT)


def assessment_can_edit(user, assessment: Assessment) -> bool:
    """Answer and submit: a draft or a returned assessment, by the organisation's focal points or the team."""
    return assessment.status in Assessment.EDITABLE and assessment_can_create_for(user, assessment.organisation)


def assessment_can_review(user, assessment: Assessment) -> bool:
    return assessments_team(user)


def assessment_can_plan(user, assessment: Assessment) -> bool:
    """Choose improvement areas and follow their actions: once the assessment is validated."""
    return assessment.status in Assessment.COUNTED and assessment_can_create_for(user, assessment.organisation)


def portfolio_can_view(user) -> bool:
    return assessments_team(user)


def answers_visible(user, queryset: QuerySet[Answer]) -> QuerySet[Answer]:
    return queryset.filter(assessment__in=assessments_visible(user))


def access_assessment(user, pk, *, manage: bool = False) -> Assessment:
    """An assessment the user may see (404 otherwise, the same for "not there" and "not yours"); `manage`:
    one the user may answer now (403 otherwise)."""
    if not valid_id(pk):
        raise Http404
    queryset = Assessment.objects.select_related("organisation__country", "framework", "reviewer")
    assessment = assessments_visible(user, queryset).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    if manage and not assessment_can_edit(user, assessment):
        raise PermissionDenied
    return assessment


def access_answer(user, assessment: Assessment, pk) -> Answer:
    if not valid_id(pk):
        raise Http404
    answer = Answer.objects.filter(assessment=assessment, pk=pk).select_related("question").first()
    if answer is None or not answer.evidence_file:
        raise Http404
    return answer


def access_area(user, pk, *, manage: bool = False) -> ImprovementArea:
    if not valid_id(pk):
        raise Http404
    area = (
        ImprovementArea.objects.filter(Q(assessment__in=assessments_visible(user)), pk=pk)
        .select_related("assessment__organisation", "assessment__framework", "section")
        .first()
    )
    if area is None:
        raise Http404
    if manage and not assessment_can_plan(user, area.assessment):
        raise PermissionDenied
    return area


def access_action(user, pk, *, manage: bool = False) -> ImprovementAction:
    if not valid_id(pk):
        raise Http404
    action = (
        ImprovementAction.objects.filter(area__assessment__in=assessments_visible(user), pk=pk)
        .select_related("area__assessment__organisation", "area__assessment__framework", "area__section")
        .first()
    )
    if action is None:
        raise Http404
    if manage and not assessment_can_plan(user, action.area.assessment):
        raise PermissionDenied
    return action


def access_finding(user, pk, *, manage: bool = False) -> Finding:
    """A finding of an assessment the user sees (404 otherwise); `manage`: the team's, to change (403)."""
    if not valid_id(pk):
        raise Http404
    finding = (
        Finding.objects.filter(assessment__in=assessments_visible(user), pk=pk)
        .select_related("assessment__organisation", "assessment__framework", "question__section")
        .first()
    )
    if finding is None:
        raise Http404
    if manage and not assessment_can_review(user, finding.assessment):
        raise PermissionDenied
    return finding


def bands_can_edit(user) -> bool:
    """A question bank's maturity bands are the programme team's to set."""
    return assessments_team(user)


def access_bands(user, code: str, version) -> Framework:
    """A question bank whose bands the user may set: 404 when there is none, 403 for others (banks are public)."""
    if not valid_id(version):
        raise Http404
    framework = Framework.objects.filter(code=str(code)[:40], version=version).first()
    if framework is None:
        raise Http404
    if not bands_can_edit(user):
        raise PermissionDenied
    return framework


# Financial sustainability: an organisation's profile and risk register are its own and the team's ----------


def _own_records_seen(user) -> set[int] | None:
    """The organisations whose own records (financial profile, risks, national strategies) the user sees: their
    own for focal points and contributors; None for the programme team, who sees every organisation's."""
    if assessments_team(user):
        return None
    return grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)


def finance_visible(user, queryset):
    """Financial profiles or risks (both have `organisation`) a user may see."""
    own = _own_records_seen(user)
    if own is None:
        return queryset
    return queryset.filter(organisation_id__in=own) if own else queryset.none()


def finance_can_edit(user, organisation: Organisation | None) -> bool:
    return assessment_can_create_for(user, organisation)


def access_profile(user, pk, *, manage: bool = False) -> FinancialProfile:
    if not valid_id(pk):
        raise Http404
    queryset = FinancialProfile.objects.select_related("organisation", "currency")
    profile = finance_visible(user, queryset).filter(pk=pk).first()
    if profile is None:
        raise Http404
    if manage and not finance_can_edit(user, profile.organisation):
        raise PermissionDenied
    return profile


def access_risk(user, pk, *, manage: bool = False) -> Risk:
    if not valid_id(pk):
        raise Http404
    risk = finance_visible(user, Risk.objects.select_related("organisation")).filter(pk=pk).first()
    if risk is None:
        raise Http404
    if manage and not finance_can_edit(user, risk.organisation):
        raise PermissionDenied
    return risk


# National standardization strategies: an organisation's strategy, adopted or draft, its priority sectors and its
# items are its own and the team's, as its financial profile. Other apps that weigh or name a member's priorities
# (twinning's recommender, an arrangement's link to a sector) read them through the committees app's registry,
# which the assessments app answers for a viewer with these two functions: nobody else sees them, not even the
# other party of a twinning arrangement.


def strategies_visible(user, queryset: QuerySet[NationalStrategy] | None = None) -> QuerySet[NationalStrategy]:
    queryset = NationalStrategy.objects.all() if queryset is None else queryset
    return finance_visible(user, queryset)


def strategy_owners_visible(user, organisation_ids: Iterable[int]) -> set[int]:
    """Of these organisations, those whose strategies the user may see, whether they have one or not (the rule of
    strategies_visible, per organisation)."""
    ids = set(organisation_ids)
    own = _own_records_seen(user)
    return ids if own is None else ids & own


def access_strategy(user, pk, *, manage: bool = False) -> NationalStrategy:
    if not valid_id(pk):
        raise Http404
    queryset = NationalStrategy.objects.select_related("organisation")
    strategy = strategies_visible(user, queryset).filter(pk=pk).first()
    if strategy is None:
        raise Http404
    if manage and not finance_can_edit(user, strategy.organisation):
        raise PermissionDenied
    return strategy


def access_strategy_part(user, model: type[Part], pk) -> Part:
    """A sector or an item of a strategy the user may change (404 if not seen, 403 if only read)."""
    if not valid_id(pk):
        raise Http404
    part = model.objects.filter(pk=pk).select_related("strategy").first()
    if part is None:
        raise Http404
    access_strategy(user, part.strategy_id, manage=True)
    return part


def access_cost_programme(user, code: str) -> Programme:
    """A programme whose participation costs the user sets: its managers (404 for a programme not seen, 403
    for one seen but not managed)."""
    from jalon.results.access import access_programme

    return access_programme(user, str(code)[:60], manage=True)


def access_participation_cost(user, pk) -> ParticipationCost:
    from jalon.results.access import programme_can_manage, programmes_visible

    if not valid_id(pk):
        raise Http404
    setting = (
        ParticipationCost.objects.filter(programme__in=programmes_visible(user), pk=pk)
        .select_related("programme", "currency")
        .first()
    )
    if setting is None:
        raise Http404
    if not programme_can_manage(user, setting.programme):
        raise PermissionDenied
    return setting


# Satisfaction surveys: run by the programme's team; results (aggregates only) for whoever sees the programme.


def surveys_visible(user, queryset=None):
    from jalon.results.access import programmes_visible

    queryset = Survey.objects.all() if queryset is None else queryset
    return queryset.filter(programme__in=programmes_visible(user))


def survey_can_manage(user, survey: Survey) -> bool:
    from jalon.results.access import programme_can_manage

    return programme_can_manage(user, survey.programme)


def survey_can_create(user) -> bool:
    return assessments_team(user)


def access_survey(user, code: str, *, manage: bool = False) -> Survey:
    survey = surveys_visible(user, Survey.objects.select_related("programme")).filter(code=str(code)[:40]).first()
    if survey is None:
        raise Http404
    if manage and not survey_can_manage(user, survey):
        raise PermissionDenied
    return survey


def survey_question_can_edit(user, survey: Survey) -> bool:
    """Questions are changed by the programme's team while the survey is a draft."""
    return survey.status == Survey.Status.DRAFT and survey_can_manage(user, survey)


def access_survey_question(user, code: str, pk) -> SurveyQuestion:
    """A question of a draft survey the user manages (403 for a survey seen but not managed or no longer a
    draft, 404 for one not seen)."""
    survey = access_survey(user, code, manage=True)
    if not survey_question_can_edit(user, survey):
        raise PermissionDenied
    if not valid_id(pk):
        raise Http404
    question = SurveyQuestion.objects.filter(survey=survey, pk=pk).first()
    if question is None:
        raise Http404
    question.survey = survey
    return question


def access_invitation(token: str) -> Invitation:
    """A personal link: anyone holding it answers, without an account (the token is the credential)."""
    token = str(token)[:64]
    # Tokens are URL-safe base64: anything else (a NUL byte, which PostgreSQL refuses) is not found.
    if not token or not all(c.isascii() and (c.isalnum() or c in "-_") for c in token):
        raise Http404
    invitation = Invitation.objects.select_related("survey").filter(token=token).first()
    if invitation is None:
        raise Http404
    return invitation
