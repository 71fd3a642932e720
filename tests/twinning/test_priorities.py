"""Objectives linked to the twinned member's national priorities: an arrangement names a priority sector of the
twinned member's current strategy (offered by the form, checked by the service, shown on the page), and the
recommender weighs committees by the sectors' ICS fields as well as by the committees a strategy names."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.assessments.models import NationalStrategy, PrioritySector
from jalon.committees.models import Committee
from jalon.committees.priorities import PLATFORM, priority_weights_of
from jalon.reference.models import IcsField
from jalon.twinning import selectors, services
from jalon.twinning.forms import ArrangementForm
from tests.twinning.conftest import propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def strategy(member, *, status="adopted", start=2024, title="Strategy"):
    return NationalStrategy.objects.create(
        organisation=member, title={"en": title}, period_start=start, period_end=start + 4, status=status
    )


def sector(strategy, name, *, ics=(), committees=(), score=5):
    found = PrioritySector.objects.create(
        strategy=strategy, name={"en": name}, ics_codes=list(ics), economic=score, social=score, environmental=score
    )
    found.committees.set(committees)
    return found


def test_a_sector_reaches_committees_by_its_ics_field_and_their_subcommittees(world):
    # TC 176 works in ICS field 03 (services, management, quality); its SC 2 inherits the field.
    world.tc176.ics_fields.add(IcsField.objects.get(code="03"))
    sc2 = Committee.objects.create(
        body="iso", kind="sc", reference="ISO/TC 176/SC 2", title={"en": "Q"}, parent=world.tc176
    )
    sector(strategy(world.asn), "Quality", ics=["03.120.10"], score=4)  # 0.4 x 4 + 0.3 x 4 + 0.3 x 4 = 4 of 5
    weights = priority_weights_of([world.asn.pk, world.kebs.pk], viewer=PLATFORM)
    assert weights == {world.asn.pk: {world.tc176.pk: Decimal("0.800"), sc2.pk: Decimal("0.800")}}


def test_the_recommender_weighs_committees_by_the_ics_fields_of_the_priority_sectors(world, users):
    before, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert {s.lead.acronym for s in before} == {"AFNOR", "DIN"}
    assert not any(c.priority for s in before for c in s.committees)
    # ASN's strategy names no committee, only the ICS code of quality management: TC 176 (field 03) is its
    # one priority committee, so DIN (whose one opportunity is TC 34, food) drops out.
    world.tc176.ics_fields.add(IcsField.objects.get(code="03"))
    world.tc34.ics_fields.add(IcsField.objects.get(code="67"))
    sector(strategy(world.asn), "Quality", ics=["03.120.10"])
    after, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert [s.lead.acronym for s in after] == ["AFNOR"]
    assert [(c.reference, c.priority) for c in after[0].committees] == [("ISO/TC 176", True)]


def test_an_arrangement_links_its_objectives_to_a_sector_of_the_twinned_members_current_strategy(world, users):
    food = sector(strategy(world.asn), "Agri-food", ics=["67"], committees=[world.tc34])
    other = sector(strategy(world.kebs), "Kenyan tea", ics=["67.140"])
    with pytest.raises(ValidationError) as refused:
        propose(world, users["focal"], priority_sector=other)
    assert "current national strategy" in refused.value.message_dict["priority_sector"][0]
    arrangement = propose(world, users["focal"], priority_sector=food)
    assert arrangement.priority_sector_id == food.pk
    _seen, link = selectors.arrangement_priority(arrangement, user=users["focal"])
    assert link is not None and link.current and link.committee_in_sector and link.ics_codes == ("67",)


def test_a_link_made_under_an_earlier_strategy_stays_until_changed_and_a_new_link_must_be_current(world, users):
    old = sector(strategy(world.asn, start=2020, title="Old"), "Agri-food", committees=[world.tc34])
    arrangement = propose(world, users["manager"], priority_sector=old)
    # A later adopted strategy replaces the old one: the link stays, shown as from an earlier strategy...
    new = sector(strategy(world.asn, start=2025, title="New"), "Quality", ics=["03"])
    updated = services.arrangement_update(
        actor=users["manager"], arrangement=arrangement, objectives={"en": "Changed", "fr": "Changé"}
    )
    _seen, link = selectors.arrangement_priority(updated, user=users["manager"])
    assert updated.priority_sector_id == old.pk and link is not None and not link.current
    # ...but no one links to it anew, and the new strategy's sector is accepted.
    with pytest.raises(ValidationError):
        propose(world, users["manager"], committee=world.tc176, priority_sector=old)
    updated = services.arrangement_update(actor=users["manager"], arrangement=updated, priority_sector=new)
    _seen, link = selectors.arrangement_priority(updated, user=users["manager"])
    assert link is not None and link.current and not link.committee_in_sector  # TC 34 has no ICS field 03


def test_the_form_offers_only_the_twinned_members_sectors_and_the_page_shows_the_link(world, users, client_as):
    food = sector(strategy(world.asn), "Agri-food", committees=[world.tc34])
    other = sector(strategy(world.kebs), "Kenyan tea")
    form = ArrangementForm(user=users["manager"], initial={"twinned_member": world.asn.pk})
    assert list(form.fields["priority_sector"].queryset) == [food]
    # The team, before choosing a member, is offered nothing; a posted member's sectors are the only valid ones.
    assert list(ArrangementForm(user=users["manager"]).fields["priority_sector"].queryset) == []
    posted = ArrangementForm({"twinned_member": world.asn.pk, "priority_sector": other.pk}, user=users["manager"])
    assert not posted.is_valid() and "priority_sector" in posted.errors
    # A focal point is offered its own member's sectors from the start.
    assert list(ArrangementForm(user=users["focal"]).fields["priority_sector"].queryset) == [food]
    arrangement = propose(world, users["focal"], priority_sector=food)
    page = client_as("focal").get(f"/en/twinning/{arrangement.pk}/").content.decode()
    assert "Agri-food" in page and "ISO/TC 34 works in this sector." in page
    edit = client_as("focal").get(f"/en/twinning/{arrangement.pk}/edit/").content.decode()
    assert "Agri-food" in edit and "Kenyan tea" not in edit


def test_the_api_links_a_sector_and_refuses_another_members(world, users, client_as):
    food = sector(strategy(world.asn), "Agri-food", committees=[world.tc34])
    other = sector(strategy(world.kebs), "Kenyan tea")
    client = client_as("focal")
    body = {
        "programme": world.programme.code,
        "kind": "p_member",
        "committee": "ISO/TC 34",
        "twinned_member": world.asn.pk,
        "lead_member": world.afnor.pk,
        "objectives": {"en": "Become a P-member"},
    }
    refused = client.post("/api/v1/twinning-arrangements/", {**body, "priority_sector": other.pk}, "application/json")
    assert refused.status_code == 400 and "priority_sector" in refused.json()
    created = client.post("/api/v1/twinning-arrangements/", {**body, "priority_sector": food.pk}, "application/json")
    assert created.status_code == 201 and created.json()["priority_sector"] == food.pk
    garbage = client.post("/api/v1/twinning-arrangements/", {**body, "priority_sector": "x"}, "application/json")
    assert garbage.status_code == 400


def test_proposing_from_a_suggestion_carries_the_priority_sector_of_its_committee(world, client_as):
    food = sector(strategy(world.asn), "Agri-food", committees=[world.tc34])
    sector(strategy(world.asn, start=2020, title="Old"), "Old food", committees=[world.tc34])
    client = client_as("focal")
    page = client.get(f"/en/twinning/recommendations/?programme={world.programme.pk}&member={world.asn.pk}")
    content = page.content.decode()
    link = re.search(rf'href="(/en/twinning/new/\?[^"]+lead_member={world.din.pk}[^"]*)"', content)
    assert link and f"priority_sector={food.pk}" in link.group(1)
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert f'value="{food.pk}" selected' in form
