"""The report's charts as SVG, for the PDF engine: drawn from the figures of a table that the report prints
beside the chart, and described in words (the figure's text alternative), so that no reader depends on the
picture. Statuses are told apart by their label and their position, not by colour alone."""

from collections.abc import Sequence
from xml.sax.saxutils import escape

# Status -> fill (the progress pages' palette, darker for contrast on white).
FILLS = {
    "on_track": "#1a7f37",
    "at_risk": "#9a6700",
    "off_track": "#cf222e",
    "no_data": "#8c959f",
    "not_started": "#d0d7de",
    "pending": "#6e7781",
    "no_target": "#afb8c1",
    "not_combinable": "#57606a",
}


def status_bars(rows: Sequence[tuple[str, dict[str, int]]], *, labels: dict[str, str], width: int = 640) -> bytes:
    """One horizontal stacked bar per period (row label, {status: count}), with the legend under it."""
    statuses = [status for status in FILLS if any(counts.get(status) for _label, counts in rows)]
    bar_height, gap, left, right = 18, 8, 120, 40
    legend_top = len(rows) * (bar_height + gap) + 10
    height = legend_top + 22 * ((len(statuses) + 2) // 3) + 4
    biggest = max((sum(counts.values()) for _label, counts in rows), default=0) or 1
    scale = (width - left - right) / biggest
    parts = []
    for index, (label, counts) in enumerate(rows):
        y = index * (bar_height + gap)
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="11">{escape(label)}</text>')
        x = float(left)
        for status in statuses:
            count = counts.get(status, 0)
            if count:
                w = count * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{FILLS[status]}" '
                    'stroke="#ffffff" stroke-width="1"/>'
                )
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{sum(counts.values())}</text>')
    for index, status in enumerate(statuses):
        x, y = 10 + (index % 3) * 210, legend_top + (index // 3) * 22
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{FILLS[status]}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 11}" font-size="11">{escape(labels[status])}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Libertinus Serif">{"".join(parts)}</svg>'
    )
    return svg.encode()


def column_bars(columns: Sequence[tuple[str, float | None, str]], *, hidden: str, width: int = 640) -> bytes:
    """One column per period, left to right (label, value, the value as the report writes it); a value of
    None is a small group not shown, written as `hidden` with no column."""
    height, bottom, top = 180, 22, 18
    plot = height - top - bottom
    slot = width / max(len(columns), 1)
    column = min(48.0, slot * 0.7)
    largest = max((value for _label, value, _text in columns if value), default=0)
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8c959f"/>']
    for index, (label, value, text) in enumerate(columns):
        middle = slot * index + slot / 2
        centred = f'x="{middle:.1f}" text-anchor="middle" font-size="11"'
        parts.append(f'<text {centred} y="{height - 6}">{escape(label)}</text>')
        if value is None:
            parts.append(
                f'<text x="{middle:.1f}" y="{height - bottom - 4}" text-anchor="middle" font-size="11" '
                f'fill="#57606a">{escape(hidden)}</text>'
            )
            continue
        length = plot * value / largest if largest else 0
        y = height - bottom - length
        parts.append(
            f'<rect x="{middle - column / 2:.1f}" y="{y:.1f}" width="{column:.1f}" height="{length:.1f}" '
            'fill="#0b5cad"/>'
        )
        parts.append(f'<text {centred} y="{y - 4:.1f}">{escape(text)}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Libertinus Serif">{"".join(parts)}</svg>'
    )
    return svg.encode()
