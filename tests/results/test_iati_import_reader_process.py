"""The IATI import reading its file in a reader process (IATI_IMPORT_READER_PROCESS_BYTES, lowered here so that the
samples take that path): the same report and the same records as reading in process; a truncated or hostile file
refused with nothing saved. The reader process on its own: tests/interop/test_iati_read_process.py."""

import multiprocessing
from pathlib import Path

import pytest
from django.db import models, transaction
from django.test import override_settings
from django.utils import translation

from jalon.interop import iati_read_process
from jalon.interop.iati_read import IatiFileRefused
from jalon.organisations.models import Organisation
from jalon.results import iati_import as iati_import_module
from jalon.results.iati_import import iati_import
from jalon.results.models import (
    DisaggregatedTarget,
    IatiActivityImport,
    IatiProvenance,
    Indicator,
    Level,
    Measurement,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)

SAMPLES = sorted((Path(__file__).parent / "data" / "iati").glob("*.xml"))
MODELS = (
    Programme,
    Level,
    Result,
    Indicator,
    Period,
    Milestone,
    DisaggregatedTarget,
    Measurement,
    Narrative,
    IatiActivityImport,
    IatiProvenance,
    Organisation,
)


def records() -> dict[str, list]:
    """Every row the import writes, by what it holds rather than by its ids (PostgreSQL's sequences do not roll
    back, so a second import gets other ids), what is made of them (a value's fingerprint holds its indicator's and
    period's) or its time stamps."""
    kept = {}
    for model in MODELS:
        names = [
            item.attname
            for item in model._meta.concrete_fields
            if not item.primary_key
            and not item.is_relation
            and not isinstance(item, models.DateTimeField | models.UUIDField)
            and item.name not in ("record_id", "fingerprint")
        ]
        kept[model.__name__] = sorted(map(repr, model.objects.values_list(*names)))
    return kept


def imported(path: Path, actor) -> tuple[dict, dict]:
    """The report and the records of an import, rolled back after."""
    with transaction.atomic():
        report = iati_import(path, actor=actor).as_dict()
        written = records()
        transaction.set_rollback(True)
    for match in report["organisations"]:
        match.pop("organisation")  # an id
    return report, written


@pytest.fixture
def through_the_reader_process(monkeypatch):
    """Every file read by a reader process; the list of the files it read."""
    read, started = [], iati_read_process.activities_read_in_child

    def spied(path, *, max_bytes):
        read.append(path)
        return started(path, max_bytes=max_bytes)

    monkeypatch.setattr(iati_read_process, "activities_read_in_child", spied)
    monkeypatch.setattr(iati_read_process, "cores", lambda: 2)  # whatever the machine running the tests has
    with override_settings(IATI_IMPORT_READER_PROCESS_BYTES=1):
        yield read


@pytest.mark.parametrize("path", SAMPLES, ids=[path.stem.split("-")[0] for path in SAMPLES])
def test_a_real_sample_imports_through_the_reader_process_as_in_process(db, users, path, through_the_reader_process):
    with override_settings(IATI_IMPORT_READER_PROCESS_BYTES=0):
        report, written = imported(path, users["manager"])
    assert report["activities"] and written["IatiProvenance"] and not through_the_reader_process
    assert imported(path, users["manager"]) == (report, written)
    assert through_the_reader_process == [path]


def test_the_reader_process_is_used_and_reports_in_the_users_language(db, users, through_the_reader_process):
    path = next(path for path in SAMPLES if path.stem.startswith("dportal"))
    with translation.override("en"):
        report = iati_import(path, actor=users["manager"], dry_run=True)
    assert through_the_reader_process == [path]
    messages = {note.message for outcome in report.activities for note in outcome.notes}
    assert any(message.startswith("Language codes in upper case") for message in messages)


