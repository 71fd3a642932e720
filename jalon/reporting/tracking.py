"""The indicator tracking table (IPTT): indicators as rows, periods as columns; target, actual and
progress per cell. One table feeds the page, the CSV and the XLSX, so they always agree."""

import csv
import io
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jalon.interop.tabular import safe_cell
from jalon.lib.multilingual import text_in
from jalon.lib.smallgroups import min_group_size
from jalon.results.models import DimensionValue, DisaggregatedTarget, Narrative, Period, Programme
from jalon.results.progress import STATUS_LABELS, Status
from jalon.results.selectors import (
    Cell,
    IndicatorProgress,
    indicators_disaggregated_by,
    milestone_keys,
    programme_disaggregated_targets,
    programme_narratives,
    programme_progress,
)
from jalon.results.small_groups import HiddenCell, HiddenOverall, any_hidden, counts_people, progress_shown


@dataclass
class TrackingTable:
    programme: Programme
    periods: list[Period]
    rows: list[IndicatorProgress]
    dimension_value: DimensionValue | None
    # The small-group threshold when some figure was hidden (the page says so), else None.
    hidden_threshold: int | None = field(default=None)
    # (indicator id, period id) -> what the M&E officer wrote of that indicator in that period.
    narratives: dict[tuple[int, int], Narrative] = field(default_factory=dict)
    # (indicator id, period id) -> its targets by disaggregation value, in the values' order.
    targets: dict[tuple[int, int], list[DisaggregatedTarget]] = field(default_factory=dict)
    # The cells compared with the filtered disaggregation value's own target rather than the milestone.
    compared: set[tuple[int, int]] = field(default_factory=set)

    @property
    def cells_by_indicator(self) -> dict[int, list[tuple[Cell, str, bool]]]:
        """Per indicator id, its cells in period order with the targets by disaggregation value as the
        exports word them, and whether the cell's target is the filtered value's own (the page's cells)."""
        return {
            item.indicator.pk: [
                (
                    cell,
                    targets_text(self.targets.get((item.indicator.pk, period.pk), [])),
                    (item.indicator.pk, period.pk) in self.compared,
                )
                for period, cell in zip(self.periods, item.cells, strict=True)
            ]
            for item in self.rows
        }

    @property
    def narratives_by_indicator(self) -> dict[int, list[tuple[Period, str]]]:
        """Per indicator id, its narratives in period order as the exports word them (the page's folds)."""
        shown: dict[int, list[tuple[Period, str]]] = {}
        for item in self.rows:
            for period in self.periods:
                narrative = self.narratives.get((item.indicator.pk, period.pk))
                if narrative is not None:
                    shown.setdefault(item.indicator.pk, []).append((period, narrative_text(narrative)))
        return shown


def tracking_table(
    *, programme: Programme, level: str = "", dimension_value: DimensionValue | None = None, exact: bool = True
) -> TrackingTable:
    """The table; `exact` False for a reader who may not see the people counted (not of the programme's
    team): figures of computed indicators that count people then follow the small-group rule."""
    filters = {"dimension_value": dimension_value} if dimension_value else None
    targets: dict[tuple[int, int], list[DisaggregatedTarget]] = {}
    for target in programme_disaggregated_targets(programme):
        targets.setdefault((target.indicator_id, target.period_id), []).append(target)
    # Filtered by a disaggregation value: its actuals are compared with its own target where it has one.
    own = {
        key: target.value
        for key, values in targets.items()
        for target in values
        if dimension_value is not None and target.dimension_value_id == dimension_value.pk
    }
    # The value's overall target: derived from its own targets where it has one for every period with a
    # milestone; otherwise there is none (the whole population's target is not the value's).
    own_overall = _own_overall(programme, own) if dimension_value is not None else frozenset()
    report = programme_progress(
        programme=programme, measurement_filters=filters, milestone_overrides=own, derive_for=own_overall
    )
    # Filtered by a disaggregation: only the indicators disaggregated by its dimension (one query).
    disaggregated = indicators_disaggregated_by(dimension_value.dimension_id) if dimension_value else None
    rows = [
        item if dimension_value is None or item.indicator.pk in own_overall else _without_overall_target(item)
        for result in report.results
        if not level or result.level.key == level
        for item in report.for_result(result)
        if disaggregated is None or item.indicator.pk in disaggregated
    ]
    table = TrackingTable(
        programme=programme,
        periods=report.periods,
        rows=rows,
        dimension_value=dimension_value,
        narratives=programme_narratives(programme),
        targets=targets,
        compared=set(own),
    )
    if not exact and any(counts_people(item.indicator) for item in rows):
        # The same figure without the disaggregation, to refuse a difference that names a small group
        # ("10 trained, 8 of them women").
        wide = programme_progress(programme=programme).indicators if dimension_value else None
        table.rows = [progress_shown(item, wide.get(item.indicator.pk) if wide else None) for item in rows]
        if any_hidden(table.rows):
            table.hidden_threshold = min_group_size()
    return table


