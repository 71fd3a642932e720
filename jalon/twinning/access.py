"""Who may see or act on twinning arrangements, as for support: the focal points (and contributors, who read)
of either party see the arrangement; focal points act for their own member (propose, take the parties' steps,
record meetings and reviews); the programme team sees and acts on all. Approving the nominee of a leadership
twinning and terminating are the programme team's. Nobody else, never the public (arrangements name people)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.lib.ids import valid_id
from jalon.organisations.access import people_visible
from jalon.organisations.models import Organisation, Person
from jalon.results.access import programme_can_manage, programmes_visible
from jalon.results.models import Programme
from jalon.twinning.models import Arrangement


def arrangements_visible(user, queryset: QuerySet | None = None) -> QuerySet[Arrangement]:
    queryset = Arrangement.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(pk__in=[])
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    if managed:
        condition |= Q(programme_id__in=managed)
    own = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    if own:
        condition |= Q(twinned_member_id__in=own) | Q(lead_member_id__in=own)
    return queryset.filter(condition)


def twinning_can_list(user) -> bool:
    return grants_for(user).has(Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROGRAMME_MANAGER)


def twinning_own_members(user) -> set[int]:
    """The members a user acts for: focal points for their own organisation."""
    return grants_for(user).organisations(Role.FOCAL_POINT)


def twinning_is_team(user) -> bool:
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def twinning_can_propose(user) -> bool:
    return bool(twinning_own_members(user)) or twinning_is_team(user)


def twinning_can_propose_for(user, programme: Programme | None, twinned, lead=None) -> bool:
    """The team proposes for anyone in its programmes; a focal point for its own member, as the twinned member
    looking for a partner or as the lead offering to help."""
    if programme is not None and programme_can_manage(user, programme):
        return True
    own = twinning_own_members(user)
    return (twinned is not None and twinned.pk in own) or (lead is not None and lead.pk in own)


def _party(user, arrangement: Arrangement) -> bool:
    own = twinning_own_members(user)
    return arrangement.twinned_member_id in own or (
        arrangement.lead_member_id is not None and arrangement.lead_member_id in own
    )


def arrangement_can_act(user, arrangement: Arrangement) -> bool:
    """The parties' steps, meetings and reviews: the parties' focal points and the programme's managers."""
    return programme_can_manage(user, arrangement.programme) or _party(user, arrangement)


def arrangement_can_approve(user, arrangement: Arrangement) -> bool:
    """Approving the nominee and terminating: the programme's managers (who record ISO's decision)."""
    return programme_can_manage(user, arrangement.programme)


def twinning_can_recommend(user) -> bool:
    """The recommendations page: focal points (for their member) and the programme team (for all)."""
    return twinning_can_propose(user)


def twinning_recommend_members(user) -> QuerySet[Organisation]:
    """The members whose recommendations a user may ask for: ISO members for the team, their own for focal
    points."""
    members = Organisation.objects.filter(iso_member_id__isnull=False)
    if twinning_is_team(user):
        return members
    return members.filter(pk__in=twinning_own_members(user))


# Choices offered by pages and API ------------------------------------------------------------------------------


def twinning_programme_choices(user) -> QuerySet[Programme]:
    return programmes_visible(user)


def twinning_member_choices() -> QuerySet[Organisation]:
    """Partners are ISO members (national standards bodies with an ISO member id)."""
    return Organisation.objects.filter(iso_member_id__isnull=False)


def twinning_person_choices(user, arrangement: Arrangement | None = None) -> QuerySet[Person]:
    people = people_visible(user, Person.objects.all())
    if arrangement is not None:
        parties = [pk for pk in (arrangement.twinned_member_id, arrangement.lead_member_id) if pk]
        people = people.filter(organisation_id__in=parties)
    return people


# Fetchers ---------------------------------------------------------------------------------------------------

RELATED = ("programme", "committee", "twinned_member__country", "lead_member__country", "lead_person", "twinned_person")


def access_arrangement(user, pk, *, act: bool = False) -> Arrangement:
    """An arrangement the user may see (404 otherwise); `act`: one the user may act on (403 otherwise)."""
    if not valid_id(pk):
        raise Http404
    arrangement = arrangements_visible(user, Arrangement.objects.select_related(*RELATED)).filter(pk=pk).first()
    if arrangement is None:
        raise Http404
    if act and not arrangement_can_act(user, arrangement):
        raise PermissionDenied
    return arrangement
