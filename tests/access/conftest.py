import pytest
from django.test import Client

_shared = {}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The `users` fixture hashes six passwords per test: PBKDF2 would cost seconds, MD5 costs nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """pytest-django's client, but sharing one request handler across tests: building the middleware
    chain (WhiteNoise indexes every static file) costs ~0.15 s, paid once instead of once per test."""
    client = Client()
    if "handler" in _shared:
        client.handler = _shared["handler"]
    else:
        _shared["handler"] = client.handler
    return client
