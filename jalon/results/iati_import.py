"""IATI activity files into programmes (issue 18): the inverse of jalon/results/iati.py.

The file is read by jalon/interop/iati_read.py (safe, streamed, checked); each activity that is not refused maps
to a programme:
- the programme is found by the activity's identifier (an earlier import), else by the code given (`programme`),
  else created, its code from the identifier;
- what the publisher owns follows the file: title, description, dates, owner (the reporting organisation, matched
  to the directory by IATI identifier, then name without accents or case, else as the person mapped it on the
  preview; created when unknown), sector, recipient region and countries; participating organisations are
  matched for the report;
- what the programme owns is never overwritten: results (from the objectives description jalon writes, then the
  result elements) and indicators are matched by code (from the composite `RESULT-INDICATOR` reference the
  export writes, else the reference codes) and only added; a target is set only where the period has none;
  values enter as new measurements (with a percentage's numerator and denominator, and an evidence link), once
  per XPath, submitted, or approved when the programme trusts the publisher (Programme.iati_trusted_publishers);
- new periods, results and indicators are checked set-based, per activity (services.imported_periods_create,
  imported_results_create, imported_indicators_create); the activities go by batches (BATCH): their import records,
  programmes and imported values read once, their new records (programmes, levels, periods, results, indicators,
  disaggregations, targets and values: jalon.lib.bulk.inserts_deferred), provenance, import records and audit
  entries inserted once per kind at the batch's end; a batch is written in one savepoint, and imported again
  activity by activity, each in a savepoint, when one of them is refused;
- nothing is ever deleted (a file holding only results leaves the rest as it is);
- an activity whose content hash is the one imported last time is unchanged: nothing is written.
Every record written knows its file, activity identifier and XPath (IatiProvenance).

The whole run is one transaction: a file refused on the way (truncated, not well-formed) saves nothing, and a
dry run (the preview) rolls everything back after counting what would change.
"""

import contextlib
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import connection, models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_batched
from jalon.interop.iati import codelist_codes, decimal_text
from jalon.interop.iati_read import XML_LANG, Activity, IatiFileRefused, Note, date_read, number_read
from jalon.interop.iati_read_process import activities_read_pipelined
from jalon.lib import bulk
from jalon.lib.text import folded
from jalon.organisations.models import Organisation
from jalon.organisations.services import organisation_create, organisation_update
from jalon.reference.models import Country
from jalon.results import access, services
from jalon.results.iati import (
    DERIVED_IDENTIFIER_PREFIX,
    NON_GOVERNMENTAL_SDOS,
    VOCABULARY_REPORTING_ORG,
    comment_from_comment,
    narrative_from_comment,
    ratio_from_comment,
)
from jalon.results.models import (
    Dimension,
    DimensionValue,
    DisaggregatedTarget,
    IatiActivityImport,
    IatiProvenance,
    Indicator,
    Level,
    Measure,
    Measurement,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
from jalon.results.progress_cache import progress_batched

logger = logging.getLogger(__name__)

IMPORT_JOB = "iati-import"
MEASURES = {
    "1": Measure.COUNT,
    "2": Measure.PERCENTAGE,
    "3": Measure.QUALITATIVE,
    "4": Measure.ORDINAL,
    "5": Measure.QUALITATIVE,
}
LEVELS = {
    1: ("output", {"en": "Output", "fr": "Produit"}),
    2: ("outcome", {"en": "Outcome", "fr": "Effet"}),
    3: ("impact", {"en": "Impact", "fr": "Impact"}),
    9: ("other", {"en": "Other", "fr": "Autre"}),
}
KINDS = {
    "40": Organisation.Kind.INTERNATIONAL_SDO,
    "21": Organisation.Kind.INTERNATIONAL_SDO,
    "15": Organisation.Kind.NSB,
    "10": Organisation.Kind.MINISTRY,
    "80": Organisation.Kind.UNIVERSITY,
}


@dataclass
class ActivityOutcome:
    identifier: str
    xpath: str
    line: int | None
    status: str  # "added", "changed", "unchanged", "refused"
    programme: str = ""
    notes: list[Note] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # what was added, by kind of record

    def as_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "xpath": self.xpath,
            "line": self.line,
            "status": self.status,
            "programme": self.programme,
            "added": dict(self.counts),
            "notes": [
                {"severity": n.severity, "rule": n.rule_id, "message": n.message, "xpath": n.xpath, "line": n.line}
                for n in self.notes
            ],
        }


@dataclass
class OrganisationMatch:
    """An organisation the file names (reporting or participating), and the directory's organisation it was
    matched to: by IATI identifier, by name (accents and case aside), as the person mapped it, or not at all."""

    key: str  # its IATI identifier, else its name as folded for matching
    ref: str
    name: str
    roles: set[str] = field(default_factory=set)  # "reporting", "participating"
    organisation_id: int | None = None
    organisation_name: str = ""
    how: str = ""  # "identifier", "name", "mapped", "added", ""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "ref": self.ref,
            "name": self.name,
            "roles": sorted(self.roles),
            "organisation": self.organisation_id,
            "organisation_name": self.organisation_name,
            "how": self.how,
        }


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    activities: list[ActivityOutcome] = field(default_factory=list)
    organisations: dict[str, OrganisationMatch] = field(default_factory=dict)

    def statuses(self) -> Counter:
        return Counter(outcome.status for outcome in self.activities)

    def as_dict(self) -> dict:
        return {
            "file": self.file_name,
            "dry_run": self.dry_run,
            "statuses": dict(self.statuses()),
            # An import never deletes: the preview says so rather than leaving it implied.
            "removed": 0,
            "activities": [outcome.as_dict() for outcome in self.activities],
            "organisations": [match.as_dict() for match in self.organisations.values()],
        }


def name_folded(name: str) -> str:
    """A name as compared for matching: without accents, case or repeated spaces ("Société  Générale" is
    "societe generale")."""
    return " ".join(folded(name).split())


class Directory:
    """The directory's organisations, read once per file (one query), matched by IATI identifier then name;
    the person's mapping {key: organisation id} decides for those the file names but the directory lacks."""

    def __init__(self, report: ImportReport, mapping: dict[str, int] | None = None):
        self.report = report
        self.by_pk: dict[int, Organisation] = {}
        self.by_identifier: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        # What was added or changed since begin: (organisation, as it was before or None), undone by rollback.
        self.journal: list[tuple[Organisation, Organisation | None]] = []
        for organisation in Organisation.objects.only("pk", "name", "acronym", "iati_identifier").order_by("pk"):
            self._index(organisation)
        self.mapping = {str(key): int(pk) for key, pk in (mapping or {}).items() if str(pk).isdigit()}

    def begin(self) -> None:
        """A new activity or batch: what it adds is forgotten if its savepoint is rolled back (rollback)."""
        self.journal = []

    def rollback(self) -> None:
        for organisation, previous in reversed(self.journal):
            self.by_pk.pop(organisation.pk, None)
            for index in (self.by_identifier, self.by_name):
                for key in [key for key, found in index.items() if found is organisation]:
                    del index[key]
            for match in self.report.organisations.values():
                if match.organisation_id == organisation.pk and match.how in ("added", "mapped"):
                    match.organisation_id, match.organisation_name, match.how = None, "", ""
            if previous is not None:  # an organisation of the directory, changed: as it was before
                self._index(previous)
        self.journal = []

    def add(self, organisation: Organisation, previous: Organisation | None = None) -> None:
        """An organisation added to the directory, or changed (`previous`: as it was), forgotten on rollback."""
        self.journal.append((organisation, previous))
        self._index(organisation)

    def _index(self, organisation: Organisation) -> None:
        self.by_pk[organisation.pk] = organisation
        if organisation.iati_identifier:
            self.by_identifier.setdefault(organisation.iati_identifier.strip().upper(), organisation)
        for name in (organisation.name or {}).values():
            if name:
                self.by_name.setdefault(name_folded(name), organisation)

    def match(self, node, role: str) -> tuple[OrganisationMatch, Organisation | None]:
        """The match of a reporting-org or participating-org element, recorded in the report."""
        ref = (node.get("ref") or "").strip()
        real_ref = ref if ref and not ref.startswith(DERIVED_IDENTIFIER_PREFIX) and ref.upper() != "N/A" else ""
        names = _texts(node)
        name = next(iter(names.values()), "")
        key = real_ref or name_folded(name)
        if not key:
            return OrganisationMatch("", ref, name, {role}), None
        match = self.report.organisations.get(key)
        if match is None:
            match = self.report.organisations[key] = OrganisationMatch(key, real_ref, name)
        match.roles.add(role)
        found, how = None, ""
        if key in self.mapping and self.mapping[key] in self.by_pk:
            found, how = self.by_pk[self.mapping[key]], "mapped"
            if real_ref and not found.iati_identifier:
                # The person said who this is: the directory learns its identifier, matched directly next time.
                previous = found
                found = organisation_update(actor=None, organisation=found, iati_identifier=real_ref)
                self.add(found, previous)
        elif real_ref and real_ref.upper() in self.by_identifier:
            found, how = self.by_identifier[real_ref.upper()], "identifier"
        else:
            folded = [name_folded(text) for text in names.values()]
            found = next((self.by_name[text] for text in folded if text in self.by_name), None)
            how = "name" if found else ""
        if found is not None:
            match.organisation_id, match.organisation_name, match.how = found.pk, str(found), match.how or how
        return match, found


