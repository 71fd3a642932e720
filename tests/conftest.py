import os

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone, translation

from jalon.accounts.models import ORGANISATION_ROLES, AuditEntry, Role, User
from jalon.accounts.services import role_assign, user_create
from jalon.organisations.models import Organisation
from tests import factories
from tests.client import Client

PASSWORD = "correct-horse-battery"

# To keep CI within its 20 minutes on 2 cores (.ci/run), some modules run on one database only. The real-browser
# tests (BROWSER) on PostgreSQL, where the live server's thread has a connection of its own: JALON_BROWSER_TESTS=0
# leaves them out of the SQLite run. The access table and the modules whose subject is not what the database does
# (the API's answers against its schema, documents rendered, page weight, the IATI file written) on SQLite, the
# cheaper here (no server process): JALON_ONCE_TESTS=0 leaves them out of the PostgreSQL run. The access table
# asks the same querysets of both databases; on PostgreSQL the page fuzz still opens every page as anonymous and
# as an administrator.
BROWSER = ["browser/*"]
ONCE = [
    # The demo runs on SQLite (jalon demo): its builders' tests.
    "activities/test_services_demo.py",
    "committees/test_demo.py",
    "finance/test_demo.py",
    "knowledge/test_demo.py",
    "knowledge_library/test_demo.py",
    "support/test_demo.py",
    "twinning/test_demo.py",
    "access/test_role_matrix.py",
    "api/test_schema_conformance.py",
    "api/test_schema_view.py",
    "reporting/*",
    "results/test_iati_export.py",
    "test_weight_budget.py",
]
collect_ignore_glob = [
    *(BROWSER if os.environ.get("JALON_BROWSER_TESTS") == "0" else []),
    *(ONCE if os.environ.get("JALON_ONCE_TESTS") == "0" else []),
]


def pytest_configure(config):
    from django.conf import settings
    from django.db.backends.signals import connection_created

    # Tests create users by the hundred: a deliberately slow password hash would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No worker in tests: a job runs at once, in the request (or call) that starts it. The tests of the
    # worker itself (tests/jobs) run real worker processes with the database and Redis backends.
    settings.TASKS_BACKEND = "immediate"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # No API rate limits, except in the tests of the limits themselves (tests/core/test_login_and_tokens.py):
    # the access matrix and the API fuzzing call the API thousands of times from one address.
    settings.JALON_API_RATES = {"user": None, "anonymous": None, "address": None}
    # Tasks declared when the apps were ready (a job kind's task, registered from AppConfig.ready()) made the
    # task backends from the settings of then: django-tasks starts them afresh on this signal.
    from django.core.signals import setting_changed

    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)
    # Files a test saves without the `media_root` fixture (a job's result in the access matrix) go to a
    # temporary folder of this run, never to var/.
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="jalon-test-media-")
    connection_created.connect(_no_synchronous_commit, dispatch_uid="jalon-tests-no-synchronous-commit")


def _no_synchronous_commit(sender, connection, **kwargs):
    """A test database need not survive a power cut: PostgreSQL may acknowledge a commit before it reaches
    the disk (the session setting, for the test connections only)."""
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


DEFAULT_LANGUAGE = django_settings.LANGUAGE_CODE


@pytest.fixture(autouse=True)
def known_language(request):
    """Every test starts in the default language (French) and the default time zone, and must leave them so:
    a language left active would change the messages of whichever test runs next on this worker. Tests
    that check English words ask for it (the `english` fixture or `translation.override("en")`)."""
    translation.activate(DEFAULT_LANGUAGE)
    timezone.deactivate()
    yield
    language, zone = translation.get_language(), timezone.get_current_timezone_name()
    translation.activate(DEFAULT_LANGUAGE)
    timezone.deactivate()
    if language != DEFAULT_LANGUAGE or zone != timezone.get_default_timezone_name():
        pytest.fail(
            f"{request.node.nodeid} left the language {language!r} and the time zone {zone!r} active "
            f"(expected {DEFAULT_LANGUAGE!r} and {timezone.get_default_timezone_name()!r}): use "
            "translation.override() or the `english` fixture, and the test client of tests/client.py.",
            pytrace=False,
        )


