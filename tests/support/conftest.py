"""Records the support tests share: an ISO programme and committee with a meeting, ASN (Senegal) a P-member
of it, KEBS (Kenya) an O-member; an ITU-T study group meeting and the list of eligible Member States."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from jalon.committees.models import Committee, CommitteeMembership, Meeting
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency
from jalon.results.models import Programme
from jalon.support import services
from jalon.support.models import FellowshipEligibility, Sponsorship


@dataclass
class World:
    iso_programme: Programme
    itu_programme: Programme
    committee: Committee
    meeting: Meeting
    other_meeting: Meeting
    study_group: Committee
    itu_meeting: Meeting
    itu_meeting_2: Meeting
    chf: Currency
    expert: Person
    other_expert: Person
    kebs_expert: Person
    ministry: Organisation
    delegate: Person


def in_days(days: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


def make_meeting(committee, start: datetime.date, title="Plenary") -> Meeting:
    return Meeting.objects.create(
        committee=committee, title={"en": title, "fr": title}, start_date=start, end_date=start + datetime.timedelta(2)
    )


@pytest.fixture
def world(db, nsb, other_nsb) -> World:
    iso = Organisation.objects.get(acronym="ISO")
    itu = Organisation.objects.create(
        name={"en": "International Telecommunication Union"}, acronym="ITU", kind=Organisation.Kind.INTERNATIONAL_SDO
    )
    today = datetime.date.today()
    iso_programme = Programme.objects.create(
        code="iso-test",
        owner=iso,
        title={"en": "ISO test programme", "fr": "Programme ISO de test"},
        start_date=today - datetime.timedelta(days=700),
        end_date=today + datetime.timedelta(days=700),
    )
    itu_programme = Programme.objects.create(
        code="itu-test",
        owner=itu,
        title={"en": "ITU test programme", "fr": "Programme UIT de test"},
        start_date=today - datetime.timedelta(days=700),
        end_date=today + datetime.timedelta(days=700),
    )
    committee = Committee.objects.create(
        body=Committee.Body.ISO, kind=Committee.Kind.TC, reference="ISO/TC 34", title={"en": "Food products"}
    )
    CommitteeMembership.objects.create(committee=committee, member=nsb, status=CommitteeMembership.Status.P)
    CommitteeMembership.objects.create(committee=committee, member=other_nsb, status=CommitteeMembership.Status.O)
    study_group = Committee.objects.create(
        body=Committee.Body.ITU_T,
        kind=Committee.Kind.STUDY_GROUP,
        reference="ITU-T SG12",
        title={"en": "Performance, QoS and QoE"},
        study_period="2025-2028",
    )
    ministry = Organisation.objects.create(
        name={"en": "Ministère de la Communication"},
        acronym="MCTEN",
        kind=Organisation.Kind.MINISTRY,
        country=nsb.country,
    )
    for year in sorted({in_days(60).year, in_days(90).year}):
        FellowshipEligibility.objects.create(year=year, country=nsb.country, source="test list")
    return World(
        iso_programme=iso_programme,
        itu_programme=itu_programme,
        committee=committee,
        meeting=make_meeting(committee, in_days(60)),
        other_meeting=make_meeting(committee, in_days(90), "Working group week"),
        study_group=study_group,
        itu_meeting=make_meeting(study_group, in_days(60), "SG12 meeting"),
        itu_meeting_2=make_meeting(study_group, in_days(90), "SG12 second meeting"),
        chf=Currency.objects.get(code="CHF"),
        expert=Person.objects.create(given_name="Awa", family_name="Diop", organisation=nsb, sex="female"),
        other_expert=Person.objects.create(given_name="Moussa", family_name="Fall", organisation=nsb, sex="male"),
        kebs_expert=Person.objects.create(given_name="Wanjiru", family_name="Kamau", organisation=other_nsb),
        ministry=ministry,
        delegate=Person.objects.create(given_name="Fatou", family_name="Sarr", organisation=ministry, sex="female"),
    )


def sponsorship_fields(world: World, **changes) -> dict:
    nsb = world.expert.organisation
    fields = {
        "programme": world.iso_programme,
        "organisation": nsb,
        "person": world.expert,
        "meeting": world.meeting,
        "mirror_committee": Sponsorship.Mirror.EXISTS,
        "mirror_role": Sponsorship.MirrorRole.EXPERT,
        "currency": world.chf,
        "estimated_travel": Decimal("1200.00"),
        "estimated_allowance": Decimal("900.00"),
        "estimated_other": Decimal("50.00"),
    }
    fields.update(changes)
    return fields


@pytest.fixture
def make_sponsorship(world, users):
    def make(actor=None, **changes) -> Sponsorship:
        return services.sponsorship_create(actor=actor or users["focal"], **sponsorship_fields(world, **changes))

    return make


def fellowship_fields(world: World, **changes) -> dict:
    fields = {
        "programme": world.itu_programme,
        "organisation": world.ministry,
        "person": world.delegate,
        "meeting": world.itu_meeting,
        "kind": "partial",
        "partial_part": "ticket",
        "currency": world.chf,
        "estimated_travel": Decimal("1100.00"),
    }
    fields.update(changes)
    return fields


@pytest.fixture
def make_fellowship(world, users):
    def make(actor=None, **changes):
        return services.fellowship_create(actor=actor or users["manager"], **fellowship_fields(world, **changes))

    return make


@pytest.fixture
def senegal():
    return Country.objects.get(iso3="SEN")
