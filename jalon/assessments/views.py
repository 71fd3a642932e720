"""Pages of GSP assessments: a focal point opens its organisation's assessment, answers it section by section
(each section saved on its own, plain HTML forms: usable on a slow link without JavaScript), attaches
evidence and submits; the programme team reviews, returns with a note or validates, publishes, records peer
findings and sees the portfolio. Scores, the comparison with the previous assessment and the improvement
plan are on the assessment's page. The public sees the question banks and the published aggregates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.assessments import access, satisfaction, selectors, services, xlsform
from jalon.assessments.forms import (
    ActionForm,
    AnswerSurveyForm,
    AreaForm,
    AssessmentForm,
    BandsForm,
    FindingForm,
    InvitationsForm,
    ItemForm,
    ParticipationCostForm,
    ProfileForm,
    RiskForm,
    SectionForm,
    SectorForm,
    StepForm,
    StrategyEditForm,
    StrategyForm,
    SurveyForm,
    SurveyQuestionForm,
    ThresholdForm,
    UploadForm,
)
from jalon.assessments.heatmap import heatmap_cells
from jalon.assessments.models import (
    Answer,
    Assessment,
    Finding,
    Framework,
    ImprovementArea,
    PrioritySector,
    StrategyItem,
    Survey,
)
from jalon.lib.ids import valid_id
from jalon.lib.smallgroups import min_group_size
from jalon.results.access import programmes_managed, programmes_visible
from jalon.web.files import private_file
from jalon.web.listing import paginate
from jalon.web.pages import delete_page, form_page


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def assessment_list(request):
    _require(access.assessments_can_list(request.user))
    return render(
        request,
        "assessments/list.html",
        {
            "page": paginate(request, selectors.assessment_list(request.user)),
            "can_create": access.assessment_can_create(request.user),
            "can_portfolio": access.portfolio_can_view(request.user),
        },
    )


@login_required
def assessment_create(request):
    _require(access.assessment_can_create(request.user))
    return form_page(
        request,
        form=AssessmentForm(request.POST or None, user=request.user),
        save=lambda form: services.assessment_create(actor=request.user, **form.values()),
        done=lambda saved: saved.get_absolute_url(),
        message=_("Assessment opened: answer it section by section."),
        template="assessments/form.html",
        context={"heading": _("New assessment")},
    )


@login_required
def assessment_detail(request, pk: int):
    assessment = access.access_assessment(request.user, pk)
    previous = selectors.previous_counted(assessment)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "scores": selectors.assessment_scores(assessment),
            "previous": previous,
            "plan": selectors.assessment_plan(assessment),
            "findings": assessment.findings.select_related("question"),
            "can_edit": access.assessment_can_edit(request.user, assessment),
            "can_review": access.assessment_can_review(request.user, assessment),
            "can_plan": access.assessment_can_plan(request.user, assessment),
            "step_form": StepForm(initial={"version": assessment.version}),
        },
    )


@login_required
def assessment_section(request, pk: int, section: int):
    assessment = access.access_assessment(request.user, pk, manage=True)
    if not valid_id(section):
        raise Http404
    sections = selectors.framework_sections(assessment.framework)
    current = next((s for s in sections if s.pk == section), None)
    if current is None:
        raise Http404
    answers = {a.question_id: a for a in Answer.objects.filter(assessment=assessment, question__section=current)}
    form = SectionForm(
        request.POST or None, request.FILES or None, section=current, answers=answers, assessment=assessment
    )
    later = sections[sections.index(current) + 1 :]
    return form_page(
        request,
        form=form,
        save=lambda form: services.assessment_answer_section(
            actor=request.user,
            assessment=assessment,
            section=current,
            version=form.cleaned_data["version"],
            answers=form.answers(),
        ),
        done=lambda saved: (
            reverse("assessments:section", kwargs={"pk": saved.pk, "section": later[0].pk})
            if later and "next" in request.POST
            else saved.get_absolute_url()
        ),
        message=_("Section saved."),
        field_for=lambda name: name if name in form.fields else None,
        template="assessments/section.html",
        context={"assessment": assessment, "section": current, "sections": sections, "next_section": later[:1]},
    )


@login_required
@require_POST
def assessment_step(request, pk: int, step: str):
    assessment = access.access_assessment(request.user, pk)
    if step == "submit":
        _require(access.assessment_can_edit(request.user, assessment))
    elif step in services.STEPS:
        _require(access.assessment_can_review(request.user, assessment))
    else:
        raise Http404
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form was sent without the version of the record it showed: reload the page."))
        return redirect(assessment)
    try:
        services.assessment_step(
            actor=request.user,
            assessment=assessment,
            step=step,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done: the assessment is now %(status)s.") % {"status": _status(assessment.pk)})
    return redirect(assessment)


def _status(pk: int) -> str:
    return str(Assessment.objects.get(pk=pk).get_status_display())


@login_required
def answer_evidence(request, pk: int, answer: int):
    assessment = access.access_assessment(request.user, pk)
    found = access.access_answer(request.user, assessment, answer)
    return private_file(found.evidence_file)


@login_required
def assessment_compare(request, pk: int):
    later = access.access_assessment(request.user, pk)
    other = request.GET.get("with")
    earlier = access.access_assessment(request.user, other) if other else selectors.previous_counted(later)
    if earlier is None:
        messages.info(request, _("There is no earlier validated assessment to compare with."))
        return redirect(later)
    if earlier.organisation_id != later.organisation_id:
        raise Http404
    return render(
        request,
        "assessments/compare.html",
        {"assessment": later, "comparison": selectors.comparison(earlier, later)},
    )


@login_required
def finding_create(request, pk: int):
    assessment = access.access_assessment(request.user, pk)
    _require(access.assessment_can_review(request.user, assessment))
    return form_page(
        request,
        form=FindingForm(request.POST or None, assessment=assessment),
        save=lambda form: services.finding_create(actor=request.user, assessment=assessment, **form.cleaned_data),
        done=lambda saved: assessment.get_absolute_url(),
        message=_("Finding recorded."),
        template="assessments/form.html",
        context={"heading": _("New finding"), "assessment": assessment},
    )


@login_required
def finding_edit(request, pk: int):
    finding = access.access_finding(request.user, pk, manage=True)
    assessment = finding.assessment
    return form_page(
        request,
        form=FindingForm(request.POST or None, assessment=assessment, instance=finding),
        save=lambda form: services.finding_update(
            actor=request.user, finding=finding, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: assessment.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the finding"), "assessment": assessment},
    )


@login_required
def finding_delete(request, pk: int):
    finding = access.access_finding(request.user, pk, manage=True)
    return delete_page(
        request,
        obj=finding,
        delete=lambda: services.finding_delete(actor=request.user, finding=finding),
        done_url=finding.assessment.get_absolute_url(),
        cancel_url=finding.assessment.get_absolute_url(),
        message=_("Finding deleted."),
    )


@login_required
def area_create(request, pk: int):
    assessment = access.access_assessment(request.user, pk)
    _require(access.assessment_can_plan(request.user, assessment))
    return form_page(
        request,
        form=AreaForm(request.POST or None, assessment=assessment),
        save=lambda form: services.area_create(actor=request.user, assessment=assessment, **form.cleaned_data),
        done=lambda saved: assessment.get_absolute_url(),
        message=_("Improvement area chosen."),
        template="assessments/form.html",
        context={
            "heading": _("New improvement area"),
            "assessment": assessment,
            "scores": selectors.assessment_scores(assessment),
        },
    )


@login_required
def area_edit(request, pk: int):
    area: ImprovementArea = access.access_area(request.user, pk, manage=True)
    assessment = area.assessment
    return form_page(
        request,
        form=AreaForm(request.POST or None, assessment=assessment, instance=area),
        save=lambda form: services.area_update(
            actor=request.user, area=area, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: assessment.get_absolute_url(),
        template="assessments/form.html",
        context={
            "heading": _("Edit the improvement area"),
            "assessment": assessment,
            "scores": selectors.assessment_scores(assessment),
        },
    )


@login_required
def area_delete(request, pk: int):
    area: ImprovementArea = access.access_area(request.user, pk, manage=True)
    return delete_page(
        request,
        obj=area,
        delete=lambda: services.area_delete(actor=request.user, area=area),
        done_url=area.assessment.get_absolute_url(),
        cancel_url=area.assessment.get_absolute_url(),
        message=_("Improvement area deleted, with its actions."),
    )


@login_required
def action_create(request, area: int):
    found: ImprovementArea = access.access_area(request.user, area, manage=True)
    return form_page(
        request,
        form=ActionForm(request.POST or None, user=request.user, organisation=found.assessment.organisation),
        save=lambda form: services.action_create(actor=request.user, area=found, **form.values()),
        done=lambda saved: found.assessment.get_absolute_url(),
        message=_("Action added to the plan."),
        template="assessments/form.html",
        context={"heading": _("New action"), "assessment": found.assessment, "area": found},
    )


@login_required
def action_edit(request, pk: int):
    action = access.access_action(request.user, pk, manage=True)
    return form_page(
        request,
        form=ActionForm(
            request.POST or None, user=request.user, organisation=action.area.assessment.organisation, instance=action
        ),
        save=lambda form: services.action_update(
            actor=request.user, action=action, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: action.area.assessment.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the action"), "assessment": action.area.assessment, "area": action.area},
    )


@login_required
def action_delete(request, pk: int):
    action = access.access_action(request.user, pk, manage=True)
    return delete_page(
        request,
        obj=action,
        delete=lambda: services.action_delete(actor=request.user, action=action),
        done_url=action.area.assessment.get_absolute_url(),
        cancel_url=action.area.assessment.get_absolute_url(),
        message=_("Action deleted."),
    )


@login_required
def bands_edit(request, code: str, version: int):
    framework = access.access_bands(request.user, code, version)
    form = BandsForm(request.POST or None, framework=framework)
    return form_page(
        request,
        form=form,
        save=lambda form: services.framework_bands_update(
            actor=request.user, framework=framework, version=form.cleaned_data["version"], bands=form.bands()
        ),
        done=lambda saved: saved.get_absolute_url(),
        message=_("Maturity bands saved."),
        template="assessments/form.html",
        context={"heading": _("Maturity bands of %(bank)s") % {"bank": framework}},
    )


@login_required
def portfolio(request):
    _require(access.portfolio_can_view(request.user))
    data = selectors.portfolio(request.user, code=_bank_code(request))
    return render(request, "assessments/portfolio.html", {"portfolio": data, "heatmap": heatmap_cells(data)})


def _bank_code(request) -> str:
    """The question bank asked for (?bank=), a slug; anything else reads the default."""
    code = request.GET.get("bank", "gsp")[:40]
    return code if code and all(c.isascii() and (c.isalnum() or c in "-_") for c in code) else "gsp"


def published(request):
    code = _bank_code(request)
    return render(
        request,
        "assessments/published.html",
        {
            "rows": selectors.published_aggregates(code=code),
            "threshold": min_group_size(),
            "count": Assessment.objects.filter(framework__code=code, status=Assessment.Status.PUBLISHED)
            .values("organisation")
            .distinct()
            .count(),
        },
    )


def bank(request, code: str, version: int):
    framework = get_object_or_404(Framework, code=code, version=version)
    return render(
        request,
        "assessments/bank.html",
        {
            "framework": framework,
            "sections": selectors.framework_sections(framework),
            "kinds": Finding.Kind,
            "can_edit_bands": access.bands_can_edit(request.user),
        },
    )


# Financial sustainability ----------------------------------------------------------------------------------


def _programme(request):
    """The programme whose thresholds and participation costs the page applies (?programme=), if seen."""
    code = request.GET.get("programme", "")[:60]
    if not code or "\x00" in code:
        return None
    return programmes_visible(request.user).filter(code=code).first()


@login_required
def profile_list(request):
    _require(access.assessments_can_list(request.user))
    return render(
        request,
        "assessments/profile_list.html",
        {
            "page": paginate(request, selectors.profile_list(request.user)),
            "can_create": access.assessment_can_create(request.user),
            "managed": programmes_managed(request.user).order_by("code")[:50],
        },
    )


@login_required
def profile_create(request):
    _require(access.assessment_can_create(request.user))
    return form_page(
        request,
        form=ProfileForm(request.POST or None, user=request.user),
        save=lambda form: services.profile_create(
            actor=request.user, organisation=form.cleaned_data["organisation"], **form.values()
        ),
        done=lambda saved: saved.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New financial profile")},
    )


@login_required
def profile_edit(request, pk: int):
    profile = access.access_profile(request.user, pk, manage=True)
    return form_page(
        request,
        form=ProfileForm(request.POST or None, user=request.user, instance=profile),
        save=lambda form: services.profile_update(
            actor=request.user, profile=profile, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: saved.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the financial profile")},
    )


@login_required
def profile_detail(request, pk: int):
    profile = access.access_profile(request.user, pk)
    programme = _programme(request)
    return render(
        request,
        "assessments/profile_detail.html",
        {
            "profile": profile,
            "result": selectors.profile_sustainability(profile, programme),
            "history": selectors.profile_history(profile, programme),
            "risks": selectors.risks_of(request.user, profile.organisation),
            "programme": programme,
            "cost_programmes": selectors.cost_programmes(request.user, profile.currency_id),
            "can_edit": access.finance_can_edit(request.user, profile.organisation),
        },
    )


@login_required
def risk_create(request, pk: int):
    profile = access.access_profile(request.user, pk, manage=True)
    return form_page(
        request,
        form=RiskForm(request.POST or None),
        save=lambda form: services.risk_create(actor=request.user, organisation=profile.organisation, **form.values()),
        done=lambda saved: profile.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New risk")},
    )


@login_required
def risk_edit(request, pk: int):
    risk = access.access_risk(request.user, pk, manage=True)
    return form_page(
        request,
        form=RiskForm(request.POST or None, instance=risk),
        save=lambda form: services.risk_update(
            actor=request.user, risk=risk, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: reverse("assessments:profile_list"),
        template="assessments/form.html",
        context={"heading": _("Edit the risk")},
    )


@login_required
def cost_settings(request, code: str):
    """A programme's unit costs of international participation, one row per currency."""
    programme = access.access_cost_programme(request.user, code)
    return render(
        request,
        "assessments/cost_settings.html",
        {
            "programme": programme,
            "settings": selectors.participation_costs(programme),
            "thresholds": selectors.programme_thresholds(programme),
        },
    )


