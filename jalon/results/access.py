"""Who may see or change results frameworks and their measurements."""

from django.db.models import Q

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.results.models import Measurement, Programme


def programmes_visible(user, queryset=None):
    """Published programmes for everyone; unpublished ones for their managers and viewers."""
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
    if programme_can_manage(user, measurement.indicator.result.programme):
        return True
    if measurement.status not in (Measurement.Status.DRAFT, Measurement.Status.RETURNED):
        return False
    return measurement.author_id == getattr(user, "pk", None) or (
        measurement.organisation_id in measurement_reporting_organisations(user)
    )


def measurement_can_report_somewhere(user) -> bool:
    """Whether a user reports values for some organisation or manages some programme (the report form and
    endpoint are offered to them)."""
    return bool(measurement_reporting_organisations(user)) or grants_for(user).has(Role.PROGRAMME_MANAGER)


def approval_queue_can_open(user) -> bool:
    """The approval queue: managers of some programme (it lists the programmes each manages)."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)
