"""Demo twinning (`jalon demo` only), on the real ISO committees the committees demo imported, labelled demo:
- a P-membership twinning of ASN (Senegal) on a committee where the committees demo's later file moves ASN from
  O to P: its outcome shows the move, read from the committee history, with nobody typing it;
- a secretariat twinning (nominee approved) between the secretariat of a committee and KEBS (Kenya);
- a P-membership twinning of KEBS, active with no meeting for months (communication overdue);
- a chair and a convenor twinning still looking for a lead (proposed);
- once the assessments demo has given ASN a national strategy (a later demo step), each demo arrangement of a
  member with a strategy is linked to the priority sector its committee falls in (`twinning_demo_link_priorities`).
Everything here is fictional: the arrangements, people, meetings and review."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from jalon.committees.models import Committee, CommitteeMembership, ParticipationEvent
from jalon.committees.priorities import priority_sectors_of, sector_committees
from jalon.organisations.models import Organisation, Person
from jalon.organisations.services import person_create
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.twinning import services
from jalon.twinning.models import Arrangement

PROGRAMME = "iso-ap-2021-2025"
DEMO = {"en": "Demo arrangement (fictional).", "fr": "Jumelage de démonstration (fictif)."}


def _objectives(en: str, fr: str) -> dict:
    return {"en": f"{en} {DEMO['en']}", "fr": f"{fr} {DEMO['fr']}"}


def _agreement() -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo twinning agreement (fictional)\n", name="demo-agreement.pdf")


def _person(actor, organisation: Organisation, given: str, family: str, sex: str) -> Person:
    found = Person.objects.filter(organisation=organisation, given_name=given, family_name=family).first()
    return found or person_create(
        actor=actor,
        given_name=given,
        family_name=family,
        sex=sex,
        organisation=organisation,
        country=organisation.country,
        email=f"{given}.{family}@demo.jalon.test".lower(),
    )


def _p_member_lead(committee: Committee, exclude: Organisation) -> Organisation | None:
    """A P-member of the committee to lead: its secretariat if it has one, else the first P-member by acronym."""
    if committee.secretariat_id and committee.secretariat_id != exclude.pk:
        return committee.secretariat
    return (
        Organisation.objects.filter(
            committee_memberships__committee=committee,
            committee_memberships__status=CommitteeMembership.Status.P,
            committee_memberships__until__isnull=True,
        )
        .exclude(pk=exclude.pk)
        .order_by("acronym")
        .first()
    )


def _to_active(actor, arrangement: Arrangement, *, signed: datetime.date, start: datetime.date) -> Arrangement:
    if arrangement.status == "proposed":
        arrangement = services.arrangement_identify_partner(actor=actor, arrangement=arrangement)
    if arrangement.is_leadership and arrangement.status == "partner_identified":
        arrangement = services.arrangement_approve_nominee(actor=actor, arrangement=arrangement, approved_on=signed)
    arrangement = services.arrangement_sign(
        actor=actor,
        arrangement=arrangement,
        agreement=_agreement(),
        signed_on=signed,
        manager_notified_on=signed + datetime.timedelta(days=3),
    )
    return services.arrangement_activate(actor=actor, arrangement=arrangement, start_date=start)


@transaction.atomic
def twinning_demo_build(*, actor) -> None:
    programme = Programme.objects.filter(code=PROGRAMME).first()
    if programme is None or Arrangement.objects.filter(is_demo=True).exists():
        return
    asn = Organisation.objects.filter(acronym="ASN", iso_member_id__isnull=False).first()
    kebs = Organisation.objects.filter(acronym="KEBS", iso_member_id__isnull=False).first()
    if asn is None or kebs is None:
        return
    # 1. ASN moved from O to P on this committee in the committee history (the committees demo's later file).
    moved = (
        ParticipationEvent.objects.filter(organisation=asn, kind=ParticipationEvent.Kind.MOVED_O_TO_P)
        .select_related("committee")
        .order_by("committee__sort_key")
        .first()
    )
    if moved is not None:
        committee = moved.committee
        lead = _p_member_lead(committee, asn)
        arrangement = services.arrangement_create(
            actor=actor,
            is_demo=True,
            programme=programme,
            kind="p_member",
            committee=committee,
            twinned_member=asn,
            lead_member=lead,
            objectives=_objectives(
                "Become a P-member: set up the national mirror committee and vote on every ballot.",
                "Devenir membre P : créer le comité miroir national et voter à chaque scrutin.",
            ),
            priorities="Agrifood exports (demo)",
            financial_support=Arrangement.Support.LEAD_FUNDED,
            support_amount=Decimal("12000.00"),
            support_currency=Currency.objects.filter(code="EUR").first(),
        )
        start = moved.date - datetime.timedelta(days=330)
        arrangement = _to_active(actor, arrangement, signed=start - datetime.timedelta(days=14), start=start)
        awa = _person(actor, asn, "Awa", "Ndiaye", "female")
        services.meeting_record(
            actor=actor,
            arrangement=arrangement,
            date=datetime.date.today() - datetime.timedelta(days=20),
            mode="virtual",
            minutes="Mirror committee work plan reviewed (demo).",
            attendees=[awa],
        )
        services.review_record(
            actor=actor,
            arrangement=arrangement,
            date=min(start + datetime.timedelta(days=365), datetime.date.today()),
            rating=4,
            narrative={"en": "P-membership reached (demo).", "fr": "Statut de membre P obtenu (démo)."},
            decisions="Continue one more year on leadership skills (demo).",
        )
    # 2. A secretariat twinning: the secretariat of a committee where KEBS is a P-member, KEBS co-secretariat.
    where = (
        Committee.objects.filter(
            memberships__member=kebs,
            memberships__status=CommitteeMembership.Status.P,
            memberships__until__isnull=True,
            secretariat__isnull=False,
            iso_id__isnull=False,
            status=Committee.Status.ACTIVE,
        )
        .exclude(secretariat=kebs)
        .order_by("sort_key")
        .first()
    )
    if where is not None and where.secretariat is not None:
        lead = where.secretariat
        arrangement = services.arrangement_create(
            actor=actor,
            is_demo=True,
            programme=programme,
            kind="secretariat",
            committee=where,
            twinned_member=kebs,
            lead_member=lead,
            lead_person=_person(actor, lead, "Sophie", "Demo", "female"),
            twinned_person=_person(actor, kebs, "Grace", "Wanjiru", "female"),
            objectives=_objectives(
                "Share the secretariat's duties and prepare KEBS to hold a secretariat.",
                "Partager les tâches du secrétariat et préparer KEBS à en tenir un.",
            ),
        )
        arrangement = services.arrangement_identify_partner(actor=actor, arrangement=arrangement)
        services.arrangement_approve_nominee(actor=actor, arrangement=arrangement)
    # 3. KEBS, P-membership twinning active with no meeting for months: communication overdue.
    observed = (
        CommitteeMembership.objects.filter(
            member=kebs, status=CommitteeMembership.Status.O, until__isnull=True, committee__iso_id__isnull=False
        )
        .select_related("committee")
        .order_by("committee__sort_key")
        .first()
    )
    if observed is not None:
        committee = observed.committee
        lead = _p_member_lead(committee, kebs)
        if lead is not None:
            arrangement = services.arrangement_create(
                actor=actor,
                is_demo=True,
                programme=programme,
                kind="p_member",
                committee=committee,
                twinned_member=kebs,
                lead_member=lead,
                objectives=_objectives("Become a P-member.", "Devenir membre P."),
            )
            start = datetime.date.today() - datetime.timedelta(days=200)
            _to_active(actor, arrangement, signed=start - datetime.timedelta(days=10), start=start)
    # 4. Chair and convenor twinnings of ASN looking for a lead (the recommendations page suggests one).
    for kind, en, fr in (
        ("chair", "Prepare a vice-chair for the committee.", "Préparer une vice-présidence du comité."),
        ("convenor", "Prepare a co-convenor of a working group.", "Préparer un co-animateur de groupe de travail."),
    ):
        membership = (
            CommitteeMembership.objects.filter(member=asn, status=CommitteeMembership.Status.P, until__isnull=True)
            .exclude(committee__iso_id__isnull=True)
            .select_related("committee")
            .order_by("committee__sort_key")
            .first()
        )
        if membership is not None:
            services.arrangement_create(
                actor=actor,
                is_demo=True,
                programme=programme,
                kind=kind,
                committee=membership.committee,
                twinned_member=asn,
                twinned_person=_person(actor, asn, "Moussa", "Sarr", "male"),
                objectives=_objectives(en, fr),
            )


@transaction.atomic
def twinning_demo_link_priorities(*, actor) -> None:
    """Once the members have national strategies: link each demo arrangement to the priority sector of its
    twinned member's strategy that holds its committee (named by the strategy or by ICS field), and propose for
    ASN a P-membership twinning on a committee of its highest priority sector where it is not yet a P-member,
    linked to that sector."""
    programme = Programme.objects.filter(code=PROGRAMME).first()
    asn = Organisation.objects.filter(acronym="ASN", iso_member_id__isnull=False).first()
    if programme is None or asn is None or not Arrangement.objects.filter(is_demo=True).exists():
        return
    model = Arrangement._meta.get_field("priority_sector").related_model
    arrangements = list(Arrangement.objects.filter(is_demo=True, priority_sector__isnull=True))
    sectors = priority_sectors_of({asn.pk, *(a.twinned_member_id for a in arrangements)}, viewer=actor)
    committees = sector_committees(sector for found in sectors.values() for sector in found)

    def ranked(member_id: int) -> list:
        return sorted(sectors.get(member_id, ()), key=lambda sector: (-sector.weight, sector.pk))

    for arrangement in arrangements:
        holding = [s for s in ranked(arrangement.twinned_member_id) if arrangement.committee_id in committees[s.pk]]
        if holding and arrangement.status not in ("completed", "terminated"):
            services.arrangement_update(
                actor=actor,
                arrangement=arrangement,
                priority_sector=model.objects.get(pk=holding[0].pk),  # type: ignore[union-attr]
            )
    if Arrangement.objects.filter(is_demo=True, twinned_member=asn, priority_sector__isnull=False).exists():
        return
    for sector in ranked(asn.pk):
        taken = Arrangement.objects.filter(twinned_member=asn, kind="p_member").values("committee_id")
        candidates = (
            Committee.objects.filter(
                pk__in=committees[sector.pk], iso_id__isnull=False, status=Committee.Status.ACTIVE, parent__isnull=True
            )
            .exclude(memberships__member=asn, memberships__status=CommitteeMembership.Status.P, memberships__until=None)
            .exclude(pk__in=taken)
            .order_by("sort_key")
        )
        for committee in candidates:
            lead = _p_member_lead(committee, asn)
            if lead is None:
                continue
            services.arrangement_create(
                actor=actor,
                is_demo=True,
                programme=programme,
                kind="p_member",
                committee=committee,
                twinned_member=asn,
                lead_member=lead,
                priority_sector=model.objects.get(pk=sector.pk),  # type: ignore[union-attr]
                objectives=_objectives(
                    "Take part as a P-member in the committee of the strategy's first priority sector.",
                    "Participer comme membre P au comité du premier secteur prioritaire de la stratégie.",
                ),
            )
            return
