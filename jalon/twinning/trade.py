"""The bilateral trade file: loaded once by the platform's operator (`jalon import_trade FILE`), read by the
partner recommender as optional trade links between members' countries.

The file is a CSV of goods trade between countries, one row per reporter, partner and year (and, in the
exports below, per flow or product: rows of one reporter, partner and year are added up). Three layouts are
read, told apart by their header:

- jalon's own: `reporter_iso3,partner_iso3,year,value_usd`;
- UN Comtrade (comtradeplus.un.org, "Get data" CSV or the API's CSV): `reporterISO`, `partnerISO`, `refYear`
  (or `period`), `primaryValue`, and `flowCode` (only imports `M` and exports `X` are kept: re-exports and
  re-imports would count the same goods twice);
- the legacy UN Comtrade CSV: `Reporter ISO`, `Partner ISO`, `Year`, `Trade Value (US$)`, `Trade Flow Code`
  (1 imports and 2 exports kept).

Values are US dollars, ISO 3166 alpha-3 codes. Codes that are well formed but are not a country of the
reference list (UN Comtrade's `W00`/`WLD` world totals, `S19` other Asia n.e.s., `_X` areas n.e.s.) are
aggregates: their rows are skipped and counted. BACI (CEPII) files use numeric codes of their own and
thousands of dollars: convert them to the first layout (join with BACI's country_codes file, multiply by
1,000) before loading.

All or nothing: any malformed row (a missing or badly formed code, year or value) refuses the whole file
with a row-by-row report (the first MAX_ERRORS_KEPT kept, all counted), and nothing changes. A good file
replaces the trade data loaded before. Memory is bounded by the number of (reporter, partner, year) triples
(at most about 250 x 250 per year), not by the file's size: rows are read one at a time and added into them,
and written in batches."""

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.interop.tabular import Report
from jalon.reference.models import Country
from jalon.twinning.models import TradeFile, TradeFlow

BATCH = 2000
CODE = re.compile(r"^[A-Z0-9_]{3}$")
MAX_VALUE = Decimal(10) ** 15  # a thousand billion dollars: no bilateral flow comes near


@dataclass(frozen=True)
class Layout:
    name: str
    reporter: str
    partner: str
    year: tuple[str, ...]
    value: str
    flow: str = ""
    flows_kept: frozenset[str] = frozenset()


LAYOUTS = (
    Layout("jalon", "reporter_iso3", "partner_iso3", ("year",), "value_usd"),
    Layout(
        "UN Comtrade",
        "reporterISO",
        "partnerISO",
        ("refYear", "period"),
        "primaryValue",
        "flowCode",
        frozenset({"M", "X"}),
    ),  # fmt: skip
    Layout(
        "UN Comtrade (legacy)",
        "Reporter ISO",
        "Partner ISO",
        ("Year",),
        "Trade Value (US$)",
        "Trade Flow Code",
        frozenset({"1", "2"}),
    ),  # fmt: skip
)


class TradeFileRefused(ValidationError):
    """The file is refused: `report` holds its problems, row by row."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            _("The trade file was refused: %(count)s problem(s); nothing was loaded.") % {"count": report.count}
        )


@dataclass
class Parsed:
    layout: str
    rows_read: int = 0
    skipped_aggregates: int = 0
    skipped_flows: int = 0
    aggregate_codes: set[str] = field(default_factory=set)
    values: dict[tuple[int, int, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _layout(header: list[str], report: Report) -> Layout | None:
    present = {name.strip().lstrip("\ufeff") for name in header}
    for layout in LAYOUTS:
        if {layout.reporter, layout.partner, layout.value} <= present and any(y in present for y in layout.year):
            return layout
    report.add(
        1,
        "",
        ", ".join(sorted(present))[:100],
        _("Unknown layout. Expected the columns %(columns)s (or a UN Comtrade export).")
        % {"columns": "reporter_iso3, partner_iso3, year, value_usd"},
    )
    return None


def _rows(text: io.TextIOBase, report: Report) -> Iterator[tuple[int, Layout, dict[str, str]]]:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        report.add(1, "", "", _("The file is empty."))
        return
    layout = _layout(header, report)
    if layout is None:
        return
    names = [name.strip().lstrip("\ufeff") for name in header]
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        yield line, layout, dict(zip(names, cells, strict=False))


def parse(text: io.TextIOBase, countries: dict[str, int], report: Report) -> Parsed:
    """Read the file row by row into (reporter id, partner id, year) -> value; problems go to `report`."""
    parsed = Parsed(layout="")
    for line, layout, row in _rows(text, report):
        parsed.layout = layout.name
        parsed.rows_read += 1
        if layout.flow and layout.flow in row and row[layout.flow].strip() not in layout.flows_kept:
            parsed.skipped_flows += 1
            continue
        codes = []
        for column in (layout.reporter, layout.partner):
            code = (row.get(column) or "").strip().upper()
            if not CODE.match(code):
                report.add(line, column, code, _("Not an ISO 3166 alpha-3 code."))
            codes.append(code)
        year_column = next(name for name in layout.year if name in row)
        year_text = (row.get(year_column) or "").strip()
        year = int(year_text) if year_text.isdigit() and 1948 <= int(year_text) <= 2100 else None
        if year is None:
            report.add(line, year_column, year_text, _("Not a year (1948-2100)."))
        raw = (row.get(layout.value) or "").strip()
        try:
            value = Decimal(raw)
            if not value.is_finite() or value < 0 or value >= MAX_VALUE:
                raise InvalidOperation
        except InvalidOperation:
            report.add(line, layout.value, raw, _("Not an amount in US dollars (a positive number)."))
            continue
        if year is None or not all(CODE.match(code) for code in codes):
            continue
        reporter, partner = (countries.get(code) for code in codes)
        if reporter is None or partner is None:
            parsed.skipped_aggregates += 1
            parsed.aggregate_codes.update(code for code in codes if code not in countries)
            continue
        if reporter != partner:
            parsed.values[(reporter, partner, year)] += value
    if not parsed.layout and not report:
        report.add(1, "", "", _("The file has no rows."))
    return parsed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@transaction.atomic
def trade_file_load(*, actor, path: Path, source: str = "") -> TradeFile:
    """Load a bilateral trade file, replacing the one loaded before; refuse it whole on any bad row."""
    countries = dict(Country.objects.values_list("iso3", "pk"))
    report = Report()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            parsed = parse(handle, countries, report)
    except (UnicodeDecodeError, csv.Error) as exc:
        report.add(None, "", "", _("Not a UTF-8 CSV file: %(reason)s") % {"reason": str(exc)[:200]})
    if report:
        raise TradeFileRefused(report)
    TradeFlow.objects.all().delete()
    flows = (
        TradeFlow(reporter_id=reporter, partner_id=partner, year=year, value_usd=value.quantize(Decimal(1)))
        for (reporter, partner, year), value in parsed.values.items()
    )
    batch: list[TradeFlow] = []
    for flow in flows:
        batch.append(flow)
        if len(batch) >= BATCH:
            TradeFlow.objects.bulk_create(batch)
            batch = []
    TradeFlow.objects.bulk_create(batch)
    years = sorted({year for _r, _p, year in parsed.values})
    loaded = TradeFile.objects.create(
        name=path.name[:255],
        source=(source or parsed.layout)[:100],
        sha256=_sha256(path),
        rows_read=parsed.rows_read,
        flows=len(parsed.values),
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
        skipped=parsed.skipped_aggregates + parsed.skipped_flows,
        note=", ".join(sorted(parsed.aggregate_codes))[:500],
        loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=loaded)
    return loaded
