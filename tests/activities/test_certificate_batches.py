"""All the certificates of an activity as one ZIP, made by a background job: one PDF per completed
registration, asked for by the activity's organisers, followed and downloaded by its team, cancelled with
nothing kept. The tests' immediate backend runs the job in the request that asks for it."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.activities import certificates, services
from jalon.activities.certificates import CERTIFICATES, certificates_zip_work
from jalon.jobs import services as jobs
from jalon.jobs.models import Job
from jalon.organisations.models import Person
from tests.activities.import_files import workshop_create


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def workshop(users, nsb):
    """Three participants completed the workshop (one of them later cancelled), one did not."""
    activity = workshop_create(users["manager"], nsb, code="gsp-2026")
    for given, family, completed in [
        ("Zoé", "N’Diaye", True),
        ("Moussa", "Sall", True),
        ("Awa", "Ba", False),
        ("Omar", "Haddad", True),
    ]:
        person = Person.objects.create(given_name=given, family_name=family, organisation=nsb)
        registration = services.registration_create(actor=None, activity=activity, person=person)
        if completed:
            services.registration_complete(actor=None, registration=registration)
    omar = activity.registrations.get(person__family_name="Haddad")
    services.registration_cancel(actor=users["manager"], registration=omar)
    return activity


def codes_of(activity) -> dict[str, str]:
    return dict(
        activity.registrations.filter(status="registered", completed=True).values_list(
            "person__family_name", "certificate_code"
        )
    )


def test_an_organiser_gets_one_pdf_per_completed_registration_in_one_zip(client_as, users, workshop):
    client = client_as("focal")
    page = client.get(url("activities:activity_detail", code=workshop.code)).content.decode()
    assert url("activities:certificates_batch", code=workshop.code) in page and "All certificates (ZIP)" in page

    response = client.post(url("activities:certificates_batch", code=workshop.code))

    job = Job.objects.get(kind=CERTIFICATES)
    assert response.status_code == 302 and response["Location"] == url("jobs:job_detail", pk=job.pk)
    assert (job.status, job.owner, job.subject_id) == ("succeeded", users["focal"], workshop.pk)
    assert (job.done, job.total, job.result) == (2, 2, {"certificates": 2})
    assert job.result_name == "certificates-gsp-2026.zip"
    job_page = client.get(url("jobs:job_detail", pk=job.pk)).content.decode()
    assert url("jobs:job_file", pk=job.pk) in job_page and "certificates-gsp-2026.zip" in job_page

    download = client.get(url("jobs:job_file", pk=job.pk))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert 'filename="certificates-gsp-2026.zip"' in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    codes = codes_of(workshop)
    assert sorted(archive.namelist()) == [f"ndiaye-zoe-{codes['N’Diaye']}.pdf", f"sall-moussa-{codes['Sall']}.pdf"]
    for name in archive.namelist():
        pdf = archive.read(name)
        assert pdf.startswith(b"%PDF-") and name.removesuffix(".pdf").split("-", 2)[2].encode() in pdf
    # In the language of the page they were asked from, with the site's address as the organiser reached it.
    assert job.language == "en" and b"Certificate of completion" in archive.read(archive.namelist()[0])
    assert b"http://testserver/en/activities/certificates/check/" in archive.read(archive.namelist()[0])

    # Audited: who asked for them (the job) and that the participants' certificates left (an export).
    assert AuditEntry.objects.filter(model="jobs.job", object_id=str(job.pk), actor=users["focal"]).exists()
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (export.model, export.object_id, export.actor) == ("activities.activity", str(workshop.pk), users["focal"])


def test_the_activitys_team_follows_the_batch_and_nobody_else(client_as, users, workshop):
    client_as("focal").post(url("activities:certificates_batch", code=workshop.code))
    job = Job.objects.get(kind=CERTIFICATES)
    for role in ("contributor", "manager", "admin"):
        assert client_as(role).get(url("jobs:job_file", pk=job.pk)).status_code == 200, role
    for role in ("plain", "viewer"):
        assert client_as(role).get(url("jobs:job_detail", pk=job.pk)).status_code == 404, role
        assert client_as(role).get(url("jobs:job_file", pk=job.pk)).status_code == 404, role
    assert client_as(None).get(url("jobs:job_file", pk=job.pk)).status_code == 302


def test_only_the_organisers_may_ask_for_all_certificates(client_as, users, workshop, other_nsb):
    for role in ("plain", "viewer"):
        client = client_as(role)
        assert client.post(url("activities:certificates_batch", code=workshop.code)).status_code == 403
        assert "All certificates (ZIP)" not in client.get(url("activities:activity_detail", code=workshop.code))
    kenya = workshop_create(users["manager"], other_nsb, code="kenya")
    assert client_as("focal").post(url("activities:certificates_batch", code=kenya.code)).status_code == 403
    assert client_as("focal").get(url("activities:certificates_batch", code=workshop.code)).status_code == 405
    with pytest.raises(services.ValidationError):
        certificates.certificates_batch_start(actor=users["viewer"], activity=workshop, base_url="http://x")
    assert not Job.objects.exists()


def test_without_any_completed_participant_there_is_nothing_to_make(client_as, users, nsb, english):
    activity = workshop_create(users["manager"], nsb, code="empty")
    client = client_as("manager")
    assert "All certificates (ZIP)" not in client.get(url("activities:activity_detail", code=activity.code))
    response = client.post(url("activities:certificates_batch", code=activity.code), follow=True)
    assert "No participant has completed this activity: there is no certificate." in response.content.decode()
    assert not Job.objects.exists()


def test_a_batch_cancelled_at_a_certificate_keeps_no_file(users, workshop, monkeypatch, media_root):
    job = jobs.job_start(
        actor=users["focal"],
        kind=CERTIFICATES,
        subject_id=workshop.pk,
        params={"base_url": "http://testserver"},
        enqueue=False,
    )
    made = []
    original = certificates.certificate_pdf_bytes

    def pdf_then_cancel(*args, **kwargs):
        made.append(1)
        if len(made) == 1:
            jobs.job_cancel(actor=users["focal"], job=job)  # the owner, on the job's page, meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(certificates, "certificate_pdf_bytes", pdf_then_cancel)

    def work(job, progress):
        progress.interval = 0  # every certificate is a progress point that reads the cancel request
        return certificates_zip_work(job, progress)

    jobs.job_run(job.pk, work)
    job.refresh_from_db()
    assert (job.status, job.result_file.name, len(made)) == ("cancelled", "", 1)
    assert not any(path.is_file() for path in (media_root / "jobs").rglob("*"))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
