"""Who may see or change committees and the records around them.

Committees, memberships, participation events, leadership roles, meetings and contributions are public
reference data. Delegates are people: seen only by the programme team (platform-wide managers, admins) and by
the focal points and contributors of the delegate's own organisation. Writes are for platform-wide managers
and admins; focal points register their own organisation's delegates and contributions."""

from django.db.models import QuerySet

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.committees.models import MeetingDelegate


def committee_data_visible(user, queryset: QuerySet) -> QuerySet:
    """Committees and their public records (memberships, events, roles, meetings, contributions)."""
    return queryset


def committee_can_manage(user) -> bool:
    """Create and change committees, memberships, leadership roles and meetings."""
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def committee_can_delete(user, committee) -> bool:
    return grants_for(user).admin


def meeting_delegates_visible(user, queryset=None):
    queryset = MeetingDelegate.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    own = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    return queryset.filter(organisation_id__in=own) if own else queryset.none()


def meeting_delegates_can_list(user) -> bool:
    """Whether a user sees any delegate at all (the list is still filtered by `meeting_delegates_visible`)."""
    grants = grants_for(user)
    return grants.all_programmes(Role.PROGRAMME_MANAGER) or bool(
        grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    )


def delegate_can_register(user, organisation) -> bool:
    """Register a delegate for `organisation` (None: for some organisation, to offer the form)."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return True
    own = grants.organisations(Role.FOCAL_POINT)
    return bool(own) if organisation is None else organisation.pk in own


def delegate_can_change(user, delegate) -> bool:
    return delegate_can_register(user, delegate.organisation)


def contribution_can_create(user, organisation) -> bool:
    return delegate_can_register(user, organisation)


def contribution_can_change(user, contribution) -> bool:
    return delegate_can_register(user, contribution.organisation)


def delegate_registering_organisations(user, queryset):
    """The organisations of `queryset` a user may register delegates and contributions for: all for
    platform-wide managers, else those the user is focal point of (as delegate_can_register decides)."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(pk__in=grants.organisations(Role.FOCAL_POINT))
