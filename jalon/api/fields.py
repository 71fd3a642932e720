"""Serializer fields shared by every domain's API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jalon.lib.multilingual import cleaned_text, multilingual_errors


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "The text per language code (en, fr, es, ar, zh, ru).",
        "example": {"fr": "Association Sénégalaise de Normalisation", "en": "Senegalese Standards Association"},
    }
)
class MultilingualField(serializers.Field):
    """A content text as {"language code": "text"}; `required_text`: at least one language must be given."""

    def __init__(self, *, required_text: bool = False, max_length: int | None = None, **kwargs):
        self.required_text = required_text
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        errors = multilingual_errors(data, required=self.required_text, max_length=self.max_length)
        if errors:
            raise serializers.ValidationError([message for error in errors for message in error.messages])
        return cleaned_text(data)

    def to_representation(self, value):
        return dict(value or {})
