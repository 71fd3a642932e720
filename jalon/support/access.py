"""Who may see or change sponsorship and fellowship applications.

Applications hold personal data and costs: the applicant organisation's focal points and contributors and the
programme team see them; nobody else, never the public."""

from django.db.models import Q, QuerySet

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.organisations.models import Organisation
from jalon.results.access import programme_can_manage


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


def support_applicant_choices(user, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """The organisations a user may file an application for, as pages and API offer them: any organisation
    of a country for the programme team (applicants are national bodies), their own for focal points."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    if grants_for(user).has(Role.PROGRAMME_MANAGER):
        return queryset.filter(country__isnull=False)
    return queryset.filter(pk__in=support_applicant_organisations(user))
