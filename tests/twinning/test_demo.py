"""The twinning demo on the real ISO committees of the committees demo: labelled demo arrangements of each kind,
one whose twinned member moved from O to P in the committee history (its outcome shows it), one overdue."""

import pytest

from jalon.committees.demo import committees_demo_build
from jalon.results.services import frameworks_load
from jalon.twinning import selectors
from jalon.twinning.demo import twinning_demo_build
from jalon.twinning.models import Arrangement

pytestmark = pytest.mark.django_db


def test_the_demo_has_each_kind_one_o_to_p_outcome_and_one_overdue(users):
    frameworks_load(codes=["iso-ap-2021-2025"])
    committees_demo_build(actor=users["manager"])
    twinning_demo_build(actor=users["manager"])
    twinning_demo_build(actor=users["manager"])  # a second run adds nothing
    arrangements = list(Arrangement.objects.select_related("committee", "twinned_member", "programme"))
    assert all(a.is_demo for a in arrangements)
    assert {a.kind for a in arrangements} == {"p_member", "secretariat", "chair", "convenor"}
    assert all(a.committee.iso_id for a in arrangements)  # real ISO committees
    outcomes = {a.pk: selectors.arrangement_outcomes(a) for a in arrangements}
    moved = [a for a in arrangements if outcomes[a.pk].became_p_on]
    assert [(a.twinned_member.acronym, a.kind) for a in moved] == [("ASN", "p_member")]
    assert outcomes[moved[0].pk].status_now == "p"
    flagged = selectors.flag_overdue(list(selectors.arrangements_list(user=users["manager"])))
    assert [(a.twinned_member.acronym, a.status) for a in flagged if a.overdue] == [("KEBS", "active")]
    secretariat = next(a for a in arrangements if a.kind == "secretariat")
    assert secretariat.status == "nominee_approved" and secretariat.twinned_person is not None


def test_the_demo_links_an_arrangement_to_the_priority_sector_holding_its_committee(users):
    from jalon.assessments.demo import _strategy
    from jalon.committees.priorities import priority_sectors_of
    from jalon.organisations.models import Organisation
    from jalon.twinning.demo import twinning_demo_link_priorities

    frameworks_load(codes=["iso-ap-2021-2025"])
    committees_demo_build(actor=users["manager"])
    twinning_demo_build(actor=users["manager"])
    _strategy(actor=users["manager"], organisation=Organisation.objects.get(acronym="ASN"))
    twinning_demo_link_priorities(actor=users["manager"])
    twinning_demo_link_priorities(actor=users["manager"])  # a second run adds nothing
    linked = list(Arrangement.objects.filter(priority_sector__isnull=False).select_related("committee"))
    # None of the earlier demo committees (JTC 1 and its subcommittees, ICS 35) is in ASN's sectors: one new
    # proposal on a committee of its highest priority sector.
    assert [(a.twinned_member.acronym, a.kind, a.status) for a in linked] == [("ASN", "p_member", "proposed")]
    _seen, link = selectors.arrangement_priority(linked[0], user=users["manager"])
    asn = Organisation.objects.get(acronym="ASN")
    top = max(priority_sectors_of([asn.pk], viewer=users["manager"])[asn.pk], key=lambda sector: sector.weight)
    assert link is not None and link.current and link.committee_in_sector and link.name == top.name
