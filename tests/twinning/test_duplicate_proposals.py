"""One open arrangement per kind, committee and twinned member, without revealing another member's
arrangements: a proposal is checked for the proposer's right and the lead's role before any duplicate, so that
someone not entitled to propose it learns nothing; an entitled lead who cannot see the open arrangement is told
only that one is open (not its lead, status or dates)."""

import pytest
from django.core.exceptions import ValidationError

from jalon.committees.models import Committee, CommitteeMembership
from jalon.twinning import services
from jalon.twinning.models import Arrangement
from tests.twinning.conftest import propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OPEN = "An arrangement of this kind is already open for this member on this committee."


@pytest.fixture
def committees(world, users):
    """ISO/TC 9912 and ISO/TC 9913, AFNOR a P-member of both, KEBS observing both; on ISO/TC 9912, the team has
    proposed AFNOR as KEBS's lead: private to KEBS, AFNOR and the team."""
    found = []
    for reference in ("ISO/TC 9912", "ISO/TC 9913"):
        tc = Committee.objects.create(body="iso", kind="tc", reference=reference, title={"en": reference})
        CommitteeMembership.objects.create(committee=tc, member=world.afnor, status="p")
        CommitteeMembership.objects.create(committee=tc, member=world.kebs, status="o")
        found.append(tc)
    propose(world, users["manager"], committee=found[0], twinned_member=world.kebs, lead_member=world.afnor)
    return found


def api_probe(client, world, committee, lead) -> tuple[int, dict]:
    body = {
        "programme": world.programme.code,
        "kind": "p_member",
        "committee": committee.reference,
        "twinned_member": world.kebs.pk,
        "lead_member": lead.pk,
        "objectives": {"en": "Become a P-member"},
    }
    answer = client.post(
        "/api/v1/twinning-arrangements/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    return answer.status_code, answer.json()


def test_a_proposer_who_may_not_lead_there_learns_nothing_of_another_members_arrangement(
    world, users, committees, client_as
):
    secret, other = committees
    client = client_as("focal")  # ASN's focal point, offering ASN (not a member of either committee) as lead
    hidden = Arrangement.objects.get(committee=secret)
    assert client.get(f"/api/v1/twinning-arrangements/{hidden.pk}/").status_code == 404
    answers = [api_probe(client, world, tc, world.asn) for tc in (secret, other)]
    assert [status for status, _body in answers] == [400, 400]
    assert [list(body) for _status, body in answers] == [["lead_member"], ["lead_member"]]
    assert answers[0][1]["lead_member"][0].replace("9912", "9913") == answers[1][1]["lead_member"][0]
    refusals = []
    for tc in (secret, other):
        with pytest.raises(ValidationError) as refused:
            propose(world, users["focal"], committee=tc, twinned_member=world.kebs, lead_member=world.asn)
        refusals.append(list(refused.value.message_dict))
    assert refusals == [["lead_member"], ["lead_member"]]
    assert Arrangement.objects.count() == 1


def test_an_entitled_lead_is_told_only_that_an_arrangement_is_open(world, users, committees, client_as):
    secret, other = committees
    for tc in (secret, other):  # ASN becomes a P-member of both: it may offer to lead KEBS there
        CommitteeMembership.objects.create(committee=tc, member=world.asn, status="p")
    status, body = api_probe(client_as("focal"), world, secret, world.asn)
    assert (status, body) == (400, {"committee": [OPEN]})  # nothing of AFNOR, the status or the dates
    status, _body = api_probe(client_as("focal"), world, other, world.asn)
    assert status == 201


def test_a_lead_moving_its_arrangement_to_another_committee_must_hold_what_the_kind_needs_there(
    world, users, committees
):
    secret, other = committees
    CommitteeMembership.objects.create(committee=world.tc176, member=world.asn, status="p")
    CommitteeMembership.objects.create(committee=world.tc176, member=world.kebs, status="o")
    mine = propose(world, users["focal"], committee=world.tc176, twinned_member=world.kebs, lead_member=world.asn)
    refusals = []
    for tc in (secret, other):  # an open arrangement of KEBS's on the first, none on the second: the same answer
        with pytest.raises(ValidationError) as refused:
            services.arrangement_update(actor=users["focal"], arrangement=mine, committee=tc)
        refusals.append(list(refused.value.message_dict))
    assert refusals == [["lead_member"], ["lead_member"]]
    assert Arrangement.objects.get(pk=mine.pk).committee_id == world.tc176.pk
