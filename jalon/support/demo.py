"""Demo sponsorships and fellowships, built after the committees demo (it provides the committees, the
ITU-T study groups and ASN's memberships). Everything here is made up and marked as demo data:

- ISO: ASN (Senegal) applies for two experts at a meeting of a committee where it is a P-member; one
  application passes every rule and is approved, the other passes and waits in the review queue. A third
  application, with no national mirror committee, fails that one rule: its submission is refused and its
  page shows the reason.
- ITU: a demo list of eligible Member States (clearly labelled: it is not ITU's published list, which is
  not shipped), a demo budget, and three partial fellowship requests from Senegal for one SG5 meeting:
  the first (air ticket) awarded, the second (daily allowance) submitted, the third refused at submission
  by the rule "one full or two partial fellowships per Member State per meeting".

The dates are fixed so that the demo is the same whenever it is built."""

import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from jalon.committees import services as committee_services
from jalon.committees.models import Committee, CommitteeMembership, Meeting
from jalon.organisations.models import Organisation, Person
from jalon.organisations.services import organisation_create, person_create
from jalon.reference.models import Country, Currency
from jalon.results.models import Programme
from jalon.support import services
from jalon.support.models import Scheme, Sponsorship, SupportBudget

ISO_MEETING_DAY = datetime.date(2027, 4, 12)
ITU_MEETING_DAY = datetime.date(2027, 5, 10)
DEMO_LIST_SOURCE = "Demo list, made up for the demo: not ITU's published list of eligible Member States."
# Made up for the demo (least developed and other developing countries the demo data mentions).
DEMO_ELIGIBLE = ("SEN", "KEN", "RWA", "BFA", "MLI", "NER", "TCD", "ETH", "UGA", "NPL", "BGD", "HTI")


def support_demo_build(*, actor, applicant) -> None:
    """`actor`: the programme manager who reviews; `applicant`: ASN's focal point."""
    if Sponsorship.objects.filter(is_demo=True).exists():
        return
    chf = Currency.objects.get(code="CHF")
    _sponsorships(actor=actor, applicant=applicant, chf=chf)
    _fellowships(actor=actor, chf=chf)


def _person(actor, organisation, given: str, family: str, sex: str) -> Person:
    existing = Person.objects.filter(organisation=organisation, given_name=given, family_name=family).first()
    return existing or person_create(
        actor=actor,
        given_name=given,
        family_name=family,
        sex=sex,
        organisation=organisation,
        country=organisation.country,
        email=f"{given}.{family}@demo.jalon.test".lower(),
    )


def _sponsorships(*, actor, applicant, chf) -> None:
    programme = Programme.objects.filter(code="iso-ap-2021-2025").first()
    asn = Organisation.objects.get(acronym="ASN", kind=Organisation.Kind.NSB)
    memberships = (
        CommitteeMembership.objects.filter(
            member=asn, status=CommitteeMembership.Status.P, until__isnull=True, committee__body=Committee.Body.ISO
        )
        .select_related("committee")
        .order_by("committee__sort_key", "committee__reference")
    )
    # A technical committee if ASN is a P-member of one, the likeliest to hold a plenary.
    membership = memberships.filter(committee__kind=Committee.Kind.TC).first() or memberships.first()
    if programme is None or membership is None:
        return
    meeting = committee_services.meeting_create(
        actor=actor,
        committee=membership.committee,
        title={"en": "Plenary meeting (demo)", "fr": "Réunion plénière (démo)"},
        start_date=ISO_MEETING_DAY,
        end_date=ISO_MEETING_DAY + datetime.timedelta(days=4),
        city="Nairobi",
        country=Country.objects.get(iso3="KEN"),
    )
    common = {
        "programme": programme,
        "organisation": asn,
        "meeting": meeting,
        "currency": chf,
        "mirror_committee": Sponsorship.Mirror.EXISTS,
        "estimated_travel": Decimal("950.00"),
        "estimated_allowance": Decimal("1250.00"),
        "estimated_other": Decimal("60.00"),
    }
    awa = _person(actor, asn, "Awa", "Ndiaye", "female")
    moussa = _person(actor, asn, "Moussa", "Sarr", "male")
    fatou = _person(actor, asn, "Fatou", "Diallo", "female")
    passing = services.sponsorship_create(
        actor=applicant, is_demo=True, person=awa, mirror_role=Sponsorship.MirrorRole.SECRETARY, **common
    )
    passing = services.sponsorship_submit(actor=applicant, sponsorship=passing)
    passing = services.sponsorship_check(actor=actor, sponsorship=passing)
    services.sponsorship_approve(actor=actor, sponsorship=passing, note="Demo")
    waiting = services.sponsorship_create(
        actor=applicant, is_demo=True, person=moussa, mirror_role=Sponsorship.MirrorRole.EXPERT, **common
    )
    services.sponsorship_submit(actor=applicant, sponsorship=waiting)
    failing = services.sponsorship_create(
        actor=applicant,
        is_demo=True,
        person=fatou,
        mirror_role=Sponsorship.MirrorRole.NONE,
        **{**common, "mirror_committee": Sponsorship.Mirror.NONE},
    )
    # As intended, the submission is refused: the draft stays, and its page shows the rule that refuses it.
    with contextlib.suppress(ValidationError):
        services.sponsorship_submit(actor=applicant, sponsorship=failing)


