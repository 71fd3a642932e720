"""Demo GSP assessments, built after the activities demo (it provides the ISO programme, its results and the
demo activities). Everything here is made up and marked as demo data:

- ASN (Senegal): a first self-assessment on GSP v1 (2023, validated in March 2024), returned once then
  validated; two improvement areas with actions linked to demo activities, those of one area all done; a
  second self-assessment on the revised bank, GSP v2 (2024, validated in March 2025) and published, where
  that area's section scores higher: it counts as applied (IO2's "areas applied" moves from 0 % in 2024 to
  50 % in 2025).
- KEBS (Kenya) and RSB (Rwanda): one validated self-assessment each (2023, validated in 2024); KEBS's is
  published.
- Demo indicators of ISO intermediate outcome 2 linked to the computed indicators of this app.
- A demo national standardization strategy for Senegal, two demo financial profiles of ASN with a risk
  register, demo unit costs of participation for the ISO programme (in CFA francs: the profiles' estimate
  from the committees module shows beside the cost ASN typed), and demo surveys of DWCP constituents for
  the ILO programme (2010 and 2011) feeding the seed's indicator 3.2, whose baseline comes from the 2010 survey.

Validation dates are set to fixed demo days after the workflow ran, so that the demo is the same whenever it
is built and falls within the programme's periods."""

import datetime
from decimal import Decimal

from jalon.activities.models import Activity
from jalon.assessments import services
from jalon.assessments.bank import banks_ensure
from jalon.assessments.models import (
    Answer,
    Assessment,
    Framework,
    ImprovementAction,
    Invitation,
    NationalStrategy,
    ParticipationCost,
    Section,
    Survey,
)
from jalon.committees.models import Committee
from jalon.organisations.models import Organisation
from jalon.reference.models import Currency
from jalon.results.computations import indicator_link_computation
from jalon.results.models import Indicator, Measure, Programme, Result

PROGRAMME = "iso-ap-2021-2025"
DEMO_NOTE = {
    "en": "Demo indicator, made up for the demo: not ISO's wording.",
    "fr": "Indicateur de démonstration, inventé pour la démo : ce n'est pas la formulation de l'ISO.",
}
# Answer codes by section for each demo assessment: one per question, in the bank's order.
FIRST_ASN = {
    "TBT-CODE": ["yes", "partly"],
    "P-TRANSPARENCY": ["ad-hoc", "no", "partly", "largely"],
    "P-OPENNESS": ["partly", "ad-hoc", "partly"],
    "P-CONSENSUS": ["partly", "ad-hoc", "largely"],
    "P-RELEVANCE": ["largely", "partly", "partly"],
    "VC-SUPPORT": ["ad-hoc", "partly", "ad-hoc"],
    "VC-CORE": ["partly", "largely", "yes", "no"],
}
SECOND_ASN = {
    "TBT-CODE": ["yes", "largely"],
    "P-TRANSPARENCY": ["largely", "yes", "partly", "largely", "largely"],
    "P-OPENNESS": ["partly", "partly", "partly"],
    "P-CONSENSUS": ["largely", "partly", "largely"],
    "P-RELEVANCE": ["largely", "partly", "largely"],
    "VC-SUPPORT": ["partly", "partly", "ad-hoc", "ad-hoc"],
    "VC-CORE": ["largely", "largely", "yes", "ad-hoc"],
}
OTHERS = {
    "KEBS": ["largely", "partly", "fully", "yes", "no"],
    "RSB": ["partly", "ad-hoc", "no", "yes"],
}
# A practice level given to a yes/no question (and back).
YES_NO = {"partly": "yes", "largely": "yes", "fully": "yes", "ad-hoc": "no", "yes": "fully"}
DEMO_COMMITTEES = ("ISO/TC 34", "ISO/TC 147", "ISO/TC 207", "ISO/TC 176")
DEMO_SECTORS = (
    ({"fr": "Agroalimentaire et pêche", "en": "Food and fisheries"}, ("67", "67.120.30"), (5, 4, 3), ("ISO/TC 34",)),
    ({"fr": "Eau et assainissement", "en": "Water and sanitation"}, ("13.060",), (3, 5, 5), ("ISO/TC 147",)),
    ({"fr": "Environnement et qualité", "en": "Environment and quality"}, ("13.020", "03.120"), (3, 3, 5),
     ("ISO/TC 207", "ISO/TC 176")),
)  # fmt: skip
DEMO_COMPUTED = (
    ("IO2.2", "DG1", "assessments_gsp_validated_share",
     {"fr": "Part des membres ayant une évaluation BPN validée (calculé)",
      "en": "Share of members with a validated GSP assessment (computed)"}),
    ("IO2.2", "DG2", "assessments_gsp_two_areas_share",
     {"fr": "Part des membres ayant au moins deux axes d'amélioration (calculé)",
      "en": "Share of members with at least two improvement areas (computed)"}),
    ("IO2.2", "DG3", "assessments_gsp_areas_applied_share",
     {"fr": "Part des axes d'amélioration appliqués (calculé)", "en": "Share of improvement areas applied (computed)"}),
    ("IO2.2", "DG4", "assessments_tbt_compliance",
     {"fr": "Conformité au Code de pratique OTC (calculé)",
      "en": "Compliance with the TBT Code of Good Practice (computed)"}),
)  # fmt: skip


