"""The committees' background work: the ISO committee file imported from the import page."""

from django_tasks import task

from jalon.committees.iso_import import iso_committees_import_work
from jalon.jobs.services import job_run


@task
def iso_committees_import_task(job_id: int) -> None:
    job_run(job_id, iso_committees_import_work)
