"""jalon.lib.bulk's writers of checked records (a file import's): what they insert reads back as bulk_create's."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jalon.accounts.models import AuditEntry
from jalon.lib import bulk
from jalon.results.models import IatiProvenance, Level, Programme, Result


def _programme(nsb, code: str) -> Programme:
    return Programme(
        code=code,
        owner=nsb,
        title={"en": "Plan", "fr": "Plan"},
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        languages=["fr", "en"],
        on_track_min=Decimal("0.9"),
        iati_recipient_countries=[{"code": "SN", "percentage": "60"}],
    )


def test_instances_insert_writes_what_bulk_create_writes_and_sets_the_ids_in_order(db, nsb):
    """Dates, decimals, JSON, a UUID and auto_now fields read back as bulk_create's; each record gets its id."""
    ours = [_programme(nsb, f"ours-{n}") for n in range(3)]
    theirs = [_programme(nsb, f"theirs-{n}") for n in range(3)]
    bulk.instances_insert(ours)
    Programme.objects.bulk_create(theirs)
    skipped = {"id", "code", "progress_stamp", "created_at", "updated_at"}
    for mine, other in zip(ours, theirs, strict=True):
        assert mine.pk is not None and not mine._state.adding
        read, expected = Programme.objects.get(pk=mine.pk), Programme.objects.get(pk=other.pk)
        assert read.code == mine.code
        assert read.progress_stamp == mine.progress_stamp and isinstance(read.progress_stamp, uuid.UUID)
        assert read.created_at is not None and read.created_at == mine.created_at
        for field in Programme._meta.concrete_fields:
            if field.attname not in skipped:
                assert getattr(read, field.attname) == getattr(expected, field.attname), field.attname


def test_instances_insert_takes_the_id_of_a_related_record_saved_since_and_refuses_an_unsaved_one(db, nsb):
    programme = _programme(nsb, "tree")
    bulk.instances_insert([programme])
    level = Level(programme=programme, key="output", name={"en": "Output"}, iati_result_type=1)
    bulk.instances_insert([level])
    parent = Result(programme=programme, level=level, code="1", title={"en": "Parent"})
    child = Result(programme=programme, level=level, code="1.1", title={"en": "Child"}, parent=parent)
    with pytest.raises(ValueError, match="parent"):
        bulk.instances_insert([child])
    bulk.instances_insert([parent])  # after the child was given it, as the import writes a tree by depth
    bulk.instances_insert([child])
    assert Result.objects.get(pk=child.pk).parent_id == parent.pk


