"""The audit log: every service that creates, changes or deletes a domain record calls `audit_record`."""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from jalon.accounts.models import AuditEntry


def snapshot(instance: models.Model) -> dict:
    """The record's own field values (foreign keys as ids, many-to-many as sorted id lists), JSON-ready."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        # Files are recorded by their stored name.
        data[field.attname] = value.name or "" if isinstance(field, models.FileField) else value
    if instance.pk:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(item.pk for item in field.value_from_object(instance))
    # Round-trip through JSON so that dates and decimals compare equal to what the database keeps.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _entry(actor, action: str, instance: models.Model, before: dict | None) -> AuditEntry:
    # An export records that data left, not a second copy of it.
    after = None if action in (AuditEntry.Action.DELETE, AuditEntry.Action.EXPORT) else snapshot(instance)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        before=before,
        after=after,
    )


# The entries of an audit_batched block, written together when it ends.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def audit_batched() -> Iterator[list[AuditEntry]]:
    """Inside the block, the entries that audit_record and audit_records make (each snapshotted when the service
    calls) are written in one insert when the block ends: a file import writes hundreds of records through the
    services, each audited, and an insert apiece was a tenth of its queries. A block that ends with an error
    writes none: use it inside the transaction that its records roll back with. It gives the list of entries
    waiting: one who rolls back a savepoint inside the block removes the entries made since."""
    pending: list[AuditEntry] = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    if pending:
        AuditEntry.objects.bulk_create(pending)


def audit_record(*, actor, action: str, instance: models.Model, before: dict | None = None) -> AuditEntry:
    entry = _entry(actor, action, instance, before)
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        entry.save()
    return entry


def audit_records(
    *, actor, action: str, instances: Sequence[models.Model], befores: Sequence[dict | None] | None = None
) -> None:
    """audit_record for many records at once (a file import, a whole attendance sheet): one insert. `befores`:
    each record's snapshot before the change, in the order of `instances` (none for new records)."""
    if instances:
        befores = befores if befores is not None else [None] * len(instances)
        entries = [_entry(actor, action, instance, before) for instance, before in zip(instances, befores, strict=True)]
        pending = _pending.get()
        if pending is not None:
            pending.extend(entries)
        else:
            AuditEntry.objects.bulk_create(entries)
