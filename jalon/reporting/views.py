"""Pages that read across every domain: the home page (dashboards and reports to come)."""

from django.shortcuts import render

from jalon.knowledge.forum_selectors import expert_inbox_unread
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.selectors import measurement_inbox


def home(request):
    context = {
        "country_count": Country.objects.count(),
        "organisation_count": organisations_access.organisations_visible(request.user).count(),
        "nsb_count": organisations_access.organisations_visible(request.user)
        .filter(kind=Organisation.Kind.NSB)
        .count(),
        "inbox": measurement_inbox(user=request.user),
        "questions_for_me": expert_inbox_unread(user=request.user),
    }
    return render(request, "web/home.html", context)
