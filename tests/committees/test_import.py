"""The ISO Open Data committee import, on the real file and on modified copies of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import (
    ATTRIBUTION,
    Committee,
    ImportRun,
)
from jalon.committees.scope_text import html_to_text
from tests.committees.conftest import read_rows, write_rows

FIRST = datetime.date(2026, 5, 1)
LATER = datetime.date(2026, 10, 1)

# The messages checked here are the English ones.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def first_import():
    return iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)


def test_the_import_runs_in_a_bounded_number_of_queries_whatever_the_file_size():
    with CaptureQueriesContext(connection) as queries:
        first_import()
    # Bulk statements in batches (SQLite caps the parameters of one statement): a few hundred queries for
    # 796 committees and 35,000 memberships, where one statement per row would be over 40,000.
    assert len(queries) < 600


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
