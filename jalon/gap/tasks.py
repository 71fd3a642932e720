"""The index runs as background jobs (kind "gap-run"): started from the programme's gap page, followed on
the run's progress page, cancellable at each step."""

import datetime

from django.urls import reverse
from django_tasks import task

from jalon.gap.method import MethodRefused
from jalon.jobs.services import JobRefused, job_run


def gap_run_work(job, progress) -> dict:
    from jalon.gap.models import IndexSpec
    from jalon.gap.services import run_record

    spec = IndexSpec.objects.select_related("programme", "programme__owner").get(pk=job.subject_id)
    params = job.params
    total = 6

    def step(label: str, done: int) -> None:
        progress.step(label, total=total, done=done)

    try:
        run = run_record(
            actor=job.owner,
            spec=spec,
            as_of=datetime.date.fromisoformat(params["as_of"]),
            seed=int(params["seed"]),
            runs=int(params["runs"]),
            step=step,
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
