"""Form machinery every domain's pages share: multilingual texts, dates, decimals, record choices that never
reach the database with an impossible id, and a service's refusal shown beside the inputs it is about."""

from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jalon.lib.ids import valid_id
from jalon.lib.multilingual import cleaned_text, multilingual_errors

DEFAULT_LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {
    "fr": _("French"),
    "en": _("English"),
    "es": _("Spanish"),
    "ar": _("Arabic"),
    "zh": _("Chinese"),
    "ru": _("Russian"),
}
# The order languages are offered and stored in: French and English first, then the other UN languages.
LANGUAGE_ORDER = ["fr", "en", *(code for code in settings.CONTENT_LANGUAGES if code not in ("fr", "en"))]


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


# Multilingual texts ---------------------------------------------------------------------------------------


class MultilingualWidget(forms.MultiWidget):
    """One input per language, named `<field>_<language>` (`title_fr`, `title_en`), each with its own label
    ("Title (French)") and `lang` attribute."""

    template_name = "web/widgets/multilingual.html"

    def __init__(self, languages: Iterable[str] = DEFAULT_LANGUAGES, *, multiline: bool = False, label=""):
        self.languages = list(languages)
        self.multiline = multiline
        self.label = label
        super().__init__({language: self._input(language) for language in self.languages})

    def _input(self, language: str) -> forms.Widget:
        if self.multiline:
            return forms.Textarea(attrs={"rows": 3, "lang": language})
        return forms.TextInput(attrs={"lang": language})

    def decompress(self, value):
        value = value or {}
        return [value.get(language, "") for language in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for language, subwidget in zip(self.languages, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = _("%(field)s (%(language)s)") % {
                "field": self.label,
                "language": language_name(language),
            }
        return context


class MultilingualField(forms.MultiValueField):
    """A text in several languages, cleaned to the {"language": text} dict the services store.

    `required`: at least one language must be given. Languages the form does not show keep their stored
    text (`MultilingualForm` hands the field the stored value)."""

    def __init__(
        self,
        *,
        label="",
        languages: Iterable[str] = DEFAULT_LANGUAGES,
        multiline=False,
        required=False,
        max_length: int | None = None,
        **kwargs,
    ):
        self.text_required = required
        self.max_length = max_length or (10000 if multiline else 1000)
        self.multiline = multiline
        self.stored: dict = {}
        self.languages = list(languages)
        super().__init__(
            fields=[forms.CharField(required=False, max_length=self.max_length) for _language in self.languages],
            widget=MultilingualWidget(self.languages, multiline=multiline, label=label),
            label=label,
            required=False,
            require_all_fields=False,
            **kwargs,
        )

    def show_languages(self, languages: Iterable[str]) -> None:
        self.languages = list(languages)
        self.fields = tuple(forms.CharField(required=False, max_length=self.max_length) for _ in self.languages)
        self.widget = MultilingualWidget(self.languages, multiline=self.multiline, label=self.label)

    def compress(self, data_list):
        typed = dict(zip(self.languages, data_list or [""] * len(self.languages), strict=True))
        kept = {language: text for language, text in self.stored.items() if language not in self.languages}
        return cleaned_text({**kept, **typed})

    def clean(self, value):
        text = super().clean(value)
        errors = multilingual_errors(text, required=self.text_required)
        if errors:
            raise ValidationError(errors)
        return text

    def has_changed(self, initial, data) -> bool:
        return self.compress(self.widget.decompress(initial)) != self.compress(data)


class MultilingualFormMixin:
    """For a form with multilingual fields: `languages` are the inputs shown (a programme's languages; French
    and English by default); what is stored in other languages is kept. Hands a service's refusal to its
    inputs."""

    # Given by the form class it is mixed into (Form or ModelForm).
    fields: dict[str, forms.Field]
    initial: MutableMapping[str, Any]
    cleaned_data: dict[str, Any]

    def __init__(self, *args, languages: Iterable[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, MultilingualField):
                if languages is not None:
                    field.show_languages(languages)
                field.stored = dict(self.initial.get(name) or {})

    def data_for_service(self, *names: str) -> dict:
        return {name: self.cleaned_data.get(name) for name in names}

    def errors_from(self, exc: ValidationError, *, field_for: Callable[[str], str | None] | None = None) -> None:
        form_errors_from(exc, self, field_for=field_for)


class MultilingualForm(MultilingualFormMixin, forms.Form):
    pass


# Inputs ------------------------------------------------------------------------------------------------


def date_field(label, required=True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def decimal_field(label, *, max_digits=20, decimal_places=4, required=False, help_text="") -> forms.DecimalField:
    # localize: "1,5" is read as 1.5 in French, "1.5" still works.
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=decimal_places,
        localize=True,
        help_text=help_text,
    )


def year_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1900, max_value=2200)


def plain(value):
    """A stored decimal as typed: 20.0000 shows as 20, 1.5000 as 1.5 (never in exponent notation)."""
    if value is None:
        return None
    return value.quantize(1) if value == value.to_integral() else value.normalize()


class ChoiceOfModel(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoicesOfModel(forms.ModelMultipleChoiceField):
    """Records chosen by id, each id checked before the database sees it: Django's field sends them to an
    IN (...) lookup, which SQLite fails on for an id beyond 64 bits (OverflowError: a server error). Every
    choice of several records with integer ids is one of these (tests/access/test_page_fuzz.py)."""

    def _check_values(self, value):
        for pk in value:
            if not valid_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


# Refusals ----------------------------------------------------------------------------------------------


def form_errors_from(exc: ValidationError, form, *, field_for: Callable[[str], str | None] | None = None) -> None:
    """Each message of a service's refusal beside the input it is about (`field_for` maps a service field to a
    form field when their names differ); messages about no input go at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else (field_for(field) if field_for else None)
        form.add_error(target, errors)
