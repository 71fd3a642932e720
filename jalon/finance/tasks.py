"""The finance app's background work (jalon.jobs): thin tasks that hand a job to its work."""

from django_tasks import task

from jalon.finance.imports import ledger_import_work
from jalon.jobs.services import job_run


@task
def ledger_import(job_id: int) -> None:
    job_run(job_id, ledger_import_work)
