"""Reading the rows of an uploaded CSV or XLSX file, safely.

`sheet_read(file, name=...)` gives a `Sheet`: the rows of the file's first worksheet as
(row number as the user sees it in the spreadsheet, [cell values]). Cells are `str` for CSV; for XLSX
they are `str`, `Decimal` (numbers, exactly as stored), `bool`, `datetime.date`/`datetime.datetime`
(numbers with a date format), `CellError` (#N/A...) or None. A file that cannot be read raises
`FileRejected` with a message for the user.

Why not openpyxl for reading: its read-only mode took 40 s for 100,000 rows x 14 columns on the
reference machine, most of the one-minute budget of a whole import. This reader streams the sheet XML
with lxml (already a dependency) in about a fifth of that, and is as strict about safety:
- a size limit on the upload (JALON_IMPORT_MAX_BYTES) and on the uncompressed workbook
  (JALON_IMPORT_MAX_UNCOMPRESSED_BYTES): the zip's declared sizes are checked before anything is
  inflated, and Python's zipfile never inflates past a member's declared size, so a zip bomb is refused
  before it costs anything;
- the sheet is streamed row by row, never held in memory; the shared strings (which a workbook lists
  before its first row) are read one at a time, each parsed element dropped as soon as it is read, and
  refused past a count and a length (`shared_strings_limits`), so that a small, highly compressed
  workbook cannot take gigabytes of memory or minutes before its first row;
- XML is parsed without DTD loading, entity expansion or network access;
- formulas are read as the values the spreadsheet cached when it was saved, never evaluated;
- the sheet's declared dimensions are ignored (a forged "A1:XFD1048576" costs nothing), and rows wider
  than MAX_COLUMNS are refused.
openpyxl still writes the templates and reports.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAX_COLUMNS = 200
CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: old .xls workbooks, and also password-protected .xlsx ones.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"MZ")


def setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


def max_bytes() -> int:
    return setting("JALON_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def max_uncompressed_bytes() -> int:
    return setting("JALON_IMPORT_MAX_UNCOMPRESSED_BYTES", 600 * 1024 * 1024)


class FileRejected(Exception):
    """The file as a whole cannot be read; the message is for the user, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(str):
    """A spreadsheet error value (#N/A, #DIV/0!...) cached in a formula cell."""


@dataclass
class Sheet:
    rows: Iterator[tuple[int, list]]
    # Rows in the file (header included) when cheap to know in advance, for the progress bar.
    rows_estimate: int | None = None