def iati_import(
    path: Path,
    *,
    actor,
    file_name: str = "",
    programme_code: str | None = None,
    activity_identifier: str = "",
    organisations: dict[str, int] | None = None,
    dry_run: bool = False,
    trusted: bool = False,
    advance: Callable[[int], None] | None = None,
    expected: dict[str, str] | None = None,
) -> ImportReport:
    """Import the file's activities (see the module's docstring). Raises IatiFileRefused for the whole file;
    nothing is saved then, nor on a dry run.

    Into a programme named (`programme_code`), one activity is imported: `activity_identifier`, else the
    file's first; the others are skipped. `organisations` maps the organisations the file names and the
    directory lacks ({key: organisation id}, keys as the report gives them). Values enter approved when
    `trusted`, or when the activity's publisher is one the programme trusts.

    `expected` ({identifier: "programme:status"}, plan_of of a preview's report): the import a person confirmed
    after that preview. If any activity would now go elsewhere than the preview said (a programme created
    meanwhile, an activity now refused), the whole file is refused and nothing saved: all or nothing."""
    report = ImportReport(file_name or path.name, dry_run)
    with transaction.atomic():
        directory = Directory(report, organisations)
        state = _RunState(chosen=activity_identifier)
        options = {"actor": actor, "code": programme_code, "trusted": trusted, "expected": expected, "advance": advance}
        for chunk in _chunks(activities_read_pipelined(path, max_bytes=settings.IATI_IMPORT_MAX_BYTES), BATCH):
            # One savepoint for the batch: a savepoint per activity was two of the queries of each. When one of its
            # activities is refused, the batch is rolled back and imported again, each activity in a savepoint of
            # its own, so that the refused one leaves the others (refusals that need no write, the reader's, such
            # as a repeated identifier, do not count: they never raise here).
            begun, before = len(report.activities), state.copy()
            directory.begin()
            try:
                with transaction.atomic():
                    _batch_import(chunk, report, directory, state, savepoints=False, **options)
            except ValidationError:
                directory.rollback()
                del report.activities[begun:]
                before.advanced, state = state.advanced, before
                _batch_import(chunk, report, directory, state, savepoints=True, **options)
        if dry_run:
            transaction.set_rollback(True)
    return report


@dataclass
class _RunState:
    """What the run carries from one batch to the next, put back when a batch is imported again."""

    chosen: str  # the one activity imported into a programme named (iati_import's programme_code)
    planned: set[str] = field(default_factory=set)  # the identifiers checked against a confirmed preview
    advanced: int = 0  # the progress said so far (a batch imported again does not say it twice)

    def copy(self) -> "_RunState":
        return _RunState(self.chosen, set(self.planned), self.advanced)


def _batch_import(
    chunk: list[Activity],
    report: ImportReport,
    directory: Directory,
    state: _RunState,
    *,
    savepoints: bool,
    actor,
    code: str | None,
    trusted: bool,
    expected: dict[str, str] | None,
    advance: Callable[[int], None] | None,
) -> None:
    """A batch of activities: their import records, programmes and imported values read at once, their
    provenance, import records and audit entries written at once, their programmes stamped once. With
    `savepoints`, each activity in a savepoint of its own (a refused one said in the report); without, a refusal
    raises (iati_import rolls the batch back and imports it again with them)."""
    batch = _Batch(chunk, code, actor)
    # Without savepoints, the new records' inserts wait for the batch's end, one per kind (bulk.inserts_deferred):
    # a statement that names their tables writes them first (a look-up, a service's check). With savepoints, each
    # activity's are its own.
    deferred = contextlib.nullcontext() if savepoints else bulk.inserts_deferred()
    with audit_batched() as audits, progress_batched(), deferred:
        for activity in chunk:
            if code and not activity.refused and not state.chosen:
                state.chosen = activity.identifier
            if code and activity.identifier != state.chosen:
                outcome = ActivityOutcome(
                    activity.identifier, activity.xpath, activity.line, "skipped", notes=list(activity.notes)
                )
                if activity.refused:
                    outcome.status = "refused"
                report.activities.append(outcome)
            else:
                report.activities.append(
                    _activity_import(
                        activity,
                        actor=actor,
                        file_name=report.file_name,
                        code=code,
                        trusted=trusted,
                        directory=directory,
                        batch=batch,
                        audits=audits,
                        savepoint=savepoints,
                    )
                )
            if expected is not None and activity.identifier not in state.planned:
                # A repeated identifier is refused by the file alone (iati_read): its first is checked.
                state.planned.add(activity.identifier)
                _plan_check(report.activities[-1], expected)
            if advance and len(report.activities) > state.advanced:
                state.advanced = len(report.activities)
                advance(state.advanced)
        batch.save()


def plan_of(report: dict) -> dict[str, str]:
    """What a preview's report (ImportReport.as_dict) says of each activity: its programme and status (of an
    identifier's first activity: a repeat is refused, iati_read)."""
    plan: dict[str, str] = {}
    for activity in report.get("activities", []):
        plan.setdefault(activity.get("identifier", ""), f"{activity.get('programme', '')}:{activity.get('status', '')}")
    return plan


def _plan_check(outcome: ActivityOutcome, expected: dict[str, str]) -> None:
    planned = expected.get(outcome.identifier)
    if planned is None or planned == f"{outcome.programme}:{outcome.status}":
        return
    raise IatiFileRefused(
        _(
            "The activity %(identifier)s would not be imported as the preview said (the programmes changed "
            "since): nothing was saved. Upload the file again for a new preview."
        )
        % {"identifier": outcome.identifier or "?"}
    )


# One activity -------------------------------------------------------------------------------------------


class _Writer:
    """Writes one activity's records, counting them and recording their provenance."""

    def __init__(self, activity: Activity, outcome: ActivityOutcome, actor, file_name: str, directory: Directory):
        self.activity, self.outcome, self.actor, self.file_name = activity, outcome, actor, file_name
        self.directory = directory
        self.provenance: list[tuple[str, models.Model, str, str]] = []

    def path(self, node) -> str:
        return self.activity.xpath + node.getroottree().getpath(node)[len("/iati-activity") :]

    def added(self, kind: str, record, node, fingerprint: str = "") -> None:
        """Count a record and keep its provenance; records made in bulk get their ids later (pending)."""
        self.outcome.counts[kind] += 1
        self.provenance.append((kind, record, self.path(node), fingerprint))

    def provenance_rows(self) -> Iterator[tuple]:
        """Every record's file, activity, XPath and fingerprint (PROVENANCE_FIELDS), written with the batch's
        (_Batch.save)."""
        for kind, record, xpath, fingerprint in self.provenance:
            # At the columns' lengths: PostgreSQL refuses longer (a file's name is the uploader's).
            yield kind, record.pk, self.file_name[:250], self.activity.identifier[:200], xpath[:500], fingerprint

    def warn(self, message: str, node, rule_id: str = "import") -> None:
        line = node.sourceline + self.activity.line_offset if node.sourceline else None
        self.outcome.notes.append(Note("warning", message, self.path(node), line, rule_id))


PROVENANCE_FIELDS = ("record_type", "record_id", "file_name", "activity_identifier", "xpath", "fingerprint")


