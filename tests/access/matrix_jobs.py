"""Access table rows for background jobs (see matrix.py): a job is followed, cancelled and its file
downloaded by its owner and the platform administrators; it does not exist (404) for anyone else. Kinds
may let more people follow a job (a participant import: its activity's team): their rows are in the
owning domain's table."""

from django.core.files.base import ContentFile

from jalon.jobs.models import Job
from tests.access.matrix import SIGNED_IN, Redirect, page, url

OWNER = frozenset({"manager", "admin"})
HIDDEN = dict.fromkeys(SIGNED_IN - OWNER, (404,))


def managers_job(ctx) -> Job:
    def build(ctx):
        job = Job.objects.create(kind="matrix", owner=ctx.users["manager"], status=Job.Status.RUNNING)
        job.result_file.save("result.txt", ContentFile(b"made by the job"), save=False)
        job.result_name = "result.txt"
        job.save()
        return job

    return ctx.once("managers-job", build)


def pk_of_job(ctx) -> dict:
    return {"pk": managers_job(ctx).pk}


def cancel_requested(ctx) -> bool:
    return Job.objects.get(pk=managers_job(ctx).pk).cancel_requested


CASES = [
    page("jobs: my jobs", "jobs:job_list", SIGNED_IN),
    page("jobs: a job's progress", "jobs:job_detail", OWNER, kwargs=pk_of_job, refused_as=HIDDEN),
    page("jobs: a job's file", "jobs:job_file", OWNER, kwargs=pk_of_job, refused_as=HIDDEN),
    page(
        "jobs: cancel a job",
        "jobs:job_cancel",
        OWNER,
        method="post",
        kwargs=pk_of_job,
        data=lambda ctx: {},
        ok=Redirect(lambda ctx: url("jobs:job_detail", pk=managers_job(ctx).pk), "the job's page"),
        refused_as=HIDDEN,
        effect=cancel_requested,
    ),
]
