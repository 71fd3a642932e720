"""A member's national strategy, and so its priority sectors, is its own and the programme team's: the twinning
pages use and show them only to those who may see the strategy. Another member's focal point (ASN's, offering
to lead KEBS) is ranked, offered sectors and shown arrangements as if KEBS had no strategy, whatever KEBS's
strategy says. A draft strategy counts for nobody, not even its own member: only an adopted one is a member's
priorities."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jalon.accounts.models import Role
from jalon.assessments.models import NationalStrategy, PrioritySector
from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole
from jalon.twinning import selectors, services
from jalon.twinning.models import Arrangement
from tests.conftest import make_user
from tests.twinning.conftest import propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def committees(world):
    """ISO/TC 4242 and ISO/TC 4343, run by ASN (a P-member holding the secretariat), KEBS observing both: ASN
    could lead KEBS on either."""
    found = []
    for reference in ("ISO/TC 4242", "ISO/TC 4343"):
        tc = Committee.objects.create(body="iso", kind="tc", reference=reference, title={"en": reference})
        CommitteeMembership.objects.create(committee=tc, member=world.asn, status="p")
        CommitteeMembership.objects.create(committee=tc, member=world.kebs, status="o")
        LeadershipRole.objects.create(committee=tc, role="secretariat", organisation=world.asn)
        found.append(tc)
    return found


def strategy(member, status, *, title="Strategy"):
    return NationalStrategy.objects.create(
        organisation=member, title={"en": title}, period_start=2025, period_end=2029, status=status
    )


def sector(strategy, name, committee):
    found = PrioritySector.objects.create(strategy=strategy, name={"en": name}, economic=5, social=5, environmental=5)
    found.committees.add(committee)
    return found


def kebs_rows(world, user) -> list:
    """What a lead's recommendations say of KEBS, as ASN asks them: rank, score, committees and their priority
    flags, the sector a proposal would link."""
    suggestions, _loaded = selectors.recommendations(
        programme=world.programme, member=world.asn, side="lead", limit=300, user=user
    )
    return [
        (rank, round(s.score, 9), [(c.reference, c.priority) for c in s.committees], s.priority_sector)
        for rank, s in enumerate(suggestions)
        if s.twinned.pk == world.kebs.pk
    ]


def table(response) -> str:
    content = response.content.decode()
    return content[content.index("<tbody>") : content.index("</tbody>")]


def kebs_focal(world):
    return make_user("kebs_focal", Role.FOCAL_POINT, world.kebs)


def test_a_lead_is_ranked_the_same_whatever_another_members_strategy_says(world, users, committees, client_as):
    tcx, tcy = committees
    address = f"/en/twinning/recommendations/?programme={world.programme.pk}&member={world.asn.pk}&side=lead"
    api = f"/api/v1/twinning-recommendations/?programme={world.programme.code}&member={world.asn.pk}&side=lead"
    client = client_as("focal")
    before = kebs_rows(world, users["focal"])
    before_page, before_api = table(client.get(address)), client.get(api).json()
    assert before and before[0][2] == [("ISO/TC 4242", False), ("ISO/TC 4343", False)]
    # KEBS's draft, then its adopted strategy, name ISO/TC 4343 alone: private to KEBS and the team.
    sector(strategy(world.kebs, "draft", title="KEBS draft"), "Secret draft sector", tcy)
    assert kebs_rows(world, users["focal"]) == before
    adopted = sector(strategy(world.kebs, "adopted", title="KEBS strategy"), "Kenyan tea", tcy)
    assert kebs_rows(world, users["focal"]) == before
    assert table(client.get(address)) == before_page and client.get(api).json() == before_api
    # The team sees KEBS's adopted priorities (its draft never counted: same rows as before it was adopted).
    assert kebs_rows(world, users["manager"])[0][2:] == ([("ISO/TC 4343", True)], adopted.pk)


def test_a_draft_strategy_counts_for_nobody_not_even_its_own_member(world, users, client_as):
    before = selectors.recommendations(programme=world.programme, member=world.asn, user=users["focal"])[0]
    draft = sector(strategy(world.asn, "draft"), "Quality", world.tc176)
    for viewer in ("focal", "manager"):
        after = selectors.recommendations(programme=world.programme, member=world.asn, user=users[viewer])[0]
        assert [(s.lead.acronym, s.score) for s in after] == [(s.lead.acronym, s.score) for s in before]
        assert not any(c.priority for s in after for c in s.committees) and not any(s.priority_sector for s in after)
    # Nor is a draft's sector offered to, or linked by, those who may see it.
    page = client_as("focal").get(f"/en/twinning/new/?twinned_member={world.asn.pk}").content.decode()
    assert "Quality" not in page
    with pytest.raises(ValidationError) as refused:
        propose(world, users["focal"], priority_sector=draft)
    assert "priority_sector" in refused.value.message_dict
    # Once adopted, it is the member's priorities.
    NationalStrategy.objects.filter(pk=draft.strategy_id).update(status="adopted")
    assert propose(world, users["focal"], priority_sector=draft).priority_sector_id == draft.pk


def test_the_form_offers_a_members_sectors_only_to_whoever_may_see_its_strategy(world, users, client_as):
    sector(strategy(world.kebs, "adopted"), "Kenyan tea", world.tc34)
    sector(strategy(world.kebs, "draft", title="Later"), "Secret draft sector", world.tc34)
    address = f"/en/twinning/new/?twinned_member={world.kebs.pk}"
    assert "Kenyan tea" not in client_as("focal").get(address).content.decode()  # ASN's focal point
    team = client_as("manager").get(address).content.decode()
    assert "Kenyan tea" in team and "Secret draft sector" not in team
    own = Client()
    own.force_login(kebs_focal(world))
    page = own.get(address).content.decode()
    assert "Kenyan tea" in page and "Secret draft sector" not in page


def test_a_lead_can_neither_link_nor_probe_another_members_sectors(world, users, committees, client_as):
    tcx, _tcy = committees
    tea = sector(strategy(world.kebs, "adopted"), "Kenyan tea", tcx)
    mine = sector(strategy(world.asn, "adopted"), "Quality", world.tc176)
    as_lead = {"committee": tcx, "twinned_member": world.kebs, "lead_member": world.asn}
    answers = []
    for probe in (tea, mine):  # KEBS's sector, and one that is not KEBS's
        with pytest.raises(ValidationError) as refused:
            propose(world, users["focal"], priority_sector=probe, **as_lead)
        answers.append(refused.value.message_dict)
    assert answers[0] == answers[1] and list(answers[0]) == ["priority_sector"]
    body = {
        "programme": world.programme.code,
        "kind": "p_member",
        "committee": tcx.reference,
        "twinned_member": world.kebs.pk,
        "lead_member": world.asn.pk,
        "objectives": {"en": "Become a P-member"},
    }
    client = client_as("focal")
    posted = [
        client.post("/api/v1/twinning-arrangements/", {**body, "priority_sector": probe.pk}, "application/json")
        for probe in (tea, mine)
    ]
    assert [r.status_code for r in posted] == [400, 400] and posted[0].json() == posted[1].json()
    assert not Arrangement.objects.exists()


def test_an_arrangements_link_is_shown_and_changed_only_by_whoever_may_see_the_strategy(
    world, users, committees, client_as
):
    tcx, _tcy = committees
    tea = sector(strategy(world.kebs, "adopted", title="KEBS strategy"), "Kenyan tea", tcx)
    # The team links KEBS's arrangement, led by ASN, to KEBS's sector.
    arrangement = propose(
        world, users["manager"], committee=tcx, twinned_member=world.kebs, lead_member=world.asn, priority_sector=tea
    )
    team, lead = client_as("manager"), Client()
    lead.force_login(users["focal"])  # ASN's focal point: a party, as the lead
    page = f"/en/twinning/{arrangement.pk}/"
    api = f"/api/v1/twinning-arrangements/{arrangement.pk}/"
    assert "Kenyan tea" in team.get(page).content.decode() and team.get(api).json()["priority_sector"] == tea.pk
    shown = lead.get(page).content.decode()
    assert lead.get(page).status_code == 200
    assert "Kenyan tea" not in shown and "KEBS strategy" not in shown and "National priority sector" not in shown
    assert lead.get(api).json()["priority_sector"] is None
    listed = lead.get("/api/v1/twinning-arrangements/").json()["results"]
    assert [row["priority_sector"] for row in listed] == [None]
    # The lead's edits leave the link alone: its form has no such field, and the API's null is not a change.
    edit = lead.get(f"/en/twinning/{arrangement.pk}/edit/").content.decode()
    assert 'name="priority_sector"' not in edit
    posted = lead.post(
        f"/en/twinning/{arrangement.pk}/edit/",
        {
            "version": arrangement.version,
            "programme": world.programme.pk,
            "kind": "p_member",
            "committee": tcx.pk,
            "twinned_member": world.kebs.pk,
            "lead_member": world.asn.pk,
            "objectives_en": "Changed by the lead",
            "financial_support": "none",
        },
    )
    assert posted.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.objectives["en"] == "Changed by the lead" and arrangement.priority_sector_id == tea.pk
    patched = lead.patch(api, {"priority_sector": None, "version": arrangement.version}, "application/json")
    assert patched.status_code == 200 and patched.json()["priority_sector"] is None
    assert Arrangement.objects.get(pk=arrangement.pk).priority_sector_id == tea.pk
    # KEBS's own focal point sees it.
    own = Client()
    own.force_login(kebs_focal(world))
    assert "Kenyan tea" in own.get(page).content.decode()


def test_a_new_twinned_member_drops_the_previous_members_link(world, users):
    food = sector(strategy(world.asn, "adopted"), "Agri-food", world.tc34)
    arrangement = propose(world, users["manager"], priority_sector=food)
    world.tc34.memberships.create(member=world.kebs, status="o")
    updated = services.arrangement_update(actor=users["manager"], arrangement=arrangement, twinned_member=world.kebs)
    assert updated.twinned_member_id == world.kebs.pk and updated.priority_sector_id is None
