"""Tabular imports: columns, typed cell parsers, header matching in French and English, row-level error
reports, and the downloadable templates and reports.

An import describes its file as a list of `Column`s. `table_parse` reads a `Sheet`
(jalon.interop.spreadsheets) against them and gives the parsed rows plus a `Report` of every problem,
each naming the row as the user sees it in the spreadsheet, the column's header as written in the file,
the value and the reason in the user's language. The import saves nothing unless the report is empty
(all-or-nothing); that decision belongs to the import kind (e.g. jalon.activities.imports).

Headers are matched case-, accent- and punctuation-insensitively against each column's header in every
language and its aliases. Column headers are part of the file format, so they are data ({"en", "fr"}),
like content fields: a template downloaded in French must import whatever the state of the translation
catalogue. Messages, help and choice labels are translatable strings.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jalon.interop.spreadsheets import CellError, FileRejected, Sheet
from jalon.lib.text import folded

LANGUAGES = ("fr", "en")
# The full list of problems is kept up to this many; beyond it the report says how many more there are.
MAX_ERRORS_KEPT = 5000
VALUE_SHOWN = 100


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """ "Prénom *" -> "prenom": no accents, no case, punctuation as spaces, spaces collapsed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded(text)).split())


class CellInvalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value).strip()


# Parsers: each takes a non-blank cell value and returns the Python value, or raises CellInvalid. ---------


class Parser:
    def __call__(self, value):
        raise NotImplementedError

    def expected(self) -> str:
        """What a valid cell looks like, for the instructions sheet (in the active language)."""
        return ""

    def options(self) -> list[str] | None:
        """The values offered in the template's drop-down list, if any (in the active language)."""
        return None


@dataclass
class Text(Parser):
    max_length: int = 250

    def __call__(self, value):
        text = " ".join(as_text(value).split())
        if len(text) > self.max_length:
            raise CellInvalid(_("Too long: at most %(limit)s characters.") % {"limit": self.max_length})
        return text

    def expected(self):
        return _("Text, at most %(limit)s characters.") % {"limit": self.max_length}


@dataclass
class Email(Parser):
    def __call__(self, value):
        email = as_text(value)
        if email.lower().startswith("mailto:"):
            email = email[7:]
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CellInvalid(_("Not a valid email address.")) from exc
        return email

    def expected(self):
        return _("An email address, such as name@example.org.")


# The words a yes/no cell may hold, in each language the imports read (as `normalise` leaves them: no
# accents, no case), and the marks people write whatever their language. One list for every import:
# attendance columns take "present"/"absent" as any yes/no column does, so that a file's habits carry
# over from one column or one import to another.
YES_WORDS = {
    "en": ("yes", "y", "true", "present", "p", "attended"),
    "fr": ("oui", "o", "vrai", "present", "presente"),
}
NO_WORDS = {
    "en": ("no", "n", "false", "absent", "a"),
    "fr": ("non", "faux", "absent", "absente"),
}
YES_MARKS = ("1", "x")
NO_MARKS = ("0",)


def _words(by_language: dict[str, tuple[str, ...]], marks: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for language in LANGUAGES for word in by_language[language]) | frozenset(marks)


YES = _words(YES_WORDS, YES_MARKS)
NO = _words(NO_WORDS, NO_MARKS)


class YesNo(Parser):
    def __call__(self, value):
        if isinstance(value, bool):
            return value
        word = normalise(as_text(value))
        if word in YES:
            return True
        if word in NO:
            return False
        raise CellInvalid(_("Expected yes or no (oui or non)."))

    def expected(self):
        return _("yes or no (oui or non); x also means yes.")

    def options(self):
        return [_("yes"), _("no")]


def number_read(value) -> Decimal:
    """Numbers as spreadsheets give them, or as people type them: "12.5", "12,5" (French decimal comma),
    "1 234,5" (spaces, including non-breaking ones, group thousands). With both separators, the last one
    is the decimal separator ("1,234.5" and "1.234,5")."""
    if isinstance(value, bool):
        raise CellInvalid(_("Not a number."))
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = re.sub(r"[\s\u00a0\u202f']", "", as_text(value))
    if "," in text and "." in text:
        decimal_comma = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise CellInvalid(_("Not a number."))
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CellInvalid(_("Not a number.")) from exc


