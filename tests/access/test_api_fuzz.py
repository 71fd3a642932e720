"""No query string, however odd, makes a GET endpoint of the API fail.

The endpoints and their parameters come from the OpenAPI schema the API publishes, so a new endpoint or
parameter is fuzzed without touching this file. Values: random text (unicode, control characters, NUL),
huge and negative integers, empty strings, valid enum values, and parameters repeated.
"""

import json
from urllib.parse import quote

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.client import Client

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database to replay from: a failure prints its example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "%",
        "%00",
        "_",
        "'",
        '"',
        "\\",
        "--",
        ";",
        "' OR 1=1 --",
        "../",
        "-",
        ",",
        "-,",
        "null",
        "NaN",
        "Infinity",
        "-0",
        "1e309",
        "0x10",
        "١٢",
        "🇸🇳",
        "\u202e",
        "\ufeff",
        "\r\n",
        "x" * 2000,
    ]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # any code point but surrogates, C0 controls included
INTEGERS = st.integers(min_value=-(2**80), max_value=2**80).map(str)
EDGE_INTEGERS = st.sampled_from(["0", "-1", "1", "2", str(2**31), str(2**63), str(-(2**63) - 1), "1.5", " 3"])


def values_for(schema: dict) -> st.SearchStrategy[str]:
    choices = [TEXT, NASTY, INTEGERS, EDGE_INTEGERS]
    if schema.get("enum"):
        choices.append(st.sampled_from([str(value) for value in schema["enum"]]))
    if schema.get("type") == "integer":
        choices += [INTEGERS, EDGE_INTEGERS]  # twice the weight where a number is expected
    return st.one_of(choices)


def query_strategy(parameters: list[dict]) -> st.SearchStrategy[dict]:
    """Any subset of the parameters, each given one to three times."""
    return st.fixed_dictionaries(
        {}, optional={p["name"]: st.lists(values_for(p.get("schema", {})), min_size=1, max_size=3) for p in parameters}
    )


def path_value() -> st.SearchStrategy[str]:
    # "/" and "." end a router segment, so such a value would only reach Django's 404 page.
    return st.one_of(TEXT, NASTY, INTEGERS).filter(lambda value: value and not set(value) & {"/", "."})


def get_operations(client) -> list[tuple[str, list[dict], list[dict]]]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    operations = []
    for path, item in schema["paths"].items():
        if "get" in item:
            parameters = item["get"].get("parameters", [])
            operations.append(
                (
                    path,
                    [p for p in parameters if p["in"] == "query"],
                    [p for p in parameters if p["in"] == "path"],
                )
            )
    return operations


def assert_answers_without_error(response, where: str) -> None:
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if response.status_code == 404 and not response["Content-Type"].startswith("application/json"):
        # A path segment the router's pattern refuses (e.g. a country code that is not three letters)
        # never reaches the API: Django's own 404 page answers.
        assert resolver_refuses(response.request["PATH_INFO"]), f"{where}: an HTML 404 from an API view"
        return
    assert response["Content-Type"].startswith("application/json"), f"{where}: {response['Content-Type']}"
    json.loads(response.content)


