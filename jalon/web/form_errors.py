"""Showing a service's refusal (a Django ValidationError) on the form that sent the data."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


def form_errors_from(
    exc: ValidationError, form: forms.Form, *, field_for: Callable[[str], str | None] | None = None
) -> None:
    """Each message beside the input it is about (`field_for` maps a service field to a form field when
    their names differ); messages about no input go at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else (field_for(field) if field_for else None)
        form.add_error(target, errors)