def _answer(*, actor, assessment: Assessment, plan: dict, evidence_link: str) -> None:
    for section in assessment.framework.sections.prefetch_related("questions__answer_set__options"):
        codes = plan.get(section.code, [])
        answers = {}
        for question, code in zip(section.questions.all(), codes, strict=False):
            options = {o.code: o for o in question.answer_set.options.all()}
            option = options.get(code) or options.get(YES_NO.get(code, "no"))
            answers[question.pk] = {
                "option": option,
                "comment": "Demo answer.",
                "evidence_link": evidence_link if question.evidence_required else "",
                "confidence": Answer.Confidence.MEDIUM,
            }
        assessment = services.assessment_answer_section(
            actor=actor, assessment=assessment, section=section, version=None, answers=answers
        )


def _assess(
    *, actor, reviewer, organisation, framework, year: int, plan: dict, validated_on: datetime.date, returned=False
):
    assessment = services.assessment_create(
        actor=actor,
        organisation=organisation,
        framework=framework,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        is_demo=True,
    )
    _answer(actor=actor, assessment=assessment, plan=plan, evidence_link="https://demo.jalon.test/evidence")
    services.assessment_step(actor=actor, assessment=assessment, step="submit")
    if returned:
        services.assessment_step(
            actor=reviewer, assessment=assessment, step="return", note="Demo: add the comments table for CO-1."
        )
        services.assessment_step(actor=actor, assessment=assessment, step="submit")
    services.assessment_step(actor=reviewer, assessment=assessment, step="review")
    services.assessment_step(actor=reviewer, assessment=assessment, step="validate")
    moment = datetime.datetime.combine(validated_on, datetime.time(12), tzinfo=datetime.UTC)
    Assessment.objects.filter(pk=assessment.pk).update(validated_at=moment, submitted_at=moment)
    assessment.refresh_from_db()
    return assessment


