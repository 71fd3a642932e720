"""The one place that decides who may see or change what.

Every view, API endpoint and CLI path asks here. Lists are filtered with set-based queryset filters
(never a per-row Python check), so a list costs the same queries whatever its length.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from jalon.accounts.models import AuditEntry, Role, RoleAssignment
from jalon.organisations.models import Organisation, Person


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


def role_labels(user) -> list[str]:
    grants = grants_for(user)
    return [
        label
        for value, label in Role.choices
        if value in grants.roles or (grants.admin and value == Role.PLATFORM_ADMIN)
    ]


# Organisations ------------------------------------------------------------------------------------------
# The directory is run by platform-wide managers: programme-scoped roles do not extend to it.


def organisations_visible(user, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """The public sees published organisations; the programme team sees all; others add their own."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    own = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    return queryset.filter(Q(published=True) | Q(pk__in=own))


def organisation_can_create(user) -> bool:
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def organisations_changeable(user, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(pk__in=grants.organisations(Role.FOCAL_POINT))


def organisation_can_change(user, organisation: Organisation) -> bool:
    grants = grants_for(user)
    return grants.all_programmes(Role.PROGRAMME_MANAGER) or organisation.pk in grants.organisations(Role.FOCAL_POINT)


def organisation_can_delete(user, organisation: Organisation) -> bool:
    return grants_for(user).admin


# People (contacts): personal data, never public ----------------------------------------------------------


def people_visible(user, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    queryset = Person.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    own = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    return queryset.filter(organisation_id__in=own) if own else queryset.none()


def people_can_list(user, organisation: Organisation) -> bool:
    grants = grants_for(user)
    return grants.all_programmes(Role.PROGRAMME_MANAGER) or organisation.pk in grants.organisations(
        Role.FOCAL_POINT, Role.CONTRIBUTOR
    )


def person_can_change(user, organisation: Organisation | None) -> bool:
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return True
    return organisation is not None and organisation.pk in grants.organisations(Role.FOCAL_POINT)


# Audit log -----------------------------------------------------------------------------------------------


def audit_visible(user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if grants_for(user).admin else AuditEntry.objects.none()


def audit_can_view(user) -> bool:
    return grants_for(user).admin


# Results frameworks -------------------------------------------------------------------------------------


def programmes_visible(user, queryset=None):
    """Published programmes for everyone; unpublished ones for their managers and viewers."""
    from jalon.results.models import Programme

    queryset = Programme.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    return queryset.filter(Q(published=True) | Q(pk__in=grants.programmes(Role.PROGRAMME_MANAGER, Role.VIEWER)))


def programme_can_manage(user, programme) -> bool:
    """Build and edit the framework, approve or return measurements."""
    grants = grants_for(user)
    return grants.all_programmes(Role.PROGRAMME_MANAGER) or programme.pk in grants.programmes(Role.PROGRAMME_MANAGER)


def programmes_managed(user, queryset=None):
    """The programmes whose framework and values a user manages, as a queryset (for lists)."""
    from jalon.results.models import Programme

    queryset = Programme.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(pk__in=grants.programmes(Role.PROGRAMME_MANAGER))


def programme_can_create(user) -> bool:
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def measurement_reporting_organisations(user) -> set[int]:
    """Organisations a user reports for (focal points and contributors)."""
    return grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)


def measurement_can_report_for(user, programme, organisation) -> bool:
    """Managers report for anyone in their programme; focal points and contributors for their own
    organisation only."""
    if programme_can_manage(user, programme):
        return True
    return organisation is not None and organisation.pk in measurement_reporting_organisations(user)


def measurement_can_report(user, programme) -> bool:
    return programme_can_manage(user, programme) or bool(measurement_reporting_organisations(user))


def measurements_visible(user, queryset):
    """Approved values of visible programmes for all; managers see every state of their programmes;
    reporters see their own organisations' and their own drafts."""
    from jalon.results.models import Measurement

    grants = grants_for(user)
    queryset = queryset.filter(indicator__result__programme__in=programmes_visible(user))
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(status=Measurement.Status.APPROVED)
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    if managed:
        condition |= Q(indicator__result__programme__in=managed)
    own = measurement_reporting_organisations(user)
    if own:
        condition |= Q(organisation_id__in=own)
    if grants.authenticated:
        condition |= Q(author=user)
    return queryset.filter(condition)


def measurement_can_edit(user, measurement) -> bool:
    """Authors and their organisation's reporters edit drafts and returned values; managers any."""
    from jalon.results.models import Measurement

    if programme_can_manage(user, measurement.indicator.result.programme):
        return True
    if measurement.status not in (Measurement.Status.DRAFT, Measurement.Status.RETURNED):
        return False
    return measurement.author_id == getattr(user, "pk", None) or (
        measurement.organisation_id in measurement_reporting_organisations(user)
    )
