"""Participant imports move from interop.ImportJob (a thread of the web process ran them) to jalon.jobs.Job (the
worker runs them). Each import keeps its id, so that the links to its page still work; then interop's next
migration deletes ImportJob. An import that had not finished never will (no thread runs it any more): it is
kept as failed, interrupted. The way back copies the participant imports into ImportJob again (best effort:
a cancelled import becomes a failed one) and removes them from jobs."""

from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import migrations

KIND = "participants"
# The old statuses -> the jobs' (queued and running: interrupted, since nothing will run them now).
STATUS = {"queued": "failed", "running": "failed", "failed": "failed", "done": "succeeded"}
STATUS_BACK = {"queued": "failed", "running": "failed", "failed": "failed", "cancelled": "failed", "succeeded": "done"}
# The message the old code gave an interrupted import, in each language it wrote (frozen here: a migration
# must not depend on the catalogue of the day).
INTERRUPTED = {
    "en": "The import was interrupted (the server stopped or restarted). Nothing was saved: import the file again.",
    "fr": "L'importation a été interrompue (le serveur s'est arrêté ou a redémarré). Rien n'a été enregistré : "
    "importez à nouveau le fichier.",
}


def _file_remove(name: str) -> None:
    """An upload nobody will read again holds personal data: removed (best effort)."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        pass


def _sequence_reset(schema_editor, model) -> None:
    """Rows were written with their ids: the next id the database gives must come after them (PostgreSQL's
    sequences; SQLite follows the largest id by itself)."""
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def imports_to_jobs(apps, schema_editor):
    ImportJob = apps.get_model("interop", "ImportJob")
    Job = apps.get_model("jobs", "Job")
    alias = schema_editor.connection.alias
    taken = set(Job.objects.using(alias).values_list("pk", flat=True))
    jobs, stamps = [], []
    for old in ImportJob.objects.using(alias).order_by("pk").iterator():
        unfinished = old.status in ("queued", "running")
        result = dict(old.result or {}) if isinstance(old.result, dict) else {}
        if old.errors or old.error_count:
            result.update(errors=list(old.errors or []), error_count=old.error_count)
        if old.rows_total is not None:
            result.setdefault("rows", old.rows_total)
        message = old.message
        if unfinished:
            message = INTERRUPTED.get(old.language, INTERRUPTED["en"])
        jobs.append(
            Job(
                # The same id, so that the old links still lead to it (unless a job has it already).
                pk=None if old.pk in taken else old.pk,
                kind=KIND,
                owner_id=old.created_by_id,
                subject_id=old.activity_id,
                language=old.language,
                status=STATUS.get(old.status, "failed"),
                done=old.rows_done,
                total=old.rows_total,
                message=message,
                result=result,
                upload_name=old.file_name,
                worker=old.worker,
                started_at=old.started_at,
                finished_at=old.finished_at or (old.updated_at if unfinished else None),
                heartbeat_at=old.updated_at,
            )
        )
        stamps.append(old.created_at)
        _file_remove(old.file.name if old.file else "")
    if not jobs:
        return
    # SQLite and PostgreSQL give back the ids of the rows inserted without one.
    created = Job.objects.using(alias).bulk_create(jobs, batch_size=500)
    # created_at is set by the database on insert (auto_now_add): give each job its upload's time back.
    for job, stamp in zip(created, stamps, strict=True):
        job.created_at = stamp
    Job.objects.using(alias).bulk_update(created, ["created_at"], batch_size=500)
    _sequence_reset(schema_editor, Job)


def jobs_to_imports(apps, schema_editor):
    ImportJob = apps.get_model("interop", "ImportJob")
    Job = apps.get_model("jobs", "Job")
    Activity = apps.get_model("activities", "Activity")
    alias = schema_editor.connection.alias
    imports = Job.objects.using(alias).filter(kind=KIND).order_by("pk")
    activities = set(
        Activity.objects.using(alias)
        .filter(pk__in=imports.exclude(subject_id=None).values("subject_id"))
        .values_list("pk", flat=True)
    )
    olds, stamps = [], []
    for job in imports.iterator():
        result = dict(job.result or {}) if isinstance(job.result, dict) else {}
        errors = result.pop("errors", [])
        error_count = result.pop("error_count", len(errors))
        unfinished = job.status in ("queued", "running")
        if job.status == "failed" or unfinished:
            # The old page showed a failed import's errors and message, not its result.
            rows = result.pop("rows", None)
            result = {}
        else:
            rows = result.get("rows")
        olds.append(
            ImportJob(
                pk=job.pk,
                kind=KIND,
                activity_id=job.subject_id if job.subject_id in activities else None,
                created_by_id=job.owner_id,
                file_name=(job.upload_name or "-")[:250],
                language=job.language,
                status=STATUS_BACK.get(job.status, "failed"),
                rows_total=job.total if job.total is not None else rows,
                rows_done=job.done,
                errors=errors,
                error_count=error_count,
                message=INTERRUPTED.get(job.language, INTERRUPTED["en"]) if unfinished else job.message,
                result=result,
                worker=job.worker,
                started_at=job.started_at,
                finished_at=job.finished_at or (job.heartbeat_at if unfinished else None) or job.created_at,
            )
        )
        stamps.append((job.created_at, job.heartbeat_at or job.finished_at or job.created_at))
        _file_remove(job.upload.name if job.upload else "")
    if olds:
        created = ImportJob.objects.using(alias).bulk_create(olds, batch_size=500)
        for old, (created_at, updated_at) in zip(created, stamps, strict=True):
            old.created_at, old.updated_at = created_at, updated_at
        ImportJob.objects.using(alias).bulk_update(created, ["created_at", "updated_at"], batch_size=500)
        _sequence_reset(schema_editor, ImportJob)
    imports.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_multilingual_fields"),
        ("interop", "0001_initial"),
        ("jobs", "0001_job"),
    ]

    operations = [migrations.RunPython(imports_to_jobs, jobs_to_imports)]
