"""API rate limits: per signed-in user, per address for anonymous callers, and per address whoever calls
(one machine cycling through many tokens is still one address). Rates come from JALON_API_RATES, read at
each request so that settings (and tests) can change them."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from jalon.accounts.addresses import client_address


class _FromSettings:
    scope: str

    def get_rate(self):
        return settings.JALON_API_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class UserThrottle(_FromSettings, UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous callers: AnonymousThrottle
        return super().get_cache_key(request, view)


class AnonymousThrottle(_FromSettings, AnonRateThrottle):
    scope = "anonymous"


class AddressThrottle(_FromSettings, SimpleRateThrottle):
    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
