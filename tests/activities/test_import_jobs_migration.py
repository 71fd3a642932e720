"""The migrations that moved participant imports from interop.ImportJob (run by threads of the web process) to
jobs.Job (run by the worker) keep each import, with its id, its report and its times, both ways; an import that
never finished ends failed, interrupted; the next job gets an id after theirs (run on SQLite and PostgreSQL like
the rest)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jalon.organisations.models import Organisation

pytestmark = pytest.mark.migration

BEFORE = [("activities", "0002_multilingual_fields"), ("interop", "0001_initial"), ("jobs", "0001_job")]
AFTER = [("activities", "0003_participant_imports_to_jobs"), ("interop", "0002_delete_importjob")]
ERRORS = [{"row": 3, "column": "Email", "value": "x@", "message": "Not a valid email address."}]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def imports_then_jobs(transactional_db, media_root):
    """Yields the apps before; leaves the database at the latest migrations."""
    apps = migrate(BEFORE)
    yield apps
    call_command("migrate", verbosity=0)


def test_imports_become_jobs_with_their_ids_and_come_back(imports_then_jobs):
    old_apps = imports_then_jobs
    ImportJob = old_apps.get_model("interop", "ImportJob")
    Job = old_apps.get_model("jobs", "Job")
    User = old_apps.get_model("accounts", "User")
    uploader = User.objects.create(username="uploader")
    # Made with the models of then: today's Activity has columns these migrations had not added yet.
    workshop = old_apps.get_model("activities", "Activity").objects.create(
        code="workshop",
        title={"en": "Workshop"},
        description={},
        type="workshop",
        modality="in_person",
        level="national",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 3),
        organiser_id=Organisation.objects.get(acronym="ASN").pk,
    )
    uploaded = timezone.now() - datetime.timedelta(days=30)
    common = {"kind": "participants", "activity_id": workshop.pk, "created_by": uploader, "language": "en"}
    done = ImportJob.objects.create(
        pk=5,
        file_name="first.xlsx",
        status="done",
        rows_total=3,
        rows_done=3,
        result={"rows": 3, "registrations_created": 3},
        started_at=uploaded,
        finished_at=uploaded + datetime.timedelta(seconds=4),
        **common,
    )
    ImportJob.objects.create(
        pk=6,
        file_name="bad.csv",
        status="failed",
        rows_total=10,
        rows_done=10,
        errors=ERRORS,
        error_count=1,
        message="The file has 1 problem.",
        **common,
    )
    running = ImportJob.objects.create(pk=7, file_name="big.xlsx", status="running", rows_total=500, **common)
    running.file.save("import.xlsx", ContentFile(b"names and addresses"))
    stored = running.file.name
    # A job of the new kind already holds id 8: that import moves to another id.
    ImportJob.objects.create(pk=8, file_name="late.csv", status="queued", **{**common, "language": "fr"})
    Job.objects.create(pk=8, kind="test-counting", status="succeeded")
    ImportJob.objects.filter(pk__in=[5, 6]).update(created_at=uploaded)

    new_apps = migrate(AFTER)
    Job = new_apps.get_model("jobs", "Job")
    jobs = {job.upload_name: job for job in Job.objects.filter(kind="participants")}
    assert set(jobs) == {"first.xlsx", "bad.csv", "big.xlsx", "late.csv"}
    first, bad, big, late = (jobs[name] for name in ("first.xlsx", "bad.csv", "big.xlsx", "late.csv"))
    assert (first.pk, first.status, first.subject_id, first.owner_id) == (5, "succeeded", workshop.pk, uploader.pk)
    assert first.result == {"rows": 3, "registrations_created": 3}
    assert (first.created_at, first.started_at, first.finished_at) == (uploaded, done.started_at, done.finished_at)
    assert (first.done, first.total, first.language) == (3, 3, "en")
    assert (bad.pk, bad.status, bad.message) == (6, "failed", "The file has 1 problem.")
    assert bad.result == {"errors": ERRORS, "error_count": 1, "rows": 10} and bad.created_at == uploaded
    assert (big.pk, big.status, big.upload.name) == (7, "failed", "")
    assert big.message.startswith("The import was interrupted") and big.finished_at
    assert not default_storage.exists(stored), "an upload nobody will read again is removed"
    assert late.pk not in (5, 6, 7, 8) and late.status == "failed" and late.message.startswith("L'importation")
    assert Job.objects.get(pk=8).kind == "test-counting"
    # The database gives the next job an id after all of them (PostgreSQL: the sequence was moved).
    assert Job.objects.create(kind="test-counting").pk > max(job.pk for job in jobs.values())

    old_apps = migrate(BEFORE)
    ImportJob = old_apps.get_model("interop", "ImportJob")
    Job = old_apps.get_model("jobs", "Job")
    back = {old.file_name: old for old in ImportJob.objects.all()}
    assert set(back) == set(jobs)
    assert (back["first.xlsx"].pk, back["first.xlsx"].status, back["first.xlsx"].result) == (5, "done", done.result)
    assert back["first.xlsx"].created_at == uploaded and back["first.xlsx"].activity_id == workshop.pk
    assert (back["bad.csv"].errors, back["bad.csv"].error_count, back["bad.csv"].rows_total) == (ERRORS, 1, 10)
    assert back["bad.csv"].result == {} and back["bad.csv"].message == "The file has 1 problem."
    assert (back["big.xlsx"].pk, back["big.xlsx"].status) == (7, "failed")
    assert back["late.csv"].pk == late.pk and back["late.csv"].created_by_id == uploader.pk
    assert not Job.objects.filter(kind="participants").exists()
    assert set(Job.objects.values_list("kind", flat=True)) == {"test-counting"}
    assert ImportJob.objects.create(kind="participants", file_name="next.csv").pk > late.pk