@dataclass
class Number(Parser):
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int = 2

    def __call__(self, value):
        number = number_read(value)
        if self.minimum is not None and number < self.minimum or self.maximum is not None and number > self.maximum:
            raise CellInvalid(
                _("Must be between %(minimum)s and %(maximum)s.") % {"minimum": self.minimum, "maximum": self.maximum}
            )
        if -number.as_tuple().exponent > self.places:
            number = number.quantize(Decimal(1).scaleb(-self.places))
        return number

    def expected(self):
        return _("A number from %(minimum)s to %(maximum)s; 12.5 or 12,5.") % {
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


@dataclass
class Integer(Parser):
    minimum: int | None = None
    maximum: int | None = None

    def __call__(self, value):
        number = number_read(value)
        if number != number.to_integral_value():
            raise CellInvalid(_("Must be a whole number."))
        if self.minimum is not None and number < self.minimum or self.maximum is not None and number > self.maximum:
            raise CellInvalid(
                _("Must be between %(minimum)s and %(maximum)s.") % {"minimum": self.minimum, "maximum": self.maximum}
            )
        return int(number)

    def expected(self):
        return _("A whole number from %(minimum)s to %(maximum)s.") % {"minimum": self.minimum, "maximum": self.maximum}

    def options(self):
        if self.minimum is not None and self.maximum is not None and self.maximum - self.minimum < 20:
            return [str(number) for number in range(self.minimum, self.maximum + 1)]
        return None


DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?"), ("year", "month", "day")),
    # Day first, as in French and in British English; never month first.
    (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: .*)?"), ("day", "month", "year")),
)