def sheet_read(file, *, name: str, probe: bool = False) -> Sheet:
    """Open the upload (a binary file object, seekable) named `name` and give its rows. With `probe`, only
    check that it can be read (type, size, a workbook with a sheet, a text encoding), without the cost of
    the shared strings and the row count: what the upload form asks before the job does the rest."""
    extension = PurePosixPath(name or "").suffix.lower()
    if extension == ".xls":
        raise FileRejected(_("Old Excel workbooks (.xls) cannot be read: save the file as .xlsx, or as CSV."))
    if extension == ".ods":
        raise FileRejected(_("OpenDocument spreadsheets (.ods) cannot be read: save the file as .xlsx, or as CSV."))
    if extension not in ACCEPTED_EXTENSIONS:
        raise FileRejected(
            _("Files of this type (%(extension)s) cannot be imported: upload an .xlsx workbook or a .csv file.")
            % {"extension": extension or _("no extension")}
        )
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise FileRejected(_("The file is empty."))
    if size > max_bytes():
        raise FileRejected(
            _("The file is too large (%(size)s): the limit is %(limit)s. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    head = file.read(8)
    file.seek(0)
    # The content decides, not the name: a workbook saved with a .csv name still reads.
    if head.startswith(OLE2_MAGIC):
        raise FileRejected(
            _(
                "This is an old Excel workbook (.xls) or a password-protected one: save it as .xlsx without a "
                "password, or as CSV."
            )
        )
    if head.startswith(ZIP_MAGIC):
        return _xlsx_read(file, probe=probe)
    if extension in XLSX_EXTENSIONS:
        raise FileRejected(_("This file is not a valid .xlsx workbook. Save it again from your spreadsheet as .xlsx."))
    if head.startswith(BINARY_MAGICS):
        raise FileRejected(_("This file is not a spreadsheet: upload an .xlsx workbook or a .csv file."))
    data = file.read()
    if probe:
        text_decode(data)
        return Sheet(rows=iter(()))
    return _csv_read(data)


# CSV -------------------------------------------------------------------------------------------------------


def text_decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; otherwise Windows-1252, which Excel uses for
    "CSV" in western locales, then Latin-1. UTF-8 is tried strictly first: text in a legacy encoding is
    almost never valid UTF-8 by accident, so this order does not mistake one for the other."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252", "latin-1"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise FileRejected(_("This file is not a spreadsheet or text file: upload an .xlsx workbook or a .csv file."))


def separator_guess(text: str) -> str:
    """Excel writes "CSV" with semicolons where the decimal separator is a comma (French locales): count
    the candidates on the first non-blank line, outside quotes."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
            best = max(counts, key=lambda sep: (counts[sep], sep == ","))
            return best if counts[best] else ","
    return ","


def _csv_read(data: bytes) -> Sheet:
    text = text_decode(data)
    separator = separator_guess(text)
    estimate = text.count("\n") + (0 if text.endswith("\n") else 1)
    return Sheet(rows=_csv_rows(text, separator), rows_estimate=estimate)


# The longest cell a CSV may hold (Python's default). The limit is process-wide in the csv module and other
# readers (the ISO committee import) raise it for their own files: set it again before each read.
CSV_FIELD_LIMIT = 128 * 1024


def _csv_rows(text: str, separator: str) -> Iterator[tuple[int, list]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    number = 0
    try:
        # A record is one spreadsheet row, even when a quoted cell holds line breaks.
        for number, values in enumerate(reader, start=1):  # noqa: B007
            if len(values) > MAX_COLUMNS:
                raise FileRejected(
                    _("Row %(row)s has more than %(limit)s columns.") % {"row": number, "limit": MAX_COLUMNS}
                )
            yield number, values
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV file cannot be read after row %(row)s (%(problem)s).") % {"row": number, "problem": exc}
        ) from exc


# XLSX ------------------------------------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NAMESPACES = (MAIN_NS, STRICT_NS)
# Qualified tag names compared directly: the per-cell code runs millions of times on a large file.
C_TAGS = frozenset(f"{{{ns}}}c" for ns in NAMESPACES)
V_TAGS = frozenset(f"{{{ns}}}v" for ns in NAMESPACES)
IS_TAGS = frozenset(f"{{{ns}}}is" for ns in NAMESPACES)
T_TAGS = frozenset(f"{{{ns}}}t" for ns in NAMESPACES)
ROW_TAGS = frozenset(f"{{{ns}}}row" for ns in NAMESPACES)
SI_TAGS = tuple(f"{{{ns}}}si" for ns in NAMESPACES)
DIGITS = "0123456789"


def _parser_options() -> dict:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml(archive: zipfile.ZipFile, member: str):
    try:
        with archive.open(member) as stream:
            return etree.parse(stream, etree.XMLParser(**_parser_options())).getroot()
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(_("This .xlsx workbook is damaged and cannot be read.")) from exc


def _xlsx_read(file, *, probe: bool = False) -> Sheet:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(_("This file is not a valid .xlsx workbook. Save it again from your spreadsheet.")) from exc
    members = archive.infolist()
    if len(members) > 10_000 or sum(member.file_size for member in members) > max_uncompressed_bytes():
        raise FileRejected(_("This workbook is too large once uncompressed. Split it into several files."))
    if any(member.flag_bits & 0x1 for member in members):
        raise FileRejected(_("This workbook is encrypted: save it without a password."))
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileRejected(_("This file is a zip archive but not an .xlsx workbook."))
    workbook = _xml(archive, "xl/workbook.xml")
    relations = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for relation in _xml(archive, "xl/_rels/workbook.xml.rels"):
            target = relation.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            relations[relation.get("Id")] = (relation.get("Type", ""), target)
    sheet_path = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rid = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
            if rid in relations and element.get("state", "visible") == "visible":
                sheet_path = relations[rid][1]
                break
    if sheet_path is None or sheet_path not in names:
        raise FileRejected(_("This workbook has no worksheet to read."))
    if probe:
        return Sheet(rows=iter(()))
    date1904 = any(
        _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true") for element in workbook.iter()
    )
    shared_path = next((target for kind, target in relations.values() if kind.endswith("/sharedStrings")), None)
    shared = _shared_strings(archive, shared_path) if shared_path in names else []
    styles_path = next((target for kind, target in relations.values() if kind.endswith("/styles")), None)
    date_styles = _date_styles(archive, styles_path) if styles_path in names else set()
    return Sheet(
        rows=_xlsx_rows(archive, sheet_path, shared, date_styles, date1904),
        rows_estimate=_xlsx_row_count(archive, sheet_path),
    )


def shared_strings_limits() -> tuple[int, int]:
    """How many distinct texts, and how many characters in all, a workbook may list: what the largest import
    allowed could need (JALON_IMPORT_MAX_ROWS rows, each with a handful of texts of its own: names, e-mail,
    organisation; the rest repeat and are listed once), with room to spare. 2,000,000 texts by default: about
    4 s and 150 MB to read, where an unbounded list let 1.5 MB of compressed XML take gigabytes."""
    rows = setting("JALON_IMPORT_MAX_ROWS", 200_000)
    return rows * 10, rows * 10 * 64


def _shared_strings(archive, path) -> list[str]:
    strings: list[str] = []
    most, most_characters = shared_strings_limits()
    characters = 0
    try:
        with archive.open(path) as stream:
            for _event, item in etree.iterparse(stream, events=("end",), tag=SI_TAGS, **_parser_options()):
                text = _text_of(item)
                strings.append(text)
                characters += len(text)
                # iterparse keeps every parsed element under the root, cleared or not: drop the ones read.
                item.clear()
                while item.getprevious() is not None:
                    del item.getparent()[0]
                if len(strings) > most or characters > most_characters:
                    raise FileRejected(
                        _("This workbook holds more text than an import can take. Split it into several files.")
                    )
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRejected(_("This .xlsx workbook is damaged and cannot be read.")) from exc
    return strings


def _text_of(element) -> str:
    """Rich text: the runs' text joined; phonetic guides (rPh) are not part of the value."""
    if len(element) == 1 and element[0].tag in T_TAGS:
        return element[0].text or ""
    return "".join(
        node.text or "" for node in element.iter() if _local(node.tag) == "t" and _local(node.getparent().tag) != "rPh"
    )


def _date_styles(archive, path) -> set[int]:
    """Indexes of the cell styles whose number format shows a date or time."""
    root = _xml(archive, path)
    custom = {}
    formats = []
    for element in root:
        if _local(element.tag) == "numFmts":
            for item in element:
                try:
                    custom[int(item.get("numFmtId"))] = item.get("formatCode", "")
                except (TypeError, ValueError):
                    continue
        elif _local(element.tag) == "cellXfs":
            for item in element:
                try:
                    formats.append(int(item.get("numFmtId", 0)))
                except ValueError:
                    formats.append(0)
    dates = set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id, BUILTIN_FORMATS.get(format_id, "General"))
        if is_date_format(code):
            dates.add(index)
    return dates


def _xlsx_row_count(archive, path) -> int | None:
    """The number of <row> elements, counted in the raw XML (fast) so the progress bar has a total."""
    count, tail = 0, b""
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                count += data.count(b"<row ") + data.count(b"<row>")
                tail = data[-5:]
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return count or None


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    """ "A" -> 0, "AB" -> 27; -1 for anything that is not a column name."""
    index = 0
    for letter in letters:
        if not "A" <= letter <= "Z":
            return -1
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str, style: int | None, date_styles: set[int], date1904: bool):
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if style is not None and style in date_styles:
        try:
            moment = from_excel(float(value), epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError, TypeError):
            return value
        if isinstance(moment, datetime.datetime) and moment.time() == datetime.time(0):
            return moment.date()
        return moment
    return value


