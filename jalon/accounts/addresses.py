"""The address a request comes from, the one way login throttling and API rate limits read it.

Behind the TLS proxy the README describes (BEHIND_TLS_PROXY), the connection comes from the proxy, which
appends the client's address to X-Forwarded-For: the last entry is the one it saw (earlier entries are
whatever the client sent, and cannot be trusted). Otherwise it is the connection's own address."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
