"""Access table rows for GSP assessments (see matrix.py).

An organisation's assessments (answers, evidence, plans) are its own and the programme team's: `nsb`'s focal
point fills and submits, its contributor reads; the team reviews and sees the portfolio. Others get a 404 for
an assessment (it does not exist for them). Question banks and published aggregates are public."""

import datetime
import re

from django.core.files.base import ContentFile

from jalon.assessments import services
from jalon.assessments.bank import banks_ensure
from jalon.assessments.models import Answer, Assessment, Framework, ImprovementAction, ImprovementArea, Section
from tests.access.matrix import EVERYONE, SIGNED_IN, TEAM, Redirect, api, page, url

READERS = TEAM | {"focal", "contributor"}
EDITORS = TEAM | {"focal"}
HIDDEN = {"plain": (404,), "viewer": (404,)}
HIDDEN_FROM_OTHERS = {"plain": (404,), "viewer": (404,), "focal": (404,), "contributor": (404,)}
DETAIL = Redirect(lambda ctx: re.escape(url("assessments:list")) + r"\d+/", "an assessment's page")


def _answer(assessment, code: str, value: str) -> None:
    section = Section.objects.get(framework=assessment.framework, questions__code=code)
    question = section.questions.get(code=code)
    option = question.answer_set.options.get(code=value)
    services.assessment_answer_section(
        actor=None, assessment=assessment, section=section, version=None, answers={question.pk: {"option": option}}
    )


def _base(ctx) -> dict:
    banks_ensure()
    v1, v2 = Framework.objects.get(code="gsp", version=1), Framework.objects.get(code="gsp", version=2)

    def make(organisation, framework, year, status):
        assessment = services.assessment_create(
            actor=None, organisation=organisation, framework=framework, period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )  # fmt: skip
        _answer(assessment, "OP-2", "partly")
        if status != "draft":
            services.assessment_step(actor=None, assessment=assessment, step="submit")
        if status == "validated":
            services.assessment_step(actor=None, assessment=assessment, step="validate")
        assessment.refresh_from_db()
        return assessment

    earlier = make(ctx.nsb, v1, 2022, "validated")
    later = make(ctx.nsb, v2, 2024, "validated")
    evidence = Answer.objects.get(assessment=later, question__code="OP-2")
    evidence.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    openness = Section.objects.get(framework=v2, code="P-OPENNESS")
    area = ImprovementArea.objects.create(assessment=later, section=openness, target_score="0.9")
    # A validated assessment whose openness section is answered in full: an area can be chosen on it.
    plannable = services.assessment_create(
        actor=None, organisation=ctx.nsb, framework=v1, period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 12, 31),
    )  # fmt: skip
    openness_v1 = Section.objects.get(framework=v1, code="P-OPENNESS")
    services.assessment_answer_section(
        actor=None, assessment=plannable, section=openness_v1, version=None,
        answers={
            q.pk: {"option": q.answer_set.options.get(code="partly"), "evidence_link": "https://example.org/e"}
            for q in openness_v1.questions.all()
        },
    )  # fmt: skip
    services.assessment_step(actor=None, assessment=plannable, step="submit")
    services.assessment_step(actor=None, assessment=plannable, step="validate")
    action = ImprovementAction.objects.create(area=area, description="Invite consumers")
    return {
        "v1": v1,
        "draft": make(ctx.nsb, v1, 2025, "draft"),
        "submitted": make(ctx.nsb, v1, 2026, "submitted"),
        "other": make(ctx.other_nsb, v1, 2024, "validated"),
        "earlier": earlier,
        "later": later,
        "evidence": evidence,
        "area": area,
        "action": action,
        "plannable": plannable,
        "openness_v1": Section.objects.get(framework=v1, code="P-OPENNESS"),
    }


def base(ctx) -> dict:
    return ctx.once("assessments-base", _base)


def pk_of(key):
    return lambda ctx: {"pk": base(ctx)[key].pk}


def status_of(key):
    return lambda ctx: Assessment.objects.get(pk=base(ctx)[key].pk).status


def version_of(key):
    return lambda ctx: Assessment.objects.get(pk=base(ctx)[key].pk).version


