"""How the API answers a service's refusal, once for every endpoint: no viewset catches these itself."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jalon.accounts.versioning import ConflictError


def exception_handler(exc, context):
    """DRF's handler, plus what services raise: a version conflict is a 409, any other Django
    ValidationError a field-level 400."""
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.messages[0], "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", None) == "protected":
        # Other records need it: the request conflicts with the data's state, as a stale version does.
        return Response({"detail": exc.messages[0], "code": "protected"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ProtectedError):
        # A delete no service guarded: still a 409 with a JSON body, never a server error.
        return Response(
            {"detail": _("Other records still refer to this one: it cannot be deleted."), "code": "protected"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)
