"""Who may see or change activities, their participants and their imports.

Published activities are public. Participants' personal details go only to the activity's organisers (focal
points and contributors of the organiser organisation) and to the programme team (admins, platform-wide
managers, managers of a programme the activity serves); viewers and the public get aggregates only. The same
people create and edit activities."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import Grants, grants_for
from jalon.accounts.models import Role
from jalon.activities.models import Activity, ActivitySession, Attendance, Material, Registration, activity_ids_serving
from jalon.jobs.models import Job
from jalon.lib.ids import valid_id
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation, Person
from jalon.results.access import programmes_visible
from jalon.results.models import Result


def _activities_serving(programme_ids):
    return activity_ids_serving(programme_id__in=programme_ids)


def _activity_team_condition(grants: Grants) -> Q | None:
    """None: every activity; otherwise the activities the user organises or whose programme they manage."""
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return None
    condition = Q(organiser_id__in=grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR))
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    if managed:
        condition |= Q(pk__in=_activities_serving(managed))
    return condition


def activities_visible(user, queryset=None):
    """Published activities for everyone; unpublished ones for their organisers, the programme team and
    the viewers of a programme they serve."""
    queryset = Activity.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    condition = Q(published=True)
    team = _activity_team_condition(grants)
    if team is not None:
        condition |= team
    viewed = grants.programmes(Role.VIEWER)
    if viewed:
        condition |= Q(pk__in=_activities_serving(viewed))
    return queryset.filter(condition)


def reach_audience(user) -> str | None:
    """Which audience of the reach summary (reach_summary.py) sees exactly the activities this user sees:
    "all" (the platform-wide team and viewers), "public" (the public, and signed-in people with no role on
    activities), or None (organisers and programme teams: their own view, the public's and their unpublished
    activities', reach.py)."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return "all"
    if (
        grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
        or grants.programmes(Role.PROGRAMME_MANAGER)
        or grants.programmes(Role.VIEWER)
    ):
        return None
    return "public"


def reach_sees_every_participant(user) -> bool:
    """Whether the user may see every participant (registrations_visible is all of them): exact reach figures."""
    return _activity_team_condition(grants_for(user)) is None


def activities_manageable(user, queryset=None):
    """The activities a user may edit, and whose participants' details they see."""
    queryset = Activity.objects.all() if queryset is None else queryset
    team = _activity_team_condition(grants_for(user))
    return queryset if team is None else queryset.filter(team)


def activity_can_create(user) -> bool:
    """Managers (any scope) and the focal points and contributors of an organisation (for it)."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER, Role.FOCAL_POINT, Role.CONTRIBUTOR)


def activity_organisers_for(user, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """The organisations a user may record an activity for (as its organiser)."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.has(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(pk__in=grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR))


def activity_outputs_for(user, queryset=None):
    """The results a user may link an activity to: any visible one for platform-wide managers, their own
    programmes' for programme managers, any visible programme's for organisers."""
    queryset = Result.objects.all() if queryset is None else queryset
    return queryset.filter(programme__in=programmes_visible(user))


def activity_can_manage(user, activity) -> bool:
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return True
    if activity.organiser_id in grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR):
        return True
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    return bool(managed) and activity.outputs.filter(programme_id__in=managed).exists()


def activity_can_delete(user, activity) -> bool:
    return activity_can_manage(user, activity)


def activity_participants_visible(user, activity) -> bool:
    """Names, contacts and individual results of the activity's participants."""
    return activity_can_manage(user, activity)


def registrations_visible(user, queryset=None):
    queryset = Registration.objects.all() if queryset is None else queryset
    team = _activity_team_condition(grants_for(user))
    if team is None:
        return queryset
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(activity__in=activities_manageable(user).values("pk"))


def attendance_visible(user, queryset=None):
    queryset = Attendance.objects.all() if queryset is None else queryset
    if _activity_team_condition(grants_for(user)) is None:
        return queryset
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(registration__activity__in=activities_manageable(user).values("pk"))


