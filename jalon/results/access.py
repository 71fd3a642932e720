"""Who may see or change results frameworks and their measurements."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.lib.collation import TextOrder
from jalon.lib.ids import valid_id
from jalon.lib.multilingual import text_in_database
from jalon.organisations.models import Organisation
from jalon.results.models import Dimension, Indicator, Level, Measurement, Period, Programme, Result

Part = TypeVar("Part", Level, Period, Dimension, Result)


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


def measurement_organisations_offered(user, programme) -> QuerySet[Organisation]:
    """The organisations a user may report a value for, as the report form offers them: any for the
    programme's managers, their own for focal points and contributors (measurement_can_report_for)."""
    if programme_can_manage(user, programme):
        return Organisation.objects.order_by(TextOrder(text_in_database("name")))
    return Organisation.objects.filter(pk__in=measurement_reporting_organisations(user))


def measurements_visible(user, queryset):
    """Approved values of visible programmes for all; managers see every state of their programmes;
    reporters see their own organisations' and their own drafts. The computed values of indicators that
    count people are their programme team's only: others read those figures under the small-group rule,
    on the pages and from the progress endpoint (results/small_groups.py)."""
    from jalon.results.computations import REGISTRY

    grants = grants_for(user)
    queryset = queryset.filter(indicator__result__programme__in=programmes_visible(user))
    if grants.all_programmes(Role.PROGRAMME_MANAGER):
        return queryset
    condition = Q(status=Measurement.Status.APPROVED)
    managed = grants.programmes(Role.PROGRAMME_MANAGER)
    people = Q(computed=True, indicator__computation__in=[k for k, c in REGISTRY.items() if c.counts_people])
    if managed:
        condition |= Q(indicator__result__programme__in=managed)
        people &= ~Q(indicator__result__programme__in=managed)
    own = measurement_reporting_organisations(user)
    if own:
        condition |= Q(organisation_id__in=own)
    if grants.authenticated:
        condition |= Q(author=user)
    return queryset.filter(condition).exclude(people)


def measurement_can_edit(user, measurement) -> bool:
    """Authors and their organisation's reporters edit drafts and returned values; managers any (a change to
    an approved value is an amendment). A computed value is changed by nobody, nor a superseded one."""
    if measurement.computed or measurement.status == Measurement.Status.SUPERSEDED:
        return False
    if programme_can_manage(user, measurement.indicator.result.programme):
        return True
    if measurement.status not in (Measurement.Status.DRAFT, Measurement.Status.RETURNED):
        return False
    return measurement_is_theirs(user, measurement)


def measurement_is_theirs(user, measurement) -> bool:
    """Its author, a reporter of its organisation, or a manager of its programme: who may have had its form
    open while it moved on (submitted, decided) and then gets the conflict message, not a refusal."""
    if measurement.computed:
        return False
    return (
        measurement.author_id == getattr(user, "pk", None)
        or measurement.organisation_id in measurement_reporting_organisations(user)
        or programme_can_manage(user, measurement.indicator.result.programme)
    )


def measurement_can_report_somewhere(user) -> bool:
    """Whether a user reports values for some organisation or manages some programme (the report form and
    endpoint are offered to them)."""
    return bool(measurement_reporting_organisations(user)) or grants_for(user).has(Role.PROGRAMME_MANAGER)


def measurement_can_review(user, measurement) -> bool:
    """Approve or return a submitted value: the managers of its programme."""
    return programme_can_manage(user, measurement.indicator.result.programme)


def programme_manager_somewhere(user) -> bool:
    """Whether a user manages some programme (the endpoints that set a framework's targets are offered)."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def approval_queue_can_open(user) -> bool:
    """The approval queue: managers of some programme (it lists the programmes each manages)."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


# Fetchers: the record, or the refusal -------------------------------------------------------------------
# "Not there" and "not yours to see" are the same 404 (an unpublished programme does not exist for those
# who may not see it); a record the user sees but may not change is a 403.


def access_programme(user, code: str, *, manage: bool = False) -> Programme:
    """The programme with this code (and its owner) if the user sees it; with `manage`, if they manage it."""
    programme = get_object_or_404(programmes_visible(user).select_related("owner"), code=code)
    if manage and not programme_can_manage(user, programme):
        raise PermissionDenied
    return programme


def access_indicator(user, code: str, pk, *, manage: bool = False, report: bool = False) -> Indicator:
    """An indicator of the programme `code` (as access_programme), with its result and level. `manage`:
    the user manages the programme; `report`: the user reports values on it, and the indicator is reported
    by hand (a computed one is typed by nobody)."""
    programme = access_programme(user, code, manage=manage)
    indicator = get_object_or_404(Indicator.objects.select_related("result__level"), pk=pk, result__programme=programme)
    indicator.result.programme = programme  # already read: no second query for it
    if report and not (measurement_can_report(user, programme) and indicator.source == Indicator.Source.MANUAL):
        raise PermissionDenied
    return indicator


def access_framework_part(user, code: str, model: type[Part], pk) -> Part:
    """A level, period, disaggregation or result of the programme `code`, which the user manages (the
    framework builder's pages), with its programme."""
    programme = access_programme(user, code, manage=True)
    part = get_object_or_404(model._default_manager.all(), pk=pk, programme=programme)
    part.programme = programme
    return part


def access_measurement(user, pk, *, edit: bool = False, review: bool = False, saving: bool = False) -> Measurement:
    """A reported value the user sees (measurements_visible); `edit`: that they may change it; `review`:
    that they may approve or return it. `saving` (with `edit`): a change sent from a form opened earlier,
    let through to the service when the value is theirs (measurement_is_theirs), so that a value submitted
    meanwhile answers with the conflict message and the entry kept, not with a refusal."""
    if not valid_id(pk):  # an API path segment is any text: not an id, no such value
        raise Http404
    queryset = Measurement.objects.select_related("indicator__result__programme", "period")
    measurement = get_object_or_404(measurements_visible(user, queryset), pk=pk)
    allowed = measurement_is_theirs if saving else measurement_can_edit
    if edit and not allowed(user, measurement):
        raise PermissionDenied
    if review and not measurement_can_review(user, measurement):
        raise PermissionDenied
    return measurement


def measurement_can_comment(user, measurement) -> bool:
    """Read and write a value's comment thread: whoever is concerned by it (its author, its organisation's
    reporters, its programme's managers: measurement_is_theirs), and the managers on a computed value. Not
    the public, even for a published value: a thread is the working exchange of the people named in it."""
    return programme_can_manage(user, measurement.indicator.result.programme) or measurement_is_theirs(
        user, measurement
    )


def measurements_commentable(user, programme, measurements) -> set[int]:
    """The ids of those of a programme's values whose thread the user reads and writes in (as
    measurement_can_comment, without reading each value's programme again)."""
    if programme_can_manage(user, programme):
        return {m.pk for m in measurements}
    own = measurement_reporting_organisations(user)
    pk = getattr(user, "pk", None)
    return {
        m.pk
        for m in measurements
        if not m.computed and ((pk is not None and m.author_id == pk) or m.organisation_id in own)
    }


def narrative_can_write(user, programme) -> bool:
    """Write an indicator's narrative for a period: who reports values on the programme or manages it."""
    return measurement_can_report(user, programme)


def iati_import_jobs_visible(user, queryset: QuerySet) -> QuerySet:
    """The IATI imports (jobs whose subject is a programme) a user follows besides their own: those into the
    programmes they manage (jalon.jobs adds the owner and the platform administrators)."""
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(subject_id__in=programmes_managed(user).values("pk"))
