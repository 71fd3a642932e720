"""Versioned writes: an edit made from an older version of a record is refused, never silently applied.

Every domain's services change their records through `versioned_update`, which locks the row, compares the
version the editor saw, validates, skips a change that changes nothing, bumps the version, saves and audits.
A refused edit raises `ConflictError`, with one message everywhere; the API answers it with 409
(jalon.api.errors) and pages show it on the form, keeping what the person typed.
"""

from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry

CONFLICT_MESSAGE = _(
    "Someone else changed this record while you were editing it. Reload the page to see their changes, "
    "then apply yours again: nothing was saved."
)


class ConflictError(ValidationError):
    """The record changed since the editor loaded it."""

    def __init__(self, message=CONFLICT_MESSAGE):
        super().__init__(message, code="conflict")


class VersionedModel(models.Model):
    """A record edited by several people: its version moves at each saved change."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


Record = TypeVar("Record", bound=VersionedModel)


def locked(record: Record, version: int | None, *, queryset: QuerySet | None = None) -> Record:
    """The record's current row, locked until the end of the transaction; ConflictError if its version is no
    longer the one the editor saw (`version` None: the caller edits without having shown it)."""
    queryset = type(record)._default_manager.all() if queryset is None else queryset
    current = queryset.select_for_update(of=("self",)).get(pk=record.pk)
    if version is not None and current.version != version:
        raise ConflictError()
    return current


def unknown_fields(fields: Iterable[str], allowed: Collection[str], what: str) -> None:
    """A programming error, not a user's: a caller passed a field the service does not write."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")


def full_clean(record: models.Model) -> None:
    record.full_clean()


@transaction.atomic
def versioned_update(
    record: Record,
    *,
    actor,
    version: int | None,
    fields: dict,
    allowed: Collection[str],
    clean: Callable[[Record], None] = full_clean,
    relations: dict[str, list] | None = None,
    queryset: QuerySet | None = None,
    current: Record | None = None,
) -> tuple[Record, bool]:
    """Apply `fields` (and the many-to-many `relations`) to `record`: (the saved record, whether it changed).

    `clean(current)` validates the record with its new values (default: full_clean) and raises
    ValidationError; `queryset` names what to lock and fetch with it (select_related for the audit entry);
    `current`: a row the caller has already `locked` (to check a status first)."""
    unknown_fields([*fields, *(relations or {})], allowed, str(type(record)._meta.model_name))
    current = current if current is not None else locked(record, version, queryset=queryset)
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    clean(current)
    relations_changed = any(
        sorted(item.pk for item in values) != before.get(name) for name, values in (relations or {}).items()
    )
    # Compared before saving: saving moves `updated_at`, which would make every save look like a change.
    if snapshot(current) == before and not relations_changed:
        return current, False
    return versioned_save(current, actor=actor, before=before, relations=relations), True


def versioned_save(record: Record, *, actor, before: dict, relations: dict[str, list] | None = None) -> Record:
    """Save a `locked` record changed by a workflow step (submit, approve...): bump its version, save, audit
    the change from `before` (its snapshot when locked)."""
    record.version = F("version") + 1
    record.save()
    for name, values in (relations or {}).items():
        getattr(record, name).set(values)
    _refreshed(record)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=record, before=before)
    return record


def _refreshed(record: models.Model) -> None:
    """The record as saved (its new version), keeping the related records it was locked with (select_related):
    a refresh forgets them, and the audit entry's label (str of the record) then asked for each again, two
    queries per update of a registration, which names its person and activity."""
    kept = [
        (field, field.get_cached_value(record))
        for field in record._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.is_cached(record)
    ]
    record.refresh_from_db()
    for field, related in kept:
        if getattr(record, field.attname) == (getattr(related, field.target_field.attname) if related else None):
            field.set_cached_value(record, related)
