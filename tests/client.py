"""The test client, leaving the language and time zone as it found them.

Django's LocaleMiddleware activates the request's language in the thread that serves it and never resets
it: a real server activates again at the next request, but a test that goes on after `client.get("/en/...")`
would run in English, and so would the next test on the same worker. This client puts back what was
active before each request, so a test's language is only the one it asks for.
"""

from django.test import Client as DjangoClient
from django.utils import timezone, translation


class Client(DjangoClient):
    def request(self, **request):
        language = translation.get_language()
        zone = timezone.get_current_timezone_name()
        try:
            return super().request(**request)
        finally:
            translation.activate(language)
            timezone.activate(zone) if zone != timezone.get_default_timezone_name() else timezone.deactivate()