@dataclass
class _Imported:
    """The values imported from an activity before, recognised by what they hold (their fingerprints, counted: two
    equal values are two), so that a value is not imported again when the file moves it (an activity or a value
    added before it changes every XPath after); the values imported before fingerprints were kept, by XPath."""

    fingerprints: Counter = field(default_factory=Counter)
    paths: set[str] = field(default_factory=set)

    def add(self, xpath: str, fingerprint: str) -> None:
        if fingerprint:
            self.fingerprints[fingerprint] += 1
        else:
            self.paths.add(xpath)

    def copy(self) -> "_Imported":
        return _Imported(Counter(self.fingerprints), set(self.paths))

    def take(self, fingerprint: str) -> bool:
        """Whether a value that holds this was imported before; each imported value answers once."""
        if self.fingerprints[fingerprint] > 0:
            self.fingerprints[fingerprint] -= 1
            return True
        return False


# The longest iati-identifier an import record holds (a longer one is refused: PostgreSQL would refuse the file).
IDENTIFIER_LONGEST = IatiActivityImport._meta.get_field("identifier").max_length or 0


# Activities read, then imported, together: their look-ups and the writes that wait for their end, once.
BATCH = 50


def _chunks(activities: Iterator[Activity], size: int) -> Iterator[list[Activity]]:
    chunk: list[Activity] = []
    for activity in activities:
        chunk.append(activity)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# PostgreSQL advisory locks of the activities an import is writing: this key, then the identifier's hash.
ACTIVITY_LOCKS = 1_801_003


def _activities_claim(identifiers: set[str]) -> None:
    """On PostgreSQL, the batch's activity identifiers held by this import until its transaction ends, so that two
    imports at once (two workers, a confirmation sent twice) cannot both read an activity's values as not imported
    yet and write them twice. The second is refused and saves nothing, rather than made to wait: waiting for the
    identifiers of several batches, taken in two orders, could deadlock. A hash shared by two identifiers refuses an
    import that could have run; it never lets one through. On SQLite, one writer at a time already orders imports."""
    if connection.vendor != "postgresql" or not identifiers:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identifier FROM unnest(%s::text[]) AS identifier "
            "WHERE NOT pg_try_advisory_xact_lock(%s, hashtext(identifier)) ORDER BY identifier",
            [sorted(identifiers), ACTIVITY_LOCKS],
        )
        held = [identifier for (identifier,) in cursor.fetchall()]
    if held:
        raise IatiFileRefused(
            _(
                "Another import is writing the activity %(identifier)s at this moment: nothing was saved. Import the "
                "file again once it has finished."
            )
            % {"identifier": held[0]}
        )


class _Batch:
    """What a batch of activities looks up, read once for all of them (their import records, the programmes of
    their codes, the values imported from them before), kept up to date with what each activity writes, and the
    rows written once at the batch's end (targets and values, provenance, new import records). An activity refused
    adds nothing."""

    def __init__(self, activities: list[Activity], code: str | None, actor):
        self.actor = actor
        identifiers = {activity.identifier for activity in activities if activity.identifier}
        _activities_claim(identifiers)
        self.records: dict[str, IatiActivityImport] = {
            record.identifier: record
            for record in IatiActivityImport.objects.filter(identifier__in=identifiers).select_related("programme")
        }
        codes = {code} if code else {_code(identifier) for identifier in identifiers}
        self.programmes = {programme.code: programme for programme in Programme.objects.filter(code__in=codes)}
        # The identifiers each programme found by code was imported from (_programme refuses another whose
        # identifier gives the same code: "XM-1" and "xm-1").
        self.bound: dict[int, set[str]] = {}
        if not code and self.programmes:
            for programme_id, identifier in IatiActivityImport.objects.filter(
                programme__in=self.programmes.values()
            ).values_list("programme_id", "identifier"):
                self.bound.setdefault(programme_id, set()).add(identifier)
        self.imported: dict[str, _Imported] = {}
        for identifier, xpath, fingerprint in IatiProvenance.objects.filter(
            record_type="measurement", activity_identifier__in=identifiers
        ).values_list("activity_identifier", "xpath", "fingerprint"):
            self.imported.setdefault(identifier, _Imported()).add(xpath, fingerprint)
        self.writers: list[_Writer] = []
        self.new_records: list[IatiActivityImport] = []
        # The targets and values of the activities imported, checked (services.imported_values_check), written
        # together; with the programmes they go to.
        self.milestones: list[Milestone] = []
        self.measurements: list[Measurement] = []
        self.valued: set[int] = set()

    def written(
        self, activity: Activity, writer: "_Writer", programme: Programme, record, file_name: str, framework
    ) -> None:
        """An activity imported: its targets and values, provenance and import record, kept for the batch's end."""
        self.writers.append(writer)
        self.milestones.extend(framework.milestones)
        self.measurements.extend(measurement for measurement, _node, _fingerprint in framework.measurements)
        if framework.milestones or framework.measurements:
            self.valued.add(programme.pk)
        self.programmes[programme.code] = programme
        self.bound.setdefault(programme.pk, set()).add(activity.identifier)
        imported = self.imported.setdefault(activity.identifier, _Imported())
        for kind, _record, xpath, fingerprint in writer.provenance:
            if kind == "measurement":
                imported.add(xpath, fingerprint)
        fields = {
            "programme": programme,
            "file_name": file_name[:250],
            "content_hash": activity.content_hash,
            "last_updated": activity.last_updated[:40],
        }
        if record is None:
            record = IatiActivityImport(identifier=activity.identifier, **fields)
            self.records[activity.identifier] = record
            self.new_records.append(record)
            return
        for name, value in fields.items():
            setattr(record, name, value)
        if record.pk is not None:  # else one of this batch's new records, written at its end
            record.save(update_fields=[*fields, "imported_at"])

    def values_write(self) -> None:
        """The targets and values waiting, written (before an activity that reads its programme's again)."""
        if self.milestones or self.measurements:
            services.imported_values_write(actor=self.actor, milestones=self.milestones, measurements=self.measurements)
        self.milestones, self.measurements, self.valued = [], [], set()

    def save(self) -> None:
        self.values_write()
        # Rows, not records: a new programme has about forty, and nothing reads them back.
        bulk.rows_insert(
            IatiProvenance, PROVENANCE_FIELDS, (row for writer in self.writers for row in writer.provenance_rows())
        )
        bulk.instances_insert(self.new_records)
        self.writers, self.new_records = [], []


def _activity_import(
    activity: Activity,
    *,
    actor,
    file_name: str,
    code: str | None,
    trusted: bool,
    directory: Directory,
    batch: _Batch,
    audits: list,
    savepoint: bool = True,
) -> ActivityOutcome:
    """One activity imported (its outcome). With `savepoint`, in a savepoint of its own that a refusal rolls back,
    said in the outcome; without, the refusal (ValidationError) is raised to the caller, whose savepoint holds the
    batch (iati_import)."""
    outcome = ActivityOutcome(activity.identifier, activity.xpath, activity.line, "refused", notes=list(activity.notes))
    if activity.refused:
        return outcome
    if len(activity.identifier) > IDENTIFIER_LONGEST:
        # Its import record could not hold it (PostgreSQL refused the whole file with a server error).
        outcome.notes.append(
            Note(
                "refused",
                _("The iati-identifier has more than %(count)s characters: jalon cannot keep it.")
                % {"count": IDENTIFIER_LONGEST},
                f"{activity.xpath}/iati-identifier",
                activity.line,
                "import.identifier",
            )
        )
        return outcome
    record = batch.records.get(activity.identifier)
    if record is not None and record.content_hash == activity.content_hash:
        outcome.status, outcome.programme = "unchanged", record.programme.code
        return outcome
    writer = _Writer(activity, outcome, actor, file_name, directory)
    # An activity whose programme has targets or values waiting in the batch (an identifier twice in the file,
    # two identifiers of one code) reads them: written first, outside its savepoint if it has one.
    bound = record.programme if record else batch.programmes.get(code or _code(activity.identifier))
    if bound is not None and bound.pk in batch.valued:
        batch.values_write()
    if not savepoint:
        created = _activity_write(activity, writer, record, code, trusted, batch)
        outcome.status = "added" if created else "changed"
        return outcome
    directory.begin()
    audited = len(audits)
    try:
        with transaction.atomic():
            created = _activity_write(activity, writer, record, code, trusted, batch)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for name, texts in messages.items():
            outcome.notes.append(
                Note("refused", f"{name}: {' '.join(texts)}".lstrip(": "), activity.xpath, activity.line, "jalon")
            )
        outcome.counts.clear()
        directory.rollback()
        del audits[audited:]  # the entries of what the savepoint rolled back
        return outcome
    outcome.status = "added" if created else "changed"
    return outcome


