"""Who may see or change the resource library: anyone reads and downloads published resources; the programme
team and viewers read drafts too; the team and focal points (for their organisation) add and edit resources and
their files; the team publishes them. Files are served only through the access-checked download view."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.knowledge.access.lessons import knowledge_is_team, knowledge_own_organisations, knowledge_read_organisations
from jalon.knowledge.models import Resource
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation


def resources_visible(user, queryset: QuerySet | None = None) -> QuerySet[Resource]:
    queryset = Resource.objects.all() if queryset is None else queryset
    if grants_for(user).has(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    condition = Q(status=Resource.Status.PUBLISHED)
    own = knowledge_read_organisations(user)
    if own:
        condition |= Q(organisation_id__in=own)
    return queryset.filter(condition)


def resource_can_add(user) -> bool:
    return knowledge_is_team(user) or bool(knowledge_own_organisations(user))


def resource_can_add_for(user, organisation: Organisation | None) -> bool:
    if knowledge_is_team(user):
        return True
    return organisation is not None and organisation.pk in knowledge_own_organisations(user)


def resource_can_edit(user, resource: Resource) -> bool:
    return knowledge_is_team(user) or resource.organisation_id in knowledge_own_organisations(user)


def resource_can_publish(user, resource: Resource | None = None) -> bool:
    return knowledge_is_team(user)


def access_resource(user, pk, *, edit: bool = False) -> Resource:
    if not valid_id(pk):
        raise Http404
    resource = resources_visible(user, Resource.objects.select_related("organisation")).filter(pk=pk).first()
    if resource is None:
        raise Http404
    if edit and not resource_can_edit(user, resource):
        raise PermissionDenied
    return resource
