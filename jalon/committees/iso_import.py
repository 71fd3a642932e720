"""Import of the ISO Open Data committee file ("iso_technical_committees" CSV).

The file is a snapshot: it says who is a P-, O- or liaison member of each committee today, not when they
joined. The first import takes it as the starting point (no events, intervals open since "before the
records"). Each later import compares the new snapshot with what is recorded and writes the difference
as dated events (as of a date given with the file): joined, moved O->P or P->O, left, secretariat moved,
committee created or disbanded; memberships are closed and opened accordingly. The whole import runs in one
transaction with bulk statements, so a bad file changes nothing and the real file takes seconds.

It runs from the command line (`jalon import-iso-committees`, at once) or as a background job started from
the import page (`iso_committees_import_start`; the worker runs `iso_committees_import_work`)."""

import contextlib
import csv
import datetime
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.committees import access
from jalon.committees.models import Committee, CommitteeMembership, ImportRun, LeadershipRole, ParticipationEvent
from jalon.committees.scope_text import html_to_text
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, Progress, job_start
from jalon.organisations.models import Organisation
from jalon.results.computations import computed_schedule_refresh

T = TypeVar("T")

ISO_COMMITTEES_FILE = Path(__file__).resolve().parent / "data" / "iso_technical_committees.csv"
SOURCE_NOTE = "ISO Open Data, iso_technical_committees (ODC-By 1.0)"

REQUIRED_COLUMNS = (
    "id",
    "reference",
    "status",
    "title.en",
    "title.fr",
    "secretariat.id",
    "secretariat.acronym",
    "creationDate",
    "scope.en",
    "scope.fr",
    "parentId",
    "pMembers.id",
    "pMembers.acronym",
    "oMembers.id",
    "oMembers.acronym",
    "committeeLiaisons.id",
    "organizationLiaisons.id",
    "organizationLiaisons.acronym",
    "sortKey",
)
STATUSES = {"active": Committee.Status.ACTIVE, "suspended": Committee.Status.SUSPENDED}
MAX_REPORTED_ERRORS = 20
# A later file that lacks more than 20 committees and more than a fifth of those recorded is refused: it is
# cut short or filtered, not ISO's whole list.
MASS_DISBAND_MIN = 20
MASS_DISBAND_SHARE = 5
# No statement takes more than this many parameters (setting JALON_IMPORT_BATCH): a list of ids (`__in`)
# is cut into lists this long, and a bulk write into as many rows as fit. SQLite refuses a statement with
# more than 32,766, and a 300,000-row file must not need one.
DEFAULT_BATCH = 10000
# Committees listed by a preview (the file's changes, committee by committee); the counts cover them all.
PREVIEW_LIMIT = 1000
# The PostgreSQL advisory lock that keeps two imports of the file from running at once.
IMPORT_LOCK = 0x150C0
# Scopes run to a few kilobytes; the csv module's default limit (128 KB) is fine, but a hostile file with a
# huge field must fail with a message, not exhaust memory.
FIELD_SIZE_LIMIT = 1024 * 1024

# Summary keys, in the order they are printed.
SUMMARY_KEYS = (
    "rows",
    "committees_created",
    "committees_updated",
    "committees_disbanded",
    "joined_p",
    "joined_o",
    "o_to_p",
    "p_to_o",
    "left",
    "secretariat_moved",
    "memberships_opened",
    "memberships_closed",
    "liaisons_opened",
    "liaisons_closed",
    "unknown_member_ids",
)


def batch_size() -> int:
    value = getattr(settings, "JALON_IMPORT_BATCH", DEFAULT_BATCH)
    return value if isinstance(value, int) and value > 0 else DEFAULT_BATCH


