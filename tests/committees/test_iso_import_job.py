"""The ISO committee file imported from a page, as a background job: the upload, the job's page with what
the import changed, a file refused (cut short, bad rows) with nothing saved, cancelling, and who sees the
job. The immediate task backend (tests/conftest.py) runs the job at once, inside the upload's request;
tests/jobs/test_worker.py runs real workers."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from jalon.accounts.models import Role
from jalon.committees.iso_import import (
    ISO_COMMITTEES_FILE,
    JOB_KIND,
    iso_committees_import,
    iso_committees_import_start,
    iso_committees_import_work,
)
from jalon.committees.models import Committee, CommitteeMembership, ImportRun
from jalon.jobs import services as jobs
from jalon.jobs.models import Job
from tests.committees.conftest import read_rows, write_rows
from tests.conftest import make_user

FIRST = datetime.date(2026, 5, 1)
REAL = ISO_COMMITTEES_FILE.read_bytes()

pytestmark = pytest.mark.django_db


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def upload(content: bytes = REAL, name: str = "iso_technical_committees.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post_file(client, content: bytes = REAL, *, as_of: str = "2026-05-01", language: str = "en"):
    return client.post(page_url("committees:iso_import", language), {"file": upload(content), "as_of": as_of})


def only_job() -> Job:
    return Job.objects.get(kind=JOB_KIND)


def post_and_apply(client, content: bytes = REAL, *, as_of: str = "2026-05-01", language: str = "en", **choices):
    """Upload from the page (a preview job), then apply the previewed file from the preview's page."""
    preview = post_file(client, content, as_of=as_of, language=language)
    return client.post(preview["Location"], {"decision": "apply", **choices})


def uploads_left(media_root) -> list:
    return [path for path in (media_root / "jobs").rglob("*") if path.is_file()]


def cut(content: bytes, share: float) -> bytes:
    """The file as an interrupted download leaves it: cut in the middle of a row."""
    at = int(len(content) * share)
    while content[at - 1 : at] in (b"\n", b"\r"):
        at += 7
    return content[:at]


# From the page to the summary -------------------------------------------------------------------------------


def test_the_real_file_uploaded_from_the_page_is_imported_and_its_page_shows_the_summary(client_as, users, media_root):
    client = client_as("manager")

    response = post_and_apply(client)

    preview, job = Job.objects.filter(kind=JOB_KIND).order_by("pk")
    assert response.status_code == 302
    assert response["Location"] == page_url("committees:iso_import_job", pk=job.pk)
    assert (job.status, job.owner, job.upload_name, job.params["as_of"], job.params["preview_of"]) == (
        "succeeded",
        users["manager"],
        "iso_technical_committees.csv",
        "2026-05-01",
        preview.pk,
    )
    assert preview.params == {"as_of": "2026-05-01", "preview": True}
    run = ImportRun.objects.get()
    assert (run.created_by, run.file_name, run.as_of) == (users["manager"], "iso_technical_committees.csv", FIRST)
    assert job.result == {
        "import_run": run.pk,
        "as_of": "2026-05-01",
        "file_name": "iso_technical_committees.csv",
        "summary": run.summary,
    }
    assert run.summary["committees_created"] == Committee.objects.count() == 796
    assert CommitteeMembership.objects.filter(status="p").count() == 17211
    # The upload may hold what the owner did not mean to keep: gone once the job ended.
    assert not job.upload and not uploads_left(media_root)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<meta http-equiv" not in html  # done: no more refreshing
    assert '<th scope="row">Committees created</th><td class="num">796</td>' in html
    assert '<th scope="row">Members not in the directory (ignored)</th><td class="num">0</td>' in html
    assert "starting point" in html
    assert page_url("committees:iso_import") + "#history" in html
    # The generic job page and "my jobs" lead to the same page.
    generic = client.get(page_url("jobs:job_detail", pk=job.pk))
    assert generic.status_code == 302 and generic["Location"] == page_url("committees:iso_import_job", pk=job.pk)


def test_a_later_file_reports_the_changes_and_unknown_members_in_french(client_as, tmp_path):
    client = client_as("admin")
    post_and_apply(client, language="fr")
    rows = read_rows(ISO_COMMITTEES_FILE)
    rows[0]["oMembers.id"] = "[424242]"
    rows[0]["oMembers.acronym"] = "[XYZ]"
    write_rows(tmp_path / "later.csv", rows)

    post_and_apply(client, (tmp_path / "later.csv").read_bytes(), as_of="2026-10-01", language="fr")

    job = Job.objects.filter(kind=JOB_KIND).order_by("-pk").first()
    assert job.status == "succeeded" and job.language == "fr"
    summary = job.result["summary"]
    assert summary["unknown_members"] == [{"iso_member_id": 424242, "acronym": "XYZ"}]
    assert summary["unknown_member_ids"] == 1 and not summary["baseline"]
    html = client.get(page_url("committees:iso_import_job", "fr", pk=job.pk)).content.decode()
    assert "Membres absents du répertoire" in html and "<li>XYZ (424242)</li>" in html
    assert "Le fichier a été importé" in html


