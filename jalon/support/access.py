"""Who may see or change sponsorship and fellowship applications.

Applications hold personal data and costs: the applicant organisation's focal points and contributors and the
programme team see them; nobody else, never the public."""

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
from jalon.support.models import Fellowship, Scheme, Sponsorship


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


# What pages and API offer: the same choices, from these functions ---------------------------------------------


def support_applicant_choices(user, *, scheme: str | None = None) -> QuerySet[Organisation]:
    """The organisations a user may file an application for, as pages and API offer them: any organisation
    of a country for the programme team (applicants are national bodies), their own for focal points; for a
    sponsorship, national standards bodies only."""
    queryset = Organisation.objects.all()
    if scheme == Scheme.ISO_SPONSORSHIP:
        queryset = queryset.filter(kind=Organisation.Kind.NSB)
    if grants_for(user).has(Role.PROGRAMME_MANAGER):
        return queryset.filter(country__isnull=False)
    return queryset.filter(pk__in=support_applicant_organisations(user))


# The body whose programmes award each scheme: an ISO sponsorship is filed in an ISO programme.
SCHEME_BODIES: dict[str, str] = {Scheme.ISO_SPONSORSHIP: "ISO", Scheme.ITU_FELLOWSHIP: "ITU"}


def support_programme_choices(user, *, scheme: str | None = None) -> QuerySet[Programme]:
    """The programmes an application may be filed in: those the user sees, of the body that awards the scheme
    (support_can_apply_for decides whether *this* user may apply in one for *this* organisation)."""
    queryset = programmes_visible(user)
    if scheme in SCHEME_BODIES:
        queryset = queryset.filter(owner__acronym=SCHEME_BODIES[scheme])
    return queryset


def support_candidate_choices(user, *, scheme: str | None = None) -> QuerySet[Person]:
    """The people an application may be for: contacts the user may see, of the organisations they may apply
    for."""
    return people_visible(user, Person.objects.filter(organisation__in=support_applicant_choices(user, scheme=scheme)))


# Fetchers: the application a page acts on, or the refusal -------------------------------------------------------

SPONSORSHIP_RELATED = (
    "programme",
    "organisation__country__region",
    "person",
    "committee",
    "meeting__committee",
    "currency",
)
FELLOWSHIP_RELATED = ("programme", "organisation", "country__region", "person", "meeting__committee", "currency")


def _application(user, queryset: QuerySet, pk, manage: bool):
    # Applications are private: one the user may not see is "not found", like one that does not exist.
    if not valid_id(pk):
        raise Http404
    application = support_visible(user, queryset).filter(pk=pk).first()
    if application is None:
        raise Http404
    if manage and not support_can_edit(user, application):
        raise PermissionDenied
    return application


def access_sponsorship(user, pk, *, manage: bool = False) -> Sponsorship:
    """A sponsorship the user may see (404 otherwise); `manage`: a draft the user may edit (403 otherwise)."""
    queryset = Sponsorship.objects.select_related(*SPONSORSHIP_RELATED, "training", "delegate", "reviewer")
    return _application(user, queryset, pk, manage)


def access_fellowship(user, pk, *, manage: bool = False) -> Fellowship:
    """A fellowship request the user may see (404 otherwise); `manage`: a draft the user may edit."""
    return _application(user, Fellowship.objects.select_related(*FELLOWSHIP_RELATED, "reviewer"), pk, manage)


def award_notified_users(application):
    """The users told of an application's decision and of its report due: the applicant organisation's focal
    points, and whoever filed it (a contributor, say), with an e-mail address."""
    from django.contrib.auth import get_user_model

    condition = Q(roles__role=Role.FOCAL_POINT, roles__organisation_id=application.organisation_id)
    if application.created_by_id:
        condition |= Q(pk=application.created_by_id)
    return get_user_model().objects.filter(condition, is_active=True).exclude(email="").distinct().order_by("pk")
