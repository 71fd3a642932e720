"""The IATI upload page (issue 18): a programme manager uploads a file, reads the preview (what would be added,
changed or skipped, the Validator's findings, the organisations matched), maps the organisations the directory
lacks and confirms; the import runs on the task queue, all or nothing. Trust per programme; broken and hostile
files refused in French and English; others may not."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from lxml import etree

from jalon.jobs.models import Job
from jalon.organisations.models import Organisation
from jalon.results.iati_import import name_folded
from jalon.results.models import IatiActivityImport, Indicator, Measurement, Programme
from tests.factories import OrganisationFactory
from tests.results.conftest import programme_build

SAMPLES = Path(__file__).parent / "data" / "iati"
GDIHUB = SAMPLES / "gdihub-aidstream-GB-COH-11126312.xml"
FIRST, SECOND = "GB-COH-11126312-Cluster1", "GB-COH-11126312-Cluster2"


@pytest.fixture
def target(db, nsb):
    return programme_build(code="gdi", owner=nsb).programme


def upload(client, programme, content: bytes, name="gdihub.xml", language="en"):
    file = SimpleUploadedFile(name, content, content_type="application/xml")
    return client.post(f"/{language}/programmes/{programme.code}/iati-import/", {"file": file})


def job_of(response) -> Job:
    match = re.fullmatch(r"/\w\w/programmes/iati-imports/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match.group(1))


def records() -> dict:
    return {model.__name__: model.objects.count() for model in (Programme, Indicator, Measurement, Organisation)}


def test_name_folding_ignores_accents_case_and_spaces():
    assert name_folded("  Société  GÉNÉRALE ") == "societe generale"


def test_a_manager_previews_maps_and_confirms_an_import(client_as, target):
    cheshire = OrganisationFactory(name="Cheshire (Leonard)", acronym="LCD")
    OrganisationFactory(name="London School of Hygiène and Tropical Medicine", acronym="LSHTM")
    client = client_as("manager")
    assert client.get(f"/en/programmes/{target.code}/iati-import/").status_code == 200
    before = records()

    response = upload(client, target, GDIHUB.read_bytes())
    preview = job_of(response)
    assert preview.status == Job.Status.SUCCEEDED, preview.message
    assert records() == before  # a preview saves nothing
    page = client.get(response["Location"]).content.decode()
    assert "would be changed" in page and page.count("skipped: not the activity") == 3
    assert "Nothing was saved yet" in page and "<code>/iati-activities/iati-activity[1]" in page
    organisations = {match["key"]: match for match in preview.result["organisations"]}
    # By identifier (none here but the publisher, added), by name without accents or case, or not at all.
    assert organisations["london school of hygiene and tropical medicine"]["how"] == "name"
    assert organisations["GB-COH-11126312"]["how"] == "added"
    assert organisations["GB-CHC-218186"]["organisation"] is None
    assert "would be added to the directory" in page and "matched by its name" in page

    # The confirm form names the unmatched organisations in the report's order.
    unmatched = [match["key"] for match in preview.result["organisations"] if not match["organisation"]]
    data = {f"organisation_{unmatched.index('GB-CHC-218186')}": str(cheshire.pk)}
    confirmed = client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", data)
    job = job_of(confirmed)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.params["organisations"] == {"GB-CHC-218186": cheshire.pk} and not job.params["dry_run"]
    page = client.get(confirmed["Location"]).content.decode()
    assert "The file was imported." in page
    assert IatiActivityImport.objects.get().identifier == FIRST
    assert IatiActivityImport.objects.get().programme == target
    assert target.results.exists() and Measurement.objects.filter(indicator__result__programme=target).exists()
    # The person's mapping taught the directory the organisation's identifier.
    cheshire.refresh_from_db()
    assert cheshire.iati_identifier == "GB-CHC-218186"
    # A preview is confirmed once; its copy of the file is gone.
    again = client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", data, follow=True)
    assert "can no longer be confirmed" in again.content.decode()
    preview.refresh_from_db()
    assert not preview.result_file and not job.upload


def test_another_activity_of_the_file_is_previewed_on_request(client_as, target):
    client = client_as("manager")
    preview = job_of(upload(client, target, GDIHUB.read_bytes()))
    response = client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {"activity": SECOND})
    other = job_of(response)
    assert other.params["dry_run"] and other.params["activity"] == SECOND
    statuses = {activity["identifier"]: activity["status"] for activity in other.result["activities"]}
    assert statuses[SECOND] == "changed" and statuses[FIRST] == "skipped"
    before = Job.objects.count()
    refused = client.post(f"/en/programmes/iati-imports/{other.pk}/confirm/", {"activity": "XX-NOT-THERE"}, follow=True)
    assert "The file holds no such activity." in refused.content.decode() and Job.objects.count() == before


def test_values_enter_approved_only_from_a_publisher_the_programme_trusts(client_as, target):
    client = client_as("manager")
    response = client.post(
        f"/en/programmes/{target.code}/iati-import/", {"publishers": "GB-COH-11126312\n", "version": target.version}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.iati_trusted_publishers == ["GB-COH-11126312"]
    preview = job_of(upload(client, target, GDIHUB.read_bytes()))
    job_of(client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}))
    statuses = set(Measurement.objects.filter(indicator__result__programme=target).values_list("status", flat=True))
    assert statuses == {Measurement.Status.APPROVED}


def test_values_of_an_untrusted_publisher_enter_submitted(client_as, target):
    client = client_as("manager")
    preview = job_of(upload(client, target, GDIHUB.read_bytes()))
    job_of(client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}))
    statuses = set(Measurement.objects.filter(indicator__result__programme=target).values_list("status", flat=True))
    assert statuses == {Measurement.Status.SUBMITTED}


def test_a_trusted_publisher_with_a_space_is_refused_beside_the_field(client_as, target):
    response = client_as("manager").post(
        f"/fr/programmes/{target.code}/iati-import/", {"publishers": "GB COH", "version": target.version}
    )
    assert response.status_code == 200 and "GB COH" in response.content.decode()
    target.refresh_from_db()
    assert target.iati_trusted_publishers == []


HOSTILE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<iati-activities/>'


@pytest.mark.parametrize(
    ("content", "english"),
    [
        (HOSTILE, "declares a DOCTYPE or entities"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"<activities/>", "not an IATI activities file"),
    ],
)
def test_a_hostile_or_foreign_file_is_refused_on_the_form_in_both_languages(client_as, target, content, english):
    client = client_as("manager")
    before = records()
    response = upload(client, target, content, language="en")
    assert response.status_code == 200 and english in response.content.decode()
    response = upload(client, target, content, language="fr")
    with translation.override("fr"):
        assert english not in response.content.decode() and response.status_code == 200
    assert records() == before and not Job.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_truncated_file_fails_its_preview_with_a_message_and_saves_nothing(client_as, target, language):
    client = client_as("manager")
    content = GDIHUB.read_bytes()
    before = records()
    response = upload(client, target, content[: len(content) // 2], language=language)
    job = job_of(response)
    assert job.status == Job.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    said = "not well-formed XML or is cut short" if language == "en" else "XML bien formé ou est coupé"
    assert said in job.message and said in page
    assert records() == before and not job.result_file


def test_only_the_programmes_managers_may_import_or_follow(client_as, target, users):
    preview = job_of(upload(client_as("manager"), target, GDIHUB.read_bytes()))
    for role in ("plain", "viewer", "focal", "contributor"):
        client = client_as(role)
        assert client.get(f"/en/programmes/{target.code}/iati-import/").status_code in (403, 404)
        assert client.get(f"/en/programmes/iati-imports/{preview.pk}/").status_code == 404
        assert client.post(f"/en/programmes/iati-imports/{preview.pk}/confirm/", {}).status_code == 404
    assert client_as(None).get(f"/en/programmes/{target.code}/iati-import/").status_code == 302
    assert Measurement.objects.count() == 0


def test_a_manager_names_the_recipient_countries_on_the_programme_form(client_as, target):
    client = client_as("manager")
    page = client.get(f"/en/programmes/{target.code}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(published="on", languages=["fr", "en"], title_en="GDI", iati_recipient_countries="KE 40, bd 60%")
    data.pop("developing_rule", None)
    response = client.post(f"/en/programmes/{target.code}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    target.refresh_from_db()
    assert target.iati_recipient_countries == [{"code": "KE", "percentage": "40"}, {"code": "BD", "percentage": "60"}]
    page = client.get(f"/en/programmes/{target.code}/edit/")
    assert page.context["form"]["iati_recipient_countries"].value() == "KE 40, BD 60"
    data.update(iati_recipient_countries="QQ", version=target.version)
    response = client.post(f"/fr/programmes/{target.code}/edit/", data)
    assert response.status_code == 200 and "QQ" in response.context["form"].errors["iati_recipient_countries"][0]


def test_a_manager_exports_on_the_task_queue_and_downloads_the_file(client_as, target):
    from jalon.interop.iati_rules import validator_findings
    from jalon.results.iati import programme_iati_errors

    client = client_as("manager")
    assert client.get(f"/en/programmes/{target.code}/iati-import/").content.decode().count("Export to IATI") >= 2
    response = client.post(f"/en/programmes/{target.code}/iati-export/")
    job = Job.objects.get(kind="iati-export")
    assert response["Location"] == f"/en/jobs/{job.pk}/" or response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "Valid against IATI 2.03" in job.message and "XM-JALON-" in job.message  # the placeholder, said
    page = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert "iati-gdi.xml" in page and "Valid against IATI 2.03" in page
    download = client.get(f"/en/jobs/{job.pk}/file/")
    document = b"".join(download.streaming_content) if download.streaming else download.content
    assert programme_iati_errors(document) == []
    root = etree.fromstring(document)
    assert [f for f in validator_findings(root) if f.severity == "error"] == []
    assert root.xpath("//iati-activity/title/narrative/text()")
    # Others may neither start one nor follow it.
    for role in ("plain", "viewer", "focal"):
        assert client_as(role).post(f"/en/programmes/{target.code}/iati-export/").status_code in (403, 404)
        assert client_as(role).get(f"/en/jobs/{job.pk}/file/").status_code == 404
    assert Job.objects.filter(kind="iati-export").count() == 1