def test_the_import_reports_each_stage_as_it_goes(users):
    job = jobs.job_start(
        actor=users["manager"],
        kind=JOB_KIND,
        params={"as_of": "2026-05-01"},
        upload=upload(),
        enqueue=False,
        language="en",
    )
    watched = []

    def work(job, progress):
        return iso_committees_import_work(job, Watching(progress, watched))

    jobs.job_run(job.pk, work)

    assert [label for label, _total in watched] == [
        "Reading and checking the rows",
        "Saving the committees",
        "Disbanding the committees no longer in the file",
        "Saving the memberships and the organisations in liaison",
        "Saving the liaisons between committees",
        "Saving the secretariats",
        "Recording the changes as dated events",
    ]
    assert watched[0][1] == 796
    job.refresh_from_db()
    assert (job.status, job.step) == ("succeeded", "Recording the changes as dated events")


class Watching:
    """A job's progress, passed on, with the stages it reports written down (and a cancel asked for at one
    of them, as the owner's click would)."""

    def __init__(self, progress, seen: list, *, cancel_at: int | None = None):
        self.progress, self.seen, self.cancel_at = progress, seen, cancel_at

    def step(self, label, **options):
        self.seen.append((str(label), options.get("total")))
        if len(self.seen) == self.cancel_at:
            jobs.job_cancel(actor=self.progress.job.owner, job=self.progress.job)
        self.progress.step(label, **options)

    def __getattr__(self, name):
        return getattr(self.progress, name)


# A file refused, nothing saved ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The file ends in the middle of a row (line {line}): it looks cut short"),
        ("fr", "Le fichier s’arrête au milieu d’un enregistrement (ligne {line}) : il semble tronqué"),
    ],
)
def test_a_truncated_file_is_refused_with_a_clear_message_and_nothing_is_saved(
    client_as, media_root, language, message
):
    client = client_as("manager")
    truncated = cut(REAL, 0.6)

    response = post_file(client, truncated, language=language)

    job = only_job()
    line = truncated.count(b"\n") + 1
    assert (job.status, job.language) == ("failed", language)
    assert job.message.startswith(message.format(line=line)), job.message
    assert not Committee.objects.exists() and not ImportRun.objects.exists()
    assert not CommitteeMembership.objects.exists()
    assert not uploads_left(media_root)
    page = client.get(response["Location"])
    assert job.message in page.content.decode()
    assert page_url("committees:iso_import", language) in page.content.decode()


def test_a_file_cut_inside_a_quoted_scope_is_refused_as_cut_short(users, english):
    at = REAL.index(b"<strong>") + 20
    job = iso_committees_import_start(actor=users["admin"], upload=upload(REAL[:at]))
    job.refresh_from_db()
    assert job.status == "failed" and "cut short" in job.message
    assert not Committee.objects.exists()


