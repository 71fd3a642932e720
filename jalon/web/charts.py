"""Server-rendered charts: pure functions that return inline SVG as safe strings.

No JavaScript, no external asset: a chart is part of the page's HTML and compresses with it. Every text
that comes from data is escaped here, so callers pass plain strings. Each chart carries a title and a
description listing its values (role="img" hides the drawing's inner text from screen readers), and
pages show the numbers in a table as well.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BRAND = "#0b5cad"
MUTED = "#57606a"
LINE = "#d0d7de"
FONT = 'font-family="system-ui,sans-serif"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value; a value of None is a suppressed cell, drawn as `note` with no bar."""

    label: str
    value: int | None
    note: str = ""


def amount(value: int | Decimal) -> str:
    """A count in the active locale, with its thousands separator."""
    return number_format(value, force_grouping=True)


def _svg(*, width: int, height: int, ident: str, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 (every data text in `body`, `title` and `desc` is escaped by the callers)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="chart">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>{body}</svg>'
    )


def _describe(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {amount(bar.value) if bar.value is not None else bar.note}" for bar in bars)


# A bar's label fits on a line of this many characters; a longer one takes two lines, then is shortened.
LABEL_LINE = 30


def _label_lines(label: str) -> list[str]:
    """A label on at most two lines, broken between words: "Revenu intermédiaire, tranche inférieure" and
    "..., tranche supérieure" must not both read "Revenu intermédiaire, tranch…"."""
    lines = textwrap.wrap(label, LABEL_LINE) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_LINE, placeholder="…")]
    return lines


def bar_chart(bars: Sequence[Bar], *, title: str, ident: str, width: int = 600, label_width: int = 230) -> SafeString:
    """Horizontal bars, one row each (taller when a label needs two lines), longest scaled to the width left
    after labels and values."""
    labels = [_label_lines(bar.label) for bar in bars]
    row, top = (36 if any(len(lines) > 1 for lines in labels) else 24), 4
    height = top * 2 + row * max(len(bars), 1)
    largest = max((bar.value for bar in bars if bar.value is not None), default=0)
    span = width - label_width - 70
    middle = row // 2 + 4  # the baseline of one line of text centred in the row
    parts = []
    for index, (bar, lines) in enumerate(zip(bars, labels, strict=True)):
        y = top + index * row
        first = y + middle - 7 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{label_width - 6}" y="{first + 14 * number}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end">{spans}</text>')
        if bar.value is None:
            parts.append(f'<text x="{label_width}" y="{y + middle}" fill="{MUTED}">{escape(bar.note)}</text>')
            continue
        length = round(span * bar.value / largest, 1) if largest else 0
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" fill="{BRAND}">'
            f"<title>{escape(bar.label)}: {escape(amount(bar.value))}</title></rect>"
            f'<text x="{label_width + length + 4}" y="{y + middle}">{escape(amount(bar.value))}</text>'
        )
    body = f'<g {FONT} font-size="13" fill="#1b1f23">{"".join(parts)}</g>'
    return _svg(width=width, height=height, ident=ident, title=title, desc=_describe(bars), body=body)


def column_chart(bars: Sequence[Bar], *, title: str, ident: str, width: int = 560, height: int = 200) -> SafeString:
    """Vertical columns in the given order (years left to right), the value above each column."""
    top, bottom = 18, 22
    plot = height - top - bottom
    slot = width / max(len(bars), 1)
    column = min(48.0, slot * 0.7)
    largest = max((bar.value for bar in bars if bar.value is not None), default=0)
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="{LINE}"/>']
    for index, bar in enumerate(bars):
        middle = round(slot * index + slot / 2, 1)
        parts.append(f'<text x="{middle}" y="{height - 6}" text-anchor="middle">{escape(bar.label)}</text>')
        if bar.value is None:
            parts.append(
                f'<text x="{middle}" y="{height - bottom - 4}" text-anchor="middle" fill="{MUTED}">'
                f"{escape(bar.note)}</text>"
            )
            continue
        length = round(plot * bar.value / largest, 1) if largest else 0
        y = round(height - bottom - length, 1)
        parts.append(
            f'<rect x="{round(middle - column / 2, 1)}" y="{y}" width="{round(column, 1)}" height="{length}" '
            f'fill="{BRAND}"><title>{escape(bar.label)}: {escape(amount(bar.value))}</title></rect>'
            f'<text x="{middle}" y="{round(y - 4, 1)}" text-anchor="middle">{escape(amount(bar.value))}</text>'
        )
    body = f'<g {FONT} font-size="13" fill="#1b1f23">{"".join(parts)}</g>'
    return _svg(width=width, height=height, ident=ident, title=title, desc=_describe(bars), body=body)