@login_required
def threshold_edit(request, code: str, ratio: str):
    """A programme's thresholds for one ratio (the defaults apply until they are set)."""
    programme = access.access_cost_programme(request.user, code)
    row = next((row for row in selectors.programme_thresholds(programme) if row.ratio == ratio), None)
    if row is None:
        raise Http404
    return form_page(
        request,
        form=ThresholdForm(
            request.POST or None, initial={"version": row.version, "medium": row.medium, "high": row.high}
        ),
        save=lambda form: services.ratio_threshold_set(
            actor=request.user, programme=programme, ratio=ratio, **form.cleaned_data
        ),
        done=lambda saved: reverse("assessments:cost_settings", kwargs={"code": programme.code}),
        template="assessments/form.html",
        context={"heading": _("%(ratio)s: thresholds of %(programme)s") % {"ratio": row.label, "programme": code}},
    )


@login_required
def cost_create(request, code: str):
    programme = access.access_cost_programme(request.user, code)
    return form_page(
        request,
        form=ParticipationCostForm(request.POST or None),
        save=lambda form: services.participation_cost_create(actor=request.user, programme=programme, **form.values()),
        done=lambda saved: reverse("assessments:cost_settings", kwargs={"code": programme.code}),
        template="assessments/form.html",
        context={"heading": _("Participation costs of %(programme)s") % {"programme": programme.code}},
    )


