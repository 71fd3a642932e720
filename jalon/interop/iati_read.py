"""Reading IATI activity files as they are published (issue 18): the engine knows IATI, not jalon's records
(jalon/results/iati_import.py maps what it reads).

Safety: a file is refused before it is parsed when it is too large, binary, or declares a DOCTYPE or entities;
it is parsed with entity expansion, DTD loading and network access off, streamed activity by activity
(`iterparse`), each activity removed from the tree once read, so memory holds one activity at a time. A file
that ends before its root element is closed (truncated) raises IatiFileRefused at the end: the caller's
transaction then saves nothing.

Real files: versions 2.01 to 2.03 (1.x activities are refused), codes in upper case where the codelists write
them in lower case (normalised, with a warning), narratives without a language (the activity's, then the
file's), numbers as strings with separators or currency signs (parsed only when unambiguous, the raw text
kept), impossible dates (warned about and left out), an identifier repeated in the file (the repeat refused;
the file's identifiers, one string each, are all the memory that grows with it). Findings carry the XPath and line
of the element.
"""

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn, cast

from django.utils.translation import gettext as _
from lxml import etree

from jalon.interop.iati import Element, activities_schema
from jalon.interop.iati_rules import codelist_check, ruleset_check, standard_ruleset

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SNIFF_BYTES = 65536
SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
CURRENCY_SIGNS = "£$€¥"


class IatiFileRefused(Exception):
    """The whole file is refused (binary, hostile, truncated, too large, not IATI): nothing is saved."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Note:
    """What the reader says of one place of the file: `refused` (the activity is not imported) or `warning`."""

    severity: str
    message: str
    xpath: str = ""
    line: int | None = None
    rule_id: str = ""


@dataclass
class Value:
    """A number as written (`raw`) and what it unambiguously means (`number`, None when it means no number)."""

    raw: str
    number: Decimal | None


@dataclass
class Activity:
    identifier: str
    xpath: str
    line: int | None
    version: str
    language: str
    element: Element  # the activity, normalised; removed from the file's tree
    content_hash: str
    last_updated: str
    notes: list[Note] = field(default_factory=list)
    line_offset: int = 0  # added to a line of `element` gives the line in the file

    @property
    def refused(self) -> bool:
        return any(note.severity == "refused" for note in self.notes)


def file_check(path: Path, *, max_bytes: int) -> None:
    """Refuse, before parsing, what cannot be an IATI file worth parsing."""
    with path.open("rb") as handle:
        head_check(handle.read(SNIFF_BYTES), size=path.stat().st_size, max_bytes=max_bytes)


def head_check(head: bytes, *, size: int, max_bytes: int) -> None:
    """The checks of file_check on the file's first bytes and size (an upload, before it is stored)."""
    if size == 0:
        raise IatiFileRefused(_("The file is empty."))
    if size > max_bytes:
        raise IatiFileRefused(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": size // 1_000_000, "limit": max_bytes // 1_000_000}
        )
    if b"\x00" in head:
        raise IatiFileRefused(_("The file is binary, not an IATI XML file."))
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise IatiFileRefused(_("The file declares a DOCTYPE or entities, which IATI files never need: refused."))
    if b"<IATI-ACTIVITIES" not in upper:
        raise IatiFileRefused(_("The file is not an IATI activities file (no iati-activities element)."))


def number_read(raw: str | None) -> tuple[Value | None, str]:
    """A number of @value: (the value, a warning or ""). "£3,500,000" is 3500000 (a sign and thousands
    separators are unambiguous); "3,5" or "about 20" are no number, never 0."""
    if raw is None:
        return None, ""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = text.lstrip(CURRENCY_SIGNS).rstrip("%")
    if THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if PLAIN.match(cleaned):
        try:
            number = Decimal(cleaned)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            number = None
        warning = "" if cleaned == text else _("“%(raw)s” read as %(number)s.") % {"raw": raw, "number": cleaned}
        return Value(raw, number), warning
    return Value(raw, None), _("“%(raw)s” is not a number: kept as text, not as a value.") % {"raw": raw}


