"""Optimistic locking: an edit made from an older version of a record is refused, never silently applied."""

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """The record changed since the editor loaded it."""
