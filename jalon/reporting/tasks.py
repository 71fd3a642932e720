"""Report runs as background jobs (kind "report-run"): started from the programme's reports page, followed
on the run's page, cancellable between its files."""

from django_tasks import task

from jalon.jobs.services import job_run


@task
def report_run(job_id: int) -> None:
    from jalon.reporting.services import report_run_build

    job_run(job_id, report_run_build)
