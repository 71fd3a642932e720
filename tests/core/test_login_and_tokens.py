"""Login throttling (a lock-out per user name and address that ends by itself), API tokens that expire and
that their owner lists and revokes, and API rate limits per user and per address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from jalon.api.models import ApiToken
from jalon.api.tokens import token_create
from tests.client import Client
from tests.conftest import PASSWORD

LOGIN = "/fr/accounts/login/"
ORGANISATIONS = "/api/v1/organisations/"


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_name_from_that_address_then_the_lock_ends_by_itself(users):
    client = Client()
    statuses = [log_in(client, "focal", "not-the-password").status_code for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form with its error, then the lock at the fifth
    locked = log_in(client, "focal", PASSWORD)
    assert locked.status_code == 429
    assert "Trop de mots de passe erronés" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The person at another address is not locked out by whoever guesses from here.
    elsewhere = Client()
    assert log_in(elsewhere, "focal", PASSWORD, address="10.0.0.2").status_code == 302
    # A quarter of an hour later the lock is gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert log_in(client, "focal", PASSWORD).status_code == 302


def test_a_token_is_shown_once_works_until_revoked_and_its_owner_revokes_it(client_as, users, english):
    manager = client_as("manager")
    page = manager.post(reverse("api_tokens:token_list"), {"name": "Dashboard export", "days": "30"})
    assert page.status_code == 200
    key = page.context["new_key"]
    html = page.content.decode()
    assert key in html and "Dashboard export" in html
    token = ApiToken.objects.get(user=users["manager"])
    assert token.key_hash != key and key not in token.key_hash and token.prefix == key[:8]
    assert (token.expires_at - timezone.now()).days in (29, 30)
    # Shown once: the list does not show it again.
    assert key not in manager.get(reverse("api_tokens:token_list")).content.decode()

    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ORGANISATIONS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    # Another person cannot revoke it: it does not exist for them.
    assert client_as("focal").post(reverse("api_tokens:token_revoke", kwargs={"pk": token.pk})).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    manager = client_as("manager")
    assert manager.post(reverse("api_tokens:token_revoke", kwargs={"pk": token.pk})).status_code == 302
    refused = api.get(ORGANISATIONS, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_an_expired_token_is_refused_with_a_message_that_says_so(users):
    token, key = token_create(actor=users["focal"], name="Old", days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get(ORGANISATIONS, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 401 and "expiré" in response.json()["detail"]


def test_a_token_needs_a_name_and_a_lifetime_from_the_list(client_as, users):
    page = client_as("focal").post(reverse("api_tokens:token_list"), {"name": " ", "days": "3650"})
    assert page.status_code == 200 and page.context["new_key"] is None
    assert set(page.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


@pytest.fixture
def low_rates(settings):
    settings.JALON_API_RATES = {"user": "4/min", "anonymous": "2/min", "address": "6/min"}
    cache.clear()
    yield
    cache.clear()


def test_the_api_limits_anonymous_callers_by_address_and_each_user_on_their_own(users, low_rates):
    anonymous = Client()
    statuses = [anonymous.get(ORGANISATIONS, REMOTE_ADDR="10.1.0.1").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert anonymous.get(ORGANISATIONS, REMOTE_ADDR="10.1.0.2").status_code == 200  # another address
    _token, key = token_create(actor=users["manager"], name="Limits")
    signed_in = Client(HTTP_AUTHORIZATION=f"Token {key}")
    statuses = [signed_in.get(ORGANISATIONS, REMOTE_ADDR="10.1.0.3").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    limited = signed_in.get(ORGANISATIONS, REMOTE_ADDR="10.1.0.3")
    assert limited.status_code == 429 and "Retry-After" in limited


def test_one_address_cycling_through_tokens_is_still_one_address(users, low_rates):
    keys = [token_create(actor=users[role], name="Cycle")[1] for role in ("manager", "focal", "viewer", "admin")]
    statuses = [
        Client(HTTP_AUTHORIZATION=f"Token {keys[i % 4]}").get(ORGANISATIONS, REMOTE_ADDR="10.2.0.1").status_code
        for i in range(7)
    ]
    assert statuses[:6] == [200] * 6 and statuses[6] == 429
