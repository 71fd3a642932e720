"""The support demo: one sponsorship passing every rule, one failing one rule, a third partial fellowship
refused, and an eligibility list that says it is made up."""

import pytest
from django.utils import translation

from jalon.committees.models import Committee, CommitteeMembership
from jalon.organisations.models import Organisation
from jalon.results.services import frameworks_load
from jalon.support.demo import support_demo_build
from jalon.support.models import Fellowship, FellowshipEligibility, Sponsorship
from jalon.support.rules import evaluate, stored_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def committees(nsb):
    """What the committees demo provides to this one: an ISO committee ASN is a P-member of, ITU-T SG5."""
    frameworks_load(codes=["iso-ap-2021-2025", "itu-res44"])
    tc = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 34", title={"en": "Food"}, sort_key="034")
    CommitteeMembership.objects.create(committee=tc, member=nsb, status="p")
    Committee.objects.create(
        body="itu_t", kind="study_group", reference="ITU-T SG5", title={"en": "SG5"}, study_period="2025-2028"
    )


def test_the_demo_shows_a_pass_a_failure_with_its_reason_and_a_refused_third_partial(committees, users):
    support_demo_build(actor=users["manager"], applicant=users["focal"])
    support_demo_build(actor=users["manager"], applicant=users["focal"])  # a second run adds nothing
    statuses = dict(Sponsorship.objects.values_list("person__given_name", "status"))
    assert statuses == {"Awa": "approved", "Moussa": "submitted", "Fatou": "draft"}
    approved = Sponsorship.objects.get(status="approved")
    assert all(result.status in ("passed", "not_applicable") for result in stored_evaluation(approved).results)
    assert approved.delegate.sponsored
    failing = Sponsorship.objects.get(status="draft")
    with translation.override("en"):
        assert [r.text for r in evaluate(failing).refusals] == [
            "National mirror committee: There is no national mirror committee, existing or planned."
        ]
        third = Fellowship.objects.get(status="draft")
        assert [r.kind for r in evaluate(third).refusals] == ["itu_one_full_or_two_partial_per_state_per_meeting"]
    assert sorted(Fellowship.objects.values_list("status", flat=True)) == ["approved", "draft", "submitted"]
    assert FellowshipEligibility.objects.exists() and not FellowshipEligibility.objects.filter(is_demo=False).exists()
    assert Sponsorship.objects.filter(is_demo=False).count() == 0
    assert Organisation.objects.get(acronym="MCTN").country.iso3 == "SEN"
