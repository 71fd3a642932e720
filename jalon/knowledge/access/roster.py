"""Who may see or change the expert roster. An expert's profile is shown, with their consent and while it is
active or stale, to whom its visibility says (anyone, members: access/members.py, the programme team); the programme
team sees every profile (it invites experts and deactivates them); an expert always sees and edits their own
profile, nobody else edits it. Trainers of an activity are recorded by those who edit the activity."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.knowledge.access.members import is_member_condition
from jalon.knowledge.models import Expert
from jalon.lib.ids import valid_id

SHOWN_STATES = (Expert.State.ACTIVE, Expert.State.STALE)


def roster_can_manage(user) -> bool:
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def experts_visible(user, queryset: QuerySet | None = None) -> QuerySet[Expert]:
    queryset = Expert.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.has(Role.PROGRAMME_MANAGER):
        return queryset
    shown = Q(state__in=SHOWN_STATES, consent_at__isnull=False)
    condition = shown & Q(visibility=Expert.Visibility.PUBLIC)
    if grants.authenticated:
        condition |= (
            shown & Q(visibility=Expert.Visibility.MEMBERS) & is_member_condition(user, day=timezone.localdate())
        )
        condition |= Q(user_id=user.pk)
    return queryset.filter(condition)


def expert_can_edit(user, expert: Expert) -> bool:
    return expert.user_id is not None and expert.user_id == getattr(user, "pk", None)


def own_expert(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user).select_related("person").first()


def access_expert(user, pk) -> Expert:
    if not valid_id(pk):
        raise Http404
    expert = experts_visible(user, Expert.objects.select_related("person__organisation", "user")).filter(pk=pk).first()
    if expert is None:
        raise Http404
    return expert
