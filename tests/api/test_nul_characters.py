"""A NUL character anywhere in a request is a 400, never a server error (issue 11): PostgreSQL refuses NUL
in text, so a NUL reaching any string lookup (a search, a filter, a slug) used to end in a 500. Every list
page and every API filter is probed, with the manager (who sees the most filters) and anonymously."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.access.matrix import page_routes

pytestmark = pytest.mark.django_db

NUL = "\x00"


def api_list_operations():
    """(path, query parameter names) of every GET operation of the API without a path parameter."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        yield path, [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize("role", [None, "manager"])
def test_a_nul_in_any_api_filter_is_refused_with_a_json_400(client_as, role):
    client = client_as(role)
    probed = 0
    answers = {}
    for path, parameters in api_list_operations():
        for name in [*parameters, "q", "search"]:
            response = client.get(path, {name: f"a{NUL}b"})
            probed += 1
            if response.status_code != 400 or response["Content-Type"] != "application/json":
                answers[f"{path}?{name}"] = response.status_code
    assert not answers, answers
    assert probed >= 150, probed


@pytest.mark.parametrize("role", [None, "manager"])
def test_a_nul_in_the_query_of_any_page_is_refused(client_as, role):
    client = client_as(role)
    answers = {}
    pages = list(page_routes())
    for url in pages:
        response = client.get(url, {"q": NUL, "page": NUL, "sort": NUL, "country": NUL, f"x{NUL}": "1"})
        if response.status_code != 400:
            answers[url] = response.status_code
    assert not answers, answers
    assert len(pages) >= 40, len(pages)


def test_a_nul_in_a_path_a_form_or_a_json_body_is_refused(client_as, users):
    client = client_as("manager")
    assert client.get(f"/fr/committees/iso{NUL}tc/").status_code == 400
    page = client.post(reverse("accounts:login"), {"username": f"x{NUL}"})
    assert page.status_code == 400
    assert "NUL" in page.content.decode()
    body = json.dumps({"name": {"en": f"x{NUL}"}})
    api = client.post("/api/v1/organisations/", body, content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "nul_character"
    # A backslash followed by "u0000" is text, not a NUL: not refused for that.
    text = client.post(
        "/api/v1/organisations/", json.dumps({"name": {"en": "x\\u0000"}}), content_type="application/json"
    )
    assert text.status_code != 400 or "nul_character" not in text.content.decode()


def test_a_form_that_cannot_be_read_is_a_400_in_json_on_the_api(client_as):
    client = client_as("manager")
    broken = client.generic("POST", "/api/v1/organisations/", b"--x\r\nnot a part", content_type="multipart/form-data")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"  # no boundary