@dataclass(frozen=True)
class Band:
    """One row of a band chart: a value with its low-high interval (a rank and its 5-95 % band)."""

    label: str
    value: float
    low: float
    high: float


def band_chart(
    rows: Sequence[Band],
    *,
    title: str,
    ident: str,
    lowest: float,
    highest: float,
    width: int = 600,
    label_width: int = 200,
) -> SafeString:
    """Horizontal intervals on one scale from `lowest` to `highest`, a dot at each row's value; for ranks pass
    lowest=1 so that the best is on the left."""
    row, top = 20, 4
    height = top * 2 + row * max(len(rows), 1)
    span = width - label_width - 20
    extent = (highest - lowest) or 1

    def x(value: float) -> float:
        return round(label_width + span * (value - lowest) / extent, 1)

    parts = []
    for index, band in enumerate(rows):
        y = top + index * row + row / 2
        label = band.label if len(band.label) <= 26 else band.label[:25] + "…"
        parts.append(f'<text x="{label_width - 6}" y="{y + 4}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<line x1="{x(band.low)}" y1="{y}" x2="{x(band.high)}" y2="{y}" stroke="{LINE}" stroke-width="6"/>'
            f'<circle cx="{x(band.value)}" cy="{y}" r="4" fill="{BRAND}"><title>{escape(band.label)}: '
            f"{escape(number_format(band.value, 1))} ({escape(number_format(band.low, 1))}–"
            f"{escape(number_format(band.high, 1))})</title></circle>"
        )
    desc = "; ".join(
        f"{band.label}: {number_format(band.value, 1)} ({number_format(band.low, 1)}–{number_format(band.high, 1)})"
        for band in rows
    )
    body = f'<g {FONT} font-size="12" fill="#1b1f23">{"".join(parts)}</g>'
    return _svg(width=width, height=height, ident=ident, title=title, desc=desc, body=body)


@dataclass(frozen=True)
class Segment:
    """One kind a stacked bar is split into: its key, its label (the legend's) and its fill."""

    key: str
    label: str
    fill: str


@dataclass(frozen=True)
class Stack:
    """One stacked bar: its label and a count per segment key."""

    label: str
    counts: dict[str, int]


def stacked_chart(
    stacks: Sequence[Stack],
    *,
    segments: Sequence[Segment],
    title: str,
    ident: str,
    width: int = 640,
    label_width: int = 180,
) -> SafeString:
    """Horizontal stacked bars (statuses of indicators by level, by period, by programme), all on one scale,
    the total after each bar and a legend under them naming each segment: a segment is told by its place
    and the legend, and the table beside the chart gives the counts."""
    shown = [segment for segment in segments if any(stack.counts.get(segment.key) for stack in stacks)]
    row, top = 26, 4
    legend_top = top + row * max(len(stacks), 1) + 8
    columns = 3
    height = legend_top + 20 * ((len(shown) + columns - 1) // columns) + 4
    largest = max((sum(stack.counts.values()) for stack in stacks), default=0)
    span = width - label_width - 50
    parts = []
    for index, stack in enumerate(stacks):
        y = top + index * row
        label = stack.label if len(stack.label) <= 28 else stack.label[:27] + "…"
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        x = float(label_width)
        for segment in shown:
            count = stack.counts.get(segment.key, 0)
            if not count:
                continue
            length = span * count / largest if largest else 0
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{segment.fill}" '
                f'stroke="#ffffff"><title>{escape(stack.label)}, {escape(segment.label)}: {escape(amount(count))}'
                "</title></rect>"
            )
            x += length
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 17}">{escape(amount(sum(stack.counts.values())))}</text>')
    for index, segment in enumerate(shown):
        x, y = 10 + (index % columns) * 210, legend_top + (index // columns) * 20
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{segment.fill}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 11}">{escape(segment.label)}</text>')
    desc = "; ".join(
        f"{stack.label}: "
        + ", ".join(
            f"{segment.label} {amount(stack.counts[segment.key])}" for segment in shown if stack.counts.get(segment.key)
        )
        for stack in stacks
    )
    body = f'<g {FONT} font-size="12" fill="#1b1f23">{"".join(parts)}</g>'
    return _svg(width=width, height=height, ident=ident, title=title, desc=desc, body=body)
