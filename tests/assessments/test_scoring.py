"""Scores, coverage and bands, checked against values worked out by hand."""

from decimal import Decimal

import pytest

from jalon.assessments import scoring
from jalon.assessments.models import Framework
from jalon.organisations.models import Organisation
from tests.assessments.conftest import all_codes, answer, open_assessment

D = Decimal


@pytest.fixture
def scored(banks, users, nsb):
    v1, _v2 = banks
    assessment = open_assessment(users["manager"], nsb, v1)
    answer(
        actor=users["manager"],
        assessment=assessment,
        codes={
            # Transparency: weights 2, 2, 1, 1. TR-3 not applicable.
            "TR-1": "partly", "TR-2": "fully", "TR-3": "na", "TR-4": "no",
            # Openness: 1 of 3 answered.
            "OP-1": "largely",
            # Consensus: 2 of 3 answered.
            "CO-1": "ad-hoc", "CO-2": "largely",
            # Core: 3 of 4 answered (75 %: under 80 %).
            "CR-1": "partly", "CR-2": "fully", "CR-3": "yes",
            # TBT code: both.
            "TBT-CODE-1": "yes", "TBT-CODE-2": "partly",
        },
    )  # fmt: skip
    return assessment


def test_a_section_score_is_the_weighted_mean_and_not_applicable_is_out_of_both_sides(scored):
    rows = scoring.compute(scored).by_code()
    transparency = rows["P-TRANSPARENCY"]
    # (2 x 0.5 + 2 x 1 + 1 x 0) / (2 + 2 + 1) = 3 / 5; TR-3 is neither answered nor applicable.
    assert (transparency.applicable, transparency.answered) == (3, 3)
    assert transparency.score == D("0.600") and transparency.coverage == D("1.000") and transparency.ranked
    assert transparency.band["code"] == "L3"
    assert rows["TBT-CODE"].score == D("0.750") and rows["TBT-CODE"].band["code"] == "L4"


def test_a_section_under_80_percent_answered_is_incomplete_and_not_ranked(scored):
    rows = scoring.compute(scored).by_code()
    assert rows["VC-CORE"].coverage == D("0.750") and not rows["VC-CORE"].complete
    # Its partial score is shown for information: (0.5 + 1 + 1) / 3.
    assert rows["VC-CORE"].score == D("0.833") and rows["VC-CORE"].band is None and not rows["VC-CORE"].ranked
    assert rows["P-OPENNESS"].coverage == D("0.333") and not rows["P-OPENNESS"].ranked
    assert rows["VC-SUPPORT"].score is None and rows["VC-SUPPORT"].coverage == 0


def test_the_overall_score_pools_the_complete_sections_and_is_incomplete_under_the_threshold(scored):
    scores = scoring.compute(scored)
    # 22 questions, 1 not applicable: 21 applicable; 12 answered minus TR-3 = 11.
    assert (scores.applicable, scores.answered) == (21, 11)
    assert scores.coverage == D("0.524") and not scores.complete and scores.band is None
    # Transparency 3 / 5 and TBT code 1.5 / 2 pooled: 4.5 / 7.
    assert scores.score == D("0.643")


def test_a_complete_assessment_gets_an_overall_band_from_the_framework_thresholds(banks, users, nsb):
    v1, _v2 = banks
    assessment = answer(
        actor=users["manager"], assessment=open_assessment(users["manager"], nsb, v1), codes=all_codes(v1, "ad-hoc")
    )
    scores = scoring.compute(assessment)
    assert scores.complete and scores.coverage == 1
    # Two yes/no questions at 1 (weights 1 and 1), twenty at 0.25 with weights summing to 24: 8 / 26.
    assert scores.score == D("0.308")
    assert scores.band["code"] == "L2"
    Framework.objects.filter(pk=v1.pk).update(
        bands=[{"min": "0", "code": "low", "label": {"en": "Low", "fr": "Bas"}},
               {"min": "0.3", "code": "high", "label": {"en": "High", "fr": "Haut"}}]
    )  # fmt: skip
    assessment.framework.refresh_from_db()
    assert scoring.compute(assessment).band["code"] == "high"


def test_a_question_that_does_not_apply_to_the_organisation_kind_leaves_the_denominator(banks, users, nsb):
    v1, _v2 = banks
    ministry = Organisation.objects.create(
        name={"en": "Ministry"}, kind=Organisation.Kind.MINISTRY, country=nsb.country
    )
    assessment = open_assessment(users["manager"], ministry, v1)
    rows = scoring.compute(assessment).by_code()
    # TBT-CODE-1 applies to national standards bodies only.
    assert rows["TBT-CODE"].applicable == 1
