"""The portfolio's heat map as server-rendered SVG cells (a text table stands beside it on the page)."""

from dataclasses import dataclass
from decimal import Decimal

CELL_W, CELL_H, LABEL_W, HEAD_H = 70, 26, 110, 30
# From weak (red) to strong (green), readable in grey too: darker is weaker.
COLOURS = (
    (Decimal("0.25"), "#b2182b"),
    (Decimal("0.5"), "#ef8a62"),
    (Decimal("0.75"), "#a6d96a"),
    (Decimal("1.01"), "#1a9641"),
)
INCOMPLETE = "#d9d9d9"


@dataclass
class Cell:
    x: int
    y: int
    fill: str
    text: str


def _colour(score: Decimal | None) -> str:
    if score is None:
        return INCOMPLETE
    return next(colour for bound, colour in COLOURS if score < bound)


def heatmap_cells(portfolio) -> dict:
    codes = [section.code for section in portfolio.sections]
    cells, labels = [], []
    for row_index, (assessment, scores) in enumerate(portfolio.rows):
        by_code = scores.by_code()
        y = HEAD_H + row_index * CELL_H
        labels.append({"x": 4, "y": y + 17, "text": assessment.organisation.acronym or str(assessment.organisation)})
        for column, code in enumerate(codes):
            row = by_code.get(code)
            score = row.score if row is not None and row.ranked else None
            text = f"{score:.2f}" if score is not None else "—"
            cells.append(Cell(LABEL_W + column * CELL_W, y, _colour(score), text))
    return {
        "cells": cells,
        "labels": labels,
        "columns": [{"x": LABEL_W + i * CELL_W + CELL_W // 2, "text": code} for i, code in enumerate(codes)],
        "width": LABEL_W + len(codes) * CELL_W,
        "height": HEAD_H + len(portfolio.rows) * CELL_H,
        "cell_w": CELL_W,
        "cell_h": CELL_H,
    }