def resolver_refuses(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return True
    return False


@pytest.fixture
def clients(users):
    """An anonymous client and a focal point's: the focal point's visibility filter (published OR its own
    organisation) is the most involved query. Each generated request picks one."""
    focal = Client()
    focal.force_login(users["focal"])
    return {"anonymous": Client(), "focal point": focal}


def test_the_schema_describes_the_filters_the_fuzzer_relies_on(client, db):
    by_path = {path: [p["name"] for p in query] for path, query, _ in get_operations(client)}
    assert {"region", "income_group", "ldc", "search", "ordering", "page", "page_size"} <= set(
        by_path["/api/v1/countries/"]
    )
    assert {"country", "region", "kind", "member_of", "search", "page_size"} <= set(by_path["/api/v1/organisations/"])


def existing_values(client, path: str, name: str) -> list[str]:
    """Lookup values of real records, read from the list the detail path hangs from
    (/api/v1/organisations/{id}/ -> /api/v1/organisations/), so that fuzzed query parameters reach real
    objects too, not only 404s."""
    response = client.get(path[: path.index("{")], {"page_size": 3})
    if response.status_code != 200:
        return []
    body = response.json()
    items = body.get("results", []) if isinstance(body, dict) else body
    return [str(item[name]) for item in items if isinstance(item, dict) and item.get(name) is not None]


def fuzz(clients: dict, path: str, path_params: list[dict], parameters: list[dict]) -> None:
    """Run ~40 generated requests against one operation (fewer where only a path segment varies)."""
    segments = {}
    for p in path_params:
        known = existing_values(clients["anonymous"], path, p["name"])
        segments[p["name"]] = st.one_of(st.sampled_from(known), path_value()) if known else path_value()

    @settings(FUZZ, max_examples=40 if parameters else 20)
    @given(
        who=st.sampled_from(sorted(clients)), values=st.fixed_dictionaries(segments), params=query_strategy(parameters)
    )
    def answers(who, values, params):
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", quote(value, safe=""))
        response = clients[who].get(url, params)
        assert_answers_without_error(response, f"GET {url} {params!r} as {who}")

    answers()


def test_no_query_string_makes_a_list_endpoint_fail(clients):
    operations = [
        (path, query) for path, query, path_params in get_operations(clients["anonymous"]) if query and not path_params
    ]
    assert len(operations) >= 2
    for path, parameters in operations:
        fuzz(clients, path, [], parameters)


def test_no_path_value_makes_a_detail_endpoint_fail(clients):
    operations = [
        (path, path_params, query) for path, query, path_params in get_operations(clients["anonymous"]) if path_params
    ]
    assert len(operations) >= 2
    for path, path_params, parameters in operations:
        fuzz(clients, path, path_params, parameters)


# The values that break APIs most often, tried every time rather than left to chance.
KNOWN_NASTY_QUERIES = [
    "search=%00",
    "region=%00",
    "country=%00",
    "member_of=%00",
    "ordering=%00",
    "kind=%00",
    "income_group=%00",
    "search=%ff%fe",
    "search=" + "a" * 5000,
    "page=0",
    "page=-1",
    "page=1.5",
    "page=99999999999999999999",
    "page_size=-1",
    "page_size=0",
    "page_size=99999999999999999999999",
    "ordering=-",
    "ordering=,,",
    "ordering=name,-name,iso3",
    "ordering=__str__",
    "ldc=yes&ldc=no",
    "kind=nsb&kind=%00",
    "region=&region=002",
    "search=%25",
    "search=_",
    "format=xml",
    "format=%00",
]


@pytest.mark.parametrize("path", ["/api/v1/countries/", "/api/v1/organisations/"])
@pytest.mark.parametrize("query", KNOWN_NASTY_QUERIES)
def test_known_nasty_query_values_do_not_fail(client, db, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code < 500
    if "format=" not in query:
        assert_answers_without_error(response, f"GET {path}?{query}")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/countries/%00/",
        "/api/v1/countries/SEN%00/",
        "/api/v1/countries/%C3%A9/",
        "/api/v1/countries/S%00N/",
        "/api/v1/organisations/%00/",
        "/api/v1/organisations/99999999999999999999999/",
        "/api/v1/organisations/-1/",
        "/api/v1/organisations/abc/",
        "/fr/countries/%00/",
        "/fr/countries/S%00N/",
        "/fr/countries/SEN%00/",
    ],
)
def test_known_nasty_path_values_are_404_not_500(client, db, path):
    response = client.get(path)
    # A NUL character is refused before any view (jalon/web/nul_bytes.py): 400.
    assert response.status_code == (400 if "%00" in path else 404)
    if path.startswith("/api/"):
        assert_answers_without_error(response, f"GET {path}")
