"""Who finds which entries of the knowledge search index."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.knowledge.access.members import is_member_condition
from jalon.knowledge.models import SearchEntry

Visibility = SearchEntry.Visibility


def entries_visible(user, queryset: QuerySet | None = None) -> QuerySet[SearchEntry]:
    """Public entries for anyone; members' entries for members (access/members.py); an organisation's for its people;
    the team's for the programme team; one's own always."""
    queryset = SearchEntry.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.has(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(visibility=Visibility.PUBLIC)
    if grants.authenticated:
        members = Q(visibility=Visibility.MEMBERS) & is_member_condition(user, day=timezone.localdate())
        condition |= members | Q(owner_id=user.pk)
        organisations = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
        if organisations:
            condition |= Q(visibility=Visibility.ORGANISATION, organisation_id__in=organisations)
    return queryset.filter(condition)
