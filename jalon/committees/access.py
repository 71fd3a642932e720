"""Who may see or change committees and the records around them.

Committees, memberships, participation events, leadership roles, meetings and contributions are public
reference data. Delegates are people: seen only by the programme team (platform-wide managers, admins) and by
the focal points and contributors of the delegate's own organisation. Writes are for platform-wide managers
and admins; focal points register their own organisation's delegates and contributions. The ISO committee
file is imported by the same people who manage committees by hand (a background job that only its owner and
the platform administrators follow)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.committees.models import Committee, Contribution, LeadershipRole, Meeting, MeetingDelegate
from jalon.lib.ids import valid_id
from jalon.organisations.access import people_visible
from jalon.organisations.models import Organisation, Person


def committee_data_visible(user, queryset: QuerySet) -> QuerySet:
    """Committees and their public records (memberships, events, roles, meetings, contributions)."""
    return queryset


def committee_can_manage(user) -> bool:
    """Create and change committees, memberships, leadership roles and meetings."""
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def iso_import_can_start(user) -> bool:
    """Import the ISO Open Data committee file from the import page, and see the recent imports. The same
    people as `committee_can_manage` (the platform administrators and the platform-wide programme managers):
    the file changes the very records they edit by hand, and one policy for the same data cannot drift. The
    import refuses a file cut short or with bad rows and saves nothing then, so no weaker role is needed to
    keep it safe, and no stronger one. The job itself is followed by its owner and the administrators only."""
    return committee_can_manage(user)


def meeting_delegates_visible(user, queryset: QuerySet[MeetingDelegate] | None = None) -> QuerySet[MeetingDelegate]:
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


def delegate_can_register(user, organisation: Organisation | None) -> bool:
    """Register a delegate for `organisation` (None: for some organisation, to offer the form)."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return True
    own = grants.organisations(Role.FOCAL_POINT)
    return bool(own) if organisation is None else organisation.pk in own


def delegate_can_change(user, delegate: MeetingDelegate) -> bool:
    return delegate_can_register(user, delegate.organisation)


def contribution_can_create(user, organisation: Organisation | None) -> bool:
    return delegate_can_register(user, organisation)


def contribution_can_change(user, contribution: Contribution) -> bool:
    return delegate_can_register(user, contribution.organisation)


def delegate_registering_organisations(user, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """The organisations a user may register delegates and contributions for, as pages and API offer them:
    all for platform-wide managers, else those the user is focal point of (as delegate_can_register decides)."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(pk__in=grants.organisations(Role.FOCAL_POINT))


def delegate_person_choices(user, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """The people a user may register as delegates: those they may see; for anyone but a platform-wide
    manager, only people of the organisations they register for."""
    people = people_visible(user, queryset)
    if grants_for(user).all_programmes(Role.PROGRAMME_MANAGER):
        return people
    return people.filter(organisation__in=delegate_registering_organisations(user))


# Fetchers: the object a page or endpoint acts on, or the refusal ---------------------------------------------


def _get(queryset: QuerySet, pk):
    """The record of `queryset` with `pk`, or 404 (an id no database can hold is not found either)."""
    if not valid_id(pk):
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def access_committee(user, pk, *, manage: bool = False) -> Committee:
    """A committee (public: 404 only when it does not exist); `manage`: only for those who manage committees."""
    queryset = committee_data_visible(user, Committee.objects.select_related("parent", "secretariat__country"))
    committee = _get(queryset, pk)
    _require(not manage or committee_can_manage(user))
    return committee


def access_meeting(user, pk, *, manage: bool = False) -> Meeting:
    """A meeting with its committee; `manage`: only for those who manage committees."""
    meeting = _get(committee_data_visible(user, Meeting.objects.select_related("committee")), pk)
    _require(not manage or committee_can_manage(user))
    return meeting


def access_leadership_role(user, pk, *, manage: bool = False) -> LeadershipRole:
    role = _get(
        committee_data_visible(user, LeadershipRole.objects.select_related("committee", "person__organisation")), pk
    )
    _require(not manage or committee_can_manage(user))
    return role


def access_delegate(user, pk, *, manage: bool = False) -> MeetingDelegate:
    """A delegate (a person: 404 for those who may not see them); `manage`: only for those who may change
    this delegate's registration."""
    queryset = meeting_delegates_visible(
        user, MeetingDelegate.objects.select_related("meeting__committee", "organisation", "person")
    )
    delegate = _get(queryset, pk)
    _require(not manage or delegate_can_change(user, delegate))
    return delegate