@dataclass
class Date(Parser):
    def __call__(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = as_text(value)
        for pattern, parts in DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                numbers = dict(zip(parts, (int(group) for group in match.groups()), strict=True))
                try:
                    return datetime.date(numbers["year"], numbers["month"], numbers["day"])
                except ValueError as exc:
                    raise CellInvalid(_("This date does not exist.")) from exc
        raise CellInvalid(_("Not a date: write 2026-03-31 or 31/03/2026."))

    def expected(self):
        return _("A date: 2026-03-31 or 31/03/2026 (day first).")


class Choice(Parser):
    """One of a list, by code or by label in any language (and by aliases such as "F" for female)."""

    def __init__(self, choices: Sequence[tuple[str, object]], aliases: Mapping[str, str] | None = None):
        self.choices = list(choices)
        self.aliases = aliases or {}
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup = {normalise(alias): code for alias, code in self.aliases.items()}
            for code, label in self.choices:
                lookup[normalise(code)] = code
                for language in LANGUAGES:
                    with translation.override(language):
                        lookup.setdefault(normalise(str(label)), code)
            self._lookup = lookup
        return self._lookup

    def __call__(self, value):
        code = self.lookup().get(normalise(as_text(value)))
        if code is None:
            raise CellInvalid(_("Not one of the choices: %(choices)s.") % {"choices": ", ".join(self.options())})
        return code

    def expected(self):
        return _("One of: %(choices)s.") % {"choices": ", ".join(self.options())}

    def options(self):
        return [str(label) for _code, label in self.choices]


class Lookup(Parser):
    """A record named by one of several keys (acronym, name in English or French...), from a mapping built
    once per import: normalised key -> value. Keys shared by several records are ambiguous."""

    def __init__(
        self,
        entries: Iterable[tuple[Iterable[str], object]],
        *,
        unknown: str | Promise,
        ambiguous: str | Promise,
        expected: str | Promise = "",
    ):
        self.mapping: dict[str, object] = {}
        self.ambiguous: set[str] = set()
        for keys, value in entries:
            for key in {normalise(key) for key in keys if key}:
                if key in self.mapping and self.mapping[key] != value:
                    self.ambiguous.add(key)
                self.mapping[key] = value
        self.unknown, self.ambiguous_message, self._expected = unknown, ambiguous, expected

    def __call__(self, value):
        key = normalise(as_text(value))
        if key in self.ambiguous:
            raise CellInvalid(str(self.ambiguous_message))
        try:
            return self.mapping[key]
        except KeyError:
            raise CellInvalid(str(self.unknown)) from None

    def expected(self):
        return str(self._expected)


# Columns and header matching -------------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    headers: dict[str, str]  # {"en": ..., "fr": ...}: part of the file format, see the module docstring
    parser: Parser
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: object = ""

    def header(self, language: str) -> str:
        return self.headers.get(language) or self.headers["en"]

    def names(self) -> set[str]:
        # A key such as "given_name" is also a header; an internal one such as "session:12" (a record's id)
        # is not: "Session 12" in a file means the twelfth session, not the session whose id is 12.
        keys = (self.key,) if self.key.isidentifier() else ()
        return {normalise(name) for name in (*self.headers.values(), *self.aliases, *keys)} - {""}


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Report:
    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, row: int | None, column: str, value, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            shown = "" if is_blank(value) else as_text(value)
            if len(shown) > VALUE_SHOWN:
                shown = shown[: VALUE_SHOWN - 1] + "…"
            self.errors.append(RowError(row, column, shown, str(message)))

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class Header:
    row: int
    positions: dict[int, Column]  # cell position -> column
    written: dict[str, str]  # column key -> header as written in the file
    unknown: dict[int, str]  # cell position -> header nobody knows


def header_match(row: int, values: list, columns: Sequence[Column], report: Report) -> Header:
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            by_name.setdefault(name, column)
    header = Header(row=row, positions={}, written={}, unknown={})
    for position, value in enumerate(values):
        if is_blank(value):
            continue
        written = as_text(value)
        # A trailing "*" marks required columns in the templates.
        matched = by_name.get(normalise(written.rstrip("* ")))
        if matched is None:
            header.unknown[position] = written
        elif matched.key in header.written:
            report.add(
                row,
                written,
                written,
                _("This column appears twice (also as “%(other)s”).") % {"other": header.written[matched.key]},
            )
        else:
            header.positions[position] = matched
            header.written[matched.key] = written
    if not header.positions:
        report.add(
            row,
            "",
            "",
            _("No known column header in the first row. Expected headers: %(headers)s.")
            % {"headers": ", ".join(column.header(translation.get_language() or "en") for column in columns)},
        )
        return header
    for column in columns:
        if column.required and column.key not in header.written:
            report.add(
                row,
                column.header(translation.get_language() or "en"),
                "",
                _("This column is required and missing from the first row."),
            )
    return header


@dataclass
class ParsedRow:
    number: int
    values: dict  # column key -> parsed value; a blank cell is absent


def table_parse(
    sheet: Sheet,
    columns: Sequence[Column],
    *,
    report: Report,
    max_rows: int,
    progress: Callable[[int], None] | None = None,
    every: int = 2000,
) -> tuple[Header, list[ParsedRow]]:
    """Parse every row; problems go to `report`. Raises FileRejected beyond `max_rows` rows of data."""
    rows = iter(sheet.rows)
    header: Header | None = None
    for number, values in rows:
        if any(not is_blank(value) for value in values):
            header = header_match(number, values, columns, report)
            break
    if header is None:
        raise FileRejected(_("The file is empty: there is no header row and no data."))
    if not header.positions:
        return header, []
    parsed: list[ParsedRow] = []
    unknown_used: set[int] = set()
    items = list(header.positions.items())
    required = [column for column in columns if column.required and column.key in header.written]
    for number, values in rows:
        if all(is_blank(value) for value in values):
            continue
        if len(parsed) >= max_rows:
            raise FileRejected(
                _("The file has more than %(limit)s rows of data: split it into several files.") % {"limit": max_rows}
            )
        row = {}
        failed = set()
        for position, column in items:
            value = values[position] if position < len(values) else None
            if is_blank(value):
                continue
            if isinstance(value, CellError):
                report.add(
                    number,
                    header.written[column.key],
                    value,
                    _("The cell holds a spreadsheet error (%(error)s).") % {"error": value},
                )
                failed.add(column.key)
                continue
            try:
                row[column.key] = column.parser(value)
            except CellInvalid as exc:
                report.add(number, header.written[column.key], value, exc.message)
                failed.add(column.key)
        for column in required:
            if column.key not in row and column.key not in failed:
                report.add(number, header.written[column.key], "", _("Required: this cell is empty."))
        if header.unknown:
            unknown_used.update(
                position for position in header.unknown if position < len(values) and not is_blank(values[position])
            )
        parsed.append(ParsedRow(number, row))
        if progress and len(parsed) % every == 0:
            progress(len(parsed))
    # Columns nobody knows are refused only when they hold data: spreadsheets often carry empty ones.
    known = ", ".join(column.header(translation.get_language() or "en") for column in columns)
    for position in sorted(unknown_used):
        report.add(
            header.row,
            header.unknown[position],
            header.unknown[position],
            _("Unknown column: rename it to one of %(headers)s, or delete it.") % {"headers": known},
        )
    if not parsed and not report:
        raise FileRejected(_("The file has a header row but no rows of data."))
    return header, parsed


# Reports and templates -------------------------------------------------------------------------------------


def report_header() -> list[str]:
    return [_("Row"), _("Column"), _("Value"), _("Problem")]


def report_lines(errors: Iterable[dict]) -> Iterable[list]:
    for error in errors:
        line = [error.get("row") or "", error.get("column", ""), error.get("value", ""), error.get("message", "")]
        yield [safe_cell(value) for value in line]


def report_csv(errors: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report_header())
    writer.writerows(report_lines(errors))
    # With a BOM, Excel opens UTF-8 with its accents intact.
    return buffer.getvalue().encode("utf-8-sig")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is written as text: the values come from
    an uploaded file and must not become formulas in the report (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_xlsx(errors: Iterable[dict]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Problems")[:31])
    sheet.append(report_header())
    for line in report_lines(errors):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(columns: Sequence[Column], language: str) -> bytes:
    """The header row; semicolon-separated in French, as French Excel reads and writes CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if language == "fr" else ",").writerow(
        column.header(language) for column in columns
    )
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(
    columns: Sequence[Column], language: str, *, sheet_title: str, instructions: Sequence[str], example: dict
) -> bytes:
    """A workbook with the header row (required columns marked *), a drop-down list on every choice
    column, an example row, and an instructions sheet describing each column."""
    with translation.override(language):
        workbook = Workbook()
        data = workbook.worksheets[0]
        data.title = sheet_title[:31]
        lists = workbook.create_sheet(_("Lists")[:31])
        guide = workbook.create_sheet(_("Instructions")[:31])
        bold = Font(bold=True)
        for index, column in enumerate(columns, start=1):
            cell = data.cell(row=1, column=index, value=column.header(language) + (" *" if column.required else ""))
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            data.column_dimensions[get_column_letter(index)].width = max(14, len(column.header(language)) + 4)
            if column.key in example:
                data.cell(row=2, column=index, value=example[column.key])
            options = column.parser.options()
            if options:
                letter = get_column_letter(index)
                for row, option in enumerate(options, start=1):
                    lists.cell(row=row, column=index, value=option)
                # A list on another sheet: inline lists are limited to 255 characters.
                validation = DataValidation(
                    type="list",
                    formula1=f"={_quoted(lists.title)}!${letter}$1:${letter}${len(options)}",
                    allow_blank=True,
                    showErrorMessage=False,
                )
                validation.add(f"{letter}2:{letter}100001")
                data.add_data_validation(validation)
        data.freeze_panes = "A2"
        lists.sheet_state = "hidden"
        guide.column_dimensions["A"].width = 28
        guide.column_dimensions["B"].width = 12
        guide.column_dimensions["C"].width = 60
        guide.column_dimensions["D"].width = 60
        line = 1
        for paragraph in instructions:
            guide.cell(row=line, column=1, value=paragraph).alignment = Alignment(wrap_text=False)
            line += 1
        line += 1
        for index, title in enumerate((_("Column"), _("Required"), _("Expected"), _("Notes")), start=1):
            guide.cell(row=line, column=index, value=title).font = bold
        for column in columns:
            line += 1
            guide.cell(row=line, column=1, value=column.header(language))
            guide.cell(row=line, column=2, value=_("yes") if column.required else _("no"))
            guide.cell(row=line, column=3, value=column.parser.expected()).alignment = Alignment(wrap_text=True)
            guide.cell(row=line, column=4, value=str(column.help)).alignment = Alignment(wrap_text=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
