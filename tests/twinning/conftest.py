"""Records the twinning tests share: an ISO programme; ISO/TC 34 where AFNOR is a P-member and holds the chair,
DIN a P-member holding the secretariat, ASN (Senegal, developing: the focal point's member) an O-member and
KEBS (Kenya) absent; ISO/TC 176 where ASN is absent; people of AFNOR and ASN."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole
from jalon.organisations.models import Organisation, Person
from jalon.results.models import Programme
from jalon.twinning import services
from jalon.twinning.models import Arrangement


def days(n: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=n)


@dataclass
class World:
    programme: Programme
    tc34: Committee
    tc176: Committee
    afnor: Organisation
    din: Organisation
    asn: Organisation
    kebs: Organisation
    lead_person: Person
    nominee: Person


@pytest.fixture
def world(db, nsb, other_nsb) -> World:
    iso = Organisation.objects.get(acronym="ISO")
    afnor, din = Organisation.objects.get(acronym="AFNOR"), Organisation.objects.get(acronym="DIN")
    programme = Programme.objects.create(
        code="twin-test",
        owner=iso,
        title={"en": "Twinning test", "fr": "Jumelage test"},
        start_date=days(-800),
        end_date=days(800),
    )
    tc34 = Committee.objects.create(
        body="iso", kind="tc", reference="ISO/TC 34", title={"en": "Food products"}, secretariat=din
    )
    tc176 = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 176", title={"en": "Quality"})
    for member, status in ((afnor, "p"), (din, "p"), (nsb, "o")):
        CommitteeMembership.objects.create(committee=tc34, member=member, status=status)
    CommitteeMembership.objects.create(committee=tc176, member=afnor, status="p")
    LeadershipRole.objects.create(committee=tc34, role="chair", organisation=afnor)
    LeadershipRole.objects.create(committee=tc34, role="secretariat", organisation=din)
    return World(
        programme=programme,
        tc34=tc34,
        tc176=tc176,
        afnor=afnor,
        din=din,
        asn=nsb,
        kebs=other_nsb,
        lead_person=Person.objects.create(given_name="Claire", family_name="Martin", organisation=afnor, sex="female"),
        nominee=Person.objects.create(given_name="Awa", family_name="Diop", organisation=nsb, sex="female"),
    )


def propose(world: World, actor, **changes) -> Arrangement:
    fields = {
        "programme": world.programme,
        "kind": "p_member",
        "committee": world.tc34,
        "twinned_member": world.asn,
        "lead_member": world.afnor,
        "objectives": {"en": "Become a P-member", "fr": "Devenir membre P"},
    }
    fields.update(changes)
    return services.arrangement_create(actor=actor, **fields)


def agreement_file() -> ContentFile:
    return ContentFile(b"%PDF-1.4 signed twinning agreement", name="agreement.pdf")


def make_active(world: World, actor, *, start: datetime.date | None = None, **changes) -> Arrangement:
    """A P-membership arrangement taken through every step to "active"."""
    start = start or days(-10)
    arrangement = propose(world, actor, **changes)
    arrangement = services.arrangement_identify_partner(actor=actor, arrangement=arrangement)
    arrangement = services.arrangement_sign(
        actor=actor,
        arrangement=arrangement,
        agreement=agreement_file(),
        signed_on=start,
        manager_notified_on=start,
    )
    return services.arrangement_activate(actor=actor, arrangement=arrangement, start_date=start)
