"""Reads of the reporting pages."""

from django.db.models import Count, QuerySet

from jalon.reporting.access import programmes_reported_visible
from jalon.reporting.models import ReportRun
from jalon.results.models import Programme


def programmes_reported(user) -> QuerySet[Programme]:
    """The programmes whose reports the user reads, with their number of runs (one query)."""
    return programmes_reported_visible(user).annotate(run_count=Count("report_runs")).order_by("code")


def runs_of(programme: Programme) -> QuerySet[ReportRun]:
    """The programme's runs, newest first, with who started them, their job and their files (three queries)."""
    return (
        ReportRun.objects.filter(programme=programme)
        .select_related("created_by", "job")
        .prefetch_related("files")
        .defer("snapshot")
    )