def assessments_demo_build(*, actor, focal) -> None:
    """`actor`: the programme manager who reviews; `focal`: ASN's focal point."""
    if Assessment.objects.filter(is_demo=True).exists():
        return
    banks_ensure()
    v1 = Framework.objects.get(code="gsp", version=1)
    v2 = Framework.objects.get(code="gsp", version=2)
    asn = Organisation.objects.filter(acronym="ASN").first()
    if asn is None:
        return
    first = _assess(
        actor=focal, reviewer=actor, organisation=asn, framework=v1, year=2023, plan=FIRST_ASN,
        validated_on=datetime.date(2024, 3, 15), returned=True,
    )  # fmt: skip
    transparency = Section.objects.get(framework=v1, code="P-TRANSPARENCY")
    support = Section.objects.get(framework=v1, code="VC-SUPPORT")
    area = services.area_create(
        actor=focal, assessment=first, section=transparency, target_score=Decimal("0.75"), priority=1, is_demo=True
    )
    other_area = services.area_create(
        actor=focal, assessment=first, section=support, target_score=Decimal("0.6"), priority=2, is_demo=True
    )
    activities = list(Activity.objects.filter(is_demo=True).order_by("start_date")[:3])
    for number, text in enumerate(
        ("Publish the work programme every six months", "Open every draft to a 60-day public enquiry")
    ):
        services.action_create(
            actor=focal,
            area=area,
            description=text,
            owner_name="Demo owner",
            due_date=datetime.date(2024, 9, 30),
            status=ImprovementAction.Status.DONE,
            activity=activities[number] if number < len(activities) else None,
        )
    services.action_create(
        actor=focal,
        area=other_area,
        description="Draft a three-year financial plan",
        owner_name="Demo owner",
        due_date=datetime.date(2025, 12, 31),
        status=ImprovementAction.Status.IN_PROGRESS,
        activity=activities[2] if len(activities) > 2 else None,
    )
    second = _assess(
        actor=focal, reviewer=actor, organisation=asn, framework=v2, year=2024, plan=SECOND_ASN,
        validated_on=datetime.date(2025, 3, 20),
    )  # fmt: skip
    services.assessment_step(actor=actor, assessment=second, step="publish")
    for acronym, codes in OTHERS.items():
        organisation = Organisation.objects.filter(acronym=acronym).first()
        if organisation is None:
            continue
        plan = {section: [codes[(i + n) % len(codes)] for n in range(5)] for i, section in enumerate(FIRST_ASN)}
        # yes/no questions take yes or no; the others, a practice level.
        plan = {key: [c if c not in ("yes", "no") else "partly" for c in values] for key, values in plan.items()}
        plan["TBT-CODE"] = ["yes", "partly"]
        plan["VC-CORE"] = ["partly", "largely", "yes", "partly"]
        done = _assess(
            actor=actor, reviewer=actor, organisation=organisation, framework=v1, year=2023, plan=plan,
            validated_on=datetime.date(2024, 4, 10),
        )  # fmt: skip
        if acronym == "KEBS":
            services.assessment_step(actor=actor, assessment=done, step="publish")
    _link_indicators(actor=actor)
    _strategy(actor=focal, organisation=asn)
    _finances(actor=focal, organisation=asn)
    _survey(actor=actor)


def _strategy(*, actor, organisation) -> None:
    """A demo national standardization strategy for Senegal, its priority committees taken among those the
    committees demo loaded (when there are any)."""
    strategy = services.strategy_create(
        actor=actor,
        organisation=organisation,
        title={"fr": "Stratégie nationale de normalisation du Sénégal 2025-2029 (démo)",
               "en": "Senegal's national standardization strategy 2025-2029 (demo)"},
        period_start=2025,
        period_end=2029,
        status=NationalStrategy.Status.ADOPTED,
        is_demo=True,
    )  # fmt: skip
    committees = {c.reference: c for c in Committee.objects.filter(reference__in=DEMO_COMMITTEES)}
    for name, ics, scores, references in DEMO_SECTORS:
        services.sector_create(
            actor=actor,
            strategy=strategy,
            name=name,
            ics_codes=list(ics),
            economic=scores[0],
            social=scores[1],
            environmental=scores[2],
            evidence="Demo evidence.",
            committees=[committees[r] for r in references if r in committees],
        )
    food = committees.get("ISO/TC 34")
    services.item_create(actor=actor, strategy=strategy, kind="adopt", reference="ISO 22000", status="in_progress")
    if food is not None:
        services.item_create(actor=actor, strategy=strategy, kind="join_p", committee=food, status="done")


