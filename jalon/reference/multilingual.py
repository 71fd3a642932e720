"""Content fields stored once per language (`name_en`, `name_fr`, ...) and read in the active one."""

from django.conf import settings
from django.utils.translation import get_language


def active_content_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in settings.CONTENT_LANGUAGES else "en"


def localized(obj, field: str, language: str | None = None) -> str:
    """The field in the requested (default: active) language, falling back to English, then French."""
    language = language or active_content_language()
    for candidate in (language, "en", "fr"):
        value = getattr(obj, f"{field}_{candidate}", "")
        if value:
            return value
    return ""


def localized_field(field: str, available: tuple[str, ...] = ("en", "fr")) -> str:
    """The model field to sort on for the active language."""
    language = active_content_language()
    return f"{field}_{language if language in available else 'en'}"


def text_in(value: dict | None, language: str | None = None) -> str:
    """A multilingual JSON text ({"fr": ..., "en": ...}) in the requested (default: active) language,
    falling back to English, French, then any language present."""
    if not value:
        return ""
    language = language or active_content_language()
    for candidate in (language, "en", "fr"):
        if value.get(candidate):
            return value[candidate]
    return next((text for text in value.values() if text), "")
