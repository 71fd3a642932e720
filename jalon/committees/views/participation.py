"""Participation over time: a country's and a member's profile, and developing versus other members side by
side, each with its chart and the same numbers in a table."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.committees import selectors
from jalon.committees.forms import RuleForm
from jalon.committees.models import ATTRIBUTION, ATTRIBUTION_URL
from jalon.committees.profiles import developing_ids, members_with_counts, participation_years
from jalon.committees.views.charts import grouped_bars
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.web.listing import paginate, query_without

SERIES_BARS = [("p_count", gettext_lazy("P-memberships")), ("o_count", gettext_lazy("O-memberships"))]
OVERVIEW_BARS = [
    ("developing_p", gettext_lazy("P-memberships of developing-country members")),
    ("developed_p", gettext_lazy("P-memberships of other members")),
]


def _profile(request, *, organisations: QuerySet[Organisation], template: str, chart_label: str, context: dict):
    """What a country's and a member's profile share: the yearly series with its chart, leadership roles held,
    meetings attended, contributions and the events timeline."""
    today = datetime.date.today()
    years = participation_years(organisations=organisations, today=today)
    series = selectors.participation_series(years=years, organisations=organisations, today=today)
    activity = selectors.participation_activity(organisations=organisations)
    events = paginate(request, activity.events)
    return render(
        request,
        template,
        {
            "form": None,
            "rule": None,
            "rule_on": None,
            **context,
            "series": series,
            "chart": grouped_bars(series, SERIES_BARS, label=chart_label),
            "roles": activity.roles,
            "attended": activity.attended,
            "contributions": activity.contributions,
            "events": events,
            "page": events,
            "query": query_without(request, "page"),
            "today": today,
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
        },
    )


def country_profile(request, iso3: str):
    if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
        raise Http404
    country = get_object_or_404(Country, iso3=iso3.upper())
    organisations = selectors.country_organisations(request.user, country)
    today = datetime.date.today()
    form = RuleForm(request.GET or None, user=request.user)
    _filters, rule, on = form.filters_and_rule()
    return _profile(
        request,
        organisations=organisations,
        template="committees/country_profile.html",
        chart_label=_("P- and O-memberships of %(country)s's members by year") % {"country": country.name},
        context={
            "form": form,
            "rule": rule,
            "rule_on": on,
            "country": country,
            "developing": rule is not None and selectors.country_is_developing(country.pk, developing_ids(rule, on)),
            "measures": selectors.participation_of(country=country, on=today),
            "members": members_with_counts(organisations=organisations, on=today),
        },
    )


def member_profile(request, pk: int):
    organisation = get_object_or_404(
        organisations_access.organisations_visible(request.user).select_related("country"), pk=pk
    )
    today = datetime.date.today()
    return _profile(
        request,
        organisations=selectors.organisation_alone(organisation),
        template="committees/member_profile.html",
        chart_label=_("P- and O-memberships of %(member)s by year")
        % {"member": organisation.acronym or organisation.name},
        context={
            "organisation": organisation,
            "measures": selectors.participation_of(organisation=organisation, on=today),
            "memberships": selectors.memberships_of(organisation, on=today),
        },
    )


def participation_overview(request):
    today = datetime.date.today()
    form = RuleForm(request.GET or None, user=request.user)
    _filters, rule, on = form.filters_and_rule()
    rows = selectors.participation_overview(
        developing=developing_ids(rule, on), today=today, years=participation_years(today=today)
    )
    return render(
        request,
        "committees/participation_overview.html",
        {
            "form": form,
            "rule": rule,
            "rule_on": on,
            "rows": rows,
            "chart": grouped_bars(
                rows, OVERVIEW_BARS, label=_("P-memberships by year, developing versus other members")
            ),
            "attribution": ATTRIBUTION,
            "attribution_url": ATTRIBUTION_URL,
        },
    )
