"""Typography that follows the page's language."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def colon() -> str:
    """The colon after a label: French puts a (non-breaking) space before it, English does not."""
    return "\u00a0:" if (get_language() or "").startswith("fr") else ":"