def section_form(ctx) -> dict:
    b = base(ctx)
    question = b["openness_v1"].questions.get(code="OP-1")
    option = question.answer_set.options.get(code="largely")
    return {"version": Assessment.objects.get(pk=b["draft"].pk).version, f"q{question.pk}-option": option.pk}


def create_form(ctx) -> dict:
    return {
        "organisation": ctx.nsb.pk, "framework": base(ctx)["v1"].pk, "period_start": "2030-01-01",
        "period_end": "2030-12-31", "mode": "self",
    }  # fmt: skip


def step_form(key):
    return lambda ctx: {"version": Assessment.objects.get(pk=base(ctx)[key].pk).version}


CASES = [
    page("assessments: list", "assessments:list", READERS),
    page("assessments: new (form)", "assessments:create", EDITORS),
    page(
        "assessments: open one",
        "assessments:create",
        EDITORS,
        method="post",
        data=create_form,
        ok=DETAIL,
        effect=lambda ctx: Assessment.objects.count(),
    ),
    page("assessments: portfolio", "assessments:portfolio", TEAM),
    page("assessments: published aggregates", "assessments:published", EVERYONE),
    page(
        "assessments: a question bank",
        "assessments:bank",
        EVERYONE,
        kwargs=lambda ctx: base(ctx) and {"code": "gsp", "version": 1},
    ),
    page("assessments: nsb's assessment", "assessments:detail", READERS, kwargs=pk_of("draft"), refused_as=HIDDEN),
    page(
        "assessments: another NSB's assessment",
        "assessments:detail",
        TEAM,
        kwargs=pk_of("other"),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    page(
        "assessments: a section's form",
        "assessments:section",
        EDITORS,
        kwargs=lambda ctx: {"pk": base(ctx)["draft"].pk, "section": base(ctx)["openness_v1"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: save a section",
        "assessments:section",
        EDITORS,
        method="post",
        kwargs=lambda ctx: {"pk": base(ctx)["draft"].pk, "section": base(ctx)["openness_v1"].pk},
        data=section_form,
        ok=DETAIL,
        refused_as=HIDDEN,
        effect=version_of("draft"),
    ),
    page(
        "assessments: submit",
        "assessments:step",
        EDITORS,
        method="post",
        kwargs=lambda ctx: {"pk": base(ctx)["draft"].pk, "step": "submit"},
        data=step_form("draft"),
        ok=DETAIL,
        refused_as=HIDDEN,
        effect=status_of("draft"),
    ),
    page(
        "assessments: validate",
        "assessments:step",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"pk": base(ctx)["submitted"].pk, "step": "validate"},
        data=step_form("submitted"),
        ok=DETAIL,
        refused_as=HIDDEN,
        effect=status_of("submitted"),
    ),
    page(
        "assessments: an evidence file",
        "assessments:evidence",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["later"].pk, "answer": base(ctx)["evidence"].pk},
        refused_as=HIDDEN,
    ),
    page("assessments: comparison", "assessments:compare", READERS, kwargs=pk_of("later"), refused_as=HIDDEN),
    page(
        "assessments: record a finding (form)",
        "assessments:finding_create",
        TEAM,
        kwargs=pk_of("submitted"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: choose an area (form)",
        "assessments:area_create",
        EDITORS,
        kwargs=pk_of("later"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: add an action (form)",
        "assessments:action_create",
        EDITORS,
        kwargs=lambda ctx: {"area": base(ctx)["area"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: edit an action (form)",
        "assessments:action_edit",
        EDITORS,
        kwargs=lambda ctx: {"pk": base(ctx)["action"].pk},
        refused_as=HIDDEN,
    ),
    # API -----------------------------------------------------------------------------------------------
    api("assessments API: question banks", "api:assessment-bank-list", EVERYONE),
    api(
        "assessments API: a question bank",
        "api:assessment-bank-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": base(ctx)["v1"].pk},
    ),
    api("assessments API: published aggregates", "api:assessment-bank-published-aggregates", EVERYONE),
    api("assessments API: assessments", "api:assessment-list", SIGNED_IN),
    api(
        "assessments API: nsb's assessment",
        "api:assessment-detail",
        READERS,
        kwargs=pk_of("later"),
        refused_as=HIDDEN,
    ),
    api(
        "assessments API: open one",
        "api:assessment-list",
        EDITORS,
        method="post",
        ok=201,
        data=lambda ctx: {**create_form(ctx), "period_start": "2031-01-01", "period_end": "2031-12-31"},
        effect=lambda ctx: Assessment.objects.count(),
    ),
    api(
        "assessments API: answer a section",
        "api:assessment-answers",
        EDITORS,
        method="post",
        kwargs=pk_of("draft"),
        data=lambda ctx: {
            "section": "P-OPENNESS",
            "version": Assessment.objects.get(pk=base(ctx)["draft"].pk).version,
            "answers": [{"question": "OP-1", "option": "largely"}],
        },
        refused_as=HIDDEN,
        effect=version_of("draft"),
    ),  # fmt: skip
    api(
        "assessments API: submit",
        "api:assessment-step",
        EDITORS,
        method="post",
        kwargs=pk_of("draft"),
        data=lambda ctx: {"step": "submit", **step_form("draft")(ctx)},
        refused_as=HIDDEN,
        effect=status_of("draft"),
    ),
    api(
        "assessments API: validate",
        "api:assessment-step",
        TEAM,
        method="post",
        kwargs=pk_of("submitted"),
        data=lambda ctx: {"step": "validate", **step_form("submitted")(ctx)},
        refused_as=HIDDEN,
        effect=status_of("submitted"),
    ),
    api("assessments API: improvement areas", "api:assessment-improvement-area-list", SIGNED_IN),
    api(
        "assessments API: an improvement area",
        "api:assessment-improvement-area-detail",
        READERS,
        kwargs=pk_of("area"),
        refused_as=HIDDEN,
    ),
    api(
        "assessments API: choose an area",
        "api:assessment-improvement-area-list",
        EDITORS,
        method="post",
        ok=201,
        data=lambda ctx: {"assessment": base(ctx)["plannable"].pk, "section": "P-OPENNESS", "target_score": "0.9"},
        effect=lambda ctx: ImprovementArea.objects.count(),
    ),
    api("assessments API: improvement actions", "api:assessment-improvement-action-list", SIGNED_IN),
    api(
        "assessments API: an improvement action",
        "api:assessment-improvement-action-detail",
        READERS,
        kwargs=pk_of("action"),
        refused_as=HIDDEN,
    ),
    api(
        "assessments API: add an action",
        "api:assessment-improvement-action-list",
        EDITORS,
        method="post",
        ok=201,
        data=lambda ctx: {"area": base(ctx)["area"].pk, "description": "Train the secretaries"},
        effect=lambda ctx: ImprovementAction.objects.count(),
    ),
    api(
        "assessments API: replace an action",
        "api:assessment-improvement-action-detail",
        EDITORS,
        method="put",
        kwargs=pk_of("action"),
        data=lambda ctx: {"area": base(ctx)["area"].pk, "description": "Invite consumers twice", "status": "done"},
        refused_as=HIDDEN,
        effect=lambda ctx: ImprovementAction.objects.get(pk=base(ctx)["action"].pk).description,
    ),
    api(
        "assessments API: change an action",
        "api:assessment-improvement-action-detail",
        EDITORS,
        method="patch",
        kwargs=pk_of("action"),
        data=lambda ctx: {"status": "in_progress"},
        refused_as=HIDDEN,
        effect=lambda ctx: ImprovementAction.objects.get(pk=base(ctx)["action"].pk).status,
    ),
]


def _finance(ctx) -> dict:
    from jalon.assessments.models import FinancialProfile, Risk
    from jalon.reference.models import Currency

    xof = Currency.objects.get(code="XOF")
    own = FinancialProfile.objects.create(organisation=ctx.nsb, year=2024, currency=xof, reserves=100)
    other = FinancialProfile.objects.create(organisation=ctx.other_nsb, year=2024, currency=xof)
    risk = Risk.objects.create(organisation=ctx.nsb, title="Cut", likelihood=2, impact=3)
    return {"own": own, "other": other, "risk": risk, "xof": xof}


def finance(ctx) -> dict:
    return ctx.once("assessments-finance", _finance)


def profile_form(ctx) -> dict:
    finance(ctx)
    data = {"organisation": ctx.nsb.pk, "year": 2031, "currency": "XOF", "note": ""}
    for name in (
        "revenue_government", "revenue_standards_sales", "revenue_certification", "revenue_training",
        "revenue_membership", "revenue_projects", "revenue_other", "cost_staff", "cost_international",
        "cost_standards_development", "cost_it", "cost_other", "reserves", "participation_needed",
    ):  # fmt: skip
        data[name] = "10"
    return data


def _profiles(ctx) -> int:
    from jalon.assessments.models import FinancialProfile

    return FinancialProfile.objects.count()


CASES += [
    page("assessments: financial profiles", "assessments:profile_list", READERS),
    page("assessments: new financial profile (form)", "assessments:profile_create", EDITORS),
    page(
        "assessments: record a financial profile",
        "assessments:profile_create",
        EDITORS,
        method="post",
        data=profile_form,
        ok=Redirect(lambda ctx: re.escape(url("assessments:profile_list")) + r"\d+/", "a profile's page"),
        effect=_profiles,
    ),
    page(
        "assessments: nsb's financial profile",
        "assessments:profile_detail",
        READERS,
        kwargs=lambda ctx: {"pk": finance(ctx)["own"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: another NSB's financial profile",
        "assessments:profile_detail",
        TEAM,
        kwargs=lambda ctx: {"pk": finance(ctx)["other"].pk},
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    page(
        "assessments: edit a financial profile (form)",
        "assessments:profile_edit",
        EDITORS,
        kwargs=lambda ctx: {"pk": finance(ctx)["own"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: new risk (form)",
        "assessments:risk_create",
        EDITORS,
        kwargs=lambda ctx: {"pk": finance(ctx)["own"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: edit a risk (form)",
        "assessments:risk_edit",
        EDITORS,
        kwargs=lambda ctx: {"pk": finance(ctx)["risk"].pk},
        refused_as=HIDDEN,
    ),
]


def _surveys(ctx) -> dict:
    from decimal import Decimal

    from jalon.assessments.models import Invitation, Survey
    from jalon.results.models import Programme

    programme = Programme.objects.create(
        code="survey-matrix", owner=ctx.nsb, title={"en": "Survey matrix"}, start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )  # fmt: skip

    def make(code, status):
        survey = services.survey_create(
            actor=None, programme=programme, code=code, title={"en": code}, population="dwcp", year=2025,
            anonymous=True, threshold=Decimal("0.7"), minimum_n=5,
        )  # fmt: skip
        Survey.objects.filter(pk=survey.pk).update(status=status)
        return survey

    draft, opened, closed = make("s-draft", "draft"), make("s-open", "open"), make("s-closed", "closed")
    invitation = Invitation.objects.create(
        survey=opened, token="matrix-token", email="x@example.org", unit_code="SEN", group="government"
    )
    return {"draft": draft, "open": opened, "closed": closed, "invitation": invitation}


def surveys(ctx) -> dict:
    return ctx.once("assessments-surveys", _surveys)


def survey_kwargs(key, **extra):
    return lambda ctx: {"code": surveys(ctx)[key].code, **extra}


CASES += [
    page("assessments: surveys", "assessments:survey_list", EVERYONE),
    page("assessments: new survey (form)", "assessments:survey_create", TEAM),
    page("assessments: a survey", "assessments:survey_detail", TEAM, kwargs=survey_kwargs("draft")),
    page(
        "assessments: a closed survey's results", "assessments:survey_results", EVERYONE, kwargs=survey_kwargs("closed")
    ),
    page(
        "assessments: an open survey's results",
        "assessments:survey_results",
        TEAM,
        kwargs=survey_kwargs("open"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page(
        "assessments: a survey's XLSForm",
        "assessments:survey_xlsform",
        TEAM,
        kwargs=survey_kwargs("draft"),
    ),
    page(
        "assessments: open a survey",
        "assessments:survey_action",
        TEAM,
        method="post",
        kwargs=survey_kwargs("draft", action="open"),
        data=lambda ctx: {},
        ok=Redirect(lambda ctx: re.escape(url("assessments:survey_detail", code="s-draft")), "the survey's page"),
        effect=lambda ctx: type(surveys(ctx)["draft"]).objects.get(pk=surveys(ctx)["draft"].pk).status,
    ),
    page(
        "assessments: answer through a personal link",
        "assessments:survey_answer",
        EVERYONE,
        kwargs=lambda ctx: {"token": surveys(ctx)["invitation"].token},
    ),
]


def _strategies(ctx) -> dict:
    from django.core.files.base import ContentFile as File

    from jalon.assessments.models import NationalStrategy

    own = NationalStrategy.objects.create(organisation=ctx.nsb, title={"fr": "SNN"}, period_start=2025, period_end=2029)
    own.document.save("nss.pdf", File(b"%PDF-1.4 strategy"), save=True)
    other = NationalStrategy.objects.create(
        organisation=ctx.other_nsb, title={"fr": "Autre"}, period_start=2025, period_end=2029
    )
    return {"own": own, "other": other}


def strategies(ctx) -> dict:
    return ctx.once("assessments-strategies", _strategies)


def strategy_kwargs(key):
    return lambda ctx: {"pk": strategies(ctx)[key].pk}


CASES += [
    page("assessments: strategies", "assessments:strategy_list", READERS),
    page("assessments: new strategy (form)", "assessments:strategy_create", EDITORS),
    page(
        "assessments: nsb's strategy",
        "assessments:strategy_detail",
        READERS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: another NSB's strategy",
        "assessments:strategy_detail",
        TEAM,
        kwargs=strategy_kwargs("other"),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    page(
        "assessments: a strategy's document",
        "assessments:strategy_document",
        READERS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: edit a strategy (form)",
        "assessments:strategy_edit",
        EDITORS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: save a strategy",
        "assessments:strategy_edit",
        EDITORS,
        method="post",
        kwargs=strategy_kwargs("own"),
        data=lambda ctx: {
            "title_fr": "SNN révisée",
            "period_start": 2025,
            "period_end": 2030,
            "status": "adopted",
            "version": strategies(ctx)["own"].__class__.objects.get(pk=strategies(ctx)["own"].pk).version,
        },
        ok=Redirect(lambda ctx: url("assessments:strategy_detail", pk=strategies(ctx)["own"].pk), "the strategy"),
        refused_as=HIDDEN,
        effect=lambda ctx: strategies(ctx)["own"].__class__.objects.get(pk=strategies(ctx)["own"].pk).status,
    ),  # fmt: skip
    page(
        "assessments: new priority sector (form)",
        "assessments:sector_create",
        EDITORS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: new strategy item (form)",
        "assessments:item_create",
        EDITORS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
]


CASES += [
    api("assessments API: financial profiles", "api:assessment-financial-profile-list", SIGNED_IN),
    api(
        "assessments API: nsb's financial profile",
        "api:assessment-financial-profile-detail",
        READERS,
        kwargs=lambda ctx: {"pk": finance(ctx)["own"].pk},
        refused_as=HIDDEN,
    ),
    api("assessments API: strategies", "api:assessment-strategy-list", SIGNED_IN),
    api(
        "assessments API: nsb's strategy",
        "api:assessment-strategy-detail",
        READERS,
        kwargs=strategy_kwargs("own"),
        refused_as=HIDDEN,
    ),
    api("assessments API: surveys", "api:assessment-survey-list", EVERYONE),
    api("assessments API: a closed survey", "api:assessment-survey-detail", EVERYONE, kwargs=survey_kwargs("closed")),
    api(
        "assessments API: a closed survey's results",
        "api:assessment-survey-results",
        EVERYONE,
        kwargs=survey_kwargs("closed"),
    ),
    api(
        "assessments API: an open survey's results",
        "api:assessment-survey-results",
        TEAM,
        kwargs=survey_kwargs("open"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
]


# Edit and delete pages: findings (the team's), improvement areas and actions (the plan's editors), a bank's
# maturity bands (the team's; banks are public, so others get 403), a draft survey's questions (its team).


def _edits(ctx) -> dict:
    from jalon.assessments.models import Finding

    b = base(ctx)
    finding = Finding.objects.create(assessment=b["later"], kind="concern", text="Work programme not published")
    return {"finding": finding}


def edits(ctx) -> dict:
    return ctx.once("assessments-edits", _edits)


def _findings(ctx) -> int:
    from jalon.assessments.models import Finding

    return Finding.objects.count()


def _question(ctx):
    return surveys(ctx)["draft"].questions.get()


CASES += [
    page(
        "assessments: edit a finding (form)",
        "assessments:finding_edit",
        TEAM,
        kwargs=lambda ctx: {"pk": edits(ctx)["finding"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: delete a finding (confirm)",
        "assessments:finding_delete",
        TEAM,
        kwargs=lambda ctx: {"pk": edits(ctx)["finding"].pk},
        refused_as=HIDDEN,
    ),
    page(
        "assessments: delete a finding",
        "assessments:finding_delete",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"pk": edits(ctx)["finding"].pk},
        data=lambda ctx: {},
        ok=DETAIL,
        refused_as=HIDDEN,
        effect=_findings,
    ),
    page(
        "assessments: edit an area (form)",
        "assessments:area_edit",
        EDITORS,
        kwargs=pk_of("area"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: delete an area (confirm)",
        "assessments:area_delete",
        EDITORS,
        kwargs=pk_of("area"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: delete an area",
        "assessments:area_delete",
        EDITORS,
        method="post",
        kwargs=pk_of("area"),
        data=lambda ctx: {},
        ok=DETAIL,
        refused_as=HIDDEN,
        effect=lambda ctx: ImprovementArea.objects.count(),
    ),
    page(
        "assessments: delete an action (confirm)",
        "assessments:action_delete",
        EDITORS,
        kwargs=pk_of("action"),
        refused_as=HIDDEN,
    ),
    page(
        "assessments: a bank's maturity bands (form)",
        "assessments:bands_edit",
        TEAM,
        kwargs=lambda ctx: base(ctx) and {"code": "gsp", "version": 1},
    ),
    page(
        "assessments: save a bank's maturity bands",
        "assessments:bands_edit",
        TEAM,
        method="post",
        kwargs=lambda ctx: base(ctx) and {"code": "gsp", "version": 1},
        data=lambda ctx: {
            "version": Framework.objects.get(code="gsp", version=1).bands_version,
            "band0-min": "0",
            "band0-code": "A",
            "band0-fr": "Bas",
            "band0-en": "Low",
            "band1-min": "0.6",
            "band1-code": "B",
            "band1-fr": "Haut",
            "band1-en": "High",
        },
        ok=Redirect(lambda ctx: re.escape(url("assessments:bank", code="gsp", version=1)), "the bank's page"),
        effect=lambda ctx: Framework.objects.get(code="gsp", version=1).bands,
    ),  # fmt: skip
    page(
        "assessments: new survey question (form)",
        "assessments:survey_question_create",
        TEAM,
        kwargs=survey_kwargs("draft"),
    ),  # fmt: skip
    page(
        "assessments: edit a survey question (form)",
        "assessments:survey_question_edit",
        TEAM,
        kwargs=lambda ctx: {"code": "s-draft", "pk": _question(ctx).pk},
    ),
    page(
        "assessments: delete a survey question (confirm)",
        "assessments:survey_question_delete",
        TEAM,
        kwargs=lambda ctx: {"code": "s-draft", "pk": _question(ctx).pk},
    ),
    page(
        "assessments: delete a survey question",
        "assessments:survey_question_delete",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": "s-draft", "pk": _question(ctx).pk},
        data=lambda ctx: {},
        ok=Redirect(lambda ctx: re.escape(url("assessments:survey_detail", code="s-draft")), "the survey's page"),
        effect=lambda ctx: surveys(ctx)["draft"].questions.count(),
    ),
]


# A programme's unit costs of international participation: its managers' (the survey programme serves).


def _costs(ctx) -> dict:
    from jalon.assessments.models import ParticipationCost
    from jalon.reference.models import Currency

    programme = surveys(ctx)["draft"].programme
    setting = ParticipationCost.objects.create(
        programme=programme, currency=Currency.objects.get(code="XOF"), p_membership=1000
    )
    return {"programme": programme, "setting": setting}


def costs(ctx) -> dict:
    return ctx.once("assessments-costs", _costs)


def _cost_count(ctx) -> int:
    from jalon.assessments.models import ParticipationCost

    return ParticipationCost.objects.count()


CASES += [
    page(
        "assessments: a programme's participation costs",
        "assessments:cost_settings",
        TEAM,
        kwargs=lambda ctx: {"code": costs(ctx)["programme"].code},
    ),
    page(
        "assessments: new participation costs (form)",
        "assessments:cost_create",
        TEAM,
        kwargs=lambda ctx: {"code": costs(ctx)["programme"].code},
    ),
    page(
        "assessments: set participation costs",
        "assessments:cost_create",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": costs(ctx)["programme"].code},
        data=lambda ctx: {
            "currency": "EUR",
            "p_membership": "10",
            "meeting_in_person": "10",
            "meeting_remote": "1",
            "secretariat": "10",
            "chair": "10",
        },  # fmt: skip
        ok=Redirect(lambda ctx: re.escape(url("assessments:cost_settings", code="survey-matrix")), "the costs page"),
        effect=_cost_count,
    ),
    page(
        "assessments: edit participation costs (form)",
        "assessments:cost_edit",
        TEAM,
        kwargs=lambda ctx: {"pk": costs(ctx)["setting"].pk},
    ),
    page(
        "assessments: delete participation costs (confirm)",
        "assessments:cost_delete",
        TEAM,
        kwargs=lambda ctx: {"pk": costs(ctx)["setting"].pk},
    ),
]


# A strategy's sectors and items: its organisation's focal point and the team change them.


def _strategy_parts(ctx) -> dict:
    from jalon.assessments.models import PrioritySector, StrategyItem

    own = strategies(ctx)["own"]
    sector = PrioritySector.objects.create(strategy=own, name={"fr": "Eau"}, economic=2, social=3, environmental=4)
    item = StrategyItem.objects.create(strategy=own, kind="adopt", reference="ISO 24510", sector=sector)
    return {"sector": sector, "item": item}


def strategy_parts(ctx) -> dict:
    return ctx.once("assessments-strategy-parts", _strategy_parts)


def part_kwargs(key):
    return lambda ctx: {"pk": strategy_parts(ctx)[key].pk}


def _item_status(ctx) -> str:
    item = strategy_parts(ctx)["item"]
    return type(item).objects.get(pk=item.pk).status


CASES += [
    page(
        "assessments: edit a sector (form)",
        "assessments:sector_edit",
        EDITORS,
        kwargs=part_kwargs("sector"),
        refused_as=HIDDEN,
    ),  # fmt: skip
    page(
        "assessments: delete a sector (confirm)",
        "assessments:sector_delete",
        EDITORS,
        kwargs=part_kwargs("sector"),
        refused_as=HIDDEN,
    ),  # fmt: skip
    page(
        "assessments: edit an item (form)",
        "assessments:item_edit",
        EDITORS,
        kwargs=part_kwargs("item"),
        refused_as=HIDDEN,
    ),  # fmt: skip
    page(
        "assessments: move an item's status",
        "assessments:item_edit",
        EDITORS,
        method="post",
        kwargs=part_kwargs("item"),
        data=lambda ctx: {
            "version": type(strategy_parts(ctx)["item"]).objects.get(pk=strategy_parts(ctx)["item"].pk).version,
            "kind": "adopt",
            "reference": "ISO 24510",
            "status": "done",
        },  # fmt: skip
        ok=Redirect(lambda ctx: url("assessments:strategy_detail", pk=strategies(ctx)["own"].pk), "the strategy"),
        refused_as=HIDDEN,
        effect=_item_status,
    ),
    page(
        "assessments: delete an item (confirm)",
        "assessments:item_delete",
        EDITORS,
        kwargs=part_kwargs("item"),
        refused_as=HIDDEN,
    ),  # fmt: skip
]

CASES += [
    page(
        "assessments: a ratio's thresholds (form)",
        "assessments:threshold_edit",
        TEAM,
        kwargs=lambda ctx: {"code": costs(ctx)["programme"].code, "ratio": "reserves_months"},
    ),
]
