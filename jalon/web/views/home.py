from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation
from jalon.reference.models import Country


def home(request):
    context = {
        "country_count": Country.objects.count(),
        "organisation_count": organisations_access.organisations_visible(request.user).count(),
        "nsb_count": organisations_access.organisations_visible(request.user)
        .filter(kind=Organisation.Kind.NSB)
        .count(),
    }
    return render(request, "web/home.html", context)


def healthz(request):
    """200 when the app and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever the driver raises
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
