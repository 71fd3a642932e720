"""Grouped bars for the participation pages (P and O side by side per year), which jalon.web.charts's single-series
charts do not draw: inline SVG, no JavaScript, and the same numbers always given in a table next to the chart
(the chart is an image with a title and a description listing its values)."""

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white (WCAG non-text contrast), told apart by the legend too.
COLOURS = ("#0b5cad", "#9a6700", "#1a7f37", "#cf222e")
HEIGHT = 180
TOP = 12
BOTTOM = 24
LEFT = 34
BAR = 16
GAP = 18


def grouped_bars(series: list[dict], bars: Sequence[tuple[str, str | Promise]], *, label: str) -> SafeString:
    """Bars per group (one group per row of `series`, named by its "year") for each (key, legend) of `bars`."""
    if not series or not bars:
        return SafeString("")
    peak = max((row.get(key) or 0) for row in series for key, _legend in bars) or 1
    group_width = len(bars) * BAR + GAP
    width = LEFT + len(series) * group_width + GAP
    plot = HEIGHT - TOP - BOTTOM
    parts = [
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{width}" y2="{TOP + plot}" stroke="#8c959f"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot}" text-anchor="end" font-size="10">0</text>',
    ]
    for index, row in enumerate(series):
        x = LEFT + GAP + index * group_width
        for offset, (key, legend) in enumerate(bars):
            value = row.get(key) or 0
            height = round(plot * value / peak, 1)
            parts.append(
                f'<rect x="{x + offset * BAR}" y="{TOP + plot - height}" width="{BAR - 2}" height="{height}" '
                f'fill="{COLOURS[offset % len(COLOURS)]}"><title>{escape(row["year"])} · {escape(legend)}: '
                f"{value}</title></rect>"
            )
        parts.append(
            f'<text x="{x + len(bars) * BAR / 2}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10">'
            f"{escape(row['year'])}</text>"
        )
    legend = "".join(
        format_html(
            '<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{}"/></svg> '
            "{}</span> ",
            COLOURS[offset % len(COLOURS)],
            text,
        )
        for offset, (_key, text) in enumerate(bars)
    )
    description = "; ".join(
        f"{row['year']}: " + ", ".join(f"{legend} {row.get(key) or 0}" for key, legend in bars) for row in series
    )
    svg = (
        f'<svg viewBox="0 0 {width} {HEIGHT}" width="{width}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}. {escape(description)}" '
        f'font-family="system-ui,sans-serif"><title>{escape(label)}</title><desc>{escape(description)}</desc>'
        f"{''.join(parts)}</svg>"
    )
    return mark_safe(f'<figure class="chart">{svg}<figcaption>{legend}</figcaption></figure>')  # noqa: S308