def test_instances_insert_splits_what_exceeds_the_databases_parameters(db, users):
    """More rows than one statement takes (SQLite's 999 parameters): several inserts, every id set."""
    entries = [
        AuditEntry(actor=users["manager"], action="create", model="x.y", object_id=str(n), after={"n": n})
        for n in range(400)
    ]
    with CaptureQueriesContext(connection) as queries:
        bulk.instances_insert(entries)
    per_statement = (connection.features.max_query_params or 65535) // 9
    assert len(queries) == -(-400 // per_statement)
    assert len({entry.pk for entry in entries}) == 400
    assert AuditEntry.objects.get(pk=entries[-1].pk).after == {"n": 399}


def test_rows_insert_fills_the_other_fields_and_is_one_statement_in_the_query_log(db):
    """COPY on PostgreSQL (which psycopg runs outside Django's cursor) and executemany on SQLite are each one
    statement in the query log, as the tests and benchmarks count them."""
    rows = [("programme", n, "file.xml", "XM-1", f"/iati-activities/iati-activity[{n}]") for n in range(1, 6)]
    with CaptureQueriesContext(connection) as queries:
        count = bulk.rows_insert(
            IatiProvenance, ("record_type", "record_id", "file_name", "activity_identifier", "xpath"), iter(rows)
        )
    assert count == 5
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("COPY" if connection.vendor == "postgresql" else "5 times: INSERT")
    read = list(IatiProvenance.objects.order_by("record_id"))
    assert [(p.record_type, p.record_id, p.xpath) for p in read] == [(r[0], r[1], r[4]) for r in rows]
    assert all(p.created_at is not None for p in read)


def test_instances_insert_without_ids_writes_the_records_as_rows(db, users):
    entries = [
        AuditEntry(actor=users["manager"], action="create", model="x.y", object_id=str(n), after={"n": n})
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        bulk.instances_insert(entries, ids=False)
    assert len(queries) == 1
    assert sorted(AuditEntry.objects.filter(model="x.y").values_list("after", flat=True), key=str) == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]
    assert all(entry.at is not None for entry in AuditEntry.objects.filter(model="x.y"))


WRITES = r"(\d+ times: )?INSERT|COPY"


def test_inserts_deferred_gives_ids_at_once_and_writes_one_insert_per_model_at_the_end(db, nsb):
    programmes = [_programme(nsb, f"later-{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries, bulk.inserts_deferred():
        bulk.instances_insert(programmes[:2])
        bulk.instances_insert(programmes[2:])
        levels = [Level(programme=p, key="output", name={"en": "Output"}, iati_result_type=1) for p in programmes]
        bulk.instances_insert(levels)
        assert all(record.pk for record in [*programmes, *levels])
        assert not [query for query in queries.captured_queries if re.match(WRITES, query["sql"])]  # waiting
    written = [query["sql"] for query in queries.captured_queries if re.match(WRITES, query["sql"])]
    assert len(written) == 2  # one per model (rows_insert: COPY on PostgreSQL, executemany on SQLite)
    assert len({p.pk for p in programmes}) == 3
    assert dict(Level.objects.filter(pk__in=[level.pk for level in levels]).values_list("pk", "programme_id")) == {
        level.pk: level.programme_id for level in levels
    }


def test_a_statement_that_names_a_waiting_table_has_its_rows_written_first(db, nsb):
    """A read of a table with rows waiting sees them, and a save() into it takes an id after those given (SQLite
    gives the next id after the largest: a stale counter would give it twice); a read of another table writes
    nothing."""
    with CaptureQueriesContext(connection) as queries, bulk.inserts_deferred():
        first = _programme(nsb, "first")
        bulk.instances_insert([first])
        assert AuditEntry.objects.count() >= 0  # another table: the row still waits
        assert not [query for query in queries.captured_queries if re.match(WRITES, query["sql"])]
        assert Programme.objects.filter(code="first").exists()  # written before the read
        saved = _programme(nsb, "saved")
        saved.save()
        after = _programme(nsb, "after")
        bulk.instances_insert([after])
        saved_again = _programme(nsb, "saved-again")
        saved_again.save()  # writes "after" first
    assert len({first.pk, saved.pk, after.pk, saved_again.pk}) == 4
    assert Programme.objects.filter(code__in=["first", "saved", "after", "saved-again"]).count() == 4


def test_an_error_in_a_deferred_block_writes_nothing(db, nsb):
    with pytest.raises(RuntimeError), bulk.inserts_deferred():
        bulk.instances_insert([_programme(nsb, "never")])
        raise RuntimeError
    assert not Programme.objects.filter(code="never").exists()


class Refused(Exception):
    pass


def test_a_savepoint_rolled_back_inside_a_deferred_block_takes_what_was_queued_in_it_and_only_that(db, nsb):
    with bulk.inserts_deferred():
        before = _programme(nsb, "queued-before")
        bulk.instances_insert([before])
        with pytest.raises(Refused), transaction.atomic():
            inside = _programme(nsb, "queued-inside")
            bulk.instances_insert([inside])
            Programme.objects.filter(code="other").exists()  # a read in the savepoint writes what waits
            also = _programme(nsb, "queued-inside-after")
            bulk.instances_insert([also])
            raise Refused
        after = _programme(nsb, "queued-after")
        bulk.instances_insert([after])
        bulk.instances_insert([Level(programme=before, key="o", name={"en": "O"}, iati_result_type=1)])
    codes = set(Programme.objects.filter(code__startswith="queued").values_list("code", flat=True))
    assert codes == {"queued-before", "queued-after"}
    assert Level.objects.get(key="o").programme_id == before.pk
