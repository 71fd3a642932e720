"""The gap index's background jobs: its runs (kind "gap-run": started from the programme's gap page, followed
on the run's progress page with its Monte Carlo draws and sensitivity samples, cancellable between draws),
and the import of a curated file of values (kind "gap-values-import": all or nothing, with each row's
problems when refused)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from jalon.gap.method import MethodRefused
from jalon.jobs.services import JobRefused, job_run


def gap_run_work(job, progress) -> dict:
    from jalon.gap.models import IndexSpec
    from jalon.gap.services import run_record

    spec = IndexSpec.objects.select_related("programme", "programme__owner").get(pk=job.subject_id)
    params = job.params
    try:
        run = run_record(
            actor=job.owner,
            spec=spec,
            as_of=datetime.date.fromisoformat(params["as_of"]),
            seed=int(params["seed"]),
            runs=int(params["runs"]),
            progress=progress,
        )
    except MethodRefused as refused:
        raise JobRefused(refused.message) from None
    progress.succeeded(
        {"run": run.pk, "url": reverse("gap:run_detail", kwargs={"code": spec.programme.code, "pk": run.pk})}
    )
    return {"run": run.pk}


@task
def gap_run(job_id: int) -> None:
    job_run(job_id, gap_run_work)


def gap_values_import_work(job, progress) -> dict:
    """The import of the job's upload, all or nothing: a refused file fails the job with its row-level report
    as the job's result."""
    from jalon.gap.services import ImportRefused, values_import

    if not job.upload:
        raise JobRefused(_("The uploaded file is no longer there: upload it again."))
    with job.upload.open("rb") as handle:
        content = handle.read()
    try:
        # The job is marked done in the import's own transaction: done exactly when the values are saved.
        with transaction.atomic():
            report = values_import(actor=job.owner, content=content, file_name=job.upload_name, progress=progress)
            result = report.as_dict()
            progress.succeeded(
                result,
                _("Imported: %(created)s values created, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
    except ImportRefused as refused:
        raise JobRefused(str(refused), refused.report.as_dict()) from None
    return result


@task
def gap_values_import(job_id: int) -> None:
    job_run(job_id, gap_values_import_work)
