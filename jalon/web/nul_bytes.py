"""Requests that carry a NUL character are refused with a 400, once for every page and API route.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00) characters"), so a NUL reaching
a string lookup (`?q=%00`, a filter, a slug, a form field read without a form, a JSON text stored in a JSON
column) would end in a server error wherever a view forgot to check. No text jalon keeps may hold one, so
the request is refused before any view: in the path, the query string, a form's fields, or a JSON body."""

import re

from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

# A JSON string's escape of NUL, preceded by an even number of backslashes ("\\u0000" is a backslash and
# the text "u0000", not a NUL).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def carries_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        return b"\x00" in body or JSON_NUL.search(body) is not None
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = carries_nul(request)
        except MultiPartParserError:
            # A form that cannot be read: refused here as the API and the pages would refuse it (400), the
            # API in JSON.
            return self._refuse(request, _("The form data cannot be read."), "parse_error")
        if refused:
            return self._refuse(
                request, _("The request contains a NUL character, which no text may hold."), "nul_character"
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str, code: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": code}, status=400)
        return render(request, "web/400.html", {"message": message}, status=400)
