"""The IATI read in a reader process (jalon/interop/iati_read_process.py): it yields what the in-process reader
yields (fields, notes in the user's language, content hash, and every node's line and XPath), refuses what it
refuses with the same message, raises the child's other errors in the parent, and leaves no process behind,
whether the parent reads to the end, stops early, or the child dies. The import through it:
tests/results/test_iati_import_reader_process.py."""

import multiprocessing
import os
import signal
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation
from lxml import etree

from jalon.interop import iati_read_process
from jalon.interop.iati_read import Activity, IatiFileRefused, activities_read
from jalon.interop.iati_read_process import (
    IatiReaderStopped,
    ReaderTraceback,
    activities_read_in_child,
    activities_read_pipelined,
)

SAMPLES = sorted((Path(__file__).parent.parent / "results" / "data" / "iati").glob("*.xml"))
MAX = 10**9


def described(activity: Activity) -> dict:
    """Everything the import reads of an activity: its fields, its element as written, and each node's line and
    XPath (the import reports `sourceline + line_offset` and the XPath)."""
    element = activity.element
    tree = element.getroottree()
    return {
        **{item.name: getattr(activity, item.name) for item in fields(Activity) if item.name != "element"},
        "element": etree.tostring(element),
        "nodes": [(tree.getpath(node), node.sourceline) for node in element.iter()],
    }


def read_both(path: Path, **options) -> tuple[list[dict], list[dict]]:
    return (
        [described(activity) for activity in activities_read(path, max_bytes=MAX)],
        [described(activity) for activity in activities_read_in_child(path, max_bytes=MAX, **options)],
    )


@pytest.mark.parametrize("path", SAMPLES, ids=[path.stem.split("-")[0] for path in SAMPLES])
def test_the_reader_process_yields_what_the_in_process_reader_yields_for_each_real_sample(path):
    with translation.override("fr"):
        in_process, in_child = read_both(path, chunk=2)  # several messages for every sample but the one-activity
    assert in_child == in_process
    notes = [note for activity in in_child for note in activity["notes"]]
    assert notes and all(note.line for note in notes)
    # The notes are in the parent's language (the example's are the ruleset's own, in English, untranslated).
    if path.stem.startswith("dportal"):
        assert any(note.message.startswith("Codes de langue en majuscules") for note in notes)


def test_the_lines_of_a_file_whose_activities_start_deep_in_it_cross_with_their_offset(tmp_path):
    """A file of many activities: each copy's lines count from its own first line, and the offset crosses."""
    content = SAMPLES[0].read_bytes()
    head, _sep, body = content.partition(b"<iati-activity ")
    body, _sep, _tail = (b"<iati-activity " + body).rpartition(b"</iati-activities>")
    path = tmp_path / "long.xml"
    path.write_bytes(head + body * 3 + b"</iati-activities>\n")
    with translation.override("en"):
        in_process, in_child = read_both(path, chunk=5)
    assert in_child == in_process
    assert in_child[-1]["line_offset"] > in_child[0]["line_offset"] > 0


HOSTILE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
    b"<iati-activities version='2.03'><iati-activity><iati-identifier>&lol2;</iati-identifier></iati-activity>"
    b"</iati-activities>"
)


def truncated() -> bytes:
    content = SAMPLES[1].read_bytes()
    return content[: int(len(content) * 0.8)]


