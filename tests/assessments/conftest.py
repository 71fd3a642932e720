"""Records the assessment tests share: the shipped question banks (v1 and its revision v2) and helpers to
answer an assessment by option code."""

import datetime

import pytest

from jalon.assessments import services
from jalon.assessments.bank import banks_ensure
from jalon.assessments.models import Answer, Assessment, Framework


@pytest.fixture
def banks(db):
    banks_ensure()
    return Framework.objects.get(code="gsp", version=1), Framework.objects.get(code="gsp", version=2)


def option(question, code: str):
    return next(o for o in question.answer_set.options.all() if o.code == code)


def answer(*, actor, assessment: Assessment, codes: dict[str, str], link: str = "https://example.org/evidence"):
    """Answer questions by code: {"TR-1": "partly", "OP-1": "na", ...} ("na": not applicable)."""
    by_section: dict = {}
    for section in assessment.framework.sections.prefetch_related("questions__answer_set__options"):
        for question in section.questions.all():
            if question.code in codes:
                code = codes[question.code]
                values = {"not_applicable": True} if code == "na" else {"option": option(question, code)}
                values["evidence_link"] = link if question.evidence_required else ""
                by_section.setdefault(section, {})[question.pk] = values
    for section, values in by_section.items():
        assessment = services.assessment_answer_section(
            actor=actor, assessment=assessment, section=section, version=None, answers=values
        )
    return assessment


def all_codes(framework: Framework, code: str = "partly") -> dict[str, str]:
    """Every question of a bank with one answer (yes/no questions: "yes")."""
    result = {}
    for question in Answer.question.field.related_model.objects.filter(section__framework=framework).select_related(
        "answer_set"
    ):
        result[question.code] = "yes" if question.answer_set.code == "yes-no" else code
    return result


def open_assessment(actor, organisation, framework, year: int = 2024, **extra) -> Assessment:
    return services.assessment_create(
        actor=actor,
        organisation=organisation,
        framework=framework,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        **extra,
    )


def validate(manager, assessment: Assessment) -> Assessment:
    services.assessment_step(actor=manager, assessment=assessment, step="validate")
    assessment.refresh_from_db()
    return assessment