def test_a_truncated_file_through_the_reader_process_saves_nothing(db, users, tmp_path, through_the_reader_process):
    content = SAMPLES[1].read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(content[: int(len(content) * 0.8)])
    before = records()
    with pytest.raises(IatiFileRefused, match="coupé|cut short"):
        iati_import(path, actor=users["manager"])
    assert records() == before and through_the_reader_process == [path]


def test_a_hostile_file_through_the_reader_process_is_refused_and_saves_nothing(
    db, users, tmp_path, through_the_reader_process
):
    path = tmp_path / "hostile.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        b"<iati-activities version='2.03'><iati-activity><iati-identifier>&secret;</iati-identifier>"
        b"</iati-activity></iati-activities>"
    )
    before = records()
    with translation.override("en"), pytest.raises(IatiFileRefused, match="declares a DOCTYPE or entities"):
        iati_import(path, actor=users["manager"])
    assert records() == before and through_the_reader_process == [path]


def test_an_import_that_fails_stops_its_reader_process_and_reaps_it(db, users, tmp_path, monkeypatch):
    """The import fails in its first batch while the reader process still has most of the file to send (two
    activities a message, one message ahead): the reader is stopped, not left an orphan or a zombie."""
    content = SAMPLES[1].read_bytes()
    head, _sep, body = content.partition(b"<iati-activity")
    body, _sep, _tail = (b"<iati-activity" + body).rpartition(b"</iati-activities>")
    activities = [b"<iati-activity" + part for part in body.split(b"<iati-activity") if part]
    path = tmp_path / "many.xml"
    path.write_bytes(
        head
        + b"".join(
            activity.replace(b"</iati-identifier>", b"-%d</iati-identifier>" % copy, 1)
            for copy in range(30)
            for activity in activities
        )
        + b"</iati-activities>\n"
    )
    started = iati_read_process.activities_read_in_child
    monkeypatch.setattr(
        iati_read_process,
        "activities_read_in_child",
        lambda path, *, max_bytes: started(path, max_bytes=max_bytes, chunk=2, ahead=1),
    )
    readers = []

    def failing(*args, **kwargs):
        readers.extend(process.pid for process in multiprocessing.active_children())
        raise RuntimeError("a write failed")

    monkeypatch.setattr(iati_import_module, "_batch_import", failing)
    monkeypatch.setattr(iati_read_process, "cores", lambda: 2)
    before = records()
    with override_settings(IATI_IMPORT_READER_PROCESS_BYTES=1), pytest.raises(RuntimeError, match="a write failed"):
        iati_import(path, actor=users["manager"])
    assert len(readers) == 1 and not Path(f"/proc/{readers[0]}").exists()
    assert not multiprocessing.active_children() and records() == before


WORKER_START = """
from django.core.files import File
from jalon.jobs.services import job_start
with open({path!r}, "rb") as handle:
    job = job_start(actor=None, kind="iati-import", params={{"programme": "", "dry_run": False}},
                    upload=File(handle, name="samples.xml"))
print(job.pk)
"""


def test_a_real_worker_imports_a_file_through_its_reader_process(db, rig_make):
    """A `jalon worker` process (the jobs worker has a thread and an open connection: its reader is spawned, never
    forked) imports a file through a reader process of its own, the threshold lowered to one byte."""
    if iati_read_process.cores() < 2:
        pytest.skip("the reader process needs two cores")
    sample = next(path for path in SAMPLES if "gdihub" in path.name)
    rig = rig_make("iati-reader")
    rig.extra["IATI_IMPORT_READER_PROCESS_BYTES"] = "1"
    try:
        pk = int(rig.python(WORKER_START.format(path=str(sample))).strip().splitlines()[-1])
        worker = rig.start("worker", "--batch")
        assert worker.wait(timeout=300) == 0, worker.stdout.read()
        job = rig.job(pk)
        assert job["status"] == "succeeded", job["message"]
        activities = len(sample.read_text(encoding="utf-8").split("<iati-activity ")) - 1
        assert rig.query("SELECT COUNT(*) FROM results_iatiactivityimport") == [(activities,)]
    finally:
        rig.stop_all()