def _finances(*, actor, organisation) -> None:
    """Two demo years: reserves rebuilt (the band goes from high to medium) and a risk register."""
    xof = Currency.objects.filter(code="XOF").first()
    if xof is None:
        return
    base = {
        "revenue_government": Decimal("600000000"), "revenue_standards_sales": Decimal("90000000"),
        "revenue_certification": Decimal("150000000"), "revenue_training": Decimal("40000000"),
        "revenue_membership": Decimal("20000000"), "revenue_projects": Decimal("100000000"),
        "cost_staff": Decimal("520000000"), "cost_international": Decimal("45000000"),
        "cost_standards_development": Decimal("180000000"), "cost_it": Decimal("60000000"),
        "cost_other": Decimal("150000000"), "participation_needed": Decimal("60000000"),
    }  # fmt: skip
    services.profile_create(
        actor=actor, organisation=organisation, year=2023, currency=xof, reserves=Decimal("200000000"),
        note="Demo figures.", is_demo=True, **base,
    )  # fmt: skip
    services.profile_create(
        actor=actor, organisation=organisation, year=2024, currency=xof, reserves=Decimal("500000000"),
        note="Demo figures.", is_demo=True, **base,
    )  # fmt: skip
    programme = Programme.objects.filter(code=PROGRAMME).first()
    if programme is not None and not ParticipationCost.objects.filter(programme=programme, currency=xof).exists():
        ParticipationCost.objects.create(
            programme=programme, currency=xof, p_membership=Decimal("1500000"), meeting_in_person=Decimal("2500000"),
            meeting_remote=Decimal("50000"), secretariat=Decimal("15000000"), chair=Decimal("3000000"), is_demo=True,
        )  # fmt: skip
    services.risk_create(
        actor=actor, organisation=organisation, title="Demo: the government subvention is cut by a third",
        likelihood=3, impact=5, owner="Demo director of finance", mitigation="Grow certification revenue.",
        is_demo=True,
    )  # fmt: skip


def _survey(*, actor) -> None:
    """Demo surveys of DWCP constituents for the ILO programme, 2010 (the baseline year) and 2011, closed with
    made-up answers: one country programme satisfied in every group, one where the workers are not. ILO's
    indicator 3.2 (computed from these surveys) takes its baseline from the 2010 survey: it is "set in 2010"."""
    programme = Programme.objects.filter(code="ilo-tc-2010-2015").first()
    if programme is None:
        return
    for year in (2010, 2011):
        _survey_year(programme, year)


def _survey_year(programme, year: int) -> None:
    survey = services.survey_create(
        actor=None, programme=programme, code=f"demo-dwcp-{year}",
        title={"fr": f"Satisfaction des mandants des PPTD {year} (démo)",
               "en": f"DWCP constituents' satisfaction {year} (demo)"},
        population=Survey.Population.DWCP, year=year, anonymous=True, threshold=Decimal("0.7"), minimum_n=5,
        is_demo=True,
    )  # fmt: skip
    lines = []
    for unit, name in (("SEN", "PPTD Sénégal"), ("KEN", "DWCP Kenya")):
        for group in ("government", "employers", "workers"):
            for number in range(6):
                lines.append(f"{group}{number}.{unit.lower()}.{year}@demo.jalon.test; {unit}; {name}; {group}")
    services.invitations_add(actor=None, survey=survey, lines="\n".join(lines))
    services.survey_set_status(actor=None, survey=survey, status=Survey.Status.OPEN)
    question = survey.questions.get()
    for number, invitation in enumerate(Invitation.objects.filter(survey=survey).order_by("pk")):
        low = invitation.unit_code == "KEN" and invitation.group == "workers" and number % 2 == 0
        value = "2" if low else ("dk" if number % 7 == 0 else "4" if number % 3 else "5")
        services.response_submit(invitation=invitation, answers={question.pk: value})
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=survey.pk), status=Survey.Status.CLOSED)


def _link_indicators(*, actor) -> None:
    programme = Programme.objects.filter(code=PROGRAMME).first()
    if programme is None:
        return
    for result_code, code, key, title in DEMO_COMPUTED:
        result = Result.objects.filter(programme=programme, code=result_code).first()
        if result is None:
            continue
        indicator, _created = Indicator.objects.update_or_create(
            result=result,
            code=code,
            defaults={"title": title, "definition": DEMO_NOTE, "measure": Measure.PERCENTAGE, "is_demo": True},
        )
        if indicator.source != Indicator.Source.COMPUTED or indicator.computation != key:
            indicator_link_computation(actor=actor, indicator=indicator, key=key)
