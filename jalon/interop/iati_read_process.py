"""The IATI read in a process of its own, pipelined with the import's writes (issue 18).

jalon/interop/iati_read.py's read (safety checks, a copy of each activity, normalisation, the 2.03 XSD, the
Validator's codelist rules and standard ruleset per activity) is pure CPU and touches no database. On a machine
with a free core, `activities_read_pipelined` runs it in a child process while the importing process writes the
activities read before, so that the read's time hides behind the writes'. Only for files of
IATI_IMPORT_READER_PROCESS_BYTES or more (below, the child's start and the crossing cost more than they save) and
with two cores or more; otherwise the file is read in process as before. Where every core is busy the child only
takes turns with the writes and the import is slower (bench/README.md, round 7): set the setting to 0 there.

How:
- the child is started by multiprocessing's `spawn` (a fresh interpreter: the jobs worker that imports has a
  thread and an open database connection, which a fork would copy). It loads the settings module but populates no
  app: the read needs gettext, jalon's catalogue (LOCALE_PATHS) and its own data files, no model, and
  django.setup() took a second of CPU importing every app (the child starts in about 0.15 s). It reads in the
  parent's active language, so that the notes are in the user's. As with any `spawn`, the child imports the
  parent's main module first: a script that imports a large file must keep its work under
  `if __name__ == "__main__"` (the `jalon` command, manage.py, the bench and pytest do). multiprocessing also
  starts its resource tracker on the first start, one small idle process for the importing process's life;
- it sends the activities by chunks (READER_CHUNK) through a pipe, at most READER_AHEAD chunks waiting to be sent
  besides the one being sent: memory stays bounded whatever the file's size, and a parent slower than the read
  holds the child back;
- an activity crosses as plain data: its fields, and its element serialised (etree.tostring), parsed back in the
  parent with the read's own safety (no entities, DTD or network). Serialised and parsed back, every node keeps its
  line (the import says `node.sourceline + Activity.line_offset`), and the content hash and the notes are the
  child's (tests/interop/test_iati_read_process.py compares both readers on the real samples);
- IatiFileRefused in the child (binary, hostile, truncated, too large) is raised in the parent with its message;
  any other exception is raised in the parent (as itself when it can be pickled), the child's traceback as its
  cause; a child that dies without a word (killed, out of memory) is IatiReaderStopped: the import's transaction
  saves nothing. When the parent stops reading early or fails, the child is terminated and reaped.
"""

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Iterator
from dataclasses import fields
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from jalon.interop.iati_read import Activity, IatiFileRefused, activities_read

logger = logging.getLogger(__name__)

# Activities per message: a message costs a pickle and a write whatever its size, and a chunk of about 400 kB
# (activities of the real samples) is a fraction of what the import writes per batch (iati_import.BATCH).
READER_CHUNK = 32
# Chunks the child may hold ready beyond the one in the pipe: enough to ride over an activity that is slow to
# read, few enough that memory does not grow when the writes are slower than the read (they are, by 3 to 4x).
READER_AHEAD = 2
# How long a child that said its last word may take to end before it is terminated, and a terminated one before
# it is killed.
STOP_SECONDS = 5

# The fields of an Activity that cross as they are; the element crosses serialised.
_FIELDS = tuple(item.name for item in fields(Activity) if item.name != "element")
# Parses back what the child serialised with the read's own safety, though the child wrote it.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
)


class IatiReaderStopped(IatiFileRefused):
    """The reader process ended before the end of the file without saying why (killed, out of memory)."""


class ReaderTraceback(Exception):
    """The reader process's traceback, the cause of the error raised in the parent."""

    def __str__(self) -> str:
        return str(self.args[0])


def activities_read_pipelined(path: Path, *, max_bytes: int) -> Iterator[Activity]:
    """activities_read's activities, read in a reader process when the file has IATI_IMPORT_READER_PROCESS_BYTES
    or more (a setting of 0 or less: never), else in this process."""
    threshold = settings.IATI_IMPORT_READER_PROCESS_BYTES
    # With one core the child cannot run beside the writes, only take turns with them (round 7 of bench/README.md:
    # with no core free, the import was slower). A daemonic process (multiprocessing's) may not start one; without
    # a settings module the child has no settings.
    if (
        threshold > 0
        and _size(path) >= threshold
        and cores() >= 2
        and os.environ.get("DJANGO_SETTINGS_MODULE")
        and not multiprocessing.current_process().daemon
    ):
        return activities_read_in_child(path, max_bytes=max_bytes)
    return activities_read(path, max_bytes=max_bytes)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # activities_read says what is wrong with the path


def cores() -> int:
    """The cores this process may run on (its affinity, where the system says it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def activities_read_in_child(
    path: Path, *, max_bytes: int, chunk: int = READER_CHUNK, ahead: int = READER_AHEAD
) -> Iterator[Activity]:
    """activities_read's activities, read by a child process (see the module's docstring), started when the first
    activity is asked for."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_reader_main,
        args=(
            sender,
            os.environ.get("DJANGO_SETTINGS_MODULE", ""),
            translation.get_language(),
            str(path),
            max_bytes,
            chunk,
            ahead,
        ),
        name="jalon-iati-reader",
        daemon=True,  # ended by multiprocessing when this process exits, should the cleanup below not run
    )
    process.start()
    # The child holds the only write end: its death is an end of file here.
    sender.close()
    said_all = False
    try:
        while True:
            kind, payload = _receive(receiver, process)
            said_all = kind != "activities"
            if kind == "activities":
                for plain in payload:
                    yield _rebuilt(plain)
            elif kind == "end":
                return
            elif kind == "refused":
                raise IatiFileRefused(payload)
            else:
                raise _raised(payload)
    finally:
        receiver.close()
        _stop(process, said_all=said_all)


