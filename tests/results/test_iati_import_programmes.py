"""Programmes from a file of several activities, through the page (issue 18): who may create programmes uploads
the file, reads per activity which would create which new programme and which would update an existing one,
and confirms; the import does what the preview said or nothing. Others may not; the preview page costs the
same number of queries whatever the number of activities."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.accounts.models import Role, RoleAssignment
from jalon.jobs.models import Job
from jalon.organisations.models import Organisation
from jalon.results.iati_import import iati_import
from jalon.results.models import IatiActivityImport, Indicator, Measurement, Programme
from tests.conftest import make_user
from tests.results.conftest import programme_build

SAMPLES = Path(__file__).parent / "data" / "iati"
DPORTAL = SAMPLES / "dportal-foodsecurity-multi-publisher.xml"
GDIHUB = SAMPLES / "gdihub-aidstream-GB-COH-11126312.xml"
EXAMPLE = SAMPLES / "iati-2.03-activity-standard-example-annotated.xml"
PAGE = "/{language}/programmes/iati-import/"
CLUSTERS = [f"gb-coh-11126312-cluster{n}" for n in (1, 2, 3, 4)]


def upload(client, path: Path, language="en"):
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/xml")
    return client.post(PAGE.format(language=language), {"file": file})


def job_of(response) -> Job:
    match = re.fullmatch(r"/\w\w/programmes/iati-imports/(\d+)/", response["Location"])
    assert match, (response.status_code, response.get("Location"))
    return Job.objects.get(pk=match.group(1))


def records() -> dict:
    models = (Programme, Indicator, Measurement, Organisation, IatiActivityImport)
    return {model.__name__: model.objects.count() for model in models}


def statuses(job: Job) -> dict[str, str]:
    return {activity["identifier"]: activity["status"] for activity in job.result["activities"]}


@pytest.mark.parametrize(("path", "activities"), [(DPORTAL, 7), (GDIHUB, 4), (EXAMPLE, 1)])
def test_a_manager_creates_the_programmes_of_each_real_sample_through_the_page(client_as, path, activities):
    client = client_as("manager")
    listing = client.get("/en/programmes/").content.decode()
    assert 'href="/en/programmes/iati-import/"' in listing
    assert client.get(PAGE.format(language="en")).status_code == 200
    before = records()

    response = upload(client, path)
    preview = job_of(response)
    assert preview.status == Job.Status.SUCCEEDED, preview.message
    assert preview.subject_id is None and preview.result_file  # kept until confirmed
    assert records() == before  # a preview saves nothing
    assert set(statuses(preview).values()) == {"added"} and len(statuses(preview)) == activities
    page = client.get(response["Location"]).content.decode()
    assert page.count("would create a new programme") == activities
    codes = [activity["programme"] for activity in preview.result["activities"]]
    assert all(f"<td>{code}</td>" in page for code in codes)  # named, not yet linked: they do not exist

    confirmed = client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {})
    job = job_of(confirmed)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert set(Programme.objects.filter(code__in=codes).values_list("code", flat=True)) == set(codes)
    assert IatiActivityImport.objects.count() == activities
    page = client.get(confirmed["Location"]).content.decode()
    assert page.count("new programme created") == activities
    assert all(f'href="/en/programmes/{code}/"' in page for code in codes)

    # The same file again: every activity unchanged, nothing to confirm that would change anything.
    after = records()
    again = job_of(upload(client, path))
    assert set(statuses(again).values()) == {"unchanged"}
    job_of(client.post(f"/en/programmes/iati-imports/{again.pk}/confirm/", {}))
    assert records() == after


def test_the_preview_says_which_activities_update_existing_programmes(client_as, nsb):
    existing = programme_build(code=CLUSTERS[0], owner=nsb).programme
    client = client_as("manager")
    response = upload(client, GDIHUB, language="fr")
    preview = job_of(response)
    assert statuses(preview) == {
        "GB-COH-11126312-Cluster1": "changed",
        "GB-COH-11126312-Cluster2": "added",
        "GB-COH-11126312-Cluster3": "added",
        "GB-COH-11126312-Cluster4": "added",
    }
    page = client.get(f"/en/programmes/iati-imports/{preview.pk}/").content.decode()
    assert page.count("would update an existing programme") == 1 and page.count("would create a new programme") == 3
    assert f'href="/en/programmes/{existing.code}/"' in page
    assert "Import into these programmes" in page and "Preview another activity" not in page
    job = job_of(client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}))
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert set(Programme.objects.filter(code__in=CLUSTERS).values_list("code", flat=True)) == set(CLUSTERS)
    existing.refresh_from_db()
    assert existing.title == {"en": "AT2030 - Cluster 1: Data and Evidence"}  # the publisher's title follows
    assert IatiActivityImport.objects.get(identifier="GB-COH-11126312-Cluster1").programme == existing


def test_a_confirmation_after_the_programmes_changed_saves_nothing(client_as, nsb):
    client = client_as("manager")
    preview = job_of(upload(client, GDIHUB))
    assert set(statuses(preview).values()) == {"added"}
    # Meanwhile someone creates the programme one activity would have created: it would now be updated.
    programme_build(code=CLUSTERS[1], owner=nsb)
    before = records()
    confirmed = client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {})
    job = job_of(confirmed)
    assert job.status == Job.Status.FAILED
    assert "GB-COH-11126312-Cluster2 would not be imported as the preview said" in job.message
    assert records() == before  # all or nothing: not even the three that still matched
    assert "nothing was saved" in client.get(confirmed["Location"]).content.decode()


def test_the_french_page_refuses_a_hostile_file_beside_the_field(client_as):
    content = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<iati-activities/>'
    client = client_as("manager")
    file = SimpleUploadedFile("hostile.xml", content, content_type="application/xml")
    response = client.post(PAGE.format(language="fr"), {"file": file})
    assert response.status_code == 200 and "DOCTYPE" in response.content.decode()
    assert "declares a DOCTYPE" not in response.content.decode()  # said in French
    assert not Job.objects.exists()


@pytest.fixture
def scoped(db, nsb):
    """A manager of one programme only (the first cluster's): manages it, may not create programmes."""
    existing = programme_build(code=CLUSTERS[0], owner=nsb).programme
    user = make_user("scoped-manager")
    RoleAssignment.objects.create(user=user, role=Role.PROGRAMME_MANAGER, programme=existing)
    return user


def test_only_who_may_create_programmes_uploads_or_follows_such_a_file(client, client_as, scoped):
    preview = job_of(upload(client_as("manager"), GDIHUB))
    jobs = Job.objects.count()
    clients = [client_as(role) for role in ("plain", "viewer", "focal", "contributor")]
    for role in ("plain", "viewer", "focal", "contributor", "scoped"):
        if role == "scoped":
            client.logout()
            client.force_login(scoped)
            current = client
        else:
            current = client_as(role)
        assert current.get(PAGE.format(language="en")).status_code == 403, role
        assert upload(current, GDIHUB).status_code == 403, role
        assert current.get(f"/en/programmes/iati-imports/{preview.pk}/").status_code == 404, role
        assert current.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}).status_code == 404, role
        listing = current.get("/en/programmes/").content.decode()
        assert "/programmes/iati-import/" not in listing, role
    assert clients and client_as(None).get(PAGE.format(language="en")).status_code == 302
    assert Job.objects.count() == jobs and not IatiActivityImport.objects.exists()
    # The platform administrators may, as they may create programmes.
    admin = client_as("admin")
    assert admin.get(PAGE.format(language="en")).status_code == 200
    job = job_of(admin.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}))
    assert job.status == Job.Status.SUCCEEDED, job.message


def test_the_service_refuses_an_activity_where_the_person_may_not_import(scoped):
    """Beside the page's check: each activity is checked against what the importer may do."""
    report = iati_import(GDIHUB, actor=scoped)
    found = {outcome.identifier: outcome for outcome in report.activities}
    assert found["GB-COH-11126312-Cluster1"].status == "changed"  # the programme they manage
    refused = found["GB-COH-11126312-Cluster2"]
    assert refused.status == "refused"
    assert any("may not create programmes" in note.message or "créer" in note.message for note in refused.notes)
    assert not Programme.objects.filter(code__in=CLUSTERS[1:]).exists()


@pytest.mark.parametrize("path", [EXAMPLE, DPORTAL])
def test_the_preview_page_costs_the_same_queries_whatever_the_number_of_activities(
    client_as, path, django_assert_num_queries
):
    client = client_as("manager")
    preview = job_of(upload(client, path))
    client.get(f"/en/programmes/iati-imports/{preview.pk}/")  # the session and the grants, read once warmed
    with django_assert_num_queries(5):
        response = client.get(f"/en/programmes/iati-imports/{preview.pk}/")
    assert response.status_code == 200 and "Import into these programmes" in response.content.decode()