def date_read(raw: str | None) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None


def _normalise(activity: Element, language: str, tree, notes: list[Note]) -> None:
    """Codes the codelists write in lower case (xml:lang, document formats); narratives without a language
    take the activity's."""
    for node in activity.iter("narrative"):
        value = node.get(XML_LANG)
        if value and value != value.lower():
            node.set(XML_LANG, value.lower())
    if activity.get(XML_LANG) and activity.get(XML_LANG) != language:
        notes.append(
            Note(
                "warning",
                _("Language codes in upper case (“%(code)s”) read in lower case.") % {"code": activity.get(XML_LANG)},
                tree.getpath(activity),
                activity.sourceline,
                "import.case",
            )
        )
        activity.set(XML_LANG, language)
    for node in activity.iter("document-link"):
        if node.get("format") and node.get("format") != node.get("format").lower():
            node.set("format", node.get("format").lower())


def _checks(activity: Element, version: str, tree, notes: list[Note]) -> None:
    """The activity on its own, in a 2.03 document: the XSD (2.03 files), the Validator's codelist rules (refuse)
    and standard ruleset (warn)."""
    base = tree.getpath(activity)
    if version != "2.03":
        _earlier_version(activity, version, tree, notes)
    wrapper = etree.Element("iati-activities", {"version": version})
    wrapper.append(activity)
    try:
        if version == "2.03":
            schema = activities_schema()
            if not schema.validate(wrapper):
                for error in schema.error_log:
                    notes.append(Note("refused", error.message, base, error.line, "xsd"))
        else:
            notes.append(
                Note(
                    "warning",
                    _("Version %(version)s: read as 2.03, not checked against its own schema.") % {"version": version},
                    base,
                    activity.sourceline,
                    "import.version",
                )
            )
        for finding in codelist_check(wrapper):
            where = _within(base, finding.xpath)
            # A wrong code refuses the activity where jalon reads it; elsewhere it is said and left.
            severity = "refused" if _mapped(where) else "warning"
            notes.append(Note(severity, finding.message, where, finding.line, finding.rule_id))
        for finding in ruleset_check(wrapper, standard_ruleset()):
            notes.append(Note("warning", finding.message, _within(base, finding.xpath), finding.line, finding.rule_id))
    finally:
        wrapper.remove(activity)


# What the results of a 2.01 or 2.02 activity read differently (the Standard's changes to results in 2.02 and
# 2.03): (path below the activity, the version that brought it). They are read as 2.03 reads them, and said.
LATER_RESULT_PARTS = (
    ("result/indicator/reference", "2.02"),
    ("result/indicator/period/target/dimension", "2.02"),
    ("result/indicator/period/actual/dimension", "2.02"),
    ("result/reference", "2.03"),
    ("result/document-link", "2.03"),
    ("result/indicator/document-link", "2.03"),
    ("result/indicator/baseline/document-link", "2.03"),
    ("result/indicator/period/target/document-link", "2.03"),
    ("result/indicator/period/actual/document-link", "2.03"),
)
# The indicator measures of 2.01 and 2.02: unit (1) and percentage (2); nominal, ordinal and qualitative (3 to
# 5) came with 2.03.
EARLY_MEASURES = ("1", "2")