def _own_overall(programme: Programme, own: dict[tuple[int, int], Decimal]) -> frozenset[int]:
    """The indicators with a target of the filtered value for every period that has a milestone."""
    milestones = milestone_keys(programme)
    return frozenset(
        indicator_id
        for indicator_id in {key[0] for key in own}
        if all(key in own for key in milestones if key[0] == indicator_id)
    )


def _without_overall_target(item: IndicatorProgress) -> IndicatorProgress:
    changes: dict = {
        "target": None,
        "target_relative_percent": None,
        "target_pending": False,
        "target_derived": False,
        "overall_progress": None,
        "overall_status": Status.NO_DATA,
    }
    if item.headline == "overall":
        changes |= {"progress": None, "status": Status.NO_DATA}
    return replace(item, **changes)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


def _header(table: TrackingTable) -> list[str]:
    header = [
        _("Result"),
        _("Level"),
        _("Indicator"),
        _("Title"),
        _("Baseline"),
        _("Overall target"),
        _("Actual"),
        _("Progress against the overall target (%)"),
        _("Status"),
        _("Latest period"),
        _("Progress against the milestone (%)"),
        _("Status against the milestone"),
    ]
    tail = [_("Unit"), _("Baseline note"), _("Assumptions and risks"), _("Demo data")]
    if table.dimension_value is None:
        milestone = _("Milestone")
    else:
        milestone = _("Target for %(value)s, else the milestone") % {"value": text_in(table.dimension_value.name)}
    for period in table.periods:
        header += [
            f"{period} · {milestone}",
            f"{period} · {_('Actual')}",
            f"{period} · {_('Progress')} (%)",
            f"{period} · {_('Status')}",
            f"{period} · {_('Narrative')}",
            f"{period} · {_('Targets by disaggregation')}",
        ]
    return header + tail


def narrative_text(narrative: Narrative | None) -> str:
    """A narrative in one cell, each part on its own line after its label (in the export's language)."""
    if narrative is None:
        return ""
    parts = (
        (_("What happened"), narrative.achieved),
        (_("Why it differs from the milestone"), narrative.variance),
        (_("What comes next"), narrative.next_steps),
    )
    return "\n".join(f"{label}: {text_in(text)}" for label, text in parts if text_in(text))


def targets_text(targets: list[DisaggregatedTarget]) -> str:
    """A cell's targets by disaggregation value in one line: "Women: 40; Men: 60"."""
    return "; ".join(f"{text_in(t.dimension_value.name)}: {_plain(t.value)}" for t in targets)


def _target(target: Decimal | None, relative: Decimal | None, pending: bool) -> str:
    """As on the pages: "+50 % of the baseline", with the value it resolves to once the baseline is known."""
    if relative is None:
        return _plain(target)
    shown = _plain(relative)
    text = _("%(percent)s %% of the baseline") % {"percent": shown if shown.startswith("-") else f"+{shown}"}
    return text if pending or target is None else f"{text} (= {_plain(target)})"


def _percent(value: Decimal | None) -> str:
    return _plain(value * 100 if value is not None else None)


def _actual(value: Decimal | None, hidden: bool) -> str:
    return _("not shown") if hidden else _plain(value)


