"""The ISO Open Data committee import over a first import of the real file: the first import's own record,
then later files (the same file, modified copies) and the changes they record as dated events."""

import datetime

import pytest

from jalon.committees.demo import csv_with_changes
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    LeadershipRole,
    ParticipationEvent,
)
from tests.committees.conftest import read_rows, write_rows

LATER = datetime.date(2026, 10, 1)

# The messages checked here are the English ones. Every test starts from the real file imported as of FIRST
# (tests/committees/conftest.py), once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "first_imported")]


def test_the_real_file_imports_every_committee_with_its_members_secretariat_and_parent(first_imported):
    run = first_imported

    assert Committee.objects.count() == 796
    assert run.summary["committees_created"] == 796
    assert run.summary["unknown_member_ids"] == 0
    assert CommitteeMembership.objects.filter(status="p").count() == 17211
    assert CommitteeMembership.objects.filter(status="o").count() == 14271
    assert CommitteeMembership.objects.filter(status="liaison").count() == 3075
    tc176 = Committee.objects.get(reference="ISO/TC 176")
    assert (tc176.body, tc176.kind, tc176.status) == ("iso", "tc", "active")
    assert tc176.title == {
        "en": "Quality management and quality assurance",
        "fr": "Management et assurance de la qualité",
    }
    assert Committee.objects.get(reference="ISO/TC 176/SC 2").parent == tc176
    jtc3 = Committee.objects.get(reference="IEC/ISO JTC 3")
    assert (jtc3.body, jtc3.kind) == ("iec_iso", "jtc")
    assert jtc3.secretariat.acronym == "BSI"
    assert "<" not in jtc3.scope["en"] and "Standardization in the field of quantum technologies." in jtc3.scope["en"]
    # The first import is the starting point: intervals open since "before the records", no events.
    assert not ParticipationEvent.objects.exists()
    assert not CommitteeMembership.objects.exclude(since=None).exists()
    # Each secretariat is a leadership role of its member.
    assert (
        LeadershipRole.objects.filter(role="secretariat", end_date=None).count()
        == Committee.objects.exclude(secretariat=None).count()
    )


def test_a_second_import_of_the_same_file_changes_nothing():
    memberships = CommitteeMembership.objects.count()

    run = iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=LATER)

    changes = {key: value for key, value in run.summary.items() if key not in ("rows", "baseline", "unknown_members")}
    assert set(changes.values()) == {0}
    assert CommitteeMembership.objects.count() == memberships
    assert not ParticipationEvent.objects.exists()


def member_in(rows, reference, status, skip=()):
    """(id, acronym) of the first member of `reference` with that status in the file, not in `skip`."""
    row = next(row for row in rows if row["reference"] == reference)
    ids = row[f"{status}Members.id"].strip("[]").split(", ")
    acronyms = row[f"{status}Members.acronym"].strip("[]").split(", ")
    return next((int(i), a) for i, a in zip(ids, acronyms, strict=True) if a not in skip)


def test_a_modified_copy_records_exactly_the_changes_as_dated_events(tmp_path):
    rows = read_rows(ISO_COMMITTEES_FILE)
    o_member = member_in(rows, "ISO/TC 176", "o")
    p_member = member_in(rows, "ISO/TC 176", "p")
    leaving = member_in(rows, "ISO/TC 176", "p", skip={p_member[1]})
    sc2 = next(row for row in rows if row["reference"] == "ISO/TC 176/SC 2")
    in_tc176 = {
        a
        for status in "po"
        for a in next(r for r in rows if r["reference"] == "ISO/TC 176")[f"{status}Members.acronym"]
        .strip("[]")
        .split(", ")
    }
    joining = next(pair for pair in [member_in(rows, "ISO/TC 207", "p", skip=in_tc176)])
    later = csv_with_changes(
        source=ISO_COMMITTEES_FILE,
        target=tmp_path / "later.csv",
        moves=[
            ("ISO/TC 176", o_member[0], o_member[1], "p"),
            ("ISO/TC 176", p_member[0], p_member[1], "o"),
            ("ISO/TC 176", leaving[0], leaving[1], None),
            ("ISO/TC 176", joining[0], joining[1], "o"),
        ],
        secretariats={"ISO/TC 176/SC 2": (1579, "ABNT")},
        drop={"ISO/PC 343"} if any(r["reference"] == "ISO/PC 343" for r in rows) else {rows[-1]["reference"]},
    )
    dropped = "ISO/PC 343" if any(r["reference"] == "ISO/PC 343" for r in rows) else rows[-1]["reference"]

    run = iso_committees_import(path=later, as_of=LATER)

    events = {
        (e.committee.reference, e.organisation.acronym if e.organisation else None, e.kind, e.date)
        for e in ParticipationEvent.objects.select_related("committee", "organisation")
    }
    assert events == {
        ("ISO/TC 176", o_member[1], "o_to_p", LATER),
        ("ISO/TC 176", p_member[1], "p_to_o", LATER),
        ("ISO/TC 176", leaving[1], "left", LATER),
        ("ISO/TC 176", joining[1], "joined_o", LATER),
        ("ISO/TC 176/SC 2", "ABNT", "secretariat_moved", LATER),
        (dropped, None, "committee_disbanded", LATER),
    }
    moved = ParticipationEvent.objects.get(kind="secretariat_moved")
    assert moved.previous_organisation.acronym == sc2["secretariat.acronym"]
    assert moved.import_run == run
    summary = run.summary
    assert (summary["o_to_p"], summary["p_to_o"], summary["left"], summary["joined_o"], summary["joined_p"]) == (
        1,
        1,
        1,
        1,
        0,
    )
    assert (summary["secretariat_moved"], summary["committees_disbanded"]) == (1, 1)
    # The history of the member that moved: an O interval closed on the date, a P interval opened on it.
    history = list(
        CommitteeMembership.objects.filter(committee__reference="ISO/TC 176", member__acronym=o_member[1])
        .order_by("pk")
        .values_list("status", "since", "until")
    )
    assert history == [("o", None, LATER), ("p", LATER, None)]
    assert Committee.objects.get(reference=dropped).status == "disbanded"
    assert not CommitteeMembership.objects.filter(committee__reference=dropped, until=None).exists()
    roles = LeadershipRole.objects.filter(committee__reference="ISO/TC 176/SC 2", role="secretariat")
    assert sorted(roles.values_list("organisation__acronym", "end_date")) == sorted(
        [(sc2["secretariat.acronym"], LATER), ("ABNT", None)]
    )


def test_a_committee_new_in_a_later_file_is_created_with_its_members_joining(tmp_path, org):
    rows = read_rows(ISO_COMMITTEES_FILE)
    new = dict(rows[0], id="99999901", reference="ISO/TC 999", sortKey="ISO/TC 999", parentId="", childrenId="")
    new.update({"pMembers.id": "[1619]", "pMembers.acronym": "[SCC]", "oMembers.id": "", "oMembers.acronym": ""})
    new.update({"committeeLiaisons.id": "", "committeeLiaisons.reference": ""})
    write_rows(tmp_path / "new.csv", [*rows, new])

    iso_committees_import(path=tmp_path / "new.csv", as_of=LATER)

    events = set(ParticipationEvent.objects.values_list("committee__reference", "organisation__acronym", "kind"))
    assert events == {("ISO/TC 999", None, "committee_created"), ("ISO/TC 999", "SCC", "joined_p")}
