"""Multilingual text, stored one way everywhere: a JSON dict per field keyed by language code.

`{"fr": "Sénégal", "en": "Senegal"}` in a `MultilingualField`; any of the six UN languages fits without a
schema change. One validator (`validate_multilingual`) serves the model field, the form field
(jalon.web.forms) and the API field (jalon.api.fields). A stored value is read back as a `Text`, a dict that
prints in the active language, so that templates and messages show `{{ country.name }}` as they would a
plain string, and code that needs one language asks `text.in_language("fr")`.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.db.models.query_utils import DeferredAttribute
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jalon.lib import search

# The languages read when the asked one is missing, in this order, before any other language present.
FALLBACK_LANGUAGES = ("en", "fr")


def content_languages() -> tuple[str, ...]:
    """The languages content may be written in (settings.CONTENT_LANGUAGES: the six UN languages)."""
    return tuple(settings.CONTENT_LANGUAGES)


def active_content_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in settings.CONTENT_LANGUAGES else FALLBACK_LANGUAGES[0]


def text_in(value, language: str | None = None) -> str:
    """A multilingual text in the requested (default: active) language, falling back to English, French,
    then any language present; "" when there is none. A plain string is returned as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    language = language or active_content_language()
    for candidate in (language, *FALLBACK_LANGUAGES):
        text = value.get(candidate)
        if text:
            return text
    return next((text for text in value.values() if text), "")


class Text(dict):
    """A stored multilingual text: a dict that prints in the active language."""

    __slots__ = ()

    def __str__(self) -> str:
        return text_in(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def in_language(self, language: str) -> str:
        """The text in `language`, with the usual fallbacks."""
        return text_in(self, language)

    def given(self, language: str) -> str:
        """The text written in `language` itself, or "" (no fallback)."""
        return self.get(language) or ""


def as_text(value):
    """A dict as a `Text` (anything else unchanged)."""
    return Text(value) if isinstance(value, dict) and not isinstance(value, Text) else value


MESSAGE_SHAPE = _('Give the text per language code, for example {"fr": "…", "en": "…"}.')
MESSAGE_LANGUAGE = _("Unknown language code: %(codes)s. Use %(allowed)s.")
MESSAGE_REQUIRED = _("Give this text in at least one language.")
MESSAGE_TOO_LONG = _("The text in “%(language)s” is too long: at most %(max)d characters (it has %(length)d).")


def multilingual_errors(value, *, required: bool = False, max_length: int | None = None) -> list[ValidationError]:
    """What is wrong with `value` as a multilingual text (an empty list when nothing is)."""
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return [ValidationError(MESSAGE_SHAPE, code="multilingual_shape")]
    errors = []
    unknown = sorted(set(value) - set(content_languages()))
    if unknown:
        errors.append(
            ValidationError(
                MESSAGE_LANGUAGE,
                code="multilingual_language",
                params={"codes": ", ".join(unknown), "allowed": ", ".join(content_languages())},
            )
        )
    if required and not any(text.strip() for text in value.values()):
        errors.append(ValidationError(MESSAGE_REQUIRED, code="multilingual_required"))
    if max_length is not None:
        for language, text in value.items():
            if len(text) > max_length:
                errors.append(
                    ValidationError(
                        MESSAGE_TOO_LONG,
                        code="multilingual_max_length",
                        params={"language": language, "max": max_length, "length": len(text)},
                    )
                )
    return errors


def validate_multilingual(value, *, required: bool = False, max_length: int | None = None) -> None:
    errors = multilingual_errors(value, required=required, max_length=max_length)
    if errors:
        raise ValidationError(errors)


def cleaned_text(value) -> Text:
    """The text as stored: surrounding spaces trimmed and empty languages dropped."""
    return Text({language: text.strip() for language, text in (value or {}).items() if text and text.strip()})


@deconstructible
class MultilingualValidator:
    def __init__(self, required: bool = False, max_length: int | None = None):
        self.required = required
        self.max_length = max_length

    def __call__(self, value) -> None:
        validate_multilingual(value, required=self.required, max_length=self.max_length)

    def __eq__(self, other) -> bool:
        return isinstance(other, MultilingualValidator) and (self.required, self.max_length) == (
            other.required,
            other.max_length,
        )


class _TextAttribute(DeferredAttribute):
    """Keeps the attribute a `Text` whatever dict is assigned to it."""

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = as_text(value)


class MultilingualField(models.JSONField):
    """A content text in several languages. `required`: at least one language must be given;
    `max_length`: per language."""

    descriptor_class = _TextAttribute

    def __init__(self, verbose_name=None, *, required: bool = False, max_length: int | None = None, **kwargs):
        self.text_required = required
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        kwargs["blank"] = not required
        kwargs["validators"] = [*kwargs.get("validators", ()), MultilingualValidator(required, max_length)]
        super().__init__(verbose_name, **kwargs)

    def validate(self, value, model_instance) -> None:
        # An empty required text gets the multilingual message, not Django's "cannot be blank".
        if self.text_required and not value:
            raise ValidationError(MESSAGE_REQUIRED, code="multilingual_required")
        super().validate(value, model_instance)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("blank", None)
        kwargs.pop("validators", None)
        if self.text_required:
            kwargs["required"] = True
        if self.text_max_length is not None:
            kwargs["max_length"] = self.text_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return as_text(super().from_db_value(value, expression, connection))


def text_in_database(field: str, language: str | None = None):
    """An SQL expression for the text of `field` in `language` (default: active), with the same fallbacks as
    `text_in` (English, then French): for ORDER BY, wrapped in jalon.lib.collation.TextOrder."""
    language = language or active_content_language()
    languages = dict.fromkeys((language, *FALLBACK_LANGUAGES))
    parts = [NullIf(KeyTextTransform(code, field), Value(""), output_field=TextField()) for code in languages]
    # NULL when no language has a text, so that lists can put such rows last.
    return Coalesce(*parts, output_field=TextField())


def text_contains(field: str, term: str, *, lookup: str = "contains", languages: Iterable[str] | None = None) -> Q:
    """Rows whose text of `field`, in any content language, contains `term` (`lookup` "equals": is `term`),
    accents and case ignored (jalon.lib.search)."""
    match = search.equals if lookup == "equals" else search.contains
    condition = Q()
    for code in languages or content_languages():
        condition |= match(field, term, language=code)
    return condition
