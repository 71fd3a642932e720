"""Demo data for committees (`jalon demo` only): the shipped ISO Open Data file, then a deterministic
"later" copy of it with a few changes so that participation events show (developing-country members moving
from O to P, one member leaving, a secretariat moving), the ITU-T study groups, some leadership roles,
meetings with delegates and contributions, and a demo indicator in the ISO framework computed from them.

Everything after the real file is fictional and labelled demo."""

import csv
import datetime
import tempfile
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path

from django.db import transaction

from jalon.committees import services
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import Committee, CommitteeMembership, ImportRun, LeadershipRole, Meeting
from jalon.organisations.models import Organisation
from jalon.organisations.services import person_create
from jalon.reference.models import Country, IcsField

# The real file's vintage, and the date of the fictional later copy.
FILE_AS_OF = datetime.date(2026, 5, 1)
LATER_AS_OF = datetime.date(2026, 10, 1)
DEMO_NOTE = {
    "fr": "Indicateur de démonstration : absent du plan d'action ISO.",
    "en": "Demo indicator: not in the ISO Action Plan.",
}


def _items(value: str) -> list[str]:
    value = (value or "").strip()
    inner = value[1:-1].strip() if value.startswith("[") else value
    return [item.strip() for item in inner.split(",")] if inner else []


def _listed(items: list[str]) -> str:
    return f"[{', '.join(items)}]" if items else ""


# A member's move in the demo's later file: (committee reference, member's ISO id, acronym, new status or None
# to leave). References and ids come from the imported data.
Move = tuple[str | None, int | None, str, str | None]


def csv_with_changes(
    *,
    source: Path,
    target: Path,
    moves: Sequence[Move] = (),
    secretariats: dict[str, tuple[int | None, str]] | None = None,
    drop: AbstractSet[str] = frozenset(),
) -> Path:
    """Copy the committee file with changes: `moves` are (committee reference, member id, member acronym,
    new status "p", "o" or None to leave); `secretariats` maps a reference to its new (id, acronym); `drop`
    removes committees (disbanded by the next import)."""
    secretariats = secretariats or {}
    by_reference: dict[str | None, list[Move]] = {}
    for move in moves:
        by_reference.setdefault(move[0], []).append(move)
    with (
        open(source, encoding="utf-8-sig", newline="") as handle,
        open(target, "w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(handle)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            reference = row["reference"]
            if reference in drop:
                continue
            for _reference, member_id, acronym, status in by_reference.get(reference, []):
                lists: dict[str, list[tuple[str, str]]] = {}
                for kind in ("p", "o"):
                    ids, acronyms = _items(row[f"{kind}Members.id"]), _items(row[f"{kind}Members.acronym"])
                    pairs = [(i, a) for i, a in zip(ids, acronyms, strict=False) if i != str(member_id)]
                    lists[kind] = pairs
                if status:
                    lists[status].append((str(member_id), acronym))
                for kind, pairs in lists.items():
                    row[f"{kind}Members.id"] = _listed([i for i, _a in pairs])
                    row[f"{kind}Members.acronym"] = _listed([a for _i, a in pairs])
            if reference in secretariats:
                row["secretariat.id"], row["secretariat.acronym"] = (
                    str(secretariats[reference][0]),
                    secretariats[reference][1],
                )
            writer.writerow(row)
    return target


def _o_memberships(acronym: str, count: int) -> list[Move]:
    """The first `count` committees (by sort key) where the member is an O-member: moved to P."""
    organisation = Organisation.objects.get(acronym=acronym, iso_member_id__isnull=False)
    references = (
        CommitteeMembership.objects.filter(
            member=organisation,
            status=CommitteeMembership.Status.O,
            until__isnull=True,
            committee__iso_id__isnull=False,
        )
        .order_by("committee__sort_key")
        .values_list("committee__reference", flat=True)[:count]
    )
    return [(reference, organisation.iso_member_id, organisation.acronym, "p") for reference in references]


def later_changes() -> dict:
    """The fictional changes of the demo's later file, chosen deterministically from the imported data."""
    moves = _o_memberships("ASN", 3) + _o_memberships("KEBS", 2) + _o_memberships("ABNORM", 1)
    # One member steps back from P to O and one leaves a committee altogether.
    afnor = Organisation.objects.get(acronym="AFNOR")
    p_membership = (
        CommitteeMembership.objects.filter(member=afnor, status=CommitteeMembership.Status.P, until__isnull=True)
        .order_by("committee__sort_key")
        .values_list("committee__reference", flat=True)
        .first()
    )
    moves.append((p_membership, afnor.iso_member_id, afnor.acronym, "o"))
    sis = Organisation.objects.get(acronym="SIS")
    left = (
        CommitteeMembership.objects.filter(member=sis, until__isnull=True)
        .order_by("-committee__sort_key")
        .values_list("committee__reference", flat=True)
        .first()
    )
    moves.append((left, sis.iso_member_id, sis.acronym, None))
    # A secretariat moves to a developing-country member (a twinning outcome the seeds describe).
    committee = Committee.objects.filter(secretariat__acronym="SABS", iso_id__isnull=False).order_by("sort_key").first()
    kebs = Organisation.objects.get(acronym="KEBS")
    secretariats = {committee.reference: (kebs.iso_member_id, kebs.acronym)} if committee is not None else {}
    return {"moves": moves, "secretariats": secretariats}


@transaction.atomic
def committees_demo_build(*, actor) -> None:
    if ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).exists():
        return
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FILE_AS_OF, actor=actor)
    with tempfile.TemporaryDirectory() as folder:
        later = csv_with_changes(
            source=ISO_COMMITTEES_FILE, target=Path(folder) / "iso_technical_committees_later.csv", **later_changes()
        )
        iso_committees_import(path=later, as_of=LATER_AS_OF, actor=actor)
    services.itu_study_groups_load(actor=actor)
    _sectors(actor)
    _leadership_and_meetings(actor)
    _demo_indicator(actor)