@login_required
def cost_edit(request, pk: int):
    setting = access.access_participation_cost(request.user, pk)
    return form_page(
        request,
        form=ParticipationCostForm(request.POST or None, instance=setting),
        save=lambda form: services.participation_cost_update(
            actor=request.user, setting=setting, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: reverse("assessments:cost_settings", kwargs={"code": setting.programme.code}),
        template="assessments/form.html",
        context={"heading": _("Participation costs of %(programme)s") % {"programme": setting.programme.code}},
    )


@login_required
def cost_delete(request, pk: int):
    setting = access.access_participation_cost(request.user, pk)
    back = reverse("assessments:cost_settings", kwargs={"code": setting.programme.code})
    return delete_page(
        request,
        obj=setting,
        delete=lambda: services.participation_cost_delete(actor=request.user, setting=setting),
        done_url=back,
        cancel_url=back,
        message=_("Participation costs deleted."),
    )


# Satisfaction surveys --------------------------------------------------------------------------------------


def survey_list(request):
    surveys = access.surveys_visible(request.user, Survey.objects.select_related("programme")).order_by("-year", "code")
    if not access.survey_can_create(request.user):
        surveys = surveys.filter(status=Survey.Status.CLOSED)
    return render(
        request,
        "assessments/survey_list.html",
        {"surveys": surveys, "can_create": access.survey_can_create(request.user)},
    )


@login_required
def survey_create(request):
    _require(access.survey_can_create(request.user))
    return form_page(
        request,
        form=SurveyForm(request.POST or None, user=request.user),
        save=lambda form: services.survey_create(actor=request.user, **form.values()),
        done=lambda saved: saved.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New survey")},
    )


@login_required
def survey_detail(request, code: str):
    survey = access.access_survey(request.user, code, manage=True)
    invitations = survey.invitations.order_by("unit_code", "group", "pk")
    return render(
        request,
        "assessments/survey_detail.html",
        {
            "survey": survey,
            "questions": survey.questions.order_by("order", "pk"),
            "invitations": invitations,
            "responded": invitations.filter(responded_at__isnull=False).count(),
            "invite_form": InvitationsForm(),
            "upload_form": UploadForm(),
            "can_edit_questions": access.survey_question_can_edit(request.user, survey),
        },
    )


@login_required
@require_POST
def survey_action(request, code: str, action: str):
    """Open, close, add invitations, send them or remind, import the XLSForm or the answers' CSV."""
    survey = access.access_survey(request.user, code, manage=True)
    try:
        if action in ("open", "close"):
            status = Survey.Status.OPEN if action == "open" else Survey.Status.CLOSED
            services.survey_set_status(actor=request.user, survey=survey, status=status)
            messages.success(request, _("Survey updated."))
        elif action == "invite":
            form = InvitationsForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write at least one invitation."))
            count = services.invitations_add(actor=request.user, survey=survey, lines=form.cleaned_data["lines"])
            messages.success(request, _("%(count)s invitations added.") % {"count": count})
        elif action in ("send", "remind"):
            count = services.invitations_send(
                actor=request.user,
                survey=survey,
                reminder=action == "remind",
                link_for=lambda invitation: request.build_absolute_uri(
                    reverse("assessments:survey_answer", kwargs={"token": invitation.token})
                ),
            )
            messages.success(request, _("%(count)s e-mails sent.") % {"count": count})
        elif action in ("xlsform", "responses"):
            upload = UploadForm(request.POST, request.FILES)
            if not upload.is_valid():
                raise ValidationError(_("Choose a file."))
            data = upload.cleaned_data["file"].read(xlsform.MAX_BYTES + 1)
            if action == "xlsform":
                count = xlsform.xlsform_import(actor=request.user, survey=survey, data=data)
                messages.success(request, _("%(count)s questions imported.") % {"count": count})
            else:
                count = xlsform.responses_import_csv(actor=request.user, survey=survey, data=data)
                messages.success(request, _("%(count)s responses imported.") % {"count": count})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(survey)


@login_required
def survey_xlsform(request, code: str):
    survey = access.access_survey(request.user, code, manage=True)
    data = xlsform.survey_to_xlsform(survey)
    xlsform.xlsform_validate(data)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{survey.code}-xlsform.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def survey_question_create(request, code: str):
    survey = access.access_survey(request.user, code, manage=True)
    _require(access.survey_question_can_edit(request.user, survey))
    return form_page(
        request,
        form=SurveyQuestionForm(request.POST or None, initial={"order": survey.questions.count()}),
        save=lambda form: services.survey_question_create(actor=request.user, survey=survey, **form.values()),
        done=lambda saved: survey.get_absolute_url(),
        message=_("Question added."),
        template="assessments/form.html",
        context={"heading": _("New question")},
    )


@login_required
def survey_question_edit(request, code: str, pk: int):
    question = access.access_survey_question(request.user, code, pk)
    return form_page(
        request,
        form=SurveyQuestionForm(request.POST or None, instance=question),
        save=lambda form: services.survey_question_update(
            actor=request.user, question=question, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: question.survey.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the question")},
    )


@login_required
def survey_question_delete(request, code: str, pk: int):
    question = access.access_survey_question(request.user, code, pk)
    return delete_page(
        request,
        obj=question,
        delete=lambda: services.survey_question_delete(actor=request.user, question=question),
        done_url=question.survey.get_absolute_url(),
        cancel_url=question.survey.get_absolute_url(),
        message=_("Question deleted."),
    )


def survey_results(request, code: str):
    """Aggregates only, never one answer: for the team at any time, for the others once the survey is closed."""
    survey = access.access_survey(request.user, code)
    if survey.status != Survey.Status.CLOSED and not access.survey_can_manage(request.user, survey):
        raise Http404
    return render(
        request,
        "assessments/survey_results.html",
        {"survey": survey, "units": satisfaction.survey_results(survey)},
    )


def survey_answer(request, token: str):
    """The respondent's page, reached through the personal link: no account, no JavaScript."""
    invitation = access.access_invitation(token)
    survey = invitation.survey
    form = AnswerSurveyForm(request.POST or None, survey=survey)
    done = invitation.responded_at is not None
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.response_submit(invitation=invitation, answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            done = True
    return render(
        request,
        "assessments/survey_answer.html",
        {"survey": survey, "form": form, "done": done, "open": survey.status == Survey.Status.OPEN},
    )


# National priorities and strategies ------------------------------------------------------------------------


@login_required
def strategy_list(request):
    _require(access.assessments_can_list(request.user))
    return render(
        request,
        "assessments/strategy_list.html",
        {"strategies": selectors.strategy_list(request.user), "can_create": access.assessment_can_create(request.user)},
    )


@login_required
def strategy_create(request):
    _require(access.assessment_can_create(request.user))
    return form_page(
        request,
        form=StrategyForm(request.POST or None, request.FILES or None, user=request.user),
        save=lambda form: services.strategy_create(
            actor=request.user, organisation=form.cleaned_data["organisation"], **form.values()
        ),
        done=lambda saved: saved.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New national standardization strategy")},
    )


@login_required
def strategy_edit(request, pk: int):
    strategy = access.access_strategy(request.user, pk, manage=True)
    return form_page(
        request,
        form=StrategyEditForm(request.POST or None, request.FILES or None, user=request.user, strategy=strategy),
        save=lambda form: services.strategy_update(
            actor=request.user, strategy=strategy, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: saved.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the strategy")},
    )


@login_required
def strategy_detail(request, pk: int):
    strategy = access.access_strategy(request.user, pk)
    return render(
        request,
        "assessments/strategy_detail.html",
        {
            "strategy": strategy,
            "sectors": selectors.strategy_sectors(strategy),
            "items": strategy.items.select_related("committee", "sector"),
            "coverage": selectors.priority_coverage(strategy, on=timezone.localdate()),
            "can_edit": access.finance_can_edit(request.user, strategy.organisation),
        },
    )


@login_required
def strategy_document(request, pk: int):
    strategy = access.access_strategy(request.user, pk)
    if not strategy.document:
        raise Http404
    return private_file(strategy.document)


@login_required
def sector_create(request, pk: int):
    strategy = access.access_strategy(request.user, pk, manage=True)
    return form_page(
        request,
        form=SectorForm(request.POST or None),
        save=lambda form: services.sector_create(actor=request.user, strategy=strategy, **form.values()),
        done=lambda saved: strategy.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New priority sector")},
    )


@login_required
def item_create(request, pk: int):
    strategy = access.access_strategy(request.user, pk, manage=True)
    return form_page(
        request,
        form=ItemForm(request.POST or None, strategy=strategy),
        save=lambda form: services.item_create(actor=request.user, strategy=strategy, **form.values()),
        done=lambda saved: strategy.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("New strategy item")},
    )


@login_required
def sector_edit(request, pk: int):
    sector = access.access_strategy_part(request.user, PrioritySector, pk)
    return form_page(
        request,
        form=SectorForm(request.POST or None, instance=sector),
        save=lambda form: services.sector_update(
            actor=request.user, sector=sector, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: sector.strategy.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the priority sector")},
    )


@login_required
def sector_delete(request, pk: int):
    sector = access.access_strategy_part(request.user, PrioritySector, pk)
    return delete_page(
        request,
        obj=sector,
        delete=lambda: services.sector_delete(actor=request.user, sector=sector),
        done_url=sector.strategy.get_absolute_url(),
        cancel_url=sector.strategy.get_absolute_url(),
        message=_("Priority sector deleted."),
    )


@login_required
def item_edit(request, pk: int):
    item = access.access_strategy_part(request.user, StrategyItem, pk)
    return form_page(
        request,
        form=ItemForm(request.POST or None, strategy=item.strategy, instance=item),
        save=lambda form: services.item_update(
            actor=request.user, item=item, version=form.cleaned_data.get("version"), **form.values()
        ),
        done=lambda saved: item.strategy.get_absolute_url(),
        template="assessments/form.html",
        context={"heading": _("Edit the strategy item")},
    )


@login_required
def item_delete(request, pk: int):
    item = access.access_strategy_part(request.user, StrategyItem, pk)
    return delete_page(
        request,
        obj=item,
        delete=lambda: services.item_delete(actor=request.user, item=item),
        done_url=item.strategy.get_absolute_url(),
        cancel_url=item.strategy.get_absolute_url(),
        message=_("Strategy item deleted."),
    )
