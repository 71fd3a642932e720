"""Deleting a record that other records may still need: audited, and refused with a message that says what
refers to it (a ProtectedError would otherwise reach the person as a server error)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry


def delete_audited(instance, *, actor, cascaded=(), refusal: str | None = None) -> None:
    """Delete `instance` (and audit the rows deleted with it, `cascaded`), or refuse with nothing deleted:
    with `refusal` (what the person should do instead), else a message naming what refers to it."""
    try:
        with transaction.atomic():
            for row in cascaded:
                audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=row, before=snapshot(row))
            audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=instance, before=snapshot(instance))
            instance.delete()
    except ProtectedError as exc:
        if refusal is None:
            kinds = sorted({str(capfirst(item._meta.verbose_name_plural)) for item in exc.protected_objects})
            refusal = _("Other records still refer to this one (%(kinds)s): it cannot be deleted.") % {
                "kinds": ", ".join(kinds)
            }
        raise ValidationError(refusal, code="protected") from exc
