"""Job kinds for the tests of jalon.jobs: their work is told what to do by the job's params."""

import time
from contextlib import nullcontext

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from jalon.jobs.kinds import JobKind, register
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, job_run


def counting_work(job, progress):
    """Counts to params["count"], one progress point each, then makes a small file if asked. With "atomic",
    it counts inside one transaction that first saves a record (a job of kind "marker"), as an import does."""
    count = job.params.get("count", 3)
    with transaction.atomic() if job.params.get("atomic") else nullcontext():
        if job.params.get("atomic"):
            Job.objects.create(kind="marker")
        progress.step("Counting", total=count)
        for done in range(1, count + 1):
            if job.params.get("sleep"):
                time.sleep(job.params["sleep"])
            progress.advance(done)
    if job.params.get("refuse"):
        raise JobRefused("The input has 2 problems.", {"errors": [{"row": 2}], "error_count": 2})
    if job.params.get("crash"):
        raise RuntimeError("boom")
    if job.params.get("file"):
        job.result_file.save("counted.txt", ContentFile(b"1 2 3"), save=False)
        job.result_name = "counted.txt"
        job.save(update_fields=["result_file", "result_name"])
    return {"counted": count, "upload": job.upload.read().decode() if job.upload else ""}


@task
def counting(job_id: int) -> None:
    job_run(job_id, counting_work)


def register_test_kinds() -> None:
    register(JobKind("test-counting", "Counting (test)", counting))
