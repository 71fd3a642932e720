import pytest

from tests.client import Client

_shared = {}


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