def _earlier_version(activity: Element, version: str, tree, notes: list[Note]) -> None:
    """An activity of 2.01 or 2.02: the parts of its results its version does not have, and measures it does
    not know, said (they are read as 2.03 reads them); several targets or actuals in one period, which 2.03
    allows, likewise."""
    for path, since in LATER_RESULT_PARTS:
        if since <= version:
            continue
        found = activity.find(path)
        if found is not None:
            notes.append(
                Note(
                    "warning",
                    _("%(element)s is not part of version %(version)s (it came with %(since)s): read as 2.03 reads it.")
                    % {"element": path.rsplit("/", 1)[-1], "version": version, "since": since},
                    tree.getpath(found),
                    found.sourceline,
                    "import.version",
                )
            )
    for indicator in activity.iterfind("result/indicator"):
        if (indicator.get("measure") or "1") not in EARLY_MEASURES:
            notes.append(
                Note(
                    "warning",
                    _("Measure %(code)s is not a measure of version %(version)s: read as in 2.03.")
                    % {"code": indicator.get("measure"), "version": version},
                    tree.getpath(indicator),
                    indicator.sourceline,
                    "import.version",
                )
            )
    for period in activity.iterfind("result/indicator/period"):
        if len(period.findall("target")) > 1 or len(period.findall("actual")) > 1:
            notes.append(
                Note(
                    "warning",
                    _("Several targets or actuals in one period came with 2.03, not version %(version)s: all read.")
                    % {"version": version},
                    tree.getpath(period),
                    period.sourceline,
                    "import.version",
                )
            )


# The parts of an activity that jalon maps (jalon/results/iati_import.py), as paths below the activity.
MAPPED = (
    "/iati-identifier",
    "/reporting-org",
    "/title",
    "/description",
    "/activity-date",
    "/sector",
    "/recipient-region",
    "/result",
)


def _mapped(path: str) -> bool:
    below = path[len("/iati-activity") :]
    return below == "" or below.startswith(MAPPED)


def _within(base: str, xpath: str) -> str:
    """A path found in the one-activity wrapper, said from the file's root."""
    prefix = "/iati-activities/iati-activity"
    return base + xpath[len(prefix) :] if xpath.startswith(prefix) else xpath


