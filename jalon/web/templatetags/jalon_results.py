"""Formatting filters every domain's templates share: multilingual texts, numbers, lookups. (The progress
pieces of the results pages are in jalon/results/templatetags/jalon_progress.py.)"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

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
    """A decimal without trailing zeros, rounded (never truncated: number_format cuts) to 2 places, formatted
    for the active locale."""
    if value is None:
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    normal = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    places = max(0, -normal.as_tuple().exponent)
    return number_format(normal, decimal_pos=min(places, 2), use_l10n=True, force_grouping=True)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "")