# Result code, level, indicator code, title: what people typed, before the figures.
TEXT_COLUMNS = 4
# The columns before the periods', and each period's (milestone, actual, progress, status, narrative,
# targets by disaggregation value).
FIXED_COLUMNS = 12
PER_PERIOD = 6


def _lines(table: TrackingTable):
    for item in table.rows:
        indicator = item.indicator
        line = [
            indicator.result.code,
            text_in(indicator.result.level.name),
            indicator.code,
            text_in(indicator.title),
            _plain(item.baseline),
            _target(item.target, item.target_relative_percent, item.target_pending),
            _actual(item.actual, isinstance(item, HiddenOverall)),
            _percent(item.overall_progress),
            str(STATUS_LABELS[item.overall_status]),
            safe_cell(str(item.latest.period)) if item.latest else "",
            _percent(item.latest.progress) if item.latest else "",
            str(STATUS_LABELS[item.latest.status]) if item.latest else "",
        ]
        for period, cell in zip(table.periods, item.cells, strict=True):
            line += [
                _target(cell.target, cell.relative_percent, cell.pending),
                _actual(cell.actual, isinstance(cell, HiddenCell)),
                _percent(cell.progress),
                str(STATUS_LABELS[cell.status]),
                safe_cell(narrative_text(table.narratives.get((indicator.pk, period.pk)))),
                safe_cell(targets_text(table.targets.get((indicator.pk, period.pk), []))),
            ]
        demo = indicator.is_demo or table.programme.is_demo
        line += [
            safe_cell(text_in(indicator.unit)),
            safe_cell(text_in(indicator.baseline_note)),
            safe_cell(text_in(indicator.result.assumptions)),
            _("demo") if demo else "",
        ]
        yield line


def tracking_csv(table: TrackingTable) -> str:
    # A byte-order mark first: French Excel then reads the file as UTF-8 (accents) rather than as Windows-1252.
    buffer = io.StringIO("\ufeff")
    buffer.seek(1)
    writer = csv.writer(buffer)
    writer.writerow(_header(table))
    # Texts people typed ("=HYPERLINK(...)" in a title) must not become live formulas where the file is
    # opened: the first TEXT_COLUMNS are theirs; the numbers are ours and stay numbers.
    writer.writerows([safe_cell(v) for v in line[:TEXT_COLUMNS]] + line[TEXT_COLUMNS:] for line in _lines(table))
    return buffer.getvalue()


def tracking_xlsx(table: TrackingTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = table.programme.code[:31]
    # A title block a donor can read: the programme, its source, and whether these are demo data.
    programme = table.programme
    sheet.append([safe_cell(f"{_('Indicator tracking table')}: {programme}")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(f"{_('Source')}: {programme.source}") if programme.source else ""])
    demo = programme.is_demo or any(item.indicator.is_demo for item in table.rows)
    sheet.append([_("Contains demo data: not for reporting.") if demo else ""])
    sheet.append([])
    sheet.append(_header(table))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    width = len(_header(table))
    # Typed texts: the codes and titles, each period's narrative and targets by disaggregation value (the last
    # two of its columns), the tail (unit, notes, assumptions, flag).
    text_columns = [
        *range(TEXT_COLUMNS),
        *(
            FIXED_COLUMNS + PER_PERIOD * index + offset
            for index in range(len(table.periods))
            for offset in (PER_PERIOD - 2, PER_PERIOD - 1)
        ),
        *range(width - 4, width),
    ]
    for line in _lines(table):
        # Numbers go in as numbers so that spreadsheets can sum and chart them; codes and titles stay text
        # ("1.1" is a code, not the number 1.1).
        sheet.append(list(line[:TEXT_COLUMNS]) + [_number_or_text(value) for value in line[TEXT_COLUMNS:]])
        row = sheet[sheet.max_row]
        for index in text_columns:
            cell = row[index]
            cell.data_type = "s"  # a title that looks like a formula stays the text it is
            cell.number_format = "@"
    for index, size in enumerate((10, 18, 10, 60), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    for index in range(TEXT_COLUMNS + 1, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = f"E{header_row + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_or_text(value: str):
    try:
        return float(value) if value and value.replace(".", "", 1).lstrip("-").isdigit() else value
    except ValueError:
        return value
