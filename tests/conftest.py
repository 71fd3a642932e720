import pytest
from django.core.management import call_command

from jalon.accounts.models import Role
from jalon.accounts.services import role_assign, user_create
from jalon.organisations.models import Organisation
from tests import factories

PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    from django.conf import settings

    # Tests create users by the hundred: a deliberately slow password hash would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Real reference data and ISO members once per test session: tests read countries like users do."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        call_command("load_iso_members", verbosity=0)


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


@pytest.fixture
def users(db, nsb):
    """One user per role; focal point and contributor act for `nsb`; `plain` has no role at all."""
    return {
        "admin": make_user("admin", Role.PLATFORM_ADMIN),
        "manager": make_user("manager", Role.PROGRAMME_MANAGER),
        "focal": make_user("focal", Role.FOCAL_POINT, nsb),
        "contributor": make_user("contributor", Role.CONTRIBUTOR, nsb),
        "viewer": make_user("viewer", Role.VIEWER),
        "plain": make_user("plain"),
    }


@pytest.fixture
def client_as(client, users):
    """client_as("focal") -> a test client logged in as that role's user; client_as(None) -> anonymous."""

    def login(name):
        client.logout()
        if name:
            client.force_login(users[name])
        return client

    return login
