"""Writes to accounts: users and their roles."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import ORGANISATION_ROLES, AuditEntry, Role, RoleAssignment, User


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "fr",
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=user)
    return user


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, organisation: models.Model | None = None, programme=None
) -> RoleAssignment:
    """Give `user` a role: for an organisation (focal point, contributor), for one programme (manager,
    viewer), or platform-wide when neither is given. `organisation` is an organisations.Organisation, named
    by RoleAssignment's foreign key only: accounts, below organisations, imports nothing of it, not even
    for types (docs/architecture.md)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError({"organisation": _("This role acts for an organisation: choose one.")})
    if programme is not None and role not in (Role.PROGRAMME_MANAGER, Role.VIEWER):
        raise ValidationError({"programme": _("Only programme managers and viewers are given a programme.")})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation, programme=programme
    )
    if created:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=assignment)
        if role == Role.PLATFORM_ADMIN and not (user.is_staff and user.is_superuser):
            before = snapshot(user)
            # Platform administrators run the Django admin (reference data, users) without per-model grants.
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=user, before=before)
    return assignment
