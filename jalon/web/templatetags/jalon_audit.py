from django import template

register = template.Library()


@register.filter
def audit_value(value) -> str:
    """A recorded field value as a reader takes it in: a multilingual text as "en: …; fr: …", a list of ids
    as "3, 7", nothing as a dash."""
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {text}" for key, text in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