# The sectors (ICS fields) a programme team would give some well-known committees: ISO Open Data has none.
SECTORS = {
    "ISO/TC 12": ["01"],
    "ISO/TC 37": ["01"],
    "ISO/TC 176": ["03"],
    "ISO/TC 207": ["13"],
    "ISO/TC 283": ["13"],
    "ISO/TC 147": ["13"],
    "ISO/TC 212": ["11"],
    "ISO/TC 215": ["11", "35"],
    "ISO/IEC JTC 1": ["35"],
    "ISO/TC 22": ["43"],
    "ISO/TC 34": ["67"],
    "ISO/TC 23": ["65"],
    "ISO/TC 134": ["65"],
    "ISO/TC 38": ["59"],
    "ISO/TC 61": ["83"],
    "ISO/TC 71": ["91"],
    "ISO/TC 82": ["73"],
    "ISO/TC 122": ["55"],
    "ISO/TC 228": ["03"],
    "ISO/TC 301": ["27"],
}


def _sectors(actor) -> None:
    fields = {field.code: field for field in IcsField.objects.filter(code__in={c for v in SECTORS.values() for c in v})}
    for committee in Committee.objects.filter(reference__in=SECTORS, iso_id__isnull=False):
        services.committee_update(
            actor=actor, committee=committee, ics_fields=[fields[code] for code in SECTORS[committee.reference]]
        )


def _person(actor, organisation: Organisation, given: str, family: str, sex: str):
    return person_create(
        actor=actor,
        given_name=given,
        family_name=family,
        sex=sex,
        organisation=organisation,
        country=organisation.country,
        email=f"{given}.{family}@demo.jalon.test".lower(),
    )


