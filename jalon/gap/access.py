"""Who may see and change the gap index.

A programme's index (its specifications and runs) is seen by whoever sees the programme: it is built from
public data and aggregate counts. The records behind a computed value on the country page are shown as their
own pages would show them: committee memberships, leadership, contributions and laboratories to everyone; the
people trained, the delegates and the fellows (personal data) only to whoever may see them there. The programme's
managers write specifications, start runs, and curate the imported and hand-entered values; platform
administrators do everything."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.activities.access import registrations_visible
from jalon.committees.access import meeting_delegates_visible
from jalon.gap.models import IndexRun, IndexSpec
from jalon.lib.ids import valid_id
from jalon.results.access import access_programme, programme_can_manage, programmes_managed, programmes_visible
from jalon.results.models import Programme
from jalon.support.access import support_visible

# The computed indicators whose records name people (gap/computed.py COMPUTED), with the filter of the app
# that decides who sees them.
PERSONAL_RECORDS: dict[str, Callable[[Any, QuerySet], QuerySet]] = {
    "trained": registrations_visible,
    "meetings_attended": meeting_delegates_visible,
    "sponsored_delegates": meeting_delegates_visible,
    "fellowships": support_visible,
}


def gap_can_manage(user, programme: Programme) -> bool:
    """Write specifications and start runs of the programme's index."""
    return programme_can_manage(user, programme)


def gap_can_curate(user) -> bool:
    """Import and enter indicator values: any programme manager (the values serve every programme)."""
    grants = grants_for(user)
    return grants.all_programmes(Role.PROGRAMME_MANAGER) or bool(grants.programmes(Role.PROGRAMME_MANAGER))


def drill_records_visible(user, computation: str, queryset: QuerySet) -> QuerySet:
    """The records behind a computed value that this viewer may see (the value itself is an aggregate)."""
    visible = PERSONAL_RECORDS.get(computation)
    return queryset if visible is None else visible(user, queryset)


def runs_visible(user, queryset: QuerySet[IndexRun] | None = None) -> QuerySet[IndexRun]:
    queryset = IndexRun.objects.all() if queryset is None else queryset
    return queryset.filter(spec__programme__in=programmes_visible(user))


def access_gap_programme(user, code: str, *, manage: bool = False) -> Programme:
    return access_programme(user, code, manage=manage)


def access_run(user, programme: Programme, pk) -> IndexRun:
    if not valid_id(pk):
        raise Http404
    run = (
        runs_visible(user, IndexRun.objects.select_related("spec", "spec__programme", "baseline"))
        .filter(spec__programme=programme, pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    return run


def access_spec(user, programme: Programme, version, *, manage: bool = False) -> IndexSpec:
    if not valid_id(version):
        raise Http404
    spec = IndexSpec.objects.filter(programme=programme, version=version).select_related("programme").first()
    if spec is None:
        raise Http404
    if manage and not gap_can_manage(user, programme):
        raise PermissionDenied
    return spec


def gap_jobs_visible(user, queryset: QuerySet) -> QuerySet:
    """A run's job is followed by the managers of its programme (the job's subject is the specification)."""
    specs = IndexSpec.objects.filter(programme__in=programmes_managed(user)).values("pk")
    return queryset.filter(subject_id__in=specs)


def gap_run_job_url(job) -> str:
    spec = IndexSpec.objects.select_related("programme").filter(pk=job.subject_id).first()
    if spec is None:
        return reverse("jobs:job_list")
    return reverse("gap:run_progress", kwargs={"code": spec.programme.code, "job": job.pk})
