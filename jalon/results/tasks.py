"""The results app's background tasks: refreshing a programme's computed indicators, queued by the writes
that make them stale (computations.computed_schedule_refresh). Nobody started it: no Job record; a failed
refresh leaves the programme pending, and the worker's recovery (computations.computed_recover) retries."""

from django_tasks import task

from jalon.results.computations import programme_computed_refresh


@task
def computed_refresh(programme_id: int) -> int:
    return programme_computed_refresh(programme_id=programme_id)


@task
def iati_import_run(job_id: int) -> None:
    """An IATI file import (jalon.jobs): its owner follows it on the job's page."""
    from jalon.jobs.services import job_run
    from jalon.results.iati_import import iati_import_work

    job_run(job_id, iati_import_work)


@task
def iati_export_run(job_id: int) -> None:
    """An IATI export (jalon.jobs): the programme's managers follow it and download the file from the job's page."""
    from jalon.jobs.services import job_run
    from jalon.results.iati import iati_export_work

    job_run(job_id, iati_export_work)