def _receive(receiver: Connection, process: BaseProcess) -> tuple[str, Any]:
    """The child's next message; IatiReaderStopped when it ended without one."""
    wait([receiver, process.sentinel])
    if receiver.poll():
        try:
            return receiver.recv()
        except (EOFError, OSError):
            pass  # the pipe's end, or a message cut off by the child's death
    process.join(STOP_SECONDS)
    logger.warning("The IATI reader process ended before the end of the file (exit code %s)", process.exitcode)
    raise IatiReaderStopped(
        _(
            "The reading of the file stopped before its end: its reader process ended (exit code %(code)s), "
            "perhaps for lack of memory. Nothing was saved."
        )
        % {"code": process.exitcode}
    )


def _stop(process: BaseProcess, *, said_all: bool) -> None:
    """The child ended and reaped (no orphan, no zombie): given time to end when it said its last word, else
    terminated at once (this process stopped reading: it failed or needs no more), killed if it lingers."""
    if said_all:
        process.join(STOP_SECONDS)
    if process.is_alive():
        process.terminate()
        process.join(STOP_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
    process.close()


def _rebuilt(plain: tuple[tuple, bytes]) -> Activity:
    values, element = plain
    return Activity(**dict(zip(_FIELDS, values, strict=True)), element=etree.fromstring(element, _PARSER))


def _raised(payload: tuple[bytes | None, str, str, str]) -> BaseException:
    """The child's exception (else a RuntimeError naming it), its traceback as the cause."""
    pickled, name, text, child_traceback = payload
    error: Any = None
    if pickled is not None:
        try:
            error = pickle.loads(pickled)  # noqa: S301 - written by the child this process started
        except Exception:  # an exception class that does not unpickle as it pickled
            error = None
    if not isinstance(error, BaseException):
        error = RuntimeError(f"{name} in the IATI reader process: {text}")
    error.__cause__ = ReaderTraceback(child_traceback)
    return error


# The child ------------------------------------------------------------------------------------------------


def _reader_main(
    connection: Connection,
    settings_module: str,
    language: str | None,
    path: str,
    max_bytes: int,
    chunk: int,
    ahead: int,
) -> None:
    """The reader process: the activities by chunks, then its last word: ("end"), ("refused", message) or
    ("error", (pickled exception, its type, its text, the traceback))."""
    # Ctrl-C in a terminal reaches the whole process group: the parent decides, and stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    outbox: queue.Queue = queue.Queue(maxsize=ahead)
    sender = threading.Thread(target=_send_all, args=(connection, outbox), daemon=True)
    sender.start()
    plain: list[tuple[tuple, bytes]] = []
    last: tuple[str, Any]
    try:
        _settings_load(settings_module)
        if language:
            translation.activate(language)
        else:
            translation.deactivate_all()
        for activity in activities_read(Path(path), max_bytes=max_bytes):
            plain.append(_plain(activity))
            if len(plain) == chunk:
                outbox.put(("activities", plain))
                plain = []
        last = ("end", None)
    except IatiFileRefused as refused:
        last = ("refused", refused.message)
    except BaseException as error:  # noqa: BLE001 - every error is the parent's to raise
        last = ("error", _error_payload(error))
    # The activities read before a refusal go first, as activities_read yields them before it raises.
    if plain:
        outbox.put(("activities", plain))
    outbox.put(last)
    outbox.put(None)
    sender.join()
    connection.close()


def _settings_load(settings_module: str) -> None:
    """Django's settings and translations without the apps (see the module's docstring)."""
    from django.apps import apps

    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if not apps.ready:
        apps.populate(())


def _plain(activity: Activity) -> tuple[tuple, bytes]:
    values = tuple(getattr(activity, name) for name in _FIELDS)
    return values, etree.tostring(activity.element, encoding="utf-8", xml_declaration=False)


def _error_payload(error: BaseException) -> tuple[bytes | None, str, str, str]:
    try:
        pickled: bytes | None = pickle.dumps(error)
    except Exception:  # an exception holding what does not pickle
        pickled = None
    return pickled, type(error).__name__, str(error), traceback.format_exc()


def _send_all(connection: Connection, outbox: queue.Queue) -> None:
    """The child's sender thread: the messages in order. When the parent has closed its end of the pipe (it failed,
    stopped early or died), the child ends at once: nobody would read what it reads."""
    while (message := outbox.get()) is not None:
        try:
            connection.send(message)
        except OSError:
            os._exit(0)
        except BaseException:  # noqa: BLE001
            # Anything else (memory to pickle a chunk, say): the main thread would wait for ever on the full
            # outbox, and the parent on a message. The process ends instead, which the parent sees and says
            # (IatiReaderStopped, with this exit code); what went wrong is on the child's standard error.
            traceback.print_exc()
            os._exit(1)
