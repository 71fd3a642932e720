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
