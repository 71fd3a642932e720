"""The audit log: every service that creates, changes or deletes a domain record calls `audit_record`."""

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from jalon.accounts.models import AuditEntry
from jalon.lib import bulk


def snapshot(instance: models.Model, many_to_many: Mapping[str, Iterable[models.Model]] | None = None) -> dict:
    """The record's own field values (foreign keys as ids, many-to-many as sorted id lists), JSON-ready.
    `many_to_many`: the related records of some many-to-many fields, as the caller has just written them (a
    bulk import), instead of a query each."""
    data = {}
    for attname, is_file in _columns(type(instance)):
        value = getattr(instance, attname)
        # Files are recorded by their stored name.
        data[attname] = value.name or "" if is_file else value
    if instance.pk:
        given = many_to_many or {}
        for field in instance._meta.many_to_many:
            related = given[field.name] if field.name in given else field.value_from_object(instance)
            data[field.name] = sorted(item.pk for item in related)
    return {name: _json_ready(value) for name, value in data.items()}


@functools.cache
def _columns(model: type[models.Model]) -> list[tuple[str, bool]]:
    """A model's columns (attname, whether a file), listed once per process: an import snapshots thousands."""
    return [(field.attname, isinstance(field, models.FileField)) for field in model._meta.concrete_fields]


_ENCODER = DjangoJSONEncoder()
NATIVE = (str, int, float, bool, type(None))


def _json_ready(value):
    """The value as JSON gives it back, so that dates and decimals compare equal to what the database keeps:
    dates, decimals and UUIDs as the encoder writes them, containers copied (a round trip of the whole record
    through JSON was most of the cost of an audit entry)."""
    if isinstance(value, NATIVE):
        return value
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):  # keys that JSON turns into strings
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return _ENCODER.default(value)


def _entry(
    actor, action: str, instance: models.Model, before: dict | None, many_to_many: Mapping | None = None
) -> AuditEntry:
    # An export records that data left, not a second copy of it.
    exported = action in (AuditEntry.Action.DELETE, AuditEntry.Action.EXPORT)
    after = None if exported else snapshot(instance, many_to_many)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    values = {
        "actor_id": actor.pk if authenticated else None,
        "actor_name": actor.get_username() if authenticated else "",
        "action": action,
        "model": instance._meta.label_lower,
        "object_id": str(instance.pk),
        "object_repr": str(instance)[:250],
        "before": before,
        "after": after,
    }
    # Positional: Django's fast path of a model's construction (a file import makes thousands of entries).
    columns: Any = [values.get(name) for name in ENTRY_COLUMNS]
    return AuditEntry(*columns)


ENTRY_COLUMNS = [field.attname for field in AuditEntry._meta.concrete_fields]


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
        bulk.instances_insert(pending, ids=False)


def audit_record(*, actor, action: str, instance: models.Model, before: dict | None = None) -> AuditEntry:
    entry = _entry(actor, action, instance, before)
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        entry.save()
    return entry


def audit_records(
    *,
    actor,
    action: str,
    instances: Sequence[models.Model],
    befores: Sequence[dict | None] | None = None,
    many_to_many: Sequence[Mapping | None] | None = None,
) -> None:
    """audit_record for many records at once (a file import, a whole attendance sheet): one insert. `befores`:
    each record's snapshot before the change, in the order of `instances` (none for new records);
    `many_to_many`: each record's related records as just written (`snapshot`)."""
    if instances:
        befores = befores if befores is not None else [None] * len(instances)
        related = many_to_many if many_to_many is not None else [None] * len(instances)
        entries = [
            _entry(actor, action, instance, before, given)
            for instance, before, given in zip(instances, befores, related, strict=True)
        ]
        pending = _pending.get()
        if pending is not None:
            pending.extend(entries)
        else:
            bulk.instances_insert(entries, ids=False)
