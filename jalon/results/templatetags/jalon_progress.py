"""Template filters of the progress pages (programme page, indicator page, tracking table).

Per-row pieces as filters rather than includes: a large page has hundreds of rows, and an include costs a
template context push and a render per row (bench/README.md). The includes (_bar.html, _baseline.html)
call these, so there is one way to write each piece."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from jalon.lib.multilingual import text_in
from jalon.web.templatetags.jalon_results import number

register = template.Library()


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    # Rounded here: number_format cuts the decimals off (94.89 % would show as 94 %).
    rounded = (Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, decimal_pos=0, use_l10n=True)} %"


def bar_width(value) -> int:
    """Width of a progress bar: 0 to 100, overshoot and regression clamped."""
    if value is None:
        return 0
    return int(max(Decimal(0), min(Decimal(1), Decimal(value))) * 100)


@register.filter
def progress_bar(value) -> SafeString:
    """The progress bar and its percentage, or a dash."""
    if value is None:
        return SafeString("—")
    label = percent(value)
    return format_html(
        # An SVG, not a styled span: the Content-Security-Policy allows no style attribute.
        '<svg class="bar" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" aria-label="{}">'
        '<rect width="{}" height="1"/></svg> {}',
        label,
        bar_width(value),
        label,
    )


@register.filter
def baseline(indicator) -> SafeString:
    """The indicator's baseline with its year, or "to be set in <year>", and its note whenever there is one
    (the ILO baselines are notes without a value), line breaks kept; or a dash."""
    note = text_in(indicator.baseline_note)
    if indicator.baseline_value is not None:
        if indicator.baseline_year:
            shown = format_html("{} <small>({})</small>", number(indicator.baseline_value), indicator.baseline_year)
        else:
            shown = conditional_escape(number(indicator.baseline_value))
    elif indicator.baseline_to_be_set_in:
        shown = conditional_escape(gettext("to be set in %(year)s") % {"year": indicator.baseline_to_be_set_in})
    else:
        return linebreaksbr(note, autoescape=True) if note else SafeString("—")
    if note:
        return format_html("{} <small>— {}</small>", shown, linebreaksbr(note, autoescape=True))
    return SafeString(shown)


def target_text(target, relative, pending) -> str:
    """A target as it reads everywhere (page, tracking table, CSV, XLSX): "+50 % of the baseline", with the
    value it resolves to once the baseline is known, or the value; "" when there is none."""
    if relative is not None:
        text = gettext("%(percent)s %% of the baseline") % {"percent": _signed(relative)}
        if pending or target is None:
            return text
        return f"{text} (= {number(target)})"
    return "" if target is None else number(target)


def _signed(value) -> str:
    shown = number(value)
    return shown if shown.startswith("-") else f"+{shown}"


@register.filter
def target(item) -> str:
    """The target of a period's cell (Cell) or of the whole programme (IndicatorProgress), or a dash."""
    if hasattr(item, "target_pending"):
        text = target_text(item.target, item.target_relative_percent, item.target_pending)
    else:
        text = target_text(item.target, item.relative_percent, item.pending)
    return text or "—"


def _chart_points(item, width: float, height: float):
    """(actual points, milestone points) of an indicator's periods, scaled into width x height (SVG y down)."""
    cells = item.cells
    values = [v for cell in cells for v in (cell.actual, cell.target) if v is not None]
    if not values or len(cells) < 1:
        return [], []
    low, high = min(min(values), Decimal(0)), max(values)
    span = (high - low) or Decimal(1)
    step = Decimal(width) / max(len(cells) - 1, 1)

    def point(index: int, value) -> str:
        x = step * index if len(cells) > 1 else Decimal(width) / 2
        y = Decimal(height) - (Decimal(value) - low) / span * Decimal(height)
        return f"{x:.1f},{y:.1f}"

    actuals = [point(i, c.actual) for i, c in enumerate(cells) if c.actual is not None]
    milestones = [point(i, c.target) for i, c in enumerate(cells) if c.target is not None]
    return actuals, milestones


@register.filter
def sparkline(item) -> SafeString:
    """A small server-rendered SVG of an indicator's actuals by period (the table beside says the numbers)."""
    actuals, _milestones = _chart_points(item, 60, 14)
    if not actuals:
        return SafeString("")
    label = gettext("Actual values by period")
    return format_html(
        '<svg class="spark" viewBox="-2 -2 64 18" width="64" height="18" role="img" aria-label="{}">'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>',
        label,
        " ".join(actuals),
    )


@register.filter
def progress_chart(item) -> SafeString:
    """The indicator page's chart: actuals as a line, milestones as squares, one step per period; the table
    below it gives every number (no chart without its table)."""
    actuals, milestones = _chart_points(item, 400, 120)
    if not actuals and not milestones:
        return SafeString("")
    squares = "".join(
        format_html('<rect x="{}" y="{}" width="6" height="6" class="milestone"/>', *_shift(point))
        for point in milestones
    )
    return format_html(
        '<svg class="chart" viewBox="-10 -10 420 140" role="img" aria-label="{}"><title>{}</title>'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="2"/>{}</svg>',
        gettext("Actual values (line) and milestones (squares) by period"),
        gettext("Actual values (line) and milestones (squares) by period"),
        " ".join(actuals),
        SafeString(squares),
    )


def _shift(point: str) -> tuple[str, str]:
    x, y = (Decimal(v) - 3 for v in point.split(","))
    return f"{x:.1f}", f"{y:.1f}"