def _activity_write(
    activity: Activity, writer: _Writer, record, code: str | None, trusted: bool, batch: _Batch
) -> bool:
    """What one activity writes (its programme, framework, and for the batch's end its values); whether it created
    the programme. Raises ValidationError when it is refused."""
    programme, created = _programme(activity, writer, record, code, batch)
    # The programme decides whose values it takes as approved (its trusted publishers).
    publisher = (activity.element.xpath("string(reporting-org/@ref)") or "").strip()
    trusted = trusted or (bool(publisher) and publisher in (programme.iati_trusted_publishers or []))
    framework = _results(
        activity,
        writer,
        programme,
        trusted=trusted,
        fresh=created,
        imported=batch.imported.get(activity.identifier, _Imported()).copy(),
    )
    batch.written(activity, writer, programme, record, writer.file_name, framework)
    writer.outcome.programme = programme.code
    return created


# Three-letter codes some publishers write for jalon's content languages.
ISO_639_2 = {"eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ara": "ar", "zho": "zh", "chi": "zh", "rus": "ru"}


def _texts(node, writer: "_Writer | None" = None) -> dict[str, str]:
    """{language: text} of an element's narratives; a narrative without a language has the activity's. Texts in
    languages jalon does not hold are left when another remains, else kept as English, and said."""
    if node is None:
        return {}
    # The activity's copy carries the inherited language (iati_read._activity); its tree's root is not the
    # activity once the checks have put it in a wrapper and taken it out again.
    activity = node if node.tag == "iati-activity" else next(node.iterancestors("iati-activity"), None)
    activity_language = (activity.get(XML_LANG) if activity is not None else None) or "en"
    texts: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    for narrative in node.findall("narrative"):
        text = (narrative.text or "").strip()
        language = (narrative.get(XML_LANG) or activity_language).lower()
        language = ISO_639_2.get(language, language)
        if not text:
            continue
        if language not in settings.CONTENT_LANGUAGES:
            other.append((language, text))
        elif language not in texts:
            texts[language] = text
    if other and writer is not None:
        languages = ", ".join(sorted({language for language, _text in other}))
        kept = _("kept as English") if not texts else _("left out")
        writer.warn(
            _("Texts in %(languages)s, a language jalon does not hold: %(kept)s.")
            % {"languages": languages, "kept": kept},
            node,
            "import.language",
        )
    if not texts and other:
        texts["en"] = other[0][1]
    return texts


def _owner(element, writer: _Writer) -> Organisation | None:
    """The reporting organisation in the directory (see Directory), added to it when unknown and not mapped;
    the participating organisations are matched for the report only (jalon records no funders or partners)."""
    for node in element.findall("participating-org"):
        writer.directory.match(node, "participating")
    node = element.find("reporting-org")
    if node is None:
        return None
    match, found = writer.directory.match(node, "reporting")
    if found is not None:
        return found
    ref = (node.get("ref") or "").strip()
    names = _texts(node)
    placeholder = ref.startswith(DERIVED_IDENTIFIER_PREFIX)
    acronym = ref[len(DERIVED_IDENTIFIER_PREFIX) :] if placeholder else ""
    kind = KINDS.get(node.get("type") or "", Organisation.Kind.OTHER)
    if node.get("type") == "21" and acronym not in NON_GOVERNMENTAL_SDOS:
        kind = Organisation.Kind.OTHER
    organisation = organisation_create(
        actor=None,
        name={language: text for language, text in names.items() if language in ("en", "fr")} or {"en": ref or "?"},
        acronym=(acronym or ref)[:30],
        kind=kind,
        iati_identifier="" if placeholder else ref,
    )
    writer.directory.add(organisation)
    match.organisation_id, match.organisation_name, match.how = organisation.pk, str(organisation), "added"
    writer.added("organisation", organisation, node)
    writer.warn(_("The reporting organisation is not in the directory: added."), node, "import.organisation")
    return organisation


def _languages(texts: dict[str, str]) -> list[str]:
    return [language for language in texts if language in settings.CONTENT_LANGUAGES] or ["en"]


def _dates(element) -> tuple:
    dates = {node.get("type"): date_read(node.get("iso-date")) for node in element.findall("activity-date")}
    return dates.get("2") or dates.get("1"), dates.get("4") or dates.get("3")


def _coded(element, tag: str, codelist: str, default: str) -> str:
    for node in element.findall(tag):
        if (node.get("vocabulary") or "1") == "1" and node.get("code") in codelist_codes(codelist):
            return node.get("code")
    return default


def _programme(activity: Activity, writer: _Writer, record, code: str | None, batch: _Batch) -> tuple[Programme, bool]:
    """The activity's programme, its publisher-owned fields set from what the file holds (what it leaves out
    stays as it is)."""
    element = activity.element
    descriptions = {node.get("type") or "1": node for node in element.findall("description")}
    start, end = _dates(element)
    fields = {
        "title": _texts(element.find("title"), writer),
        "description": _texts(descriptions.get("1"), writer),
        "start_date": start,
        "end_date": end,
        "iati_sector": _coded(element, "sector", "Sector", ""),
        "iati_recipient_region": _coded(element, "recipient-region", "Region", ""),
        "iati_recipient_countries": _countries(element, writer),
    }
    fields = {name: value for name, value in fields.items() if value}
    programme = record.programme if record else batch.programmes.get(code or _code(activity.identifier))
    others = sorted(batch.bound.get(programme.pk, set()) - {activity.identifier}) if programme and not record else []
    if programme is not None and others and not code:
        # Another activity's programme: taking it would add this one's values to the other's.
        raise ValidationError(
            _(
                "The activity %(other)s, already imported into the programme %(code)s, has an identifier that gives "
                "the same code: import this one into a programme chosen on the upload page."
            )
            % {"other": others[0], "code": programme.code}
        )
    # The command line imports as nobody (its operator holds the database); a person imports only where they
    # may: into the programmes they manage, and new programmes if they may create them.
    if writer.actor is not None and programme is not None and not access.programme_can_manage(writer.actor, programme):
        raise ValidationError(
            _("The activity belongs to the programme %(code)s, which you do not manage.") % {"code": programme.code}
        )
    if writer.actor is not None and programme is None and not access.programme_can_create(writer.actor):
        raise ValidationError(_("The activity would create a programme, and you may not create programmes."))
    owner = _owner(element, writer)
    if programme is None:
        if start is None or end is None:
            spans = [_span(node) for node in element.iterfind("result/indicator/period")]
            days = [day for span in spans for day in span if day]
            if not days:
                raise ValidationError(_("The activity has no start or end date, and no period to take them from."))
            fields.setdefault("start_date", min(days))
            fields.setdefault("end_date", max(days))
        if owner is None:
            raise ValidationError(_("The activity has no reporting organisation."))
        fields.setdefault("title", {"en": activity.identifier})
        # The batch read the programmes of its codes: this one is free (services.imported_programme_create).
        programme = services.imported_programme_create(
            actor=writer.actor,
            code_taken=False,
            code=code or _code(activity.identifier),
            owner=owner,
            languages=_languages(fields["title"]),
            published=False,
            **fields,
        )
        writer.added("programme", programme, element)
        return programme, True
    changes = {name: value for name, value in fields.items() if getattr(programme, name) != value}
    if owner is not None and owner.pk != programme.owner_id:
        changes["owner"] = owner
    if changes:
        programme = services.programme_update(actor=writer.actor, programme=programme, **changes)
        writer.outcome.counts["programme changed"] += 1
    return programme, False


def _countries(element, writer: _Writer) -> list[dict]:
    """The recipient countries of the codelist, each once, with their share as written when it is a number from
    0 to 100; a code the codelist lacks is said and left."""
    countries: list[dict] = []
    for node in element.findall("recipient-country"):
        code = (node.get("code") or "").strip().upper()
        if code not in codelist_codes("Country"):
            writer.warn(_("“%(code)s” is not a country of the IATI codelist: left out.") % {"code": code}, node)
            continue
        if any(item["code"] == code for item in countries):
            continue
        value, _warning = number_read(node.get("percentage"))
        share = value.number if value is not None and value.number is not None and 0 <= value.number <= 100 else None
        countries.append({"code": code, "percentage": decimal_text(share) if share is not None else None})
    return countries


def _code(identifier: str) -> str:
    return slugify(identifier)[:60].strip("-") or "iati"


# Results -----------------------------------------------------------------------------------------------


