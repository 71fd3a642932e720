"""Background jobs as a person follows them: start, progress, end, cancel, recovery, pages and access.

Here the immediate backend runs each job at once (tests/conftest.py); tests/jobs/test_worker.py runs real
worker processes."""

import datetime
import os
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jalon.jobs import services
from jalon.jobs.models import Job
from tests.jobs.kinds import counting_work, register_test_kinds


@pytest.fixture(autouse=True)
def kinds():
    register_test_kinds()


def start(user, **params) -> Job:
    return services.job_start(actor=user, kind="test-counting", params=params)


def test_a_job_runs_to_its_end_with_its_progress_and_result(users):
    job = start(users["manager"], count=4)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result) == ("succeeded", 4, 4, {"counted": 4, "upload": ""})
    assert job.started_at and job.finished_at and job.heartbeat_at and job.worker
    assert job.owner == users["manager"]


def test_a_refused_input_fails_the_job_with_its_message_and_report(users):
    job = start(users["manager"], refuse=True)
    job.refresh_from_db()
    assert (job.status, job.message, job.result["error_count"]) == ("failed", "The input has 2 problems.", 2)


def test_a_crash_fails_the_job_with_a_message_that_names_it(users, english):
    job = start(users["manager"], crash=True)
    job.refresh_from_db()
    assert job.status == "failed"
    assert f"(job {job.pk})" in job.message and "Nothing was saved" in job.message


def test_an_upload_is_given_to_the_work_and_removed_when_the_job_ends(users, media_root):
    upload = SimpleUploadedFile("participants (2).csv", b"Given name\nAwa\n")
    job = services.job_start(actor=users["manager"], kind="test-counting", params={"count": 1}, upload=upload)
    job.refresh_from_db()
    assert job.result["upload"] == "Given name\nAwa\n"
    assert job.upload_name == "participants (2).csv" and not job.upload
    assert not any(path.is_file() for path in (media_root / "jobs").rglob("*"))


def test_progress_is_written_at_most_once_a_second_and_each_step_at_once(users, django_assert_max_num_queries):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    Job.objects.filter(pk=job.pk).update(status="running")
    progress = services.Progress(job, interval=3600)
    progress.step("Reading", total=10_000)
    with django_assert_max_num_queries(0):
        for done in range(10_000):
            progress.advance(done)
    progress.step("Saving")
    assert Job.objects.get(pk=job.pk).step == "Saving"


def test_cancelling_a_queued_job_ends_it_before_it_starts(users):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    services.job_cancel(actor=users["manager"], job=job)
    services.job_run(job.pk, counting_work)
    job.refresh_from_db()
    assert (job.status, job.started_at) == ("cancelled", None)


def test_a_running_job_asked_to_cancel_stops_at_its_next_progress_point_and_saves_nothing(users):
    from jalon.organisations.models import Organisation

    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)

    def work(job, progress):
        Organisation.objects.filter(acronym="ASN").update(website="https://changed.example")
        services.job_cancel(actor=users["manager"], job=job)
        progress.step("Next step")
        raise AssertionError("not reached")

    services.job_run(job.pk, work)
    job.refresh_from_db()
    assert (job.status, job.message) == ("cancelled", "Annulée : rien n’a été enregistré.")
    assert Organisation.objects.get(acronym="ASN").website != "https://changed.example"


def test_a_finished_job_cannot_be_cancelled(users):
    job = start(users["manager"])
    with pytest.raises(services.ValidationError):
        services.job_cancel(actor=users["manager"], job=job)


def test_a_job_whose_worker_died_is_marked_failed(users, english):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    # A process of this machine that no longer exists.
    Job.objects.filter(pk=job.pk).update(
        status="running", worker=f"{socket.gethostname()}:{2**22 + 12345}", heartbeat_at=timezone.now()
    )
    assert services.jobs_recover()["failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and "interrupted" in job.message


def test_a_job_of_another_machine_silent_too_long_is_marked_failed(users, settings):
    settings.JALON_JOB_STALE_SECONDS = 60
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    Job.objects.filter(pk=job.pk).update(
        status="running", worker="elsewhere:12", heartbeat_at=timezone.now() - datetime.timedelta(seconds=30)
    )
    assert services.jobs_recover()["failed"] == 0
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=61))
    assert services.jobs_recover()["failed"] == 1


def test_a_job_that_never_reached_the_queue_is_enqueued_again(users):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.jobs_recover()["requeued"] == 1
    job.refresh_from_db()
    assert job.status == "succeeded" and job.task_id


def test_uploads_no_unfinished_job_reads_are_swept(users, media_root):
    orphan = media_root / "jobs" / "uploads" / "2026" / "12" / "upload.csv"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("Awa,awa@example.org")
    old = timezone.now().timestamp() - 3600
    os.utime(orphan, (old, old))
    kept = services.job_start(
        actor=users["manager"], kind="test-counting", upload=SimpleUploadedFile("a.csv", b"x"), enqueue=False
    )
    os.utime(media_root / kept.upload.name, (old, old))
    assert services.uploads_sweep() == 1
    assert not orphan.exists() and (media_root / kept.upload.name).exists()


# Pages ----------------------------------------------------------------------------------------------------


def test_the_owner_follows_the_job_on_a_page_that_refreshes_itself_while_it_runs(client_as, users):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    Job.objects.filter(pk=job.pk).update(
        status="running", done=3, total=10, step="Counting", heartbeat_at=timezone.now(), worker="elsewhere:1"
    )
    page = client_as("manager").get(reverse("jobs:job_detail", kwargs={"pk": job.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="job-progress" max="10" value="3">' in html
    assert reverse("jobs:job_cancel", kwargs={"pk": job.pk}) in html


def test_another_person_does_not_see_the_job_and_the_list_shows_only_mine(client_as, users):
    job = start(users["manager"])
    assert client_as("focal").get(reverse("jobs:job_detail", kwargs={"pk": job.pk})).status_code == 404
    assert client_as("focal").post(reverse("jobs:job_cancel", kwargs={"pk": job.pk})).status_code == 404
    assert client_as("admin").get(reverse("jobs:job_detail", kwargs={"pk": job.pk})).status_code == 200
    assert list(client_as("focal").get(reverse("jobs:job_list")).context["page"].object_list) == []
    assert list(client_as("manager").get(reverse("jobs:job_list")).context["page"].object_list) == [job]
    assert client_as(None).get(reverse("jobs:job_list")).status_code == 302


def test_the_owner_cancels_a_queued_job_from_its_page(client_as, users):
    job = services.job_start(actor=users["manager"], kind="test-counting", enqueue=False)
    response = client_as("manager").post(
        reverse("jobs:job_cancel", kwargs={"pk": job.pk}), {"next": "https://elsewhere.example/phish"}
    )
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_the_file_a_job_made_is_served_to_who_may_see_it_and_never_cached(client_as, users):
    job = start(users["manager"], file=True)
    url = reverse("jobs:job_file", kwargs={"pk": job.pk})
    response = client_as("manager").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"1 2 3"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="counted.txt"' in response["Content-Disposition"]
    assert client_as("contributor").get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302
