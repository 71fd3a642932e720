"""The API answers what its OpenAPI schema says (issue 11 item 14), so that generated clients work.

With the demo's data present (every app's demo step), the schema the API publishes is loaded by
schemathesis, and:

- every GET operation, list and detail, as anonymous and as each demo role, answers without a server
  error and with a body valid against the schema (nullable fields, pagination declared where there is
  some and only there);
- a bounded schemathesis run over every operation, writes included, as the programme team: a few seeded
  examples each, no server error, every response conforming; and one seeded example of every write as
  anonymous, a focal point, a contributor and a viewer (a few seconds each).

Schemathesis validates a response body against the operation's schema for its status code with jsonschema
(OpenAPI 3.0's `nullable` understood); the calls go through the whole Django stack (WSGI).
"""

import re
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jalon.api.tokens import token_create
from jalon.web.demo import STEPS, DemoContext

ROLES = (None, "manager", "focal", "contributor", "viewer")
CHECKS = [not_a_server_error, response_schema_conformance]


def no_limits():
    """No rate limit: the run makes more calls a minute than a client may."""
    return override_settings(JALON_API_RATES={})


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo's data, built once for the module inside a transaction rolled back at its end (each test
    runs in a savepoint of it)."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            context = DemoContext()
            for step in STEPS:
                step.build(context)
            users = {user.username: user for user in get_user_model().objects.filter(username__in=ROLES[1:])}
            yield users
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def api(demo_world, db):
    """The published schema, loaded by schemathesis from the app, and each role's token header. As Django's
    test client does, the connection is not closed at the end of each request: the test's transaction (and
    the demo's) must outlive them (PostgreSQL closes a connection left in a transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield from _api(demo_world)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _api(demo_world):
    with no_limits():
        app = get_wsgi_application()
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
        # Bodies uncompressed (the site gzips what a client accepts).
        plain = {"Accept-Encoding": "identity"}
        headers: dict = {None: plain}
        for name, user in demo_world.items():
            _token, key = token_create(actor=user, name="schema test")
            headers[name] = {**plain, "Authorization": f"Token {key}"}
        yield schema, headers


def _short(exc: Exception) -> str:
    """A failure's gist: schemathesis' own report, without the response body it quotes."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " | ".join(line for line in lines if not line.startswith(("`{", "`[", "curl", "Reproduce")))[:700]


def _operations(schema, method: str | None = None):
    for result in schema.get_all_operations():
        operation = result.ok()
        if method is None or operation.method.upper() == method:
            yield operation


def _first_id(schema, operation, headers) -> str | None:
    """An identifier that exists, for a detail operation or one under a record (`/programmes/{code}/resources/`):
    the first row of the list operation before it."""
    parameter = re.search(r"\{(\w+)\}", operation.path)
    list_path = operation.path[: operation.path.rindex("{")]
    if parameter is None or "get" not in schema.raw_schema["paths"].get(list_path, {}):
        return None
    response = schema[list_path]["GET"].Case().call(headers=headers)
    if response.status_code != 200:
        return None
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    if not rows:
        return None
    name = parameter.group(1)
    row = rows[0]
    return str(row.get(name, row.get("id", row.get("code", ""))))


@pytest.mark.parametrize("role", ROLES)
def test_every_get_answers_what_the_schema_says(api, role):
    schema, tokens = api
    headers = tokens[role]
    checked = detail_checked = 0
    failures = []
    with no_limits():
        for operation in _operations(schema, "GET"):
            if "{" in operation.path:
                if operation.path.count("{") > 1:
                    continue
                identifier = _first_id(schema, operation, headers)
                if identifier is None:
                    continue
                name = re.search(r"\{(\w+)\}", operation.path).group(1)
                case = operation.Case(path_parameters={name: identifier})
                detail_checked += 1
            else:
                case = operation.Case()
            response = case.call(headers=headers)
            checked += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # every operation checked, then all reported
                failures.append(f"{operation.method.upper()} {case.formatted_path}: {_short(exc)}")
    assert not failures, "\n\n".join(failures)
    # The demo has data behind most endpoints: the detail operations were reached, not skipped.
    assert checked >= 30 and detail_checked >= 10, (checked, detail_checked)


EXAMPLES = settings(
    max_examples=3,
    derandomize=True,  # seeded: the same examples on every run
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_a_bounded_schemathesis_run_over_every_operation_finds_no_server_error(api):
    schema, tokens = api
    failures = []
    operations = 0
    answered: Counter = Counter()
    with no_limits():
        for operation in _operations(schema):
            operations += 1

            @EXAMPLES
            @given(case=operation.as_strategy())
            def run(case):
                response = case.call(headers=tokens["manager"])
                answered[(case.method.upper(), response.status_code // 100)] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {_short(exc)}")
    assert not failures, "\n\n".join(failures)
    assert operations >= 60
    # Not only refusals: reads went through. Generated write bodies seldom name records that exist (ids
    # differ between databases and orders), so accepted writes are not required; every answer was checked.
    assert answered[("GET", 2)] >= 40, answered


ONE_EXAMPLE = settings(EXAMPLES, max_examples=1)


@pytest.mark.parametrize("role", [None, "focal", "contributor", "viewer"])
def test_writes_as_other_roles_find_no_server_error(api, role):
    """The bounded run's writes as anonymous, a focal point, a contributor and a viewer: one seeded example
    per write operation (their reads are checked above, every GET for every role). Most are refused (401,
    403, 404): a refusal too must answer in JSON as the schema says, and nothing may fail on the server."""
    schema, tokens = api
    failures = []
    answered: Counter = Counter()
    with no_limits():
        for operation in _operations(schema):
            if operation.method.upper() == "GET":
                continue

            @ONE_EXAMPLE
            @given(case=operation.as_strategy())
            def run(case):
                response = case.call(headers=tokens[role])
                answered[response.status_code // 100] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {_short(exc)}")
    assert not failures, "\n\n".join(failures)
    assert sum(answered.values()) >= 20, answered
    if role is None:
        assert answered[2] == 0, answered  # an anonymous visitor writes nothing