def activities_read(path: Path, *, max_bytes: int) -> Iterator[Activity]:
    """The file's activities one at a time, normalised and checked. Raises IatiFileRefused for the whole file
    (before the first activity, or at the end when the file is truncated or not well-formed)."""
    file_check(path, max_bytes=max_bytes)
    # Only the root's start and the activities' ends come to Python: an event per element of the file cost
    # more than the parse itself.
    parser = etree.iterparse(
        str(path),
        events=("start", "end"),
        tag=("iati-activities", "iati-activity"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = None
    file_version, file_language = "", ""
    position = 0
    # Each identifier's first activity ({identifier: (xpath, line)}): a repeat is refused (_repeat_check).
    firsts: dict[str, tuple[str, int | None]] = {}
    try:
        for event, node in parser:
            if root is None:
                if event != "start" or node.tag != "iati-activities" or node.getparent() is not None:
                    _root_refuse(node.getroottree().getroot())
                root = node
                file_version = (node.get("version") or "").strip()
                file_language = (node.get(XML_LANG) or "").lower()
                continue
            if event != "end" or node.tag != "iati-activity" or node.getparent() is not root:
                continue
            position += 1
            activity = _activity(node, position, file_version, file_language)
            _repeat_check(activity, node, firsts)
            yield activity
            node.clear()
            while node.getprevious() is not None:
                del root[0]
            root.remove(node)
    except etree.XMLSyntaxError as error:
        raise IatiFileRefused(
            _("The file is not well-formed XML or is cut short (line %(line)s: %(error)s). Nothing was saved.")
            % {"line": error.lineno, "error": error.msg}
        ) from error
    if root is None and parser.root is not None:
        _root_refuse(parser.root)
    if root is None:
        raise IatiFileRefused(_("The file holds no XML."))


def _repeat_check(activity: Activity, node: Element, firsts: dict[str, tuple[str, int | None]]) -> None:
    """An identifier already used by an activity before it in the file (Validator rule 1.1.2: an identifier is
    unique in a file) refuses the repeat, naming the first: importing both would write the first's values twice
    (each value is imported once per XPath, and a repeat's XPaths are its own). The first is read as usual."""
    if not activity.identifier:
        return
    first = firsts.setdefault(activity.identifier, (activity.xpath, activity.line))
    if first[0] == activity.xpath:
        return
    identifier = node.find("iati-identifier")
    activity.notes.append(
        Note(
            "refused",
            _(
                "The iati-identifier %(identifier)s is already that of the activity at %(xpath)s (line %(line)s): "
                "an identifier is unique in a file, so this second activity is not imported."
            )
            % {"identifier": activity.identifier, "xpath": first[0], "line": first[1] or "?"},
            f"{activity.xpath}/iati-identifier",
            identifier.sourceline if identifier is not None else activity.line,
            "1.1.2",
        )
    )


def _root_refuse(root: Element) -> NoReturn:
    raise IatiFileRefused(_("The file is not an IATI activities file (its root is %(tag)s).") % {"tag": root.tag})


def _activity(node: Element, position: int, file_version: str, file_language: str) -> Activity:
    xpath = f"/iati-activities/iati-activity[{position}]"
    version = (
        node.get("version") or node.get("{http://d-portal.org/xmlns/iati-activities}version") or file_version
    ).strip()
    language = (node.get(XML_LANG) or file_language or "en").lower()
    notes: list[Note] = []
    identifier = (node.findtext("iati-identifier") or "").strip()
    element = _detached(node)
    tree = element.getroottree()
    if version.startswith("1."):
        notes.append(
            Note(
                "refused",
                _("Version %(version)s of the IATI Standard is no longer supported.") % {"version": version},
                xpath,
                1,
                "0.6.1",
            )
        )
    elif version not in SUPPORTED_VERSIONS:
        notes.append(
            Note(
                "warning",
                _("Unknown version “%(version)s”: read as 2.03.") % {"version": version},
                xpath,
                1,
                "import.version",
            )
        )
        version = "2.03"
    if not identifier:
        notes.append(Note("refused", _("The activity has no iati-identifier."), xpath, 1, "import.identifier"))
    if not version.startswith("1."):
        _normalise(element, language, tree, notes)
        _checks(element, version, tree, notes)
    # The copy's lines count from the activity's first line (lxml cannot set lines past 65,535 on a copy).
    offset = (node.sourceline or 1) - 1
    notes = [
        Note(
            note.severity,
            note.message,
            _in_file(note.xpath, xpath),
            note.line + offset if note.line else None,
            note.rule_id,
        )
        for note in notes
    ]
    content_hash = hashlib.sha256(etree.tostring(element)).hexdigest()
    # The copy carries the language its narratives without one inherit (the activity's, else the file's), set
    # after the checks and the hash, which read the activity as written.
    element.set(XML_LANG, language)
    return Activity(
        identifier=identifier,
        xpath=xpath,
        line=node.sourceline,
        version=version,
        language=language,
        element=element,
        content_hash=content_hash,
        last_updated=node.get("last-updated-datetime") or "",
        notes=notes,
        line_offset=offset,
    )


def _detached(node: Element) -> Element:
    """A copy of the activity in a tree of its own (its lines count from the activity's first: add
    Activity.line_offset), the attributes of other namespaces (d-portal's, for one) removed: jalon reads none,
    and they would change the content hash between portals."""
    copy = etree.fromstring(etree.tostring(node))
    for value in cast("list[Any]", FOREIGN_ATTRIBUTES(copy)):
        del value.getparent().attrib[value.attrname]
    return copy


# The attributes of a namespace other than none and xml's (one XPath: a walk of every element in Python cost
# a third of the read).
FOREIGN_ATTRIBUTES = etree.XPath(
    "//@*[namespace-uri() != '' and namespace-uri() != 'http://www.w3.org/XML/1998/namespace']"
)


def _in_file(path: str, activity_xpath: str) -> str:
    """A path inside the detached activity (rooted at /iati-activity), said from the file's root."""
    if path.startswith("/iati-activity"):
        return activity_xpath + path[len("/iati-activity") :]
    return path or activity_xpath
