"""A second assessment on the revised bank compares question by question; an improvement area becomes
applied when its actions are done and a later validated assessment scores its section higher; ISO
intermediate outcome 2's computed indicators move with it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.assessments import selectors, services
from jalon.assessments.models import Assessment, ImprovementAction, Section
from jalon.organisations.models import Organisation
from jalon.results.computations import REGISTRY, developing_members, indicator_link_computation
from jalon.results.models import Indicator, Level, Period, Programme, Result
from tests.assessments.conftest import all_codes, answer, open_assessment, validate

D = Decimal


@pytest.fixture
def first(banks, users, nsb):
    v1, _v2 = banks
    codes = all_codes(v1, "largely")
    codes.update({"TR-1": "ad-hoc", "TR-2": "partly", "TR-3": "partly", "TR-4": "no"})
    assessment = answer(
        actor=users["focal"], assessment=open_assessment(users["focal"], nsb, v1, year=2023), codes=codes
    )
    services.assessment_step(actor=users["focal"], assessment=assessment, step="submit")
    return validate(users["manager"], assessment)


def second_assessment(users, nsb, v2, transparency: str):
    codes = all_codes(v2, "largely")
    codes.update({"TR-1A": transparency, "TR-1B": transparency, "TR-2": transparency, "TR-3": "partly", "TR-4": "no"})
    assessment = answer(
        actor=users["focal"], assessment=open_assessment(users["focal"], nsb, v2, year=2025), codes=codes
    )
    services.assessment_step(actor=users["focal"], assessment=assessment, step="submit")
    return validate(users["manager"], assessment)


def test_a_second_assessment_on_the_revised_bank_compares_question_by_question(first, banks, users, nsb):
    _v1, v2 = banks
    second = second_assessment(users, nsb, v2, "fully")
    assert selectors.previous_counted(second) == first
    rows = {row.question.code: row for row in selectors.comparison(first, second).rows}
    # TR-1 (ad hoc, 0.25) was split into TR-1A and TR-1B: both compare with it.
    assert (rows["TR-1A"].before, rows["TR-1A"].after, rows["TR-1A"].delta) == (D("0.250"), D("1"), D("0.750"))
    assert rows["TR-1B"].before_codes == ["TR-1"] and rows["TR-1B"].before == D("0.250")
    # CO-3 reworded as CO-4; SU-4 is new (nothing before).
    assert rows["CO-4"].before_codes == ["CO-3"] and rows["CO-4"].before == D("0.750")
    assert rows["SU-4"].before is None and rows["SU-4"].after == D("0.75")
    sections = {code: (before, after) for code, _s, before, after in selectors.comparison(first, second).sections}
    # v1 transparency: (2 x 0.25 + 2 x 0.5 + 0.5 + 0) / 6 = 2 / 6; v2: (2 + 1 + 2 + 0.5 + 0) / 7.
    assert sections["P-TRANSPARENCY"] == (D("0.333"), D("0.786"))


def test_an_area_is_applied_only_when_its_actions_are_done_and_a_later_score_is_higher(first, banks, users, nsb):
    _v1, v2 = banks
    section = Section.objects.get(framework=first.framework, code="P-TRANSPARENCY")
    with pytest.raises(ValidationError, match="target"):
        services.area_create(actor=users["focal"], assessment=first, section=section, target_score=D("0.2"))
    area = services.area_create(actor=users["focal"], assessment=first, section=section, target_score=D("0.7"))
    action = services.action_create(
        actor=users["focal"], area=area, description="Publish the work programme", status="in_progress",
        due_date=datetime.date(2024, 6, 30),
    )  # fmt: skip
    services.action_create(actor=users["focal"], area=area, description="Dropped idea", status="dropped")
    state = lambda: selectors.areas_state([area])[0]  # noqa: E731
    assert not state().applied and state().baseline == D("0.333")
    second = second_assessment(users, nsb, v2, "fully")
    assert not state().applied and state().later == D("0.786")  # the action is not done yet
    services.action_update(actor=users["focal"], action=action, version=action.version, status="done")
    assert state().applied
    # A later assessment that does not score higher does not apply it.
    Assessment.objects.filter(pk=second.pk).delete()
    second_assessment(users, nsb, v2, "no")
    assert not state().applied


@pytest.fixture
def programme(db):
    programme = Programme.objects.create(
        code="io2",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "IO2"},
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    today = datetime.date.today()
    Period.objects.create(
        programme=programme, code="now", name={"en": "now"}, start=today.replace(month=1, day=1),
        end=today.replace(month=12, day=31),
    )  # fmt: skip
    return programme


def parts_of(key, programme):
    period = programme.periods.get()
    return {(part.dimension, part.code): part for part in REGISTRY[key].compute(programme, period)}


def test_outcome_2_indicators_move_as_areas_are_chosen_and_applied(programme, first, banks, users, nsb):
    _v1, v2 = banks
    members, _on = developing_members(programme, programme.periods.get())
    eligible = members.count()
    assert nsb in members and eligible > 10
    assessed = parts_of("assessments_gsp_validated_share", programme)[(None, "")]
    assert (assessed.numerator, assessed.denominator) == (1, eligible)
    assert parts_of("assessments_gsp_two_areas_share", programme)[(None, "")].numerator == 0
    transparency = Section.objects.get(framework=first.framework, code="P-TRANSPARENCY")
    support = Section.objects.get(framework=first.framework, code="P-OPENNESS")
    area = services.area_create(actor=users["focal"], assessment=first, section=transparency, target_score=D("0.7"))
    services.area_create(actor=users["focal"], assessment=first, section=support, target_score=D("0.9"))
    assert parts_of("assessments_gsp_two_areas_share", programme)[(None, "")].numerator == 1
    applied = parts_of("assessments_gsp_areas_applied_share", programme)[(None, "")]
    assert (applied.numerator, applied.denominator, applied.value) == (0, 2, D("0.00"))
    services.action_create(actor=users["focal"], area=area, description="Do it", status=ImprovementAction.Status.DONE)
    second_assessment(users, nsb, v2, "fully")
    applied = parts_of("assessments_gsp_areas_applied_share", programme)[(None, "")]
    assert (applied.numerator, applied.denominator, applied.value) == (1, 2, D("50.00"))
    tbt = parts_of("assessments_tbt_compliance", programme)
    # The latest assessment (v2, transparency "fully"): J is cited by TR-1A (1) and TR-1B (1), mean 1.
    assert tbt[("custom", "tbt-J")].value == D("100.00")
    # L is cited by TR-2 only, "fully": complying. O by TR-4 only, "no": not complying.
    assert tbt[("custom", "tbt-O")].value == D("0.00")


def test_a_framework_indicator_linked_to_a_computation_fills_itself(programme, first, users):
    level = Level.objects.create(programme=programme, key="io", name={"en": "IO"}, iati_result_type=2)
    result = Result.objects.create(programme=programme, level=level, code="IO2", title={"en": "GSP applied"})
    indicator = Indicator.objects.create(result=result, code="G1", title={"en": "Validated"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_gsp_validated_share")
    total = indicator.measurements.get(dimension_value=None)
    assert total.numerator == 1 and total.value > 0


def test_every_computation_has_its_title_and_method_in_english_and_french():
    for key, computation in REGISTRY.items():
        if key.startswith("assessments_"):
            assert computation.title["en"] and computation.title["fr"] and computation.method["fr"]