def rows_per_statement(parameters_per_row: int, most: int = 1000) -> int:
    """How many rows a bulk write may send in one statement, at `parameters_per_row` each."""
    return max(1, min(most, batch_size() // parameters_per_row))


def chunks(items: Iterable[T]) -> Iterator[list[T]]:
    """The items in lists of at most `batch_size()`, for statements with one parameter per item."""
    size, batch = batch_size(), []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(slots=True)
class Row:
    line: int
    iso_id: int
    reference: str
    status: str
    title: dict
    scope: dict
    secretariat: tuple[int, str] | None
    creation_date: datetime.date | None
    parent_iso_id: int | None
    p_members: list[tuple[int, str]] = field(default_factory=list)
    o_members: list[tuple[int, str]] = field(default_factory=list)
    committee_liaisons: list[int] = field(default_factory=list)
    organisation_liaisons: list[tuple[int, str]] = field(default_factory=list)
    sort_key: str = ""


def classify(reference: str) -> tuple[str, str]:
    """(body, kind) from a reference such as "ISO/TC 176/SC 2" or "ISO/IEC JTC 1"."""
    body = Committee.Body.IEC_ISO if reference.startswith(("ISO/IEC", "IEC/ISO")) else Committee.Body.ISO
    # The last segment names the committee itself: "SC 2" in "ISO/TC 176/SC 2", "JTC 3" in "IEC/ISO JTC 3".
    found = re.search(r"(?:^|\s)(JWG|WG|SC|JTC|TC|PC)\s", reference.split("/")[-1].strip() + " ")
    kinds = {
        "JWG": Committee.Kind.WG,
        "WG": Committee.Kind.WG,
        "SC": Committee.Kind.SC,
        "JTC": Committee.Kind.JTC,
        "TC": Committee.Kind.TC,
        "PC": Committee.Kind.PC,
    }
    if found:
        return body, kinds[found.group(1)]
    return body, Committee.Kind.OTHER


def _list(value: str | None) -> list[str]:
    value = (value or "").strip()
    if not value:
        return []
    if not (value.startswith("[") and value.endswith("]")):
        raise ValueError(value)
    inner = value[1:-1].strip()
    return [item.strip() for item in inner.split(",")] if inner else []


def _ids(value: str | None) -> list[int]:
    return [int(item) for item in _list(value)]


def _pairs(ids: str | None, acronyms: str | None) -> list[tuple[int, str]]:
    numbers = _ids(ids)
    names = _list(acronyms)
    if len(names) != len(numbers):
        names = [""] * len(numbers)
    return list(zip(numbers, names, strict=True))


def _optional_int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text else None


def _multilingual(raw: dict, column: str, texts: bool = True) -> dict:
    if not texts:
        return {}
    converted = {language: html_to_text(raw.get(f"{column}.{language}") or "") for language in ("en", "fr")}
    return {language: text for language, text in converted.items() if text}


def _parse_row(line: int, raw: dict, texts: bool = True) -> Row:
    """A row of the file; without `texts`, its titles and scopes are left empty (the passes that compare
    memberships and secretariats need no text, and converting scopes from HTML is the costly part)."""
    reference = (raw.get("reference") or "").strip()
    if not reference:
        raise ValueError(_("the reference is empty"))
    status = (raw.get("status") or "").strip().lower()
    if status not in STATUSES:
        raise ValueError(_("unknown status “%(status)s”") % {"status": raw.get("status")})
    created = (raw.get("creationDate") or "").strip()
    secretariat_id = _optional_int(raw.get("secretariat.id"))
    return Row(
        line=line,
        iso_id=int((raw.get("id") or "").strip()),
        reference=reference[:100],
        status=STATUSES[status],
        title=_multilingual(raw, "title", texts),
        scope=_multilingual(raw, "scope", texts),
        secretariat=(secretariat_id, (raw.get("secretariat.acronym") or "").strip()) if secretariat_id else None,
        creation_date=datetime.date.fromisoformat(created[:10]) if created else None,
        parent_iso_id=_optional_int(raw.get("parentId")),
        p_members=_pairs(raw.get("pMembers.id"), raw.get("pMembers.acronym")),
        o_members=_pairs(raw.get("oMembers.id"), raw.get("oMembers.acronym")),
        committee_liaisons=_ids(raw.get("committeeLiaisons.id")),
        organisation_liaisons=_pairs(raw.get("organizationLiaisons.id"), raw.get("organizationLiaisons.acronym")),
        sort_key=(raw.get("sortKey") or "").strip()[:120],
    )


class FileProblems(ValidationError):
    """Rows of the file that cannot be read, each one by line, reference and problem: every one for a job's
    report (`problems`), the first MAX_REPORTED_ERRORS as the messages the command prints."""

    def __init__(self, problems: list[dict]):
        self.problems = problems
        shown = [_problem_text(problem) for problem in problems[:MAX_REPORTED_ERRORS]]
        if len(problems) > MAX_REPORTED_ERRORS:
            shown.append(_("… and %(count)d more errors.") % {"count": len(problems) - MAX_REPORTED_ERRORS})
        super().__init__(shown)


class LargeChange(ValidationError):
    """A file that would disband more than a fifth of the committees recorded from ISO (and more than
    MASS_DISBAND_MIN): refused unless the operator confirms the change explicitly."""

    def __init__(self, missing: int, recorded: int):
        self.missing, self.recorded = missing, recorded
        super().__init__(
            _(
                "This file lacks %(missing)d of the %(recorded)d committees recorded from ISO: it looks cut "
                "short or filtered, not the whole ISO committee file. Nothing was saved. If ISO really did "
                "disband them, confirm this large change explicitly (after a preview)."
            )
            % {"missing": missing, "recorded": recorded}
        )


class _Previewed(Exception):
    """Leaves a dry run's transaction, undoing what it wrote, with what it would have changed."""

    def __init__(self, preview: dict):
        self.preview = preview


def _problem(line: int, reference: str, problem: str) -> dict:
    return {"line": line, "reference": reference, "problem": str(problem)}


def _problem_text(problem: dict) -> str:
    if problem["reference"]:
        return _("Line %(line)d (%(reference)s): %(error)s") % {
            "line": problem["line"],
            "reference": problem["reference"],
            "error": problem["problem"],
        }
    return _("Line %(line)d: %(error)s") % {"line": problem["line"], "error": problem["problem"]}


def _cut_short(line: int) -> ValidationError:
    return ValidationError(
        _(
            "The file ends in the middle of a row (line %(line)d): it looks cut short, for example by an "
            "interrupted download. Download the ISO committee file again; nothing was saved."
        )
        % {"line": line}
    )


# A file: its path, or an open binary file (an upload) read from its start.
Source = Path | str | IO[bytes]


@contextmanager
def _opened(source: Source) -> Iterator[IO[bytes]]:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield handle
    else:
        source.seek(0)
        yield source


@contextmanager
def _text(binary: IO[bytes]) -> Iterator[io.TextIOWrapper]:
    """The file as text from its start, leaving the binary file open (an upload is closed by its owner)."""
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()


def _ends_with_newline(binary: IO[bytes]) -> bool:
    binary.seek(0, os.SEEK_END)
    if binary.tell() == 0:
        return True
    binary.seek(-1, os.SEEK_END)
    return binary.read(1) in (b"\n", b"\r")


def _record_count(binary: IO[bytes]) -> int | None:
    """How many committees the file holds, for the progress bar (None when the file cannot be read: the
    checking pass says why)."""
    try:
        with _text(binary) as text:
            return max(0, sum(1 for _record in csv.reader(text)) - 1)
    except (csv.Error, UnicodeDecodeError):
        return None


class ParsedFile:
    """A checked file, read again row by row each time the import goes through it: an import never holds
    every row at once (a 300,000-row file of titles and scopes would take gigabytes), only compact maps of
    ids. `len()` is its number of committees."""

    def __init__(self, source: Source, count: int):
        self.source = source
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Row]:
        return self.rows()

    def rows(self, *, texts: bool = True) -> Iterator[Row]:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
        with _opened(self.source) as binary, _text(binary) as text:
            reader = csv.DictReader(text, strict=True)
            for raw in reader:
                yield _parse_row(reader.line_num, raw, texts)

    def batches(self, *, texts: bool = True) -> Iterator[list[Row]]:
        """The rows in lists of `batch_size()`: each list is compared with the database in a few statements."""
        return chunks(self.rows(texts=texts))


def parse_file(source: Source, *, progress: Progress | None = None) -> ParsedFile:
    """Read and check the whole file (streamed row by row, nothing kept but the ids seen); any problem raises
    a ValidationError that says what is wrong (FileProblems: each bad row), before anything is written. A
    file cut short (an interrupted download) is refused as such."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        with _opened(source) as binary:
            ends_with_newline = _ends_with_newline(binary)
            if progress is not None:
                progress.step(_("Reading and checking the rows"), total=_record_count(binary))
            with _text(binary) as text:
                count = _parse(text, ends_with_newline=ends_with_newline, progress=progress)
        return ParsedFile(source, count)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text (byte %(position)d): expected the ISO Open Data committee CSV.")
            % {"position": exc.start}
        ) from exc
    except OSError as exc:
        raise ValidationError(_("The file cannot be read: %(error)s") % {"error": exc.strerror or exc}) from exc


def _parse(text: io.TextIOWrapper, *, ends_with_newline: bool, progress: Progress | None) -> int:
    """The checking pass: how many committees the file holds, or the problems found."""
    rows = 0
    problems: list[dict] = []
    seen: set[int] = set()
    reader = csv.DictReader(text, strict=True)
    short_line = last_line = 0
    try:
        columns = reader.fieldnames
        if not columns:
            raise ValidationError(_("The file is empty: expected the ISO Open Data committee CSV."))
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise ValidationError(
                _(
                    "This is not the ISO Open Data committee file: missing columns %(columns)s. "
                    "Expected a CSV with the header of iso_technical_committees."
                )
                % {"columns": ", ".join(missing)}
            )
        for count, raw in enumerate(reader, start=1):
            if progress is not None:
                progress.advance(count)
            line = last_line = reader.line_num
            if None in raw or any(value is None for value in raw.values()):
                short_line = line
                problems.append(_problem(line, "", _("wrong number of fields")))
                continue
            try:
                row = _parse_row(line, raw, texts=False)
            except (ValueError, TypeError) as exc:
                problems.append(_problem(line, raw.get("reference") or "", str(exc)))
                continue
            if row.iso_id in seen:
                problems.append(
                    _problem(line, row.reference, _("committee id %(id)d appears twice") % {"id": row.iso_id})
                )
                continue
            seen.add(row.iso_id)
            rows += 1
    except csv.Error as exc:
        # In strict mode the csv module says so when the file ends inside a quoted field.
        if "end of data" in str(exc):
            raise _cut_short(reader.line_num) from exc
        raise ValidationError(_("The file is not a readable CSV: %(error)s") % {"error": exc}) from exc
    if short_line and short_line == last_line and not ends_with_newline:
        raise _cut_short(short_line)
    if problems:
        raise FileProblems(problems)
    if not rows:
        raise ValidationError(_("The file has a header but no committee."))
    return rows


def _sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with _opened(source) as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def iso_committees_import(
    *,
    path: Source,
    as_of: datetime.date | None = None,
    actor=None,
    file_name: str = "",
    progress: Progress | None = None,
    confirm_large_change: bool = False,
) -> ImportRun:
    """Import (or re-import) the ISO committee file (a path, or an open binary file such as an upload);
    returns the run, whose `summary` counts the changes. With `progress` (a background job), it reports
    where it is, stops at a progress point if the owner cancels (the transaction saves nothing), and marks
    the job done inside the import's transaction, with the run's summary as its result. A file that would
    disband a large share of the committees is refused (LargeChange) unless `confirm_large_change`."""
    as_of = as_of or timezone.localdate()
    file_name = file_name or (Path(path).name if isinstance(path, (str, Path)) else getattr(path, "name", "") or "")
    rows = parse_file(path, progress=progress)
    try:
        with transaction.atomic():
            run, _importer = _apply(
                rows,
                as_of=as_of,
                actor=actor,
                file_name=file_name,
                sha256=_sha256(path),
                progress=progress,
                confirm_large_change=confirm_large_change,
            )
            if progress is not None:
                progress.succeeded(import_result(run))
            return run
    except IntegrityError as exc:
        raise _conflict(exc) from exc


def iso_committees_preview(
    *, path: Source, as_of: datetime.date | None = None, progress: Progress | None = None
) -> dict:
    """What importing the file would change, committee by committee, saving nothing (a dry run: the import
    runs in a transaction that is then undone). The preview holds the summary's counts, the first
    PREVIEW_LIMIT committees that would change (added, disbanded, status, members joined, moved or left,
    secretariat) with `changes_total`, `large_change` when the file would disband a large share of the
    committees (then applying needs the operator's confirmation), the file's SHA-256 and the last import
    it was compared with (`compared_with`), so that applying it later can check neither has moved."""
    as_of = as_of or timezone.localdate()
    rows = parse_file(path, progress=progress)
    sha256 = _sha256(path)
    try:
        with transaction.atomic():
            compared_with = _latest_run_id()  # before the dry run's own run
            run, importer = _apply(
                rows, as_of=as_of, actor=None, file_name="", sha256=sha256, progress=progress, preview=True
            )
            raise _Previewed(_preview(importer, run, sha256=sha256, compared_with=compared_with))
    except _Previewed as done:
        return done.preview
    except IntegrityError as exc:
        raise _conflict(exc) from exc


def _conflict(exc: IntegrityError) -> ValidationError:
    return ValidationError(
        _("The file conflicts with committees recorded by hand (same reference): %(error)s") % {"error": exc}
    )


def _latest_run_id() -> int | None:
    latest = ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).order_by("-pk").first()
    return latest.pk if latest is not None else None


def _preview(importer: "_Importer", run: ImportRun, *, sha256: str, compared_with: int | None) -> dict:
    """The changes of a dry run, committee by committee (read before its transaction is undone)."""
    named = importer.created_ids | {event.committee_id for event in importer.events}
    references = {
        pk: reference
        for batch in chunks(named)
        for pk, reference in Committee.objects.filter(pk__in=batch).values_list("pk", "reference")
    }
    organisation_ids = {event.organisation_id for event in importer.events if event.organisation_id} | {
        event.previous_organisation_id for event in importer.events if event.previous_organisation_id
    }
    acronyms = {
        pk: acronym or name.get("en") or name.get("fr") or str(pk)
        for batch in chunks(organisation_ids)
        for pk, acronym, name in Organisation.objects.filter(pk__in=batch).values_list("pk", "acronym", "name")
    }
    changes: dict[str, dict] = {}

    def entry(reference: str, change: str = "changed") -> dict:
        return changes.setdefault(reference, {"reference": reference, "change": change})

    for pk in importer.created_ids:
        entry(references[pk], "added")
    for reference in importer.disbanded:
        entry(reference, "disbanded")
    for reference, old, new in importer.status_changes:
        entry(reference)["status"] = [old, new]
    kinds = ParticipationEvent.Kind
    listed: dict[str, str] = {
        kinds.JOINED_P: "joined_p",
        kinds.JOINED_O: "joined_o",
        kinds.MOVED_O_TO_P: "o_to_p",
        kinds.MOVED_P_TO_O: "p_to_o",
        kinds.LEFT: "left",
    }
    for event in importer.events:
        if event.committee_id not in references:
            continue
        reference = references[event.committee_id]
        if event.kind in listed:
            entry(reference).setdefault(listed[event.kind], []).append(acronyms.get(event.organisation_id or 0, "?"))
        elif event.kind == kinds.SECRETARIAT_MOVED:
            entry(reference)["secretariat"] = [
                acronyms.get(event.previous_organisation_id or 0, "—"),
                acronyms.get(event.organisation_id or 0, "—"),
            ]
    ordered = sorted(changes.values(), key=lambda item: item["reference"])
    for item in ordered:
        for key in listed.values():
            if key in item:
                item[key].sort()
    return {
        "preview": True,
        "as_of": run.as_of.isoformat(),
        "sha256": sha256,
        "compared_with": compared_with,
        "summary": _summary(importer, baseline=importer.baseline, rows=len(importer.rows)),
        "large_change": importer.large_change,
        "changes": ordered[:PREVIEW_LIMIT],
        "changes_total": len(ordered),
    }


def import_result(run: ImportRun) -> dict:
    """What a background import keeps as its result: the run and its summary."""
    return {"import_run": run.pk, "as_of": run.as_of.isoformat(), "file_name": run.file_name, "summary": run.summary}


class _Importer:
    """Writes a file's differences with the database. It goes through the file several times, a batch of rows
    at a time (ParsedFile.batches), and keeps only ids between passes: the committees' primary keys, parents
    and secretariats by ISO id, and the changes a preview lists."""

    def __init__(self, *, rows: ParsedFile, as_of: datetime.date, run: ImportRun, baseline: bool):
        self.rows = rows
        self.as_of = as_of
        self.run = run
        self.baseline = baseline
        self.counts: Counter = Counter()
        self.unknown: dict[int, str] = {}
        self.organisations = dict(
            Organisation.objects.filter(iso_member_id__isnull=False).values_list("iso_member_id", "pk")
        )
        self.events: list[ParticipationEvent] = []
        # The file's committees: primary key, and the secretariat the file gives, by ISO id.
        self.pk_of: dict[int, int] = {}
        self.secretariat_of: dict[int, int | None] = {}
        self.old_secretariat: dict[int, int | None] = {}
        # What a preview lists (read by `_preview`).
        self.created_ids: set[int] = set()
        self.status_changes: list[tuple[str, str, str]] = []
        self.disbanded: list[str] = []
        self.gone_references: dict[int, str] = {}
        self.large_change: dict | None = None

    def organisation(self, iso_id: int, acronym: str) -> int | None:
        pk = self.organisations.get(iso_id)
        if pk is None:
            self.unknown.setdefault(iso_id, acronym)
        return pk

    def event(self, committee_id: int, kind: str, organisation_id=None, previous_id=None, note: str = "") -> None:
        self.counts[kind] += 1
        self.events.append(
            ParticipationEvent(
                committee_id=committee_id,
                organisation_id=organisation_id,
                previous_organisation_id=previous_id,
                kind=kind,
                date=self.as_of,
                import_run=self.run,
                note=note,
            )
        )

    # Committees -------------------------------------------------------------------------------------------

    def committees(self) -> None:
        """Create and update the file's committees, a batch of rows at a time."""
        # Committees first entered by hand (no ISO id yet) are adopted by reference rather than duplicated.
        by_reference = {
            (committee.body, committee.reference): committee
            for committee in Committee.objects.filter(iso_id__isnull=True, study_period="")
        }
        parents: dict[int, int | None] = {}
        for batch in self.rows.batches():
            parents.update(self._committees_batch(batch, by_reference))
        self._parents(parents)

    def _committees_batch(self, batch: list[Row], by_reference: dict) -> dict[int, int | None]:
        """Write one batch of the file's committees; returns their recorded parents by primary key."""
        now = timezone.now()
        ids = [row.iso_id for row in batch]
        by_iso = {committee.iso_id: committee for committee in Committee.objects.filter(iso_id__in=ids)}
        created, updated = [], []
        fields = ["body", "kind", "reference", "title", "scope", "status", "creation_date", "sort_key"]
        for row in batch:
            body, kind = classify(row.reference)
            secretariat_id = self.organisation(*row.secretariat) if row.secretariat else None
            values = {
                "body": body,
                "kind": kind,
                "reference": row.reference,
                "title": row.title,
                "scope": row.scope,
                "status": row.status,
                "creation_date": row.creation_date,
                "sort_key": row.sort_key,
                "secretariat_id": secretariat_id,
            }
            self.secretariat_of[row.iso_id] = secretariat_id
            committee = by_iso.get(row.iso_id) or by_reference.get((body, row.reference))
            if committee is None:
                created.append(Committee(iso_id=row.iso_id, source=SOURCE_NOTE, last_import=self.run, **values))
                continue
            self.old_secretariat[row.iso_id] = committee.secretariat_id
            reinstated = committee.status == Committee.Status.DISBANDED
            if (
                committee.iso_id != row.iso_id
                or reinstated
                or any(getattr(committee, name) != value for name, value in values.items())
            ):
                if committee.status != row.status:
                    self.status_changes.append((committee.reference, committee.status, row.status))
                for name, value in values.items():
                    setattr(committee, name, value)
                committee.iso_id = row.iso_id
                committee.disbanded_on = None
                committee.version += 1
                committee.updated_at = now
                committee.last_import = self.run
                updated.append(committee)
        Committee.objects.bulk_create(created, batch_size=rows_per_statement(24, 500))
        Committee.objects.bulk_update(
            updated,
            [*fields, "secretariat", "iso_id", "disbanded_on", "version", "updated_at", "last_import"],
            batch_size=rows_per_statement(2 * 15 + 1, 200),
        )
        self.counts["committees_created"] += len(created)
        self.counts["committees_updated"] += len(updated)
        # Primary keys of the created rows, whatever the database returns from a bulk insert.
        parents: dict[int, int | None] = {}
        for iso_id, pk, parent_id in Committee.objects.filter(iso_id__in=ids).values_list("iso_id", "pk", "parent_id"):
            if iso_id is not None:
                self.pk_of[iso_id] = pk
                parents[pk] = parent_id
        for committee in created:
            pk = self.pk_of[cast(int, committee.iso_id)]
            self.created_ids.add(pk)
            if not self.baseline:
                self.event(pk, ParticipationEvent.Kind.COMMITTEE_CREATED)
        return parents

    def _parents(self, recorded: dict[int, int | None]) -> None:
        """Each committee's parent, once every committee of the file has its primary key."""
        for batch in self.rows.batches(texts=False):
            changed = []
            for row in batch:
                pk = self.pk_of[row.iso_id]
                parent_id = self.pk_of.get(row.parent_iso_id) if row.parent_iso_id else None
                if recorded.get(pk) != parent_id:
                    changed.append(Committee(pk=pk, parent_id=parent_id))
            Committee.objects.bulk_update(changed, ["parent"], batch_size=rows_per_statement(3, 500))

    def disband_missing(self, *, confirmed: bool = False) -> None:
        recorded = (
            Committee.objects.filter(iso_id__isnull=False)
            .exclude(status=Committee.Status.DISBANDED)
            .only("pk", "iso_id", "reference", "status", "version")
        )
        # Compared in Python, not with `exclude(iso_id__in=<every id of the file>)`: one parameter per row.
        count = 0
        gone = []
        for committee in recorded.iterator(chunk_size=batch_size()):
            count += 1
            if committee.iso_id not in self.pk_of:
                gone.append(committee)
        self.large_change = None
        if len(gone) > MASS_DISBAND_MIN and len(gone) * MASS_DISBAND_SHARE > count:
            # ISO never disbands so many committees at once: a file cut at a row's end would have them all
            # disbanded with their memberships closed. Only the operator's explicit confirmation lets it.
            self.large_change = {"missing": len(gone), "recorded": count}
            if not confirmed:
                raise LargeChange(len(gone), count)
        self.disbanded = [committee.reference for committee in gone]
        self.gone_references = {committee.pk: committee.reference for committee in gone}
        for committee in gone:
            committee.status = Committee.Status.DISBANDED
            committee.disbanded_on = self.as_of
            committee.version += 1
            committee.last_import = self.run
            self.event(committee.pk, ParticipationEvent.Kind.COMMITTEE_DISBANDED)
        Committee.objects.bulk_update(
            gone, ["status", "disbanded_on", "version", "last_import"], batch_size=rows_per_statement(2 * 4 + 1, 500)
        )
        self.counts["committees_disbanded"] += len(gone)
        for ids in chunks(committee.pk for committee in gone):
            self._close_memberships(CommitteeMembership.objects.filter(committee_id__in=ids, until__isnull=True))
            self._close_roles(
                LeadershipRole.objects.filter(committee_id__in=ids, role=LeadershipRole.Role.SECRETARIAT, end_date=None)
            )

    # Memberships ------------------------------------------------------------------------------------------

    def _close_memberships(self, queryset) -> int:
        # An interval never ends before it starts: one opened by hand after the file's date ends where it began.
        closed = queryset.filter(Q(since__isnull=True) | Q(since__lte=self.as_of)).update(until=self.as_of)
        closed += queryset.filter(since__gt=self.as_of).update(until=F("since"))
        return closed

    def _close_roles(self, queryset) -> int:
        closed = queryset.filter(Q(start_date__isnull=True) | Q(start_date__lte=self.as_of)).update(end_date=self.as_of)
        return closed + queryset.filter(start_date__gt=self.as_of).update(end_date=F("start_date"))

    def memberships(self) -> None:
        """The file's members and organisations in liaison against the open memberships, a batch of committees
        at a time (a committee's memberships are all in its batch)."""
        for batch in self.rows.batches(texts=False):
            self._memberships_batch(batch)

    def _memberships_batch(self, batch: list[Row]) -> None:
        members: dict[tuple[int, int], tuple[int, str]] = {}
        liaisons: dict[tuple[int, int], tuple[int, str]] = {}
        open_rows = CommitteeMembership.objects.filter(
            committee_id__in=[self.pk_of[row.iso_id] for row in batch], until__isnull=True
        ).values_list("pk", "committee_id", "member_id", "liaison_iso_id", "status", "liaison_name")
        for pk, committee_id, member_id, liaison_id, status, liaison_name in open_rows:
            if member_id is not None:
                members[(committee_id, member_id)] = (pk, status)
            elif liaison_id is not None:
                liaisons[(committee_id, liaison_id)] = (pk, liaison_name)
        since = None if self.baseline else self.as_of
        to_open: list[CommitteeMembership] = []
        to_close: list[int] = []
        renamed: list[CommitteeMembership] = []
        kinds = ParticipationEvent.Kind
        for row in batch:
            committee_id = self.pk_of[row.iso_id]
            wanted: dict[int, str] = {}
            for iso_id, acronym in row.p_members:
                if (organisation_id := self.organisation(iso_id, acronym)) is not None:
                    wanted[organisation_id] = CommitteeMembership.Status.P
            for iso_id, acronym in row.o_members:
                if (organisation_id := self.organisation(iso_id, acronym)) is not None:
                    wanted.setdefault(organisation_id, CommitteeMembership.Status.O)
            for member_id, status in wanted.items():
                current = members.pop((committee_id, member_id), None)
                if current is not None and current[1] == status:
                    continue
                if current is not None:
                    to_close.append(current[0])
                    if {current[1], status} == {CommitteeMembership.Status.O, CommitteeMembership.Status.P}:
                        kind = kinds.MOVED_O_TO_P if status == CommitteeMembership.Status.P else kinds.MOVED_P_TO_O
                    else:
                        kind = kinds.JOINED_P if status == CommitteeMembership.Status.P else kinds.JOINED_O
                elif status == CommitteeMembership.Status.P:
                    kind = kinds.JOINED_P
                else:
                    kind = kinds.JOINED_O
                to_open.append(
                    CommitteeMembership(
                        committee_id=committee_id, member_id=member_id, status=status, since=since, import_run=self.run
                    )
                )
                if not self.baseline:
                    self.event(committee_id, kind, member_id)
            for iso_id, acronym in row.organisation_liaisons:
                current = liaisons.pop((committee_id, iso_id), None)
                name = (acronym or str(iso_id))[:200]
                if current is None:
                    to_open.append(
                        CommitteeMembership(
                            committee_id=committee_id,
                            liaison_iso_id=iso_id,
                            liaison_name=name,
                            status=CommitteeMembership.Status.LIAISON,
                            since=since,
                            import_run=self.run,
                        )
                    )
                    self.counts["liaisons_opened"] += 1
                elif current[1] != name:
                    renamed.append(CommitteeMembership(pk=current[0], liaison_name=name))
        # Whatever is still open and was not in the file has ended.
        for (committee_id, member_id), (pk, status) in members.items():
            to_close.append(pk)
            if status in (CommitteeMembership.Status.P, CommitteeMembership.Status.O):
                self.event(committee_id, kinds.LEFT, member_id)
        for pk, _name in liaisons.values():
            to_close.append(pk)
            self.counts["liaisons_closed"] += 1
        closed = sum(
            self._close_memberships(CommitteeMembership.objects.filter(pk__in=batch)) for batch in chunks(to_close)
        )
        # Close before opening: one open interval per member and committee.
        CommitteeMembership.objects.bulk_create(to_open, batch_size=rows_per_statement(10))
        CommitteeMembership.objects.bulk_update(renamed, ["liaison_name"], batch_size=rows_per_statement(3, 500))
        self.counts["memberships_opened"] += len(to_open)
        self.counts["memberships_closed"] += closed

    def committee_liaisons(self) -> None:
        through = Committee.liaison_committees.through
        for batch in self.rows.batches(texts=False):
            current = set(
                through.objects.filter(from_committee_id__in=[self.pk_of[row.iso_id] for row in batch]).values_list(
                    "from_committee_id", "to_committee_id"
                )
            )
            wanted = set()
            for row in batch:
                source = self.pk_of[row.iso_id]
                for iso_id in row.committee_liaisons:
                    liaison = self.pk_of.get(iso_id)
                    if liaison is not None and liaison != source:
                        wanted.add((source, liaison))
            for source, target in current - wanted:
                through.objects.filter(from_committee_id=source, to_committee_id=target).delete()
            through.objects.bulk_create(
                [through(from_committee_id=source, to_committee_id=target) for source, target in wanted - current],
                batch_size=rows_per_statement(3),
            )

    def secretariats(self) -> None:
        for batch in self.rows.batches(texts=False):
            self._secretariats_batch(batch)

    def _secretariats_batch(self, batch: list[Row]) -> None:
        open_roles: dict[int, list[tuple[int, int]]] = {}
        held_rows = LeadershipRole.objects.filter(
            committee_id__in=[self.pk_of[row.iso_id] for row in batch],
            role=LeadershipRole.Role.SECRETARIAT,
            end_date=None,
        ).values_list("pk", "committee_id", "organisation_id")
        for pk, committee_id, organisation_id in held_rows:
            open_roles.setdefault(committee_id, []).append((pk, organisation_id))
        to_open, to_close = [], []
        for row in batch:
            committee_id = self.pk_of[row.iso_id]
            wanted = self.secretariat_of[row.iso_id]
            if row.iso_id in self.old_secretariat and self.old_secretariat[row.iso_id] != wanted and not self.baseline:
                note = (
                    ""
                    if wanted
                    else _("New secretariat not in the directory: %(acronym)s")
                    % {"acronym": row.secretariat[1] if row.secretariat else "-"}
                )
                self.event(
                    committee_id,
                    ParticipationEvent.Kind.SECRETARIAT_MOVED,
                    wanted,
                    self.old_secretariat[row.iso_id],
                    note,
                )
            held = open_roles.get(committee_id, [])
            to_close += [pk for pk, organisation_id in held if organisation_id != wanted]
            if wanted and all(organisation_id != wanted for _pk, organisation_id in held):
                to_open.append(
                    LeadershipRole(
                        committee_id=committee_id,
                        role=LeadershipRole.Role.SECRETARIAT,
                        organisation_id=wanted,
                        start_date=None if self.baseline else self.as_of,
                        import_run=self.run,
                    )
                )
        for ids in chunks(to_close):
            self._close_roles(LeadershipRole.objects.filter(pk__in=ids))
        LeadershipRole.objects.bulk_create(to_open, batch_size=rows_per_statement(12))


def _step(progress: Progress | None, label: str) -> None:
    """A progress point of the import's transaction: the owner's cancel stops it here, saving nothing."""
    if progress is not None:
        progress.step(label)


def _summary(importer: "_Importer", *, baseline: bool, rows: int) -> dict:
    counts = importer.counts
    return {
        **{key: counts.get(key, 0) for key in SUMMARY_KEYS},
        "rows": rows,
        "baseline": baseline,
        "joined_p": counts.get(ParticipationEvent.Kind.JOINED_P, 0),
        "joined_o": counts.get(ParticipationEvent.Kind.JOINED_O, 0),
        "o_to_p": counts.get(ParticipationEvent.Kind.MOVED_O_TO_P, 0),
        "p_to_o": counts.get(ParticipationEvent.Kind.MOVED_P_TO_O, 0),
        "left": counts.get(ParticipationEvent.Kind.LEFT, 0),
        "secretariat_moved": counts.get(ParticipationEvent.Kind.SECRETARIAT_MOVED, 0),
        "unknown_member_ids": len(importer.unknown),
        "unknown_members": [
            {"iso_member_id": iso_id, "acronym": acronym} for iso_id, acronym in sorted(importer.unknown.items())
        ],
    }


def _apply(
    rows: ParsedFile,
    *,
    as_of: datetime.date,
    actor,
    file_name: str,
    sha256: str,
    progress: Progress | None = None,
    confirm_large_change: bool = False,
    preview: bool = False,
) -> tuple[ImportRun, "_Importer"]:
    """Write the file's changes in the current transaction. `preview`: a dry run (its caller undoes it), in
    which a large change is noted (`large_change`) rather than refused, and nothing is audited or queued."""
    if connection.vendor == "postgresql":
        # One import at a time (two workers may each take one): the second compares its file with what the
        # first saved, once it has committed. SQLite runs one write transaction at a time anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    latest = ImportRun.objects.filter(source=ImportRun.Source.ISO_OPEN_DATA).order_by("-as_of").first()
    if latest is not None and as_of < latest.as_of:
        raise ValidationError(
            _(
                "This file is dated %(as_of)s, before the last import (%(latest)s): import files in the order "
                "of their dates, or give a later “as of” date."
            )
            % {"as_of": as_of.isoformat(), "latest": latest.as_of.isoformat()}
        )
    baseline = not Committee.objects.filter(iso_id__isnull=False).exists()
    run = ImportRun.objects.create(
        source=ImportRun.Source.ISO_OPEN_DATA,
        file_name=file_name[:255],
        sha256=sha256,
        as_of=as_of,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    importer = _Importer(rows=rows, as_of=as_of, run=run, baseline=baseline)
    _step(progress, _("Saving the committees"))
    importer.committees()
    _step(progress, _("Disbanding the committees no longer in the file"))
    importer.disband_missing(confirmed=confirm_large_change or preview)
    _step(progress, _("Saving the memberships and the organisations in liaison"))
    importer.memberships()
    _step(progress, _("Saving the liaisons between committees"))
    importer.committee_liaisons()
    _step(progress, _("Saving the secretariats"))
    importer.secretariats()
    _step(progress, _("Recording the changes as dated events"))
    ParticipationEvent.objects.bulk_create(importer.events, batch_size=rows_per_statement(10))
    run.summary = _summary(importer, baseline=baseline, rows=len(rows))
    if importer.large_change is not None and not preview:
        run.summary["large_change_confirmed"] = importer.large_change
    run.save(update_fields=["summary"])
    if not preview:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=run)
        computed_schedule_refresh(source="committees")
    return run, importer


# As a background job -----------------------------------------------------------------------------------------

JOB_KIND = "iso-committees"


def iso_committees_import_start(
    *, actor, upload, as_of: datetime.date | None = None, preview: bool = False, confirm_large_change: bool = False
) -> Job:
    """Queue the import of an uploaded ISO committee file, as of `as_of` (default: today, the day it is
    started). `preview`: a dry run that lists what the file would change, and keeps the file for the
    operator to apply (`iso_committees_preview_apply`) or discard. The job's upload is removed when it ends."""
    if not access.iso_import_can_start(actor):
        raise PermissionDenied
    as_of = as_of or timezone.localdate()
    params: dict = {"as_of": as_of.isoformat()}
    if preview:
        params["preview"] = True
        _pending_sweep()
    if confirm_large_change:
        params["confirm_large_change"] = True
    return job_start(actor=actor, kind=JOB_KIND, params=params, upload=upload)


# A previewed file waits here for the operator's decision (it holds no personal data: committees and the
# acronyms of national bodies); one left over a day is removed when the next preview starts.
PENDING_FOLDER = "committees/iso-pending"
PENDING_HOURS = 24


def _pending_name(job: Job) -> str:
    return f"{PENDING_FOLDER}/{job.pk}.csv"


def _pending_sweep() -> None:
    try:
        _folders, files = default_storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return
    limit = timezone.now() - datetime.timedelta(hours=PENDING_HOURS)
    for name in files:
        path = f"{PENDING_FOLDER}/{name}"
        with contextlib.suppress(OSError):
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)


def iso_committees_preview_pending(job: Job) -> bool:
    """Whether a preview's file still waits to be applied or discarded."""
    return bool(job.result.get("pending")) and default_storage.exists(_pending_name(job))


def iso_committees_preview_discard(*, actor, job: Job) -> None:
    """The operator cancels a previewed import: its kept file is removed, nothing is imported."""
    if not access.iso_import_can_start(actor):
        raise PermissionDenied
    default_storage.delete(_pending_name(job))
    Job.objects.filter(pk=job.pk).update(result={**job.result, "pending": False, "discarded": True})


def iso_committees_preview_apply(*, actor, job: Job, confirm_large_change: bool = False) -> Job:
    """Import the file a preview job kept, as previewed (same date): a new job, whose file must be the one
    previewed and whose import must compare it with the same last import, else it is refused (preview
    again). A large change needs `confirm_large_change`."""
    if not access.iso_import_can_start(actor):
        raise PermissionDenied
    if not iso_committees_preview_pending(job):
        raise ValidationError(_("This preview is no longer waiting to be applied: upload the file again."))
    if job.result.get("large_change") and not confirm_large_change:
        raise ValidationError(
            {"confirm_large_change": [_("Tick the box to confirm that this large change is what ISO published.")]}
        )
    name = _pending_name(job)
    with default_storage.open(name, "rb") as handle:
        upload = File(handle, name=job.upload_name or "iso_technical_committees.csv")
        applied = job_start(
            actor=actor,
            kind=JOB_KIND,
            params={
                "as_of": job.params["as_of"],
                "confirm_large_change": confirm_large_change,
                "preview_of": job.pk,
                "sha256": job.result["sha256"],
                "compared_with": job.result.get("compared_with"),
            },
            upload=upload,
        )
    default_storage.delete(name)
    Job.objects.filter(pk=job.pk).update(result={**job.result, "pending": False, "applied_by": applied.pk})
    return applied


def iso_committees_import_work(job: Job, progress: Progress) -> dict:
    """The job's work: the import of its upload, or its preview. A file with problems fails the job with a
    message and, for bad rows, each row's problem (the job's result)."""
    if not job.upload:
        raise JobRefused(_("The uploaded file is no longer there: upload it again."))
    as_of = datetime.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None
    try:
        with job.upload.open("rb") as handle:
            if job.params.get("preview"):
                preview = iso_committees_preview(path=handle, as_of=as_of, progress=progress)
                handle.seek(0)
                default_storage.delete(_pending_name(job))
                default_storage.save(_pending_name(job), File(handle))
                return {**preview, "pending": True}
            if job.params.get("sha256"):
                _check_unchanged(handle, job.params)
            run = iso_committees_import(
                path=handle,
                as_of=as_of,
                actor=job.owner,
                file_name=job.upload_name,
                progress=progress,
                confirm_large_change=bool(job.params.get("confirm_large_change")),
            )
    except FileProblems as refused:
        count = len(refused.problems)
        message = ngettext(
            "%(count)d row of the file has a problem: nothing was saved. Correct it and upload the file again.",
            "%(count)d rows of the file have problems: nothing was saved. Correct them and upload the file again.",
            count,
        ) % {"count": count}
        raise JobRefused(message, {"errors": refused.problems, "error_count": count}) from refused
    except LargeChange as refused:
        raise JobRefused(
            " ".join(refused.messages), {"large_change": {"missing": refused.missing, "recorded": refused.recorded}}
        ) from refused
    except ValidationError as refused:
        raise JobRefused(" ".join(refused.messages)) from refused
    return import_result(run)


def _check_unchanged(handle, params: dict) -> None:
    """A previewed file is applied as it was previewed, against the same last import."""
    if _sha256(handle) != params["sha256"]:
        raise ValidationError(_("The file is not the one previewed: nothing was saved. Preview it again."))
    if _latest_run_id() != params.get("compared_with"):
        raise ValidationError(
            _(
                "Another import was made since this preview, so it no longer says what would change: nothing "
                "was saved. Preview the file again."
            )
        )
