"""The activities' background work (jalon.jobs): thin tasks that hand a job to its work."""

from django_tasks import task

from jalon.activities.certificates import certificates_zip_work
from jalon.activities.imports import participants_import_work
from jalon.jobs.services import job_run


@task
def participants_import(job_id: int) -> None:
    job_run(job_id, participants_import_work)


@task
def certificates_batch(job_id: int) -> None:
    job_run(job_id, certificates_zip_work)
