"""Who may follow, cancel and download a background job: its owner, the platform administrators, and
whom the job's kind lets see it (for a participant import: the activity's programme team)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.jobs.kinds import KINDS
from jalon.jobs.models import Job
from jalon.lib.ids import valid_id


def jobs_visible(user, queryset: QuerySet[Job] | None = None) -> QuerySet[Job]:
    queryset = Job.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    if grants.admin:
        return queryset
    condition = Q(owner_id=user.pk)
    for kind in KINDS.values():
        if kind.visible is not None:
            condition |= Q(pk__in=kind.visible(user, Job.objects.filter(kind=kind.name)).values("pk"))
    return queryset.filter(condition)


def jobs_owned(user, queryset: QuerySet[Job] | None = None) -> QuerySet[Job]:
    """The jobs a user started (the "my jobs" list)."""
    queryset = Job.objects.all() if queryset is None else queryset
    if not grants_for(user).authenticated:
        return queryset.none()
    return queryset.filter(owner_id=user.pk)


def job_can_cancel(user, job: Job) -> bool:
    """Its owner and the administrators; whoever else follows it only watches."""
    grants = grants_for(user)
    return not job.finished and grants.authenticated and (grants.admin or job.owner_id == user.pk)


def access_job(user, pk, *, kind: str | None = None) -> Job:
    """The job, or 404: another person's job does not exist for whoever may not follow it."""
    if not valid_id(pk):
        raise Http404
    queryset = jobs_visible(user, Job.objects.select_related("owner"))
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    job = queryset.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
