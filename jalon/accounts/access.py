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


# Activities ---------------------------------------------------------------------------------------------
# Published activities are public. Participants' personal details go only to the activity's organisers
# (focal points and contributors of the organiser organisation) and to the programme team (admins,
# platform-wide managers, managers of a programme the activity serves); viewers and the public get
# aggregates only. The same people create and edit activities.


def _activities_serving(programme_ids):
    from jalon.activities.models import Activity

    return Activity.outputs.through.objects.filter(result__programme_id__in=programme_ids).values("activity_id")


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
    from jalon.activities.models import Activity

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


def activities_manageable(user, queryset=None):
    """The activities a user may edit, and whose participants' details they see."""
    from jalon.activities.models import Activity

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
    from jalon.results.models import Result

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
    from jalon.activities.models import Registration

    queryset = Registration.objects.all() if queryset is None else queryset
    team = _activity_team_condition(grants_for(user))
    if team is None:
        return queryset
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(activity__in=activities_manageable(user).values("pk"))


def attendance_visible(user, queryset=None):
    from jalon.activities.models import Attendance

    queryset = Attendance.objects.all() if queryset is None else queryset
    if _activity_team_condition(grants_for(user)) is None:
        return queryset
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(registration__activity__in=activities_manageable(user).values("pk"))


def people_of_activities_visible(user, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Participants whose details a user sees: people registered in an activity they organise or whose
    programme they manage (all participants for the platform-wide team)."""
    from jalon.activities.models import Registration

    queryset = Person.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    registered = Registration.objects.all()
    if _activity_team_condition(grants) is not None:
        registered = registered.filter(activity__in=activities_manageable(user).values("pk"))
    return queryset.filter(pk__in=registered.values("person_id"))


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
    from jalon.activities.models import Activity

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


# Support ----------------------------------------------------------------------------------------------------
# Sponsorship and fellowship applications hold personal data and costs: the applicant organisation's focal
# points and contributors and the programme team see them; nobody else, never the public.


def support_visible(user, queryset):
    """Applications (sponsorships or fellowships) a user may see."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(pk__in=[])
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    if managed:
        condition |= Q(programme_id__in=managed)
    own = grants.organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)
    if own:
        condition |= Q(organisation_id__in=own)
    return queryset.filter(condition)


def support_can_list(user) -> bool:
    """The applications page: the applicant organisations' users and the programme team; viewers reach the
    costs from it (they see no application)."""
    return grants_for(user).has(Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROGRAMME_MANAGER, Role.VIEWER)


def support_applicant_organisations(user) -> set[int]:
    """Organisations a user applies for: focal points for their own organisation."""
    return grants_for(user).organisations(Role.FOCAL_POINT)


def support_can_apply(user) -> bool:
    """Focal points apply for their organisation; the programme team enters applications for anyone."""
    return bool(support_applicant_organisations(user)) or grants_for(user).has(Role.PROGRAMME_MANAGER)


def support_can_apply_for(user, programme, organisation) -> bool:
    if programme_can_manage(user, programme):
        return True
    return organisation is not None and organisation.pk in support_applicant_organisations(user)


def support_can_edit(user, application) -> bool:
    """Drafts are edited and submitted by the applicant's focal points and by the programme's managers."""
    if application.status != application.Status.DRAFT:
        return False
    return support_can_apply_for(user, application.programme, application.organisation)


def support_can_review(user, application) -> bool:
    """Check, approve, refuse, arrange travel, confirm attendance, record costs: the programme's managers."""
    return programme_can_manage(user, application.programme)


def support_can_report(user, application) -> bool:
    """The report after the meeting: the applicant's focal points, or the programme's managers."""
    return support_can_apply_for(user, application.programme, application.organisation)


def support_can_see_queue(user) -> bool:
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def support_reviewable(user, queryset):
    """Applications in the programmes a user manages (the review queue)."""
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    return queryset.filter(programme_id__in=grants.programmes(Role.PROGRAMME_MANAGER))


def support_can_see_costs(user) -> bool:
    """What awards cost, in aggregate (no names): the programme team and viewers (donors, governance)."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER, Role.VIEWER)


def support_costs_visible(user, queryset):
    grants = grants_for(user)
    if grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    return queryset.filter(programme_id__in=grants.programmes(Role.PROGRAMME_MANAGER, Role.VIEWER))


# Committees ---------------------------------------------------------------------------------------------
# Committees, memberships, participation events, leadership roles, meetings and contributions are public
# reference data. Delegates are people: seen only by the programme team (platform-wide managers, admins)
# and by the focal points and contributors of the delegate's own organisation. Writes are for platform-wide
# managers and admins; focal points register their own organisation's delegates and contributions.


def committee_data_visible(user, queryset: QuerySet) -> QuerySet:
    """Committees and their public records (memberships, events, roles, meetings, contributions)."""
    return queryset


def committee_can_manage(user) -> bool:
    """Create and change committees, memberships, leadership roles and meetings."""
    return grants_for(user).all_programmes(Role.PROGRAMME_MANAGER)


def committee_can_delete(user, committee) -> bool:
    return grants_for(user).admin


def meeting_delegates_visible(user, queryset=None):
    from jalon.committees.models import MeetingDelegate

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


# Imports ----------------------------------------------------------------------------------------------------
# Importing an activity's participants is managing it. An import's page and its report (which quotes the
# file's cells: personal data) go to whoever uploaded the file and to the programme team (admins,
# platform-wide managers, managers of a programme the activity serves).


def import_can_start(user, activity) -> bool:
    return activity_can_manage(user, activity)


def import_jobs_visible(user, queryset=None):
    from jalon.interop.models import ImportJob

    queryset = ImportJob.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(created_by_id=user.pk)
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    if managed:
        condition |= Q(activity_id__in=_activities_serving(managed))
    return queryset.filter(condition)
