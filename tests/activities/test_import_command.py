"""`jalon import-participants`: the same import from the command line, run there or queued for the worker
(tests/activities/test_import_worker.py runs a real worker on what it queues)."""

import pytest
from django.core.management import CommandError, call_command

from jalon.accounts.models import AuditEntry
from jalon.activities.models import Registration
from jalon.jobs.models import Job
from tests.activities.import_files import HEADERS_EN, csv_bytes, participant_rows, workshop_create, xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_command_imports_a_file_and_says_what_it_did(users, nsb, tmp_path, capsys):
    workshop = workshop_create(users["manager"], nsb)
    path = tmp_path / "participants.xlsx"
    path.write_bytes(xlsx_bytes(HEADERS_EN, participant_rows(5)))

    call_command("import_participants", str(path), activity=workshop.code)

    assert Registration.objects.filter(activity=workshop).count() == 5
    assert "registrations_created 5" in capsys.readouterr().out
    assert AuditEntry.objects.filter(model="jobs.job", action=AuditEntry.Action.UPDATE).count() == 1
    job = Job.objects.get()
    assert (job.kind, job.subject_id, job.owner, job.status) == ("participants", workshop.pk, None, "succeeded")
    assert not job.upload, "the file's copy is not kept"


def test_the_command_queues_the_import_for_the_worker_and_prints_the_jobs_id(users, nsb, tmp_path, capsys):
    workshop = workshop_create(users["manager"], nsb)
    path = tmp_path / "participants.csv"
    path.write_bytes(csv_bytes(HEADERS_EN, participant_rows(2)))

    call_command("import_participants", str(path), activity=workshop.code, queue=True)

    job = Job.objects.get()
    assert capsys.readouterr().out.strip() == str(job.pk)
    assert (job.kind, job.subject_id, job.upload_name, job.task_id != "") == (
        "participants",
        workshop.pk,
        "participants.csv",
        True,
    )


def test_the_command_refuses_a_bad_file_with_the_report_and_saves_nothing(users, nsb, tmp_path):
    workshop = workshop_create(users["manager"], nsb)
    rows = participant_rows(3)
    rows[1][2] = "nope"
    path = tmp_path / "participants.csv"
    path.write_bytes(csv_bytes(HEADERS_EN, rows))

    with pytest.raises(CommandError) as refused:
        call_command("import_participants", str(path), activity=workshop.code, language="en")

    assert "row 3, Email: 'nope': Not a valid email address." in str(refused.value)
    assert not Registration.objects.exists()


def test_the_command_names_an_unknown_activity_or_an_unreadable_file(users, nsb, tmp_path):
    with pytest.raises(CommandError, match="Unknown activity"):
        call_command("import_participants", "x.csv", activity="nope")
    workshop = workshop_create(users["manager"], nsb)
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(CommandError, match=r"\.xls"):
        call_command("import_participants", str(path), activity=workshop.code)
