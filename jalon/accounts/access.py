"""The grants engine: the roles a user holds, read once per request, and who may read the audit log.

Each domain decides who may see or change its own records in its `access.py`, built on `grants_for`; those
modules are the only place that reads roles. Lists are filtered with set-based queryset filters (never a
per-row Python check), so a list costs the same queries whatever its length.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise

from jalon.accounts.models import AuditEntry, Role, RoleAssignment


@dataclass(frozen=True)
class Grants:
    """The roles a user holds, read once per request."""

    authenticated: bool = False
    admin: bool = False
    roles: frozenset = field(default_factory=frozenset)
    organisations_by_role: dict = field(default_factory=dict)
    # Programme-scoped roles: role -> programme ids; a role held with no programme covers them all.
    programmes_by_role: dict = field(default_factory=dict)
    unscoped: frozenset = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return self.admin or any(role in self.roles for role in roles)

    def all_programmes(self, *roles: str) -> bool:
        return self.admin or any(role in self.unscoped for role in roles)

    def programmes(self, *roles: str) -> set[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.programmes_by_role.get(role, set())
        return ids

    def organisations(self, *roles: str) -> set[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.organisations_by_role.get(role, set())
        return ids


ANONYMOUS = Grants()


def grants_for(user) -> Grants:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_jalon_grants", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    unscoped: set[str] = set()
    by_role: dict[str, set[int]] = {}
    by_programme: dict[str, set[int]] = {}
    assignments = RoleAssignment.objects.filter(user=user).values_list("role", "organisation_id", "programme_id")
    for role, organisation_id, programme_id in assignments:
        roles.add(role)
        if organisation_id:
            by_role.setdefault(role, set()).add(organisation_id)
        if programme_id:
            by_programme.setdefault(role, set()).add(programme_id)
        if not organisation_id and not programme_id:
            unscoped.add(role)
    grants = Grants(
        authenticated=True,
        admin=user.is_superuser or Role.PLATFORM_ADMIN in roles,
        roles=frozenset(roles),
        organisations_by_role=by_role,
        programmes_by_role=by_programme,
        unscoped=frozenset(unscoped),
    )
    user._jalon_grants = grants
    return grants


def role_labels(user) -> list[str | Promise]:
    """The labels of the roles a user holds (lazy: translated when shown)."""
    grants = grants_for(user)
    return [
        label
        for value, label in Role.choices
        if value in grants.roles or (grants.admin and value == Role.PLATFORM_ADMIN)
    ]


# Audit log -----------------------------------------------------------------------------------------------


def audit_visible(user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if grants_for(user).admin else AuditEntry.objects.none()


def audit_can_view(user) -> bool:
    return grants_for(user).admin
