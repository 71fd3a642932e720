"""Who may see or change organisations and their people (contacts).

The directory is run by platform-wide managers: programme-scoped roles do not extend to it. People are
personal data, never public."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation, Person


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


# What the eligibility rules and the public directory trust (a body's country decides its sponsorship
# rules): kept by the programme team. A focal point keeps its organisation's contact details and description.
DIRECTORY_FIELDS = ("name", "acronym", "kind", "country", "iso_member_id", "iati_identifier", "published")


def organisation_directory_changeable(user) -> bool:
    """May change an organisation's directory data (DIRECTORY_FIELDS): the programme team."""
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def organisation_can_delete(user, organisation: Organisation) -> bool:
    return grants_for(user).admin


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


def access_organisation(
    user,
    pk,
    *,
    manage: bool = False,
    delete: bool = False,
    contacts: bool = False,
    queryset: QuerySet[Organisation] | None = None,
) -> Organisation:
    """The organisation `pk` as `user` may see it (with its country), or 404: one answer for "does not exist"
    and "unpublished, not yours". Seen but not changeable is a 403: with `manage` (edit it), `delete`, or
    `contacts` (add its contacts). `queryset`: what the caller needs fetched with it."""
    if not valid_id(pk):
        raise Http404
    queryset = Organisation.objects.select_related("country") if queryset is None else queryset
    try:
        organisation = organisations_visible(user, queryset).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    if manage and not organisation_can_change(user, organisation):
        raise PermissionDenied
    if delete and not organisation_can_delete(user, organisation):
        raise PermissionDenied
    if contacts and not person_can_change(user, organisation):
        raise PermissionDenied
    return organisation
