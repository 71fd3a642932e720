from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from jalon.lib.multilingual import text_in

register = template.Library()


@register.filter
def t(obj, field: str) -> str:
    """A multilingual JSON field of a model in the active language: {{ result|t:"title" }}."""
    return text_in(getattr(obj, field, None))


@register.filter
def tr(value) -> str:
    """A multilingual JSON value ({"fr": ..., "en": ...}) in the active language."""
    return text_in(value) if isinstance(value, dict) else (value or "")


@register.filter
def number(value) -> str:
    """A decimal without trailing zeros, formatted for the active locale."""
    if value is None:
        return "—"
    value = Decimal(value)
    normal = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    places = max(0, -normal.as_tuple().exponent)
    return number_format(normal, decimal_pos=min(places, 2), use_l10n=True, force_grouping=True)


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{number_format(Decimal(value) * 100, decimal_pos=0, use_l10n=True)} %"


@register.filter
def bar_width(value) -> int:
    """Width of a progress bar: 0 to 100, overshoot and regression clamped."""
    if value is None:
        return 0
    return int(max(Decimal(0), min(Decimal(1), Decimal(value))) * 100)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "")


# Per-row pieces as filters rather than includes: a large page has hundreds of rows, and an include
# costs a template context push and a render per row (bench/README.md). The includes (_bar.html,
# _baseline.html) call these, so there is one way to write each piece.


@register.filter
def progress_bar(value) -> SafeString:
    """The progress bar and its percentage, or a dash."""
    if value is None:
        return SafeString("—")
    label = percent(value)
    return format_html(
        '<span class="bar" role="img" aria-label="{}"><span style="width:{}%"></span></span> {}',
        label,
        bar_width(value),
        label,
    )


@register.filter
def baseline(indicator) -> SafeString:
    """The indicator's baseline with its year, "to be set in <year>", or its note (or a dash)."""
    if indicator.baseline_value is not None:
        if indicator.baseline_year:
            return format_html("{} <small>({})</small>", number(indicator.baseline_value), indicator.baseline_year)
        return conditional_escape(number(indicator.baseline_value))
    if indicator.baseline_to_be_set_in:
        return conditional_escape(gettext("to be set in %(year)s") % {"year": indicator.baseline_to_be_set_in})
    return conditional_escape(t(indicator, "baseline_note") or "—")