def _leadership_and_meetings(actor) -> None:
    asn = Organisation.objects.get(acronym="ASN")
    kebs = Organisation.objects.get(acronym="KEBS")
    abnt = Organisation.objects.get(acronym="ABNT")
    awa = _person(actor, asn, "Awa", "Ndiaye", "female")
    moussa = _person(actor, asn, "Moussa", "Sarr", "male")
    grace = _person(actor, kebs, "Grace", "Wanjiru", "female")
    tc176 = Committee.objects.get(reference="ISO/TC 176")
    sc2 = Committee.objects.get(reference="ISO/TC 176/SC 2")
    tc207 = Committee.objects.get(reference="ISO/TC 207")
    sg5 = Committee.objects.get(reference="ITU-T SG5", study_period="2025-2028")
    services.leadership_role_create(
        actor=actor,
        committee=sc2,
        role=LeadershipRole.Role.CO_CONVENOR,
        organisation=asn,
        person=awa,
        start_date=datetime.date(2023, 3, 1),
        note="Demo",
        is_demo=True,
    )
    services.leadership_role_create(
        actor=actor,
        committee=tc207,
        role=LeadershipRole.Role.VICE_CHAIR,
        organisation=kebs,
        person=grace,
        start_date=datetime.date(2022, 1, 1),
        note="Demo",
        is_demo=True,
    )
    services.leadership_role_create(
        actor=actor,
        committee=tc176,
        role=LeadershipRole.Role.CO_SECRETARIAT,
        organisation=abnt,
        start_date=datetime.date(2021, 6, 1),
        end_date=datetime.date(2024, 5, 31),
        note="Demo",
        is_demo=True,
    )
    meetings = [
        services.meeting_create(
            actor=actor,
            committee=tc176,
            title={"en": "ISO/TC 176 plenary", "fr": "Plénière de l'ISO/TC 176"},
            start_date=datetime.date(2024, 11, 18),
            end_date=datetime.date(2024, 11, 22),
            city="Kigali",
            country=Country.objects.get(iso3="RWA"),
        ),
        services.meeting_create(
            actor=actor,
            committee=sc2,
            title={"en": "ISO/TC 176/SC 2 working group meetings", "fr": "Réunions des groupes de travail"},
            start_date=datetime.date(2025, 6, 2),
            end_date=datetime.date(2025, 6, 6),
            mode=Meeting.Mode.VIRTUAL,
        ),
        services.meeting_create(
            actor=actor,
            committee=sg5,
            title={"en": "SG5 meeting", "fr": "Réunion de la CE 5"},
            start_date=datetime.date(2025, 5, 12),
            end_date=datetime.date(2025, 5, 21),
            city="Geneva",
            country=Country.objects.get(iso3="CHE"),
            mode=Meeting.Mode.HYBRID,
        ),
    ]
    for meeting, people in zip(meetings, [(awa, moussa, grace), (awa, grace), (moussa,)], strict=True):
        for person in people:
            delegate = services.delegate_register(
                actor=actor, meeting=meeting, person=person, registered_on=meeting.start_date - datetime.timedelta(30)
            )
            services.delegate_mark_present(actor=actor, delegate=delegate, remote=meeting.mode == Meeting.Mode.VIRTUAL)
            if person in (awa, moussa) and meeting.mode != Meeting.Mode.VIRTUAL:
                # In the full workflow the sponsorship app sets this when it approves an award.
                services.delegate_set_sponsored(actor=actor, delegate=delegate, sponsored=True)
    services.contribution_create(
        actor=actor,
        meeting=meetings[0],
        organisation=asn,
        title="Comments of Senegal on ISO 9001 revision",
        document_reference="ISO/TC 176 N 1234 (demo)",
        submitted_on=datetime.date(2024, 10, 30),
    )
    services.contribution_create(
        actor=actor,
        meeting=meetings[2],
        organisation=asn,
        title="E-waste statistics in West Africa",
        document_reference="SG5-C 42 (demo)",
        submitted_on=datetime.date(2025, 4, 28),
    )


def _demo_indicator(actor) -> None:
    from decimal import Decimal

    from jalon.results.computations import indicator_link_computation
    from jalon.results.models import Indicator, Measure, Programme, Result

    programme = Programme.objects.filter(code="iso-ap-2021-2025").first()
    if programme is None:
        return
    result = Result.objects.filter(programme=programme, code="IO4").first() or Result.objects.get(
        programme=programme, code="IO6"
    )
    indicator, _created = Indicator.objects.update_or_create(
        result=result,
        code="D20",  # D1-D9 are the results and activities demo indicators
        defaults={
            "title": {
                "fr": "Postes de direction de comités détenus par des membres de pays en développement (calculé)",
                "en": "Committee leadership positions held by developing-country members (computed)",
            },
            "definition": DEMO_NOTE,
            "measure": Measure.COUNT,
            "cumulation": "latest",
            "baseline_value": Decimal(100),
            "baseline_year": 2020,
            "target_value": Decimal(130),
            "is_demo": True,
        },
    )
    if indicator.source != Indicator.Source.COMPUTED:
        indicator_link_computation(actor=actor, indicator=indicator, key="committees_leadership_developing")
