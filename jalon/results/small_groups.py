"""The small-group rule (jalon.lib.smallgroups) on indicators that count people (a computation with
`counts_people`: people trained, fellows...): what the programme page, the indicator page, the progress API
and the tracking table show a reader who may not see the people counted (anyone outside the programme's
team). A figure of 1 to threshold-1 people reads "not shown", and so does its progress (progress times the
target gives the figure back); a figure whose difference from the same figure of a coarser query is a small
group is hidden too."""

from dataclasses import dataclass, fields, replace
from decimal import Decimal

from jalon.lib.smallgroups import complement_small, is_small, min_group_size, suppress
from jalon.results.computations import REGISTRY
from jalon.results.models import Indicator
from jalon.results.selectors import Cell, IndicatorProgress, ProgrammeProgress


@dataclass
class HiddenCell(Cell):
    """A period's figure hidden by the small-group rule: no actual, and no progress."""

    hidden: bool = True


@dataclass
class HiddenOverall(IndicatorProgress):
    """An indicator whose whole-programme figure is hidden by the small-group rule."""

    overall_hidden: bool = True


class NotShown:
    """A figure of a breakdown hidden by the rule (templates test `.hidden`, which a number does not have)."""

    hidden = True


NOT_SHOWN = NotShown()


def counts_people(indicator: Indicator) -> bool:
    computation = REGISTRY.get(indicator.computation)
    return computation is not None and computation.counts_people


def _hidden(actual: Decimal | None, wide_actual: Decimal | None) -> bool:
    return is_small(actual) or complement_small(actual, wide_actual)


def _as(cls, record, **changes):
    return cls(**{f.name: getattr(record, f.name) for f in fields(record)} | changes)


def progress_shown(item: IndicatorProgress, wide: IndicatorProgress | None = None) -> IndicatorProgress:
    """The indicator's progress with its small figures hidden: a small count, or one whose difference from the
    same figure of a coarser query (`wide`: without a disaggregation filter) is small."""
    if not counts_people(item.indicator):
        return item
    wide_cells = {cell.period.pk: cell.actual for cell in wide.cells} if wide else {}
    cells = [
        _as(HiddenCell, cell, actual=None, progress=None)
        if _hidden(cell.actual, wide_cells.get(cell.period.pk))
        else cell
        for cell in item.cells
    ]
    by_period = {cell.period.pk: cell for cell in cells}
    changes: dict = {
        "cells": cells,
        "latest": by_period.get(item.latest.period.pk) if item.latest else None,
        "next_milestone": by_period.get(item.next_milestone.period.pk) if item.next_milestone else None,
    }
    latest_hidden = isinstance(changes["latest"], HiddenCell)
    if _hidden(item.actual, wide.actual if wide else None):
        changes |= {"actual": None, "overall_progress": None}
        if item.headline == "overall" or latest_hidden:
            changes["progress"] = None
        return _as(HiddenOverall, item, **changes)
    if latest_hidden and item.headline == "latest":
        changes["progress"] = None
    return _as(type(item), item, **changes)


def any_hidden(items: list[IndicatorProgress]) -> bool:
    return any(
        isinstance(item, HiddenOverall) or any(isinstance(cell, HiddenCell) for cell in item.cells) for item in items
    )


def report_shown(report: ProgrammeProgress) -> ProgrammeProgress:
    """The programme's progress with the small figures of its people-counting indicators hidden."""
    return replace(report, indicators={pk: progress_shown(item) for pk, item in report.indicators.items()})


def breakdown_shown(indicator: Indicator, tables: list[dict]) -> list[dict]:
    """An indicator's figures by disaggregation (selectors.indicator_breakdown) with, in each period, the small
    cells hidden and enough others that the period's total gives none away (lib.smallgroups.suppress)."""
    if not counts_people(indicator):
        return tables
    threshold = min_group_size()
    shown = []
    for table in tables:
        lines = [dict(line, cells=list(line["cells"]), actuals=list(line["actuals"])) for line in table["lines"]]
        hidden = False
        for index in range(len(lines[0]["actuals"]) if lines else 0):
            counts = {n: line["actuals"][index] for n, line in enumerate(lines) if line["actuals"][index] is not None}
            for n in suppress(counts, threshold=threshold):
                lines[n]["actuals"][index] = None
                lines[n]["cells"][index] = (NOT_SHOWN, lines[n]["cells"][index][1])
                hidden = True
        # The warnings quote the sums of the values: a hidden value could be worked out from them.
        shown.append(dict(table, lines=lines, warnings=[], hidden=hidden))
    return shown
