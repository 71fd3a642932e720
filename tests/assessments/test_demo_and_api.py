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
    frameworks_load(codes=["iso-ap-2021-2025"])
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    assessments_demo_build(actor=users["manager"], focal=users["focal"])  # a second run adds nothing
    asn = Assessment.objects.filter(organisation=nsb).order_by("period_end")
    assert [(a.framework.version, a.status, a.is_demo) for a in asn] == [(1, "validated", True), (2, "published", True)]
    assert asn[0].returned_count == 1
    states = selectors.areas_state(list(ImprovementArea.objects.select_related("assessment__framework", "section")))
    assert sorted(state.applied for state in states) == [False, True]
    assert Assessment.objects.filter(is_demo=True).count() == 4
    linked = Indicator.objects.filter(computation__startswith="assessments_", is_demo=True)
    assert linked.count() == 4
    validated = linked.get(computation="assessments_gsp_validated_share")
    assert validated.measurements.filter(dimension_value=None, value__gt=0).exists()


def test_the_public_sees_aggregates_of_published_assessments_only(client_as, users, nsb):
    assessments_demo_build(actor=users["manager"], focal=users["focal"])
    page = client_as(None).get(reverse("assessments:published")).content.decode()
    # ASN (v2, published) and KEBS (v1, published): two organisations; RSB's is validated, not published.
    assert "2 évaluations publiées" in page
    assert "ASN" not in page and "KEBS" not in page
    data = client_as(None).get(reverse("api:assessment-bank-published-aggregates")).json()
    transparency = next(row for row in data if row["section"] == "P-TRANSPARENCY")
    assert transparency["assessments"] == 2


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
