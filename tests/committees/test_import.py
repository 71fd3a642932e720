"""The ISO Open Data committee import, on the real file and on modified copies of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jalon.committees.demo import csv_with_changes
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import (
    ATTRIBUTION,
    Committee,
    CommitteeMembership,
    ImportRun,
    LeadershipRole,
    ParticipationEvent,
)
from jalon.committees.scope_text import html_to_text
from tests.committees.conftest import read_rows, write_rows

FIRST = datetime.date(2026, 5, 1)
LATER = datetime.date(2026, 10, 1)

# The messages checked here are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def first_import():
    return iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)


def test_the_real_file_imports_every_committee_with_its_members_secretariat_and_parent():
    run = first_import()

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


def test_the_import_runs_in_a_bounded_number_of_queries_whatever_the_file_size():
    with CaptureQueriesContext(connection) as queries:
        first_import()
    # Bulk statements in batches (SQLite caps the parameters of one statement): a few hundred queries for
    # 796 committees and 35,000 memberships, where one statement per row would be over 40,000.
    assert len(queries) < 600


def test_a_second_import_of_the_same_file_changes_nothing():
    first_import()
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
    first_import()
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
    first_import()
    rows = read_rows(ISO_COMMITTEES_FILE)
    new = dict(rows[0], id="99999901", reference="ISO/TC 999", sortKey="ISO/TC 999", parentId="", childrenId="")
    new.update({"pMembers.id": "[1619]", "pMembers.acronym": "[SCC]", "oMembers.id": "", "oMembers.acronym": ""})
    new.update({"committeeLiaisons.id": "", "committeeLiaisons.reference": ""})
    write_rows(tmp_path / "new.csv", [*rows, new])

    iso_committees_import(path=tmp_path / "new.csv", as_of=LATER)

    events = set(ParticipationEvent.objects.values_list("committee__reference", "organisation__acronym", "kind"))
    assert events == {("ISO/TC 999", None, "committee_created"), ("ISO/TC 999", "SCC", "joined_p")}


def test_unknown_member_ids_are_reported_and_the_rest_imports(tmp_path):
    rows = read_rows(ISO_COMMITTEES_FILE)
    rows[0]["oMembers.id"] = "[424242]"
    rows[0]["oMembers.acronym"] = "[XYZ]"
    write_rows(tmp_path / "unknown.csv", rows)

    run = iso_committees_import(path=tmp_path / "unknown.csv", as_of=FIRST)

    assert run.summary["unknown_members"] == [{"iso_member_id": 424242, "acronym": "XYZ"}]
    assert Committee.objects.count() == 796


def test_a_file_dated_before_the_last_import_is_refused():
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=LATER)
    with pytest.raises(ValidationError, match="before the last import"):
        iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"name,country\nASN,SN\n", "missing columns"),
        ("id,reference\n1,caf\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_the_committee_csv_is_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        iso_committees_import(path=path, as_of=FIRST)
    assert not Committee.objects.exists() and not ImportRun.objects.exists()


def test_a_latin1_copy_of_the_real_file_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(ISO_COMMITTEES_FILE.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        iso_committees_import(path=path, as_of=FIRST)
    assert not Committee.objects.exists()


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(tmp_path):
    rows = read_rows(ISO_COMMITTEES_FILE)
    rows[2]["id"] = "not-a-number"
    rows[5]["creationDate"] = "2024-13-45"
    rows[7]["status"] = "Dormant"
    write_rows(tmp_path / "rows.csv", rows)

    with pytest.raises(ValidationError) as caught:
        iso_committees_import(path=tmp_path / "rows.csv", as_of=FIRST)

    messages = caught.value.messages
    assert [message.split(" ")[1] for message in messages] == ["4", "7", "9"]
    assert "Dormant" in messages[2]
    assert not Committee.objects.exists()


def test_the_command_prints_the_summary_and_turns_errors_into_a_clear_failure(tmp_path, capsys):
    call_command("import_iso_committees", str(ISO_COMMITTEES_FILE), "--as-of", "2026-05-01")
    out = capsys.readouterr().out
    assert "committees_created    796" in out and "first import" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_iso_committees", str(bad))
    with pytest.raises(CommandError, match="not a date"):
        call_command("import_iso_committees", str(ISO_COMMITTEES_FILE), "--as-of", "yesterday")


def test_scopes_keep_their_text_and_lose_every_tag():
    html = "<p>Scope &amp; aims.</p><script>alert(1)</script><ol><li>One<li>Two</ol><a href='x'>site</a>"
    assert html_to_text(html) == "Scope & aims.\n\n- One\n- Two\nsite"


def test_the_data_is_credited_to_iso_open_data():
    assert "ISO Open Data" in str(ATTRIBUTION) and "ODC-By" in str(ATTRIBUTION)