@pytest.mark.parametrize(
    ("content", "max_bytes", "english"),
    [
        (HOSTILE, MAX, "declares a DOCTYPE or entities"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", MAX, "binary"),
        (None, MAX, "cut short"),
        (SAMPLES[0].read_bytes(), 1000, "too large"),
    ],
    ids=["hostile", "binary", "truncated", "too-large"],
)
def test_a_refused_file_is_refused_by_the_reader_process_with_the_in_process_message(
    tmp_path, content, max_bytes, english
):
    path = tmp_path / "refused.xml"
    path.write_bytes(content if content is not None else truncated())
    for language in ("en", "fr"):
        with translation.override(language):
            read, in_child = [], []
            with pytest.raises(IatiFileRefused) as in_process:
                for activity in activities_read(path, max_bytes=max_bytes):
                    read.append(described(activity))
            with pytest.raises(IatiFileRefused) as refused:
                for activity in activities_read_in_child(path, max_bytes=max_bytes, chunk=2):
                    in_child.append(described(activity))
        assert type(refused.value) is IatiFileRefused
        assert refused.value.message == in_process.value.message
        assert (english in refused.value.message) == (language == "en")
        assert in_child == read  # what a truncated file yields before its cut, too
    assert not multiprocessing.active_children()


def test_another_error_in_the_reader_process_is_raised_in_the_parent_with_the_childs_traceback(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        list(activities_read_in_child(tmp_path / "gone.xml", max_bytes=MAX))
    assert isinstance(error.value.__cause__, ReaderTraceback)
    assert "file_check" in str(error.value.__cause__)  # where it failed, in the child
    assert not multiprocessing.active_children()


@pytest.fixture
def many(tmp_path) -> Path:
    """A file of 120 activities: more than the pipe and the child's queue hold at two activities a chunk."""
    content = SAMPLES[1].read_bytes()
    head, _sep, body = content.partition(b"<iati-activity")
    body, _sep, _tail = (b"<iati-activity" + body).rpartition(b"</iati-activities>")
    activities = [b"<iati-activity" + part for part in body.split(b"<iati-activity") if part]
    path = tmp_path / "many.xml"
    with path.open("wb") as out:
        out.write(head)
        for copy in range(30):
            for activity in activities:
                out.write(activity.replace(b"</iati-identifier>", b"-%d</iati-identifier>" % copy, 1))
        out.write(b"</iati-activities>\n")
    return path


def child() -> multiprocessing.Process:
    [process] = multiprocessing.active_children()
    return process


def test_a_parent_that_stops_early_stops_the_reader_process_and_reaps_it(many):
    activities = activities_read_in_child(many, max_bytes=MAX, chunk=2, ahead=1)
    next(activities)
    pid = child().pid
    activities.close()
    assert not Path(f"/proc/{pid}").exists()  # ended and waited for: not even a zombie
    assert not multiprocessing.active_children()


def test_a_reader_process_that_dies_is_said_and_nothing_hangs(many):
    activities = activities_read_in_child(many, max_bytes=MAX, chunk=2, ahead=1)
    next(activities)
    os.kill(child().pid, signal.SIGKILL)
    with translation.override("en"), pytest.raises(IatiReaderStopped, match="reader process ended") as stopped:
        for _activity in activities:
            pass
    assert "-9" in stopped.value.message
    assert not multiprocessing.active_children()


# Makes the reader process's second message fail as under memory pressure (its sender thread dies).
SEND_FAILS = """
import multiprocessing.connection

send, sent = multiprocessing.connection.Connection.send, []


def failing(self, message):
    sent.append(1)
    if len(sent) == 2:
        raise MemoryError
    return send(self, message)


multiprocessing.connection.Connection.send = failing
"""
READ_ALL = """
import django
django.setup()
from pathlib import Path
from django.utils import translation
from jalon.interop.iati_read_process import IatiReaderStopped, activities_read_in_child
translation.activate("en")
try:
    for activity in activities_read_in_child(Path({path!r}), max_bytes=10**9, chunk=1, ahead=1):
        print("read", activity.identifier)
except IatiReaderStopped as stopped:
    print("stopped:", stopped.message)
"""


def test_a_reader_process_whose_sending_fails_otherwise_than_by_a_closed_pipe_ends_and_is_said(tmp_path, many):
    (tmp_path / "sitecustomize.py").write_text(SEND_FAILS)  # in the reader process (and the parent, which only reads)
    environment = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-c", READ_ALL.format(path=str(many))],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,  # without the exit: for ever
        check=True,
    )
    assert done.stdout.count("read ") == 1
    assert "stopped: The reading of the file stopped before its end" in done.stdout and "(exit code 1)" in done.stdout
    assert "MemoryError" in done.stderr


def test_only_files_of_the_settings_size_are_read_in_a_reader_process_and_with_two_cores(monkeypatch):
    path = SAMPLES[0]
    monkeypatch.setattr(iati_read_process, "activities_read_in_child", lambda path, max_bytes: "child")
    monkeypatch.setattr(iati_read_process, "cores", lambda: 2)
    with override_settings(IATI_IMPORT_READER_PROCESS_BYTES=path.stat().st_size):
        assert activities_read_pipelined(path, max_bytes=MAX) == "child"
        monkeypatch.setattr(iati_read_process, "cores", lambda: 1)
        assert activities_read_pipelined(path, max_bytes=MAX) != "child"
        monkeypatch.setattr(iati_read_process, "cores", lambda: 2)
    for never_or_larger in (0, -1, path.stat().st_size + 1):
        with override_settings(IATI_IMPORT_READER_PROCESS_BYTES=never_or_larger):
            assert activities_read_pipelined(path, max_bytes=MAX) != "child"