def _fellowships(*, actor, chf) -> None:
    programme = Programme.objects.filter(code="itu-res44").first()
    sg5 = Committee.objects.filter(body=Committee.Body.ITU_T, reference="ITU-T SG5").order_by("-study_period").first()
    if programme is None or sg5 is None:
        return
    services.fellowship_eligibility_load(
        actor=actor,
        year=ITU_MEETING_DAY.year,
        countries=list(Country.objects.filter(iso3__in=DEMO_ELIGIBLE)),
        source=DEMO_LIST_SOURCE,
        is_demo=True,
    )
    SupportBudget.objects.get_or_create(
        programme=programme,
        scheme=Scheme.ITU_FELLOWSHIP,
        year=ITU_MEETING_DAY.year,
        currency=chf,
        defaults={"amount": Decimal("60000.00"), "is_demo": True},
    )
    meeting = Meeting.objects.filter(committee=sg5, start_date=ITU_MEETING_DAY).first() or (
        committee_services.meeting_create(
            actor=actor,
            committee=sg5,
            title={"en": "SG5 meeting (demo)", "fr": "Réunion de la CE 5 (démo)"},
            start_date=ITU_MEETING_DAY,
            end_date=ITU_MEETING_DAY + datetime.timedelta(days=9),
            city="Geneva",
            country=Country.objects.get(iso3="CHE"),
            mode=Meeting.Mode.HYBRID,
        )
    )
    senegal = Country.objects.get(iso3="SEN")
    ministry = Organisation.objects.filter(acronym="MCTN", country=senegal).first() or organisation_create(
        actor=actor,
        name={"en": "Ministère de la Communication, des Télécommunications et du Numérique"},
        acronym="MCTN",
        kind=Organisation.Kind.MINISTRY,
        country=senegal,
        description={
            "en": "Demo record: Senegal's ITU administration for the fellowship demo.",
            "fr": "Fiche de démonstration : l'administration UIT du Sénégal pour la démo des bourses.",
        },
    )
    people = [
        _person(actor, ministry, "Aminata", "Faye", "female"),
        _person(actor, ministry, "Ibrahima", "Ndour", "male"),
        _person(actor, ministry, "Khady", "Sow", "female"),
    ]
    common = {"programme": programme, "organisation": ministry, "meeting": meeting, "currency": chf}
    ticket = services.fellowship_create(
        actor=actor,
        is_demo=True,
        person=people[0],
        kind="partial",
        partial_part="ticket",
        estimated_travel=Decimal("780.00"),
        **common,
    )
    ticket = services.fellowship_submit(actor=actor, fellowship=ticket)
    services.fellowship_approve(actor=actor, fellowship=ticket)
    allowance = services.fellowship_create(
        actor=actor,
        is_demo=True,
        person=people[1],
        kind="partial",
        partial_part="allowance",
        estimated_allowance=Decimal("2700.00"),
        **common,
    )
    services.fellowship_submit(actor=actor, fellowship=allowance)
    third = services.fellowship_create(
        actor=actor,
        is_demo=True,
        person=people[2],
        kind="partial",
        partial_part="ticket",
        estimated_travel=Decimal("780.00"),
        **common,
    )
    # As intended, refused: a third partial fellowship for the Member State at this meeting.
    with contextlib.suppress(ValidationError):
        services.fellowship_submit(actor=actor, fellowship=third)