def _reference(node) -> str:
    for reference in node.findall("reference"):
        if reference.get("vocabulary") == VOCABULARY_REPORTING_ORG and reference.get("code"):
            return reference.get("code").strip()
    return ""


def _result_code(node, position: int) -> str:
    """The export's composite indicator codes say the result's: `IO1.1-D1` is result IO1.1."""
    composite = [_reference(indicator) for indicator in node.findall("indicator")]
    prefixes = {code.rsplit("-", 1)[0] for code in composite if "-" in code}
    if len(prefixes) == 1 and all("-" in code for code in composite):
        return prefixes.pop()[:20]
    return (_reference(node) or f"R{position}")[:20]


class _Framework:
    """What the results section of one activity looks up, read once per activity (a constant number of queries
    whatever the number of results, indicators, periods and values), and what it writes in bulk: new targets
    and values."""

    def __init__(self, programme: Programme, actor, *, fresh: bool, imported: _Imported):
        self.programme = programme
        # A programme this activity created has no framework yet: nothing to read (a sixth of the queries of
        # a file of new programmes).
        self.fresh = fresh
        self.named_levels: list[Level] = [] if fresh else list(programme.levels.order_by("-order", "-pk"))
        self.levels = {level.iati_result_type: level for level in self.named_levels}
        self.results = {} if fresh else {result.code: result for result in programme.results.all()}
        self.indicators: dict[tuple[int, str], Indicator] = {}
        if not fresh:
            for indicator in Indicator.objects.filter(result__programme=programme).select_related("result"):
                self.indicators[(indicator.result_id, indicator.code)] = indicator
        self.imported: _Imported = imported  # the values imported from this activity before (_Batch)
        # Read after the structure is written (values_prepare): the values of the disaggregations, which
        # indicators have which, the periods that have a target or a narrative, the targets by value.
        self.dimension_keys: dict[str, Dimension] = {}
        self.values: dict[tuple[int, str], DimensionValue] = {}
        self.disaggregations: set[tuple[int, int]] = set()
        self.targeted: set[tuple[int, int]] = set()
        self.narrated: set[tuple[int, int]] = set()
        self.targets_by_value: set[tuple[int, int, int]] = set()
        self.milestones: list[Milestone] = []
        self.measurements: list[tuple[Measurement, object, str]] = []
        self.new_indicators: list[tuple[Indicator, list[Dimension]]] = []
        # A new programme's disaggregations, with their values, as this activity made them (_dimensions): read from
        # here, not the database, where their inserts may still wait (bulk.inserts_deferred).
        self.made: dict[Dimension, list[DimensionValue]] = {}
        self.new_results: list[Result] = []
        # The publisher reports its own values: the importing person must be allowed to report them.
        self.can_report = access.measurement_can_report_for(actor, programme, programme.owner)

    def level_keys(self) -> set[str]:
        return {level.key for level in [*self.levels.values(), *self.named_levels]}

    def level_create(self, writer: "_Writer", *, order: int | None = None, **fields) -> Level:
        """A new level, checked against the programme's levels as read above with those added since (all of
        them: services.imported_level_create looks nothing up); by default after the last."""
        known = [*self.levels.values(), *self.named_levels]
        if order is None:
            order = max((level.order for level in known), default=0) + 1
        return services.imported_level_create(
            actor=writer.actor, programme=self.programme, taken=self.level_keys(), order=order, **fields
        )

    def values_prepare(self) -> None:
        programme = self.programme
        if self.fresh:
            # Only what this activity wrote: no targets, narratives or targets by value yet, and disaggregations
            # only if its indicators named some.
            if self.made:
                self.dimension_keys = dimension_keys(self.made)
                self.values = value_keys([value for values in self.made.values() for value in values])
                self.disaggregations = {
                    (indicator.pk, dimension.pk)
                    for indicator, dimensions in self.new_indicators
                    for dimension in dimensions
                }
            return
        self._disaggregations_read()
        self.targeted = set(
            Milestone.objects.filter(indicator__result__programme=programme).values_list("indicator_id", "period_id")
        )
        self.narrated = set(
            Narrative.objects.filter(indicator__result__programme=programme).values_list("indicator_id", "period_id")
        )
        self.targets_by_value = set(
            DisaggregatedTarget.objects.filter(indicator__result__programme=programme).values_list(
                "indicator_id", "period_id", "dimension_value_id"
            )
        )

    def _disaggregations_read(self) -> None:
        programme = self.programme
        values = list(DimensionValue.objects.filter(dimension__programme=programme).select_related("dimension"))
        dimensions = {value.dimension_id: value.dimension for value in values}
        self.dimension_keys = dimension_keys(dimensions.values())
        self.values = value_keys(values)
        self.disaggregations = set(
            Indicator.dimensions.through.objects.filter(indicator__result__programme=programme).values_list(
                "indicator_id", "dimension_id"
            )
        )

    def dimension_value(self, indicator: Indicator, node) -> DimensionValue | None:
        """The value a `dimension` element names (by codes, or by names as the export writes them), if it is one
        of the indicator's disaggregations."""
        dimension = dimension_find(self.dimension_keys, node.get("name") or "")
        value = value_find(self.values, dimension, node.get("value") or "") if dimension is not None else None
        if value is None or (indicator.pk, value.dimension_id) not in self.disaggregations:
            return None
        return value


def _level(framework: _Framework, node, writer: _Writer) -> Level:
    kind = int(node.get("type")) if (node.get("type") or "").isdigit() and int(node.get("type")) in LEVELS else 9
    found = framework.levels.get(kind)
    if found:
        return found
    key, name = LEVELS[kind]
    level = framework.level_create(writer, key=key, name=name, iati_result_type=kind)
    framework.levels[kind] = level
    writer.added("level", level, node)
    return level


# A line of the objectives description jalon's export writes (results/iati.py objectives_description): the
# result's depth (four spaces a step), its level's name, code and title: "    Output 1.1: Guidelines".
OBJECTIVE = re.compile(r"^(?P<indent>(?: {4})*)(?P<level>\S.*?) (?P<code>\S+)\u00a0?: (?P<title>.+)$")
# A level's IATI result type, from its name, when no result element of the file says it.
LEVEL_TYPES = {"impact": 3, "outcome": 2, "effet": 2, "output": 1, "produit": 1, "activity": 1, "activite": 1}