def people_of_activities_visible(user, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Participants whose details a user sees: people registered in an activity they organise or whose
    programme they manage (all participants for the platform-wide team)."""
    queryset = Person.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    registered = Registration.objects.all()
    if _activity_team_condition(grants) is not None:
        registered = registered.filter(activity__in=activities_manageable(user).values("pk"))
    return queryset.filter(pk__in=registered.values("person_id"))


def people_matchable(user) -> QuerySet[Person]:
    """The recorded people a registration or an import by `user` may recognise as the same person: those
    they may already see. A match elsewhere (the same e-mail in another organisation's activities) must not
    hand that record, its name and its details, to them: a new record is made instead, which the programme
    team's duplicates tool lists beside the other (people_duplicates) for them to merge if it is the same
    person."""
    return people_of_activities_visible(user) | organisations_access.people_visible(user)


def person_can_see_history(user, person) -> bool:
    return people_of_activities_visible(user).filter(pk=person.pk).exists()


def people_can_merge(user) -> bool:
    """Merging, exporting and erasing people touch every activity: the platform-wide team only."""
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def person_can_export(user, person) -> bool:
    return people_can_merge(user)


def person_can_erase(user, person) -> bool:
    return people_can_merge(user)


def activity_can_register_self(user, activity) -> bool:
    """The public registration form: a published activity open for registration."""
    return activity.published and activity.status == Activity.Status.OPEN


def activity_can_record(user, *, organiser, outputs) -> bool:
    """Whether a user may record (create, or move) an activity with this organiser and these outputs: it
    must stay one they manage, by its organiser or by a programme they manage that it serves."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return True
    if organiser is not None and organiser.pk in grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR):
        return True
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    return any(output.programme_id in managed for output in outputs)


def registration_can_change(user, registration) -> bool:
    return activity_can_manage(user, registration.activity)


# Imports and certificate batches: importing an activity's participants, or making all its certificates, is
# managing it. Such a job (its progress, its report quoting the file's cells, its ZIP of certificates: personal
# data) is followed by whoever started it and by the activity's team, those who may start one.


def import_can_start(user, activity) -> bool:
    return activity_can_manage(user, activity)


def certificates_can_batch(user, activity) -> bool:
    return activity_can_manage(user, activity)


def activity_jobs_visible(user, queryset: QuerySet[Job]) -> QuerySet[Job]:
    """The jobs about an activity (their subject) that the user may follow besides their own: those of the
    activities they manage (jalon.jobs adds the owner and the platform administrators)."""
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    if _activity_team_condition(grants) is None:
        return queryset
    return queryset.filter(subject_id__in=activities_manageable(user).values("pk"))


# Fetchers: the record a page or an endpoint asks for, or a refusal. An activity that does not exist and
# one the user may not see get the same 404 (unpublished activities are private); a visible one the user
# may not manage gets 403.


def access_activity(user, code: str, *, manage: bool = False) -> Activity:
    activity = (
        activities_visible(user)
        .select_related("organiser", "region", "planned_budget_currency", "actual_cost_currency")
        .filter(code=code)
        .first()
    )
    if activity is None:
        raise Http404
    if manage and not activity_can_manage(user, activity):
        raise PermissionDenied
    return activity


def access_session(user, code: str, pk: int) -> ActivitySession:
    """A session of an activity the user manages (sessions are edited and marked by its organisers)."""
    activity = access_activity(user, code, manage=True)
    session = activity.sessions.filter(pk=pk).first() if valid_id(pk) else None
    if session is None:
        raise Http404
    session.activity = activity
    return session


def access_material(user, code: str, pk: int, *, manage: bool = True) -> Material:
    """A material of an activity the user sees; `manage`: of one they may change (to edit or delete it)."""
    activity = access_activity(user, code, manage=manage)
    material = activity.materials.filter(pk=pk).first() if valid_id(pk) else None
    if material is None:
        raise Http404
    material.activity = activity
    return material


def access_registration(user, code: str, pk: int) -> Registration:
    """A registration of a visible activity, for those who may change it (its evaluation, its cancelling)."""
    activity = access_activity(user, code)
    registration = (
        activity.registrations.select_related("person__organisation", "person__country", "activity")
        .filter(pk=pk)
        .first()
        if valid_id(pk)
        else None
    )
    if registration is None:
        raise Http404
    if not registration_can_change(user, registration):
        raise PermissionDenied
    return registration


def access_person(user, pk: int, *, manage: bool = False) -> Person:
    """A person the user may see: as a participant of activities they organise or manage, or as a contact
    of their organisation. `manage`: for the personal-data tools (export, erase), the platform-wide team's."""
    visible = people_of_activities_visible(user) | organisations_access.people_visible(user)
    person = visible.select_related("organisation", "country").filter(pk=pk).first() if valid_id(pk) else None
    if person is None:
        raise Http404
    if manage and not person_can_erase(user, person):
        raise PermissionDenied
    return person


def access_certificate(user, registration: Registration | None) -> Registration:
    """The certificate (PDF) of a completed registration: for those who see its participants."""
    if registration is None:
        raise Http404
    if not registrations_visible(user, Registration.objects.filter(pk=registration.pk)).exists():
        raise PermissionDenied
    return registration


def access_import_activity(user, code: str) -> Activity:
    """The activity a user imports participants into (or downloads the template naming its sessions for)."""
    activity = access_activity(user, code)
    if not import_can_start(user, activity):
        raise PermissionDenied
    return activity
