"""The ISO committee import processes a very large file in batches, with memory bounded by the batch, not the
file (issue 11 item 8)."""

import datetime
import sqlite3
import tracemalloc

import pytest
from django.db import connection

from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import, iso_committees_preview
from jalon.committees.models import Committee, CommitteeMembership
from tests.committees.conftest import read_rows, write_rows

FIRST = datetime.date(2026, 5, 1)
LATER = datetime.date(2026, 10, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# Batches --------------------------------------------------------------------------------------------------


def _large_file(path, count: int, *, offset: int = 0) -> None:
    """`count` committees, each with the few members of a real row."""
    real = read_rows(ISO_COMMITTEES_FILE)
    template = next(row for row in real if 2 <= row["pMembers.id"].count(",") <= 5)
    rows = []
    for number in range(count):
        row = dict(template)
        row.update(
            {
                "id": str(900000 + number + offset),
                "reference": f"ISO/TC {5000 + number + offset}",
                "parentId": "",
                "committeeLiaisons.id": "[]",
                "sortKey": f"{5000 + number:06d}",
            }
        )
        rows.append(row)
    write_rows(path, rows)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's cap on the parameters of a statement")
def test_a_file_far_larger_than_sqlite_can_take_in_one_statement_is_imported_in_batches(tmp_path, settings):
    """SQLite's cap lowered to 999 parameters stands for 32,766 against a 300,000-row file: with batches of
    300 the import goes through; with every id in one statement it would fail."""
    _large_file(tmp_path / "large.csv", 1200)
    raw = connection.connection
    default = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        settings.JALON_IMPORT_BATCH = 5000
        with pytest.raises(Exception, match="too many SQL variables"):
            iso_committees_import(path=tmp_path / "large.csv", as_of=FIRST)
        settings.JALON_IMPORT_BATCH = 300
        run = iso_committees_import(path=tmp_path / "large.csv", as_of=FIRST)
        assert run.summary["committees_created"] == 1200
        # A later file: half of them gone (a large change, confirmed), as many new.
        _large_file(tmp_path / "later.csv", 1200, offset=600)
        preview = iso_committees_preview(path=tmp_path / "later.csv", as_of=LATER)
        assert preview["changes_total"] == 1200 and len(preview["changes"]) == 1000
        assert preview["large_change"]["missing"] == 600
        run = iso_committees_import(path=tmp_path / "later.csv", as_of=LATER, confirm_large_change=True)
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, default)
    assert (run.summary["committees_disbanded"], run.summary["committees_created"]) == (600, 600)
    assert Committee.objects.count() == 1800
    assert CommitteeMembership.objects.filter(until=None).count() >= 1200 * 3


def test_an_import_holds_a_batch_of_rows_not_the_whole_file(tmp_path, settings):
    """Issue 11 item 8: memory bounded by the batch, not the file. 1,200 committees with 8 KB of scope each
    (a 10 MB file; ISO's 300,000-row case scaled down), in batches of 100: the import's peak of Python
    allocations stays under half the file's size, where holding every parsed row (as the import did) takes
    more than the file itself, its texts alone."""
    path = tmp_path / "wide.csv"
    real = read_rows(ISO_COMMITTEES_FILE)
    template = next(row for row in real if 2 <= row["pMembers.id"].count(",") <= 5)
    words = "Standardization of methods of test and requirements for products and services. "
    rows = [
        dict(
            template,
            **{
                "id": str(700000 + number),
                "reference": f"ISO/TC {7000 + number}",
                "parentId": "",
                "committeeLiaisons.id": "[]",
                "sortKey": f"{7000 + number:06d}",
                "scope.en": f"{number} " + words * 50,
                "scope.fr": f"{number} " + words * 50,
            },
        )
        for number in range(1200)
    ]
    write_rows(path, rows)
    del rows, real
    size = path.stat().st_size
    assert size > 9_000_000
    settings.JALON_IMPORT_BATCH = 100
    tracemalloc.start()
    try:
        run = iso_committees_import(path=path, as_of=FIRST)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.summary["committees_created"] == 1200
    assert Committee.objects.get(reference="ISO/TC 8199").scope["en"].startswith("1199 Standardization")
    assert peak < size / 2, (peak, size)
