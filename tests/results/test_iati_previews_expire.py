"""IATI import previews never confirmed are removed with their copy of the file after IATI_PREVIEW_KEEP_DAYS:
by the worker's periodic round (a real `jalon worker` process on a database of its own), and by
`jalon iati-previews-expire` for a site without a worker. Confirmed previews, recent ones and imports stay."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from jalon.jobs.models import Job
from jalon.results.iati_import import iati_preview_confirm, iati_preview_start, iati_previews_expire

GDIHUB = Path(__file__).parent / "data" / "iati" / "gdihub-aidstream-GB-COH-11126312.xml"


def preview_make(actor, days_ago: int) -> Job:
    upload = SimpleUploadedFile("gdihub.xml", GDIHUB.read_bytes(), content_type="application/xml")
    job = iati_preview_start(actor=actor, programme=None, upload=upload)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result_file, job.message
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return job


def test_previews_never_confirmed_go_with_their_file_after_the_setting(db, users, settings):
    settings.IATI_PREVIEW_KEEP_DAYS = 7
    manager = users["manager"]
    old, recent, confirmed = preview_make(manager, 8), preview_make(manager, 6), preview_make(manager, 8)
    import_job = iati_preview_confirm(actor=manager, preview=confirmed, organisations={})
    old_file = Path(old.result_file.path)
    assert old_file.exists()

    assert iati_previews_expire() == 1
    assert not Job.objects.filter(pk=old.pk).exists() and not old_file.exists()
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk, import_job.pk}
    assert Path(Job.objects.get(pk=recent.pk).result_file.path).exists()
    assert iati_previews_expire() == 0  # nothing left to remove: the round is idempotent

    # The command, with its own number of days; a negative one is refused in the person's language.
    out = StringIO()
    with translation.override("en"):
        call_command("iati_previews_expire", "--days", "5", stdout=out)
    assert "1 IATI import previews removed." in out.getvalue()
    assert not Job.objects.filter(pk=recent.pk).exists()
    with translation.override("fr"), pytest.raises(CommandError, match="négatif"):
        call_command("iati_previews_expire", "--days", "-1")


SETUP = """
import datetime
from django.core.files.base import ContentFile
from django.utils import timezone
from jalon.jobs.models import Job
def preview(days):
    job = Job.objects.create(kind="iati-import", status="succeeded", params={"programme": "", "dry_run": True})
    job.result_file.save("preview.xml", ContentFile(b"<iati-activities/>"), save=True)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    return job
old, recent = preview(30), preview(1)
print(old.pk, recent.pk, old.result_file.path, recent.result_file.path)
"""


def test_the_worker_removes_the_old_previews_when_it_starts(rig_make):
    rig = rig_make("previews")
    try:
        old, recent, old_path, recent_path = rig.python(SETUP).strip().splitlines()[-1].split()
        assert Path(old_path).exists()
        assert rig.start("worker", "--batch").wait(timeout=300) == 0
        remaining = {row[0] for row in rig.query("SELECT id FROM jobs_job")}
        assert remaining == {int(recent)}
        assert not Path(old_path).exists() and Path(recent_path).exists()
    finally:
        rig.stop_all()
