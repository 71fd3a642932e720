"""Uploading a language version's file through the API (multipart): stored with its size, kind and checksum,
served only through the access-checked download; a wrong kind, a file too large, an empty or truncated body and
a page in disguise are refused with a 400 that names the field, and nothing is stored."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.knowledge.models import ResourceFile
from jalon.knowledge.services import library as services

PDF = b"%PDF-1.4 guide " + b"x" * 2000


@pytest.fixture
def resource(users, nsb):
    return services.resource_create(
        actor=users["focal"], title={"en": "Guide"}, creator="ASN", type="Text", organisation=nsb
    )


def upload(client, resource, name="guide.pdf", content=PDF, language="fr"):
    return client.post(
        f"/api/v1/knowledge-resources/{resource.pk}/files/",
        {"language": language, "file": SimpleUploadedFile(name, content)},
    )


def test_a_file_uploaded_by_the_api_is_stored_and_downloaded_through_the_checked_view(users, resource, client_as):
    response = upload(client_as("focal"), resource)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["language"] == "fr" and body["size"] == len(PDF) and body["format"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["download"].endswith(f"/knowledge/library/{resource.pk}/download/fr/")
    # A draft: its file is not for visitors, whatever they know of its address.
    assert client_as(None).get(body["download"]).status_code == 404
    download = client_as("focal").get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    # The same language again replaces its file.
    assert upload(client_as("focal"), resource, content=PDF + b"v2").status_code == 201
    assert ResourceFile.objects.get(resource=resource, language__code="fr").size == len(PDF) + 2


@pytest.mark.parametrize(
    ("name", "content", "language", "field"),
    [
        ("guide.exe", PDF, "fr", "file"),  # a kind not allowed
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "fr", "file"),  # a web page in disguise
        ("empty.pdf", b"", "fr", "file"),  # nothing in it
        ("guide.pdf", PDF, "xx", "language"),  # no such language
    ],
)
def test_bad_files_are_refused_with_the_field_and_nothing_is_stored(
    users, resource, client_as, name, content, language, field
):
    response = upload(client_as("focal"), resource, name=name, content=content, language=language)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ResourceFile.objects.exists()


def test_a_file_over_the_limit_is_refused(users, resource, client_as, settings):
    settings.JALON_UPLOAD_MAX_BYTES = 1000
    response = upload(client_as("focal"), resource)
    assert response.status_code == 400 and "file" in response.json()
    assert "trop volumineux" in response.json()["file"][0]
    assert not ResourceFile.objects.exists()


def test_a_truncated_multipart_body_is_refused(users, resource, client_as):
    boundary = "jalonboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nfr\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="guide.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF[:100]  # cut in the file: no closing boundary
    response = client_as("focal").post(
        f"/api/v1/knowledge-resources/{resource.pk}/files/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400, response.content
    assert not ResourceFile.objects.exists()


def test_json_is_not_a_file(users, resource, client_as):
    response = client_as("focal").post(
        f"/api/v1/knowledge-resources/{resource.pk}/files/",
        {"language": "fr", "file": "JVBERi0="},
        content_type="application/json",
    )
    assert response.status_code == 415
    assert not ResourceFile.objects.exists()


def test_only_who_may_edit_the_resource_uploads(users, resource, client_as):
    assert upload(client_as(None), resource).status_code in (401, 403)
    assert upload(client_as("plain"), resource).status_code == 404  # a draft of another's organisation
    assert upload(client_as("viewer"), resource).status_code == 403
    assert not ResourceFile.objects.exists()