def test_a_file_cut_at_the_end_of_a_row_is_refused_once_committees_are_recorded(users, english):
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)
    at = REAL.index(b"\n", len(REAL) // 2) + 1
    memberships = CommitteeMembership.objects.filter(until=None).count()

    job = iso_committees_import_start(actor=users["admin"], upload=upload(REAL[:at]), as_of=datetime.date(2026, 6, 1))

    job.refresh_from_db()
    assert job.status == "failed"
    assert re.match(r"This file lacks \d+ of the 796 committees recorded from ISO: it looks cut short", job.message)
    assert not Committee.objects.filter(status="disbanded").exists()
    assert CommitteeMembership.objects.filter(until=None).count() == memberships
    assert ImportRun.objects.count() == 1


def test_bad_rows_fail_the_job_with_each_row_and_its_problem_on_the_page(client_as, tmp_path):
    rows = read_rows(ISO_COMMITTEES_FILE)
    rows[2]["id"] = "not-a-number"
    rows[7]["status"] = "Dormant"
    write_rows(tmp_path / "rows.csv", rows)
    client = client_as("manager")

    response = post_file(client, (tmp_path / "rows.csv").read_bytes())

    job = only_job()
    assert job.status == "failed"
    assert job.message.startswith("2 rows of the file have problems: nothing was saved.")
    assert job.result["error_count"] == 2
    assert [(error["line"], error["reference"]) for error in job.result["errors"]] == [
        (4, rows[2]["reference"]),
        (9, rows[7]["reference"]),
    ]
    assert "Dormant" in job.result["errors"][1]["problem"]
    assert not Committee.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert f"<tr><td>9</td><td>{rows[7]['reference']}</td>" in html


def test_a_file_that_is_not_the_committee_csv_fails_the_job_with_the_reason(users, english):
    job = iso_committees_import_start(actor=users["manager"], upload=upload(b"name,country\nASN,SN\n"))
    job.refresh_from_db()
    assert job.status == "failed" and "missing columns" in job.message and job.result == {}


def test_the_form_refuses_an_empty_file_a_date_that_is_not_one_or_one_to_come(client_as):
    client = client_as("manager")
    response = post_file(client, b"")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = post_file(client, as_of="soon")
    assert response.status_code == 200 and response.context["form"].errors["as_of"]
    response = post_file(client, as_of=(datetime.date.today() + datetime.timedelta(days=2)).isoformat())
    assert response.context["form"].errors["as_of"] == ["The file cannot describe a day after today."]
    assert not Job.objects.exists()


def test_as_of_defaults_to_the_day_the_import_is_started(users):
    from django.utils import timezone

    job = iso_committees_import_start(actor=users["manager"], upload=upload(b""))
    assert job.params == {"as_of": timezone.localdate().isoformat()}


# Cancelling ---------------------------------------------------------------------------------------------------


def test_the_owner_cancels_a_queued_import_from_its_page_and_nothing_is_saved(client_as, users, media_root):
    job = jobs.job_start(
        actor=users["manager"], kind=JOB_KIND, params={"as_of": "2026-05-01"}, upload=upload(), enqueue=False
    )
    client = client_as("manager")
    page_path = page_url("committees:iso_import_job", pk=job.pk)
    page = client.get(page_path)
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
    assert page_url("jobs:job_cancel", pk=job.pk) in page.content.decode()

    response = client.post(page_url("jobs:job_cancel", pk=job.pk), {"next": page_path})

    assert response.status_code == 302 and response["Location"] == page_path
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.upload and not uploads_left(media_root)
    # The queue may still hand it to a worker: it does not start.
    jobs.job_run(job.pk, iso_committees_import_work)
    job.refresh_from_db()
    assert job.status == "cancelled" and job.started_at is None
    assert not Committee.objects.exists() and not ImportRun.objects.exists()


def test_a_running_import_cancelled_while_saving_stops_there_and_saves_nothing(users, english):
    job = jobs.job_start(
        actor=users["manager"], kind=JOB_KIND, params={"as_of": "2026-05-01"}, upload=upload(), enqueue=False
    )
    watched = []

    # Cancelled when it starts saving the memberships: the committees are written by then, in the transaction.
    def work(job, progress):
        return iso_committees_import_work(job, Watching(progress, watched, cancel_at=4))

    jobs.job_run(job.pk, work)

    job.refresh_from_db()
    assert (job.status, job.message) == ("cancelled", "Cancelled: nothing was saved.")
    assert watched[-1][0] == "Saving the memberships and the organisations in liaison"
    assert not Committee.objects.exists() and not ImportRun.objects.exists()


# Who sees what ------------------------------------------------------------------------------------------------


def test_the_job_is_seen_by_its_owner_and_the_administrators_only(client_as, users):
    job = iso_committees_import_start(actor=users["manager"], upload=upload(b"a,b\n1,2\n"))
    colleague = make_user("manager-two", Role.PROGRAMME_MANAGER)
    path = page_url("committees:iso_import_job", pk=job.pk)

    assert client_as("manager").get(path).status_code == 200
    assert client_as("admin").get(path).status_code == 200
    for role in ("focal", "contributor", "viewer", "plain"):
        assert client_as(role).get(path).status_code == 404, role
    client = client_as(None)
    client.force_login(colleague)
    # Another manager may import too, but another person's job does not exist for them.
    assert client.get(path).status_code == 404
    assert list(client.get(page_url("committees:iso_import")).context["jobs"]) == []
    assert list(client_as("admin").get(page_url("committees:iso_import")).context["jobs"]) == [job]
    # A job of another kind is not shown as an ISO import.
    other = jobs.job_start(actor=users["manager"], kind=JOB_KIND, enqueue=False)
    Job.objects.filter(pk=other.pk).update(kind="something-else")
    assert client_as("manager").get(page_url("committees:iso_import_job", pk=other.pk)).status_code == 404


def test_the_committee_list_links_to_the_import_page_for_those_who_may_import(client_as):
    link = page_url("committees:iso_import")
    for role in ("manager", "admin"):
        assert link in client_as(role).get(page_url("committees:committee_list")).content.decode(), role
    for role in (None, "focal", "viewer"):
        assert link not in client_as(role).get(page_url("committees:committee_list")).content.decode(), role


def test_the_import_page_lists_recent_imports_and_jobs_in_a_fixed_number_of_queries(
    client_as, users, django_assert_num_queries
):
    def add(count: int) -> None:
        start = ImportRun.objects.count()
        for n in range(start, start + count):
            ImportRun.objects.create(
                source=ImportRun.Source.ISO_OPEN_DATA,
                file_name=f"iso-{n}.csv",
                as_of=FIRST,
                created_by=users["admin"],
                summary={"committees_created": n, "baseline": n == 0},
            )
            Job.objects.create(kind=JOB_KIND, owner=users["manager"], upload_name=f"iso-{n}.csv", status="succeeded")

    client = client_as("admin")
    add(1)
    with django_assert_num_queries(5):  # session, user, role assignments, runs, jobs
        first = client.get(page_url("committees:iso_import"))
    add(8)
    with django_assert_num_queries(5):
        page = client.get(page_url("committees:iso_import"))
    assert len(first.context["runs"]) == 1 and len(page.context["runs"]) == 9 and len(page.context["jobs"]) == 9
    html = page.content.decode()
    assert "iso-8.csv" in html and "starting point" in html
