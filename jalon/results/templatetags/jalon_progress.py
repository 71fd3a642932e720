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