def _cell_value(cell, shared, date_styles, date1904):
    kind = cell.get("t", "n")
    raw = None
    for child in cell:
        tag = child.tag
        if tag in V_TAGS:
            raw = child.text
        elif tag in IS_TAGS and kind == "inlineStr":
            return _text_of(child)
    if kind == "inlineStr":
        return None
    if raw is None:
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            return None
    if kind == "b":
        return raw.strip() == "1"
    if kind == "e":
        return CellError(raw)
    if kind in ("str", "d"):
        return raw
    return _number(raw, int(cell.get("s")) if (cell.get("s") or "").isdigit() else None, date_styles, date1904)


def _xlsx_rows(archive, path, shared, date_styles, date1904) -> Iterator[tuple[int, list]]:
    expected = 0
    try:
        with archive.open(path) as stream:
            for _event, row in etree.iterparse(stream, events=("end",), tag=ROW_TAGS, **_parser_options()):
                number = row.get("r")
                expected = int(number) if number and number.isdigit() else expected + 1
                values: list = []
                for cell in row:
                    if cell.tag not in C_TAGS:
                        continue
                    reference = cell.get("r")
                    position = column_index(reference.rstrip(DIGITS)) if reference else -1
                    if position < 0:
                        position = len(values)
                    if position >= MAX_COLUMNS:
                        raise FileRejected(
                            _("Row %(row)s has more than %(limit)s columns.") % {"row": expected, "limit": MAX_COLUMNS}
                        )
                    if position > len(values):
                        values.extend([None] * (position - len(values)))
                    value = _cell_value(cell, shared, date_styles, date1904)
                    if position == len(values):
                        values.append(value)
                    else:
                        values[position] = value
                yield expected, values
                # Free what was parsed: memory stays flat whatever the number of rows.
                row.clear()
                parent = row.getparent()
                if parent is not None:
                    while row.getprevious() is not None:
                        del parent[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRejected(
            _("This .xlsx workbook is damaged and cannot be read after row %(row)s.") % {"row": expected}
        ) from exc
