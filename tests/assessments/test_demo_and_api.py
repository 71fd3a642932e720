"""The assessments demo (ASN over two cycles with one area applied), publication and the public aggregates,
and the API."""

import json

import pytest
from django.urls import reverse

from jalon.assessments import selectors
from jalon.assessments.demo import assessments_demo_build
from jalon.assessments.models import Assessment, ImprovementArea
from jalon.results.models import Indicator
from jalon.results.services import frameworks_load

pytestmark = pytest.mark.django_db


def test_the_demo_runs_asn_over_two_cycles_with_one_area_applied_and_links_io2_indicators(users, nsb):
    frameworks_load(codes=["iso-ap-2021-2025", "ilo-tc-2010-2015"])
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    assessments_demo_build(actor=users["manager"], focal=users["focal"])  # a second run adds nothing
    asn = Assessment.objects.filter(organisation=nsb).order_by("period_end")
    assert [(a.framework.version, a.status, a.is_demo) for a in asn] == [(1, "validated", True), (2, "published", True)]
    assert asn[0].returned_count == 1
    states = selectors.areas_state(list(ImprovementArea.objects.select_related("assessment__framework", "section")))
    assert sorted(state.applied for state in states) == [False, True]
    assert Assessment.objects.filter(is_demo=True).count() == 4
    linked = Indicator.objects.filter(computation__startswith="assessments_gsp", is_demo=True)
    assert linked.count() == 3
    validated = linked.get(computation="assessments_gsp_validated_share")
    assert validated.measurements.filter(dimension_value=None, value__gt=0).exists()
    # Senegal's strategy, ASN's finances (the band improved) and the ILO survey: Senegal satisfied, Kenya not.
    from jalon.assessments.models import FinancialProfile, NationalStrategy, Survey
    from jalon.assessments.satisfaction import survey_results
    from jalon.assessments.selectors import profile_history

    assert NationalStrategy.objects.get(organisation=nsb).sectors.count() == 3
    history = profile_history(FinancialProfile.objects.filter(organisation=nsb).first())
    assert [h.band for h in history] == ["high", "medium"]
    # The demo unit costs of the ISO programme estimate ASN's participation beside the cost it typed.
    from jalon.results.models import Programme

    iso = Programme.objects.get(code="iso-ap-2021-2025")
    with_costs = profile_history(FinancialProfile.objects.filter(organisation=nsb).first(), iso)
    assert all(h.estimate is not None and h.estimate.setting.is_demo and not h.estimated for h in with_costs)
    units = {u.code: u.status for u in survey_results(Survey.objects.get(code="demo-dwcp-2011"))}
    assert units == {"SEN": "satisfied", "KEN": "not_satisfied"}
    from jalon.results.computations import programme_computed_refresh

    programme_computed_refresh(programme_id=Programme.objects.get(code="ilo-tc-2010-2015").pk, full=True)
    ilo = Indicator.objects.get(code="3.2", result__programme__code="ilo-tc-2010-2015")
    # 2010-11: Senegal satisfied in both years' surveys, Kenya in neither.
    assert ilo.measurements.get(dimension_value=None, period__code="2010-11").value == 1
    # The 2010 survey set the baseline (1), so the target of +80 % resolves to 1.8.
    assert (ilo.baseline_value, ilo.baseline_year, ilo.baseline_to_be_set_in) == (1, 2010, None)


def test_the_public_sees_aggregates_of_published_assessments_only(client_as, users, nsb, settings):
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    page = client_as(None).get(reverse("assessments:published")).content.decode()
    # ASN (v2, published) and KEBS (v1, published): two organisations; RSB's is validated, not published.
    assert "2 évaluations publiées" in page
    assert "ASN" not in page and "KEBS" not in page
    data = client_as(None).get(reverse("api:assessment-bank-published-aggregates")).json()
    transparency = next(row for row in data if row["section"] == "P-TRANSPARENCY")
    assert transparency["assessments"] == 2
    # A mean of two is close to each organisation's own score: not given under the small-group threshold (5).
    assert {row["mean_score"] for row in data} == {None}
    assert "moins de 5 évaluations n’est pas donnée" in page
    settings.JALON_REACH_MIN_GROUP = 2
    data = client_as(None).get(reverse("api:assessment-bank-published-aggregates")).json()
    transparency = next(row for row in data if row["section"] == "P-TRANSPARENCY")
    assert transparency["mean_score"] is not None


def test_the_api_gives_an_assessment_with_its_scores_to_its_readers_only(client_as, users, nsb):
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    published = Assessment.objects.get(organisation=nsb, status="published")
    detail = reverse("api:assessment-detail", kwargs={"pk": published.pk})
    body = client_as("focal").get(detail).json()
    sections = {row["code"]: row for row in body["scores"]["sections"]}
    assert sections["P-TRANSPARENCY"]["complete"] and body["framework_version"] == 2
    assert client_as("viewer").get(detail).status_code == 404
    listed = client_as("focal").get(reverse("api:assessment-list")).json()
    assert {row["organisation"] for row in listed["results"]} == {nsb.pk}
    bank = client_as(None).get(reverse("api:assessment-bank-detail", kwargs={"pk": published.framework_id})).json()
    assert json.dumps(bank).count('"code": "TR-1B"') == 1


def test_the_portfolio_shows_each_member_latest_validated_assessment_with_a_heat_map(client_as, users):
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    page = client_as("manager").get(reverse("assessments:portfolio")).content.decode()
    assert "<svg" in page and "<rect" in page and page.count("<tr>") >= 4


def test_the_api_gives_strategies_profiles_and_survey_aggregates(client_as, users, nsb):
    from jalon.results.services import frameworks_load

    frameworks_load(codes=["ilo-tc-2010-2015"])
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    strategies = client_as("focal").get(reverse("api:assessment-strategy-list")).json()["results"]
    # Water and sanitation: 0.4 x 3 + 0.3 x 5 + 0.3 x 5 = 4.2 ranks first.
    assert [float(s["sectors"][0]["priority_score"]) for s in strategies] == [4.2]
    profiles = client_as("focal").get(reverse("api:assessment-financial-profile-list")).json()["results"]
    assert sorted(p["sustainability"]["band"] for p in profiles) == ["high", "medium"]
    assert client_as("viewer").get(reverse("api:assessment-financial-profile-list")).json()["results"] == []
    results = client_as(None).get(reverse("api:assessment-survey-results", kwargs={"code": "demo-dwcp-2011"})).json()
    assert {unit["unit"]: unit["status"] for unit in results} == {"SEN": "satisfied", "KEN": "not_satisfied"}
    assert "email" not in str(results) and "token" not in str(results)
