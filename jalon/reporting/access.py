"""Who may see and start a programme's reports.

A report run is a draft of what the programme tells its governance and donors: it is read by the
programme's team (its managers) and its viewers, and by the platform's administrators; it is started by the
managers. Anybody else, even where the programme is published, does not see that runs exist (404): a viewer
of another programme gets nothing of this one."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.lib.ids import valid_id
from jalon.reporting.models import ReportFile, ReportRun, ReportSection
from jalon.results.access import access_programme, narrative_can_write, programme_can_manage, programmes_visible
from jalon.results.models import Period, Programme, Result


def reports_can_see(user, programme: Programme) -> bool:
    grants = grants_for(user)
    if not grants.authenticated:
        return False
    return grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER) or programme.pk in grants.programmes(
        Role.PROGRAMME_MANAGER, Role.VIEWER
    )


def reports_can_start(user, programme: Programme) -> bool:
    return programme_can_manage(user, programme)


def access_reports_programme(user, code: str, *, start: bool = False) -> Programme:
    """The programme if the user may read its reports (404 otherwise); with `start`, if they may run one
    (403 for a viewer)."""
    programme = access_programme(user, code)
    if not reports_can_see(user, programme):
        raise Http404
    if start and not reports_can_start(user, programme):
        raise PermissionDenied
    return programme


def sections_can_write(user, programme: Programme) -> bool:
    """Write a report's narrative sections and submit them for review: who reads the programme's reports and
    writes its indicators' narratives (its managers; a viewer who also reports values)."""
    return reports_can_see(user, programme) and narrative_can_write(user, programme)


def sections_can_review(user, programme: Programme) -> bool:
    """Approve a section, or return it with a note: the programme's managers."""
    return programme_can_manage(user, programme)


def access_section_place(
    user, code: str, period_code: str, result_pk, language: str, *, write: bool = False
) -> tuple[Period, Result, ReportSection | None]:
    """The period, result node and section (None if not written yet) behind a section's address, if the user
    reads the programme's reports (404 otherwise); with `write`, if they may write it (403)."""
    programme = access_reports_programme(user, code)
    if language not in ("fr", "en") or not valid_id(result_pk):
        raise Http404
    period = programme.periods.filter(code=period_code).first()
    result = programme.results.select_related("level", "programme").filter(pk=result_pk).first()
    if period is None or result is None:
        raise Http404
    if write and not sections_can_write(user, programme):
        raise PermissionDenied
    section = ReportSection.objects.filter(result=result, period=period, language=language).first()
    return period, result, section


def access_run(user, code: str, pk) -> ReportRun:
    programme = access_reports_programme(user, code)
    if not valid_id(pk):
        raise Http404
    run = ReportRun.objects.select_related("programme", "job", "created_by").filter(programme=programme, pk=pk).first()
    if run is None:
        raise Http404
    return run


def access_file(user, code: str, pk, language: str, format: str) -> ReportFile:
    run = access_run(user, code, pk)
    found = ReportFile.objects.filter(run=run, language=language, format=format).first()
    if found is None:
        raise Http404
    return found


def report_jobs_visible(user, queryset: QuerySet) -> QuerySet:
    """A report's job is followed by whoever reads the programme's reports (the job's subject is the run)."""
    grants = grants_for(user)
    if not grants.authenticated:
        return queryset.none()
    runs = ReportRun.objects.all()
    if not grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        runs = runs.filter(programme_id__in=grants.programmes(Role.PROGRAMME_MANAGER, Role.VIEWER))
    return queryset.filter(subject_id__in=runs.values("pk"))


def report_run_job_url(job) -> str:
    run = ReportRun.objects.select_related("programme").filter(pk=job.subject_id).first()
    if run is None:
        return reverse("jobs:job_list")
    return run.get_absolute_url()


def reports_link_visible(user) -> bool:
    """The Reports link: for whoever reads some programme's reports."""
    grants = grants_for(user)
    return grants.authenticated and (
        grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER)
        or bool(grants.programmes(Role.PROGRAMME_MANAGER, Role.VIEWER))
    )


def programmes_reported_visible(user) -> QuerySet[Programme]:
    """The programmes whose reports the user reads: those they see and manage or view."""
    grants = grants_for(user)
    queryset = programmes_visible(user)
    if not grants.all_programmes(Role.PROGRAMME_MANAGER, Role.VIEWER):
        queryset = queryset.filter(pk__in=grants.programmes(Role.PROGRAMME_MANAGER, Role.VIEWER))
    return queryset


def dashboards_visible(user) -> QuerySet[Programme]:
    """The programmes of the portfolio dashboard: those whose reports the user reads (their managers and
    viewers, the administrators); a dashboard shows what waits in the programme's queues, not public."""
    return programmes_reported_visible(user)


def access_dashboard_programme(user, code: str) -> Programme:
    """A programme's dashboard: for whoever reads its reports (404 for anybody else, even where the programme
    is published: a viewer of another programme does not learn what waits in this one)."""
    return access_reports_programme(user, code)