@pytest.fixture
def client():
    """The test client that keeps the test's language (tests/client.py)."""
    return Client()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (evidence, imports, materials) go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english():
    """For tests that assert messages in English, whatever the default language (French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# What the migrations (finance source types, support rules...) and django_db_setup put in the test database,
# serialised once per test process: a transactional test's flush empties every table, and this comes back.
_session_data: dict[str, str] = {}
# The test database as the migrations left it, before the session's data goes in, copied once per test process:
# the template of every rig's database (copying takes a second; migrating again took up to a minute).
_rig_template: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Real reference data, ISO members and the users of `users`, once per test process (per xdist worker):
    tests read countries like users do, and each test's transaction is rolled back over them."""
    from django.db import connection

    from tests.jobs.rig import rig_database_from_test

    with django_db_blocker.unblock():
        _rig_template[connection.alias] = rig_database_from_test(connection, tmp_path_factory.mktemp("rig"))
        call_command("load_reference", verbosity=0)
        call_command("load_iso_members", verbosity=0)
        role_users_create()
        _role_sessions[connection.alias] = role_sessions_create()
        # The suite's own scaffolding is not history any test reads.
        AuditEntry.objects.all().delete()
        _session_data[connection.alias] = connection.creation.serialize_db_to_string()


def session_data_restore() -> None:
    """The test database as django_db_setup left it, after a flush emptied it."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection

    # The flush's post_migrate signal made the content types and permissions again, with new ids: the
    # snapshot's own come back instead, with the ids the rest of the snapshot refers to.
    ContentType.objects.all().delete()
    _rows_restore(connection, _session_data[connection.alias])
    ContentType.objects.clear_cache()
    # The rows come back with their ids, but a migration test that dropped and made a table again restarted
    # its sequence (PostgreSQL): the next insert would take the id of a restored row (the reach changes that
    # the session's organisations wrote). Each sequence goes past its table's rows; SQLite has none to set.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _rows_restore(connection, data: str) -> None:
    """Django's deserialize_db_from_string with one insert per table (jalon.lib.bulk: COPY on
    PostgreSQL) instead of an UPDATE then an INSERT per row: the restore after each transactional test took 5-6 s
    on PostgreSQL, a fifth of that now. The values go in as the snapshot holds them (a raw save: no
    auto_now_add stamps them anew), the tables in the snapshot's order (its models sorted by their
    dependencies), the many-to-many links after them."""
    from collections import defaultdict

    from django.core import serializers
    from django.db import transaction

    from jalon.lib.bulk import instances_rows_insert

    rows: dict[type, list] = defaultdict(list)
    with transaction.atomic(using=connection.alias), connection.constraint_checks_disabled():
        for found in serializers.deserialize("json", data, using=connection.alias):
            record = found.object
            rows[type(record)].append(record)
            for name, targets in (found.m2m_data or {}).items():
                field = record._meta.get_field(name)
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                rows[through] += [through(**{f"{source}_id": record.pk, f"{target}_id": pk}) for pk in targets]
        for model, records in rows.items():
            instances_rows_insert(model, records)  # a link table's rows without ids: the database's own
        connection.check_constraints(table_names=[model._meta.db_table for model in rows])


# The modules that take longest (a minute or more each on PostgreSQL, from the run's JUnit times), longest first.
# The runner (tasks.py) hands modules to the two workers in collection order (--no-loadscope-reorder): these go
# first, so that no worker is left alone at the end with one of them while the other waits. xdist's own order
# (by number of tests) put a module of ten slow tests last. The other modules keep pytest-randomly's order.
SLOW_MODULES = [
    "tests/access/test_role_matrix.py",
    "tests/api/test_schema_conformance.py",
    "tests/test_weight_budget.py",
    "tests/activities/test_reach_summary.py",
    "tests/jobs/test_worker.py",
    "tests/reporting/test_kinds.py",
    "tests/access/test_api_fuzz.py",
    "tests/committees/test_iso_import_job.py",
    "tests/reporting/test_runs.py",
    "tests/backup/test_backup.py",
    "tests/committees/test_import_preview.py",
    "tests/reporting/test_pages.py",
    "tests/finance/test_pages_and_api.py",
    "tests/results/test_progress_cache.py",
    "tests/reporting/test_narrative.py",
    "tests/reporting/test_office.py",
    "tests/browser/test_user_paths.py",
    "tests/activities/test_computations.py",
    "tests/activities/test_reach.py",
    "tests/committees/test_import_batches.py",
    "tests/browser/test_knowledge_library_paths.py",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow modules first (SLOW_MODULES), after pytest-randomly has shuffled: a stable sort, so each module
    keeps its shuffled inner order and the others their shuffled order."""
    rank = {module: index for index, module in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the live server, migrations) ends with Django flushing the database: the session's
    data comes back at once, so that whichever test this worker runs next finds it, whatever the order."""
    yield
    # After the last test (no next one), the session's teardown has already dropped the test database.
    if nextitem is not None and "transactional_db" in getattr(item, "fixturenames", ()):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            session_data_restore()


@pytest.fixture
def nsb(db):
    """A published national standards body in a developing country (Senegal)."""
    return Organisation.objects.get(acronym="ASN")


@pytest.fixture
def other_nsb(db):
    return Organisation.objects.get(acronym="KEBS")


@pytest.fixture
def hidden_org(db):
    return factories.OrganisationFactory(published=False, name="Unpublished ministry", kind=Organisation.Kind.MINISTRY)


def make_user(username: str, role: str | None = None, organisation=None):
    user = user_create(actor=None, username=username, password=PASSWORD, email=f"{username}@example.org")
    if role:
        role_assign(actor=None, user=user, role=role, organisation=organisation)
    return user


# One user per role; focal point and contributor act for ASN (`nsb`); `plain` has no role at all.
ROLE_USERS = {
    "admin": Role.PLATFORM_ADMIN,
    "manager": Role.PROGRAMME_MANAGER,
    "focal": Role.FOCAL_POINT,
    "contributor": Role.CONTRIBUTOR,
    "viewer": Role.VIEWER,
    "plain": None,
}


def role_users_create() -> None:
    nsb = Organisation.objects.get(acronym="ASN")
    existing = set(User.objects.filter(username__in=ROLE_USERS).values_list("username", flat=True))
    for name, role in ROLE_USERS.items():
        if name not in existing:
            make_user(name, role, nsb if role in ORGANISATION_ROLES else None)


# Each role user's session, made once per test process (django_db_setup) with the users: `client_as` hands
# the client its cookie instead of logging in anew. A login writes a session, the user's last login and the
# login throttle's log, and a logout deletes them: a fifth of the access matrix's time. What a test's requests
# change in a session rolls back with the test's transaction, like the rest of the database.
_role_sessions: dict[str, dict[str, str]] = {}


def role_sessions_create() -> dict[str, str]:
    """{user name: session key} of the users of ROLE_USERS, logged in as `Client.force_login` would (the first
    backend that gets users), for ten years whatever day a test sets the clock to."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

    backend = next(path for path in django_settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in User.objects.filter(username__in=ROLE_USERS):
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(10 * 365 * 24 * 3600)
        session.save()
        keys[user.username] = session.session_key
    return keys


@pytest.fixture
def users(db, nsb):
    """The users of ROLE_USERS, made once per session (django_db_setup) and read fresh for each test, so that
    no cached grant passes from one test to the next."""
    found = {user.username: user for user in User.objects.filter(username__in=ROLE_USERS)}
    return {name: found[name] for name in ROLE_USERS}


@pytest.fixture
def client_as(client, users):
    """client_as("focal") -> a test client logged in as that role's user; client_as(None) -> anonymous.
    The client's cookies are dropped (what Client.logout does on the client's side) and the role's session
    cookie given: see `_role_sessions`."""
    from http.cookies import SimpleCookie

    from django.db import connection

    def login(name):
        client.cookies = SimpleCookie()
        if name:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = _role_sessions[connection.alias][name]
        return client

    return login


@pytest.fixture(scope="session")
def rig_make(tmp_path_factory, django_db_setup):
    """rig_make("name") -> a Rig (tests/jobs/rig.py) on a migrated, empty database of its own, copied from
    the template that django_db_setup kept of the test database as the migrations left it."""
    from django.db import connection

    from tests.jobs.rig import Rig, rig_database_copy, suite_name

    template = Rig(folder=tmp_path_factory.mktemp("rig-template"), url=_rig_template[connection.alias])

    def make(role: str) -> Rig:
        folder = tmp_path_factory.mktemp(role)
        return Rig(folder=folder, url=rig_database_copy(template, folder, f"{role}_{suite_name()}"))

    return make