def _tree(activity: Activity) -> list[tuple[int, str, dict[str, str], dict[str, str]]]:
    """The result tree of the objectives description, if jalon wrote it: [(depth, code, {language: level
    name}, {language: title})] in order; [] when any line of a language reads otherwise (a publisher's prose)."""
    node = next((node for node in activity.element.findall("description") if node.get("type") == "2"), None)
    if node is None:
        return []
    default = activity.language
    by_language: dict[str, list[tuple[int, str, str, str]]] = {}
    for narrative in node.findall("narrative"):
        language = ISO_639_2.get((narrative.get(XML_LANG) or default).lower(), (narrative.get(XML_LANG) or default))
        lines = []
        for line in (narrative.text or "").strip("\n").split("\n"):
            match = OBJECTIVE.match(line.rstrip())
            if match is None:
                return []
            lines.append((len(match["indent"]) // 4, match["code"][:20], match["level"], match["title"]))
        by_language.setdefault(language.lower(), lines)
    if not by_language:
        return []
    first = next(iter(by_language.values()))
    codes = [code for _depth, code, _level, _title in first]
    if len(set(codes)) != len(codes):
        return []
    tree = []
    for depth, code, _level, _title in first:
        levels, titles = {}, {}
        for language, lines in by_language.items():
            for _depth, other, level, title in lines:
                if other == code and language in settings.CONTENT_LANGUAGES:
                    levels[language], titles[language] = level, title
        tree.append((depth, code, levels, titles))
    return tree


def _objectives(activity: Activity, writer: _Writer, framework: _Framework) -> None:
    """The results the objectives description names (results without indicators live there only: the ITU plan),
    with their parents and levels, added when the programme lacks them."""
    elements = {
        _result_code(node, position): node for position, node in enumerate(activity.element.findall("result"), start=1)
    }
    types = {code: node.get("type") for code, node in elements.items()}
    tree = _tree(activity)
    # A level's type is the one the file gives any result of it (the results with indicators).
    level_types: dict[str, str] = {}
    for _depth, code, levels, _titles in tree:
        if types.get(code):
            for name in levels.values():
                level_types.setdefault(name_folded(name), types[code] or "")
    parents: list[Result] = []
    for order, (depth, code, levels, titles) in enumerate(tree, start=1):
        parents = parents[:depth]
        result = framework.results.get(code)
        if result is None and levels and len(parents) == depth:
            kind = next(
                (level_types[name_folded(name)] for name in levels.values() if name_folded(name) in level_types), None
            )
            level = _named_level(framework, levels, kind, writer, activity.element)
            # Written with the activity's other new results, set-based (services.imported_results_create).
            result = Result(
                programme=framework.programme,
                level=level,
                code=code,
                title=titles,
                # What only the result element says (the results with indicators): their description.
                description=_texts(elements[code].find("description"), writer) if code in elements else {},
                parent=parents[-1] if parents else None,
                order=order,
            )
            framework.results[code] = result
            framework.new_results.append(result)
            writer.added("result", result, activity.element.find("description[@type='2']"))
        if result is None:
            return  # a line deeper than its parent: the rest cannot be placed
        parents.append(result)


def _named_level(framework: _Framework, names: dict[str, str], kind: str | None, writer: _Writer, node) -> Level:
    """The programme's level of that name (in any language), else one added with the names and the type the
    file gives (a result element of the same code) or the name suggests."""
    folded_names = {name_folded(name) for name in names.values()}
    for level in framework.levels.values():
        if folded_names & {name_folded(text) for text in (level.name or {}).values()}:
            return level
    for level in framework.named_levels:
        if folded_names & {name_folded(text) for text in (level.name or {}).values()}:
            return level
    english = names.get("en") or next(iter(names.values()))
    result_type = int(kind) if kind and kind.isdigit() and int(kind) in LEVELS else None
    if result_type is None:
        result_type = next((LEVEL_TYPES[name] for name in folded_names if name in LEVEL_TYPES), 9)
    key = slugify(english)[:40] or "level"
    taken = framework.level_keys()
    key = next(candidate for candidate in [key, *(f"{key[:36]}-{n}" for n in range(2, 1000))] if candidate not in taken)
    level = framework.level_create(
        writer,
        key=key,
        name=names,
        iati_result_type=result_type,
        order=len(framework.levels) + len(framework.named_levels) + 1,
    )
    framework.named_levels.append(level)
    framework.levels.setdefault(result_type, level)
    writer.added("level", level, node)
    return level


def _results(
    activity: Activity, writer: _Writer, programme: Programme, *, trusted: bool, fresh: bool, imported: _Imported
) -> "_Framework":
    """The structure first (the result tree of the objectives, results, indicators, their disaggregations:
    looked up, or new; the new results and indicators written set-based, per activity: the periods, levels and
    disaggregations, few, through the services one by one), then the targets and values of every indicator,
    written in bulk."""
    periods = _periods(activity, writer, programme, fresh=fresh)
    framework = _Framework(programme, writer.actor, fresh=fresh, imported=imported)
    _objectives(activity, writer, framework)
    placed = []
    for position, node in enumerate(activity.element.findall("result"), start=1):
        code = _result_code(node, position)
        result = framework.results.get(code)
        if result is None:
            result = Result(
                programme=programme,
                level=_level(framework, node, writer),
                code=code,
                title=_texts(node.find("title"), writer) or {"en": code},
                description=_texts(node.find("description"), writer),
            )
            framework.results[code] = result
            framework.new_results.append(result)
            writer.added("result", result, node)
        placed.append((node, result))
    if framework.new_results:
        services.imported_results_create(
            actor=writer.actor, programme=programme, results=framework.new_results, new_programme=fresh
        )
    indicators = []
    for node, result in placed:
        for number, indicator_node in enumerate(node.findall("indicator"), start=1):
            indicators.append((indicator_node, _indicator(indicator_node, number, result, writer, periods, framework)))
    if framework.new_indicators:
        services.imported_indicators_create(
            actor=writer.actor, programme=programme, indicators=framework.new_indicators, new_programme=fresh
        )
    framework.values_prepare()
    for indicator_node, indicator in indicators:
        _values(indicator_node, indicator, writer, periods, framework)
    _values_check(framework, writer, trusted=trusted)
    return framework


def _values_check(framework: _Framework, writer: _Writer, *, trusted: bool) -> None:
    """The activity's new targets and values checked (services.imported_values_check), to be written with the
    batch's (_Batch.values_write)."""
    approve = trusted and access.programme_can_manage(writer.actor, framework.programme)
    if trusted and not approve and framework.measurements:
        writer.warn(
            _("Values enter as submitted: only the programme's managers may import them approved."),
            writer.activity.element,
            "import.trust",
        )
    services.imported_values_check(
        actor=writer.actor,
        programme=framework.programme,
        milestones=framework.milestones,
        measurements=[measurement for measurement, _node, _fingerprint in framework.measurements],
        approve=approve,
        disaggregations=framework.disaggregations,
    )
    for milestone in framework.milestones:
        writer.added("target", milestone, milestone._iati_node)  # type: ignore[attr-defined]
    for measurement, node, fingerprint in framework.measurements:
        writer.added("measurement", measurement, node, fingerprint)


def _periods(activity: Activity, writer: _Writer, programme: Programme, *, fresh: bool) -> dict[tuple, Period | None]:
    """(start, end) -> the programme's period; None for the span of the whole programme (an overall target). The
    new periods are written together (services.imported_periods_create); one refused is said and left out."""
    spans = set()
    for node in activity.element.iterfind("result/indicator/period"):
        start, end = _span(node)
        if start and end:
            spans.add((start, end))
    whole = (programme.start_date, programme.end_date)
    found: dict[tuple, Period | None] = {}
    existing = {} if fresh else {(period.start, period.end): period for period in programme.periods.all()}
    new: list[Period] = []
    for span in sorted(spans):
        if span in existing:
            found[span] = existing[span]
            continue
        if span == whole and len(spans) > 1:
            found[span] = None
            continue
        start, end = span
        period_code = (
            str(start.year)
            if (start.month, start.day, end.month, end.day, end.year) == (1, 1, 12, 31, start.year)
            else f"{start:%Y%m%d}-{end:%Y%m%d}"
        )
        new.append(Period(programme=programme, code=period_code, name={"en": period_code}, start=start, end=end))
    refused = (
        services.imported_periods_create(actor=writer.actor, programme=programme, periods=new, new_programme=fresh)
        if new
        else {}
    )
    for index, period in enumerate(new):
        if index in refused:
            node = activity.element.find("result/indicator/period")
            writer.warn(
                _("Period %(start)s to %(end)s not added: %(why)s")
                % {"start": period.start, "end": period.end, "why": " ".join(refused[index].messages)},
                node,
                "import.period",
            )
            continue
        found[(period.start, period.end)] = existing[(period.start, period.end)] = period
        writer.outcome.counts["period"] += 1
    return found


def _indicator(node, number: int, result: Result, writer: _Writer, periods, framework: _Framework) -> Indicator:
    composite = _reference(node)
    code = composite[len(result.code) + 1 :] if composite.startswith(result.code + "-") else composite
    code = (code or f"I{number}")[:20]
    existing = framework.indicators.get((result.pk, code))
    if existing is not None:
        return existing  # the programme owns its framework: a re-import does not change it
    taken = {indicator_code for _result_id, indicator_code in framework.indicators}
    if code in taken:  # codes are unique per programme; publishers repeat them across results
        code = next(f"{code[:16]}-{n}" for n in range(2, 10_000) if f"{code[:16]}-{n}" not in taken)
        writer.warn(
            _("Indicator code already used in this programme: imported as %(code)s.") % {"code": code},
            node,
            "import.code",
        )
    measure = MEASURES.get(node.get("measure") or "1", Measure.COUNT)
    fields: dict = {
        "code": code,
        "title": _texts(node.find("title"), writer) or {"en": code},
        "definition": _texts(node.find("description"), writer),
        "measure": measure,
        "direction": Indicator.Direction.DESCENDING
        if node.get("ascending") in ("0", "false")
        else Indicator.Direction.ASCENDING,
    }
    baseline = node.find("baseline")
    if baseline is not None:
        year = (baseline.get("year") or "").strip()
        fields["baseline_year"] = int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None
        value, warning = number_read(baseline.get("value"))
        if warning:
            writer.warn(warning, baseline, "import.number")
        if value is not None and value.number is not None and measure != Measure.QUALITATIVE:
            fields["baseline_value"] = value.number
        fields["baseline_note"] = _texts(baseline.find("comment"))
    spanning = [p for p in node.findall("period") if periods.get(_span(p), "missing") is None]
    for period_node in spanning:
        target = period_node.find("target")
        if target is not None:
            value, warning = number_read(target.get("value"))
            fields["target_value"] = value.number if value else None
            fields["target_note"] = _texts(target.find("comment"))
    dimensions = _dimensions(node, result.programme, writer, framework)
    # Written with the activity's other new indicators, set-based (services.imported_indicators_create).
    indicator = Indicator(result=result, **fields)
    framework.indicators[(result.pk, indicator.code)] = indicator
    framework.new_indicators.append((indicator, dimensions))
    writer.added("indicator", indicator, node)
    return indicator


def _dimensions(node, programme: Programme, writer: _Writer, framework: "_Framework") -> list[Dimension]:
    """The programme's disaggregations that the indicator's actuals name (`dimension/@name`), with their values
    (`@value`) added; a name is a dimension code, and a known kind (sex, region...) when it is one."""
    wanted: dict[str, list[str]] = {}
    named = [*node.iterfind("period/actual/dimension"), *node.iterfind("period/target/dimension")]
    for dimension in named:
        name, value = (dimension.get("name") or "").strip(), (dimension.get("value") or "").strip()
        if name and value:
            values = wanted.setdefault(name, [])
            if value not in values:
                values.append(value)
    found: list[Dimension] = []
    if not wanted:
        return found
    language = writer.activity.language if writer.activity.language in settings.CONTENT_LANGUAGES else "en"
    if framework.fresh:
        known_by = framework.made  # a new programme's, made by this activity: nothing to read
    else:
        known_by = {
            dimension: list(dimension.values.all()) for dimension in programme.dimensions.prefetch_related("values")
        }
    keys = dimension_keys(known_by)
    for name, values in wanted.items():
        dimension = dimension_find(keys, name)
        known_values = known_by.get(dimension, []) if dimension else []
        lookup = value_keys(known_values)
        known = [{"code": value.code, "name": value.name} for value in known_values]
        new = [value for value in values if dimension is None or value_find(lookup, dimension, value) is None]
        items = known + [{"code": value[:40], "name": {language: value}} for value in dict.fromkeys(new)]
        if dimension is None or len(items) > len(known):
            taken = {other.code for other in known_by}
            code = slugify(name)[:40] or "dimension"
            code = next(c for c in [code, *(f"{code[:36]}-{n}" for n in range(2, 1000))] if c not in taken)
            if dimension is None:
                dimension, made = services.imported_dimension_create(
                    actor=writer.actor,
                    programme=programme,
                    kind=_dimension_kind(name),
                    code=code,
                    name={language: name},
                    values=items,
                    taken=taken,
                )
            else:
                dimension = services.dimension_save(
                    actor=writer.actor,
                    programme=programme,
                    dimension=dimension,
                    kind=dimension.kind,
                    code=dimension.code,
                    name=dimension.name,
                    values=items,
                )
                made = list(dimension.values.all())
            known_by[dimension] = made
            keys = dimension_keys(known_by)
        found.append(dimension)
    return found


def _dimension_kind(name: str) -> str:
    """A known kind of disaggregation from the name a file gives it: its code ("sex") or its name in English or
    French ("Sex", "Sexe", "Pays"); else custom."""
    from django.utils import translation

    folded = name_folded(name)
    for kind, label in Dimension.Kind.choices:
        names = {kind}
        for language in ("en", "fr"):
            with translation.override(language):
                names.add(name_folded(str(label)))
        if folded in names or slugify(name) == kind:
            return kind
    return Dimension.Kind.CUSTOM


def dimension_keys(dimensions) -> dict[str, Dimension]:
    """How a file names a programme's disaggregation: its code, or its name in any language, folded (the export
    writes the name in the activity's language)."""
    keys: dict[str, Dimension] = {}
    for dimension in dimensions:
        keys.setdefault(dimension.code, dimension)
    for dimension in dimensions:
        for text in (dimension.name or {}).values():
            if text:
                keys.setdefault(name_folded(text), dimension)
    return keys


def dimension_find(keys: dict[str, Dimension], name: str) -> Dimension | None:
    name = name.strip()
    return keys.get(name) or keys.get(slugify(name)[:40]) or keys.get(name_folded(name))


def value_keys(values) -> dict[tuple[int, str], DimensionValue]:
    """How a file names a disaggregation's value: its code, its name in any language folded, and for a country
    coded by ISO alpha-3 its alpha-2 code (as the export writes countries)."""
    values = list(values)
    keys: dict[tuple[int, str], DimensionValue] = {}
    for value in values:
        keys.setdefault((value.dimension_id, value.code), value)
    countries = {
        value.code.upper()
        for value in values
        if value.dimension.kind == Dimension.Kind.COUNTRY and len(value.code) == 3
    }
    alpha2 = dict(Country.objects.filter(iso3__in=countries).values_list("iso3", "iso2")) if countries else {}
    for value in values:
        for text in (value.name or {}).values():
            if text:
                keys.setdefault((value.dimension_id, name_folded(text)), value)
        if value.code.upper() in alpha2:
            keys.setdefault((value.dimension_id, alpha2[value.code.upper()]), value)
    return keys


def value_find(keys: dict[tuple[int, str], DimensionValue], dimension: Dimension, text: str) -> DimensionValue | None:
    text = text.strip()
    return (
        keys.get((dimension.pk, text[:40]))
        or keys.get((dimension.pk, text.upper()))
        or keys.get((dimension.pk, name_folded(text)))
    )


def _span(node) -> tuple:
    start, end = node.find("period-start"), node.find("period-end")
    return (
        date_read(start.get("iso-date") if start is not None else None),
        date_read(end.get("iso-date") if end is not None else None),
    )


def _values(node, indicator: Indicator, writer: _Writer, periods, framework: _Framework) -> None:
    by_value: dict[tuple[int, int], Decimal] = {}
    for period_node in node.findall("period"):
        period = periods.get(_span(period_node))
        if period is None:
            continue
        for target in period_node.findall("target"):
            if target.find("dimension") is not None:
                _target_by_value(target, indicator, period, writer, by_value, framework)
                continue
            value, warning = number_read(target.get("value"))
            if warning:
                writer.warn(warning, target, "import.number")
            if (indicator.pk, period.pk) in framework.targeted:
                continue  # the programme's own target stays (or the file's first, if it gives several)
            number = value.number if value else None
            note = _texts(target.find("comment"))
            if number is None and not note:
                continue
            milestone = Milestone(indicator=indicator, period=period, value=number, note=note)
            milestone._iati_node = target  # type: ignore[attr-defined]
            framework.milestones.append(milestone)
            framework.targeted.add((indicator.pk, period.pk))
        for actual in period_node.findall("actual"):
            _actual(actual, indicator, period, writer, framework)
    # The programme's own targets by value stay; the file's are added beside them.
    new = {key: value for key, value in by_value.items() if (indicator.pk, *key) not in framework.targets_by_value}
    if new:
        services.disaggregated_targets_save(actor=writer.actor, indicator=indicator, targets=new, importing=True)


def _target_by_value(
    target, indicator: Indicator, period: Period, writer: _Writer, by_value: dict, framework: _Framework
) -> None:
    """A period's target for one disaggregation value (`target/dimension`), into `by_value`."""
    dimensions = target.findall("dimension")
    if len(dimensions) > 1:
        writer.warn(_("Targets crossed by several disaggregations are not stored."), target, "import.dimension")
        return
    dimension_value = framework.dimension_value(indicator, dimensions[0])
    value, warning = number_read(target.get("value"))
    if warning:
        writer.warn(warning, target, "import.number")
    if dimension_value is None or value is None or value.number is None:
        return
    by_value[(period.pk, dimension_value.pk)] = value.number


def _fingerprint(indicator: Indicator, period: Period, fields: dict) -> str:
    """What a value holds (its indicator, period and fields as read from the file), to recognise it in a later file
    wherever it stands there."""
    parts = [str(indicator.pk), str(period.pk)]
    for name in sorted(fields):
        value = getattr(fields[name], "pk", fields[name])
        parts.append(f"{name}={value.normalize() if isinstance(value, Decimal) else value}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _actual(node, indicator: Indicator, period: Period, writer: _Writer, framework: _Framework) -> None:
    if writer.path(node) in framework.imported.paths:
        return  # imported once already, before fingerprints were kept
    fields: dict = {}
    dimensions = node.findall("dimension")
    if len(dimensions) > 1:
        writer.warn(_("Values crossed by several disaggregations are not stored."), node, "import.dimension")
        return
    if dimensions:
        fields["dimension_value"] = framework.dimension_value(indicator, dimensions[0])
    comment = _texts(node.find("comment"))
    # The reporter's own comment, as the export writes it ("Comment: ..." in its language), kept with its language.
    remark, comment = comment_from_comment(comment)
    if remark is not None:
        fields["language"], fields["comment"] = remark
    if indicator.measure == Measure.QUALITATIVE:
        language, text = next(iter(comment.items()), ("", ""))
        if not text:
            return
        fields["text"], fields["language"] = text, language
    else:
        value, warning = number_read(node.get("value"))
        if warning:
            writer.warn(warning, node, "import.number")
        if value is None or value.number is None:
            return  # never turned into 0
        fields["value"] = value.number
        if indicator.measure == Measure.PERCENTAGE:
            # The export's first line of a percentage's comment: its numerator and denominator.
            ratio, comment = ratio_from_comment(comment)
            if ratio is not None:
                fields["numerator"], fields["denominator"] = ratio
        narrative = narrative_from_comment(comment) if comment and not dimensions else None
        if narrative is not None:
            # What the export writes of a period's narrative: a narrative again (the programme's own stays).
            if (indicator.pk, period.pk) not in framework.narrated:
                services.narrative_save(
                    actor=writer.actor, indicator=indicator, period=period, importing=True, **narrative
                )
                framework.narrated.add((indicator.pk, period.pk))
        elif comment and remark is None:
            fields["language"], fields["comment"] = next(iter(comment.items()))
    links = [link for link in node.findall("document-link") if _web_address(link.get("url"))]
    if links and not dimensions:
        fields["evidence_url"] = (links[0].get("url") or "").strip()
        if len(links) > 1:
            writer.warn(_("A value keeps one evidence link: the first is kept."), links[1], "import.document")
    fingerprint = _fingerprint(indicator, period, fields)
    if framework.imported.take(fingerprint):
        return  # imported once already
    if not framework.can_report:
        writer.warn(_("Report for your own organisation."), node, "import.value")
        return
    fields["organisation"] = framework.programme.owner  # the publisher reports its own values
    measurement = Measurement(indicator=indicator, period=period, **fields)
    try:
        # Checked here, one by one, so that a value the rules refuse is said and left, not the whole activity.
        services.imported_value_check(measurement, disaggregations=framework.disaggregations)
    except ValidationError as error:
        writer.warn(" ".join(error.messages), node, "import.value")
        return
    framework.measurements.append((measurement, node, fingerprint))


def _web_address(url: str | None) -> bool:
    try:
        URLValidator(schemes=["http", "https"])((url or "").strip())
    except ValidationError:
        return False
    return len((url or "").strip()) <= 200


def iati_import_work(job, progress) -> dict:
    """The job of an uploaded IATI file: params {"programme", "activity", "organisations", "dry_run", "trusted"};
    its result is the report. A refused file fails the job with the reason, nothing saved. A preview (dry run)
    keeps the file as the job's own (result_file) until it is confirmed: the upload itself is removed when the
    job ends."""
    from jalon.jobs.services import JobRefused

    progress.step(_("Reading and checking the activities") if job.params.get("dry_run") else _("Importing"))
    params = job.params or {}
    path = Path(job.upload.path)
    try:
        report = iati_import(
            path,
            actor=job.owner,
            file_name=job.upload_name,
            programme_code=params.get("programme") or None,
            activity_identifier=params.get("activity") or "",
            organisations=params.get("organisations") or {},
            dry_run=bool(params.get("dry_run")),
            trusted=bool(params.get("trusted")),
            advance=lambda done: progress.advance(done),
            expected=params.get("expected"),
        )
    except IatiFileRefused as refused:
        raise JobRefused(refused.message) from refused
    if report.dry_run:
        with path.open("rb") as handle:
            job.result_file.save("preview.xml", File(handle), save=False)
        job.result_name = job.upload_name
        job.save(update_fields=["result_file", "result_name"])
    return report.as_dict()


# The upload page's jobs ----------------------------------------------------------------------------------


def iati_preview_start(*, actor, programme: Programme | None, upload, activity: str = "", language: str | None = None):
    """A preview of an uploaded file (a dry run on the task queue): imported into `programme`, or, without
    one, every activity into its own programme, found by its identifier or created (those who may create
    programmes: access.programme_can_create)."""
    from jalon.jobs.services import job_start

    if programme is None and not access.programme_can_create(actor):
        raise PermissionDenied
    return job_start(
        actor=actor,
        kind=IMPORT_JOB,
        subject_id=programme.pk if programme is not None else None,
        params={"programme": programme.code if programme is not None else "", "activity": activity, "dry_run": True},
        upload=upload,
        language=language,
    )


def iati_preview_confirm(
    *, actor, preview, organisations: dict[str, int], activity: str = "", language: str | None = None
):
    """The import the person confirmed after its preview: the same file, the same activity, their mapping of
    the organisations the directory lacks. With another `activity` of the file, a new preview of that one
    instead. The preview's copy of the file goes (a preview is confirmed once)."""
    from jalon.jobs.models import Job
    from jalon.jobs.services import job_start

    gone = _("This preview can no longer be confirmed: upload the file again.")
    if preview.status != Job.Status.SUCCEEDED or not preview.params.get("dry_run") or not preview.result_file:
        raise ValidationError(gone)
    if not preview.params.get("programme") and not access.programme_can_create(actor):
        raise PermissionDenied
    again = bool(activity) and activity != preview.params.get("activity")
    if again:
        identifiers = {outcome.get("identifier") for outcome in (preview.result or {}).get("activities", [])}
        if activity not in identifiers:
            raise ValidationError({"activity": [_("The file holds no such activity.")]})
        params = {**preview.params, "activity": activity}
    else:
        params = {**preview.params, "dry_run": False, "organisations": organisations, "preview": preview.pk}
        if not preview.params.get("programme"):
            # Several activities, each to its programme: the import must do what the preview showed, or nothing.
            params["expected"] = plan_of(preview.result or {})
    # The preview is taken here, once: of two confirmations at once (a double click, two tabs), one starts the import
    # and the other finds it taken (on PostgreSQL, this update waits for the first's commit, then matches nothing).
    name, storage = preview.result_file.name, preview.result_file.storage
    if not type(preview).objects.filter(pk=preview.pk, result_file=name).update(result_file="", result_name=""):
        raise ValidationError(gone)
    try:
        handle = storage.open(name, "rb")
    except OSError as error:
        raise ValidationError(gone) from error
    with handle:
        job = job_start(
            actor=actor,
            kind=IMPORT_JOB,
            subject_id=preview.subject_id,
            params=params,
            upload=File(handle, name=preview.upload_name or "iati.xml"),
            language=language,
        )
    # The copy goes once the confirmation is committed: a rolled-back request keeps the preview confirmable.
    transaction.on_commit(lambda: storage.delete(name))
    return job


def iati_previews_expire(*, days: int | None = None) -> int:
    """Remove the IATI import previews never confirmed that are older than `days` (IATI_PREVIEW_KEEP_DAYS),
    with the copy of the uploaded file each keeps for its confirmation: a file may hold personal data, and a
    preview left for days is not to be confirmed against today's programmes. A confirmed preview has given its
    file to the import and is kept (the import's job names it); so are the imports themselves. The worker runs
    this every minute (jobs.queue.recovery_register); `jalon iati-previews-expire` for a site run without it.
    Returns how many were removed."""
    from datetime import timedelta

    from django.utils import timezone

    from jalon.jobs.models import Job

    days = settings.IATI_PREVIEW_KEEP_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = Job.objects.filter(kind=IMPORT_JOB, params__dry_run=True, status__in=Job.FINISHED, created_at__lt=cutoff)
    confirmed = {
        pk
        for pk in Job.objects.filter(kind=IMPORT_JOB, params__has_key="preview").values_list(
            "params__preview", flat=True
        )
        if isinstance(pk, int)
    }
    removed = 0
    for preview in old.exclude(pk__in=confirmed).only("pk", "result_file", "upload"):
        for stored in (preview.result_file, preview.upload):
            if stored:
                try:
                    stored.storage.delete(stored.name)
                except OSError:
                    logger.warning("IATI preview %s: could not remove %s", preview.pk, stored.name)
                    break
        else:
            preview.delete()
            removed += 1
    return removed
