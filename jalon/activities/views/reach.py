"""Reach pages: the dashboard of participants and countries reached, and one country's reach.

Figures come from jalon.activities.reach (aggregates, small groups protected); drawings from
jalon.web.charts (inline SVG, no script). Filters are GET parameters, so a filtered view is a link.
"""

from collections.abc import Callable
from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from jalon.activities import selectors
from jalon.activities.forms import ReachFilterForm
from jalon.activities.reach import Reach, ReachFilters, activities_in_order, activities_reaching, reach_report
from jalon.activities.reach_cache import reach_cached
from jalon.reference.models import Country
from jalon.web.charts import Bar, amount, bar_chart, column_chart
from jalon.web.listing import paginate, query_without
from jalon.web.maps import Place, choropleth


def _count(value: int | None, threshold: int) -> str:
    return amount(value) if value is not None else _("fewer than %(threshold)s") % {"threshold": threshold}


def headline(report: Reach, filters: ReachFilters, *, place: str = "") -> str:
    """The seed-001 sentence: "3,000 participants from 105 countries in 2016", each count with its plural."""
    if report.participants is None:
        people = _("Fewer than %(threshold)s participants") % {"threshold": amount(report.threshold)}
    else:
        people = ngettext("%(count)s participant", "%(count)s participants", report.participants) % {
            "count": amount(report.participants)
        }
    if place:
        where = _("from %(country)s") % {"country": place}
    else:
        where = ngettext("from %(count)s country", "from %(count)s countries", report.countries) % {
            "count": amount(report.countries)
        }
    if filters.year:
        when = _("in %(year)s") % {"year": filters.year}
    elif filters.date_from or filters.date_to:
        when = _("from %(start)s to %(end)s") % {
            "start": date_format(filters.date_from, "SHORT_DATE_FORMAT") if filters.date_from else "…",
            "end": date_format(filters.date_to, "SHORT_DATE_FORMAT") if filters.date_to else "…",
        }
    elif report.years and report.years[0] != report.years[1]:
        when = _("from %(first)s to %(last)s") % {"first": report.years[0], "last": report.years[1]}
    elif report.years:
        when = _("in %(year)s") % {"year": report.years[0]}
    else:
        when = ""
    # Translators: a headline such as "3,000 participants from 105 countries in 2016".
    return (_("%(people)s %(where)s %(when)s") % {"people": people, "where": where, "when": when}).strip()


def _bars(report: Reach, dimension: str) -> list[Bar]:
    note = _("not shown")
    return [Bar(cell.label, cell.value, note) for cell in report.breakdowns[dimension].cells]


Chart = Callable[..., SafeString]  # bar_chart or column_chart: bars, title and ident by keyword

CHARTS: dict[str, tuple[Promise, Chart]] = {
    "region": (gettext_lazy("Participants by region"), bar_chart),
    "sex": (gettext_lazy("Participants by sex"), bar_chart),
    "type": (gettext_lazy("Participants by activity type"), bar_chart),
    "level": (gettext_lazy("Participants by activity level"), bar_chart),
    "income": (gettext_lazy("Participants by income group of their country"), bar_chart),
    "year": (gettext_lazy("Participants by year"), column_chart),
    "function": (gettext_lazy("Participants by function"), bar_chart),
}


def _charts(report: Reach, dimensions) -> list[dict]:
    return [
        {
            "ident": dimension,
            "title": CHARTS[dimension][0],
            "svg": CHARTS[dimension][1](_bars(report, dimension), title=str(CHARTS[dimension][0]), ident=dimension),
            "cells": report.breakdowns[dimension].cells,
        }
        for dimension in dimensions
    ]


def _reached(report: Reach) -> list[tuple[Country, int | None]]:
    """The countries of the dashboard's breakdown with their figures (None: a small group not shown)."""
    pairs = []
    for cell in report.breakdowns["country"].cells:
        country = report.places.get(cell.key) if isinstance(cell.key, int) else None
        if country is not None:
            pairs.append((country, cell.value))
    return pairs


def _map(report: Reach, reached: list[tuple[Country, int | None]]) -> SafeString:
    """The choropleth of the countries reached (jalon/web/maps.py): each country's figure as its title, a
    small group's as "fewer than N"; the table beside it gives the same figures."""
    note = _("fewer than %(threshold)s, or not shown to protect a small group") % {"threshold": report.threshold}
    places = []
    for country, value in reached:
        if value is None:
            label = _("%(country)s: %(note)s") % {"country": country.name, "note": note}
        else:
            label = ngettext("%(country)s: %(count)s participant", "%(country)s: %(count)s participants", value) % {
                "country": country.name,
                "count": amount(value),
            }
        places.append(
            Place(
                m49=country.m49,
                name=country.name,
                value=value,
                latitude=float(country.latitude) if country.latitude is not None else None,
                longitude=float(country.longitude) if country.longitude is not None else None,
                label=label,
            )
        )
    svg = choropleth(
        places,
        title=_("Map of the countries reached"),
        description=_(
            "Each country reached shaded by its number of participants, darker for more; West Africa enlarged "
            "in an inset, small states as circles; the table below gives the same figures."
        ),
        # A country whose figure is a small group has its own colour (reached, not counted in a class); the
        # legend names it only where there is one (never for those who see exact figures).
        legend={
            "title": _("Participants"),
            "none": pgettext("participants", "none"),
            "hidden": _("fewer than %(threshold)s, not shown") % {"threshold": report.threshold},
        },
        ident="map",
        number=amount,
    )
    return mark_safe(svg)  # noqa: S308 (jalon/web/maps.py escapes every data text)


def _page_cached(request: HttpRequest, form: ReachFilterForm, page: str, filters: ReachFilters, build) -> dict:
    """The rendered parts of a reach page (`build()`: a dict of HTML strings and the few values the view
    needs), kept in the reach cache under its stamp, with the filter form rendered as typed: a warm request
    renders no map, chart or table (issue 21: the figures were cached, but drawing and rendering them took most
    of a warm request). The key holds the figures' filters, the form's data as typed and its programme choices
    (they change with the programmes, not with the reach stamp). A form with errors is rendered for each
    request (never cached: what was typed is echoed)."""
    typed = tuple((name, tuple(request.GET.getlist(name))) for name in form.fields) if form.is_bound else ()
    choices = tuple(form.programmes)

    def build_all() -> dict:
        parts = build()
        parts["filters"] = None if form.errors else str(render_to_string("web/_filters.html", {"form": form}))
        return parts

    parts = reach_cached(request.user, (f"{page}-page", filters, typed, choices), build_all)
    if parts["filters"] is None:
        parts = {**parts, "filters": str(render_to_string("web/_filters.html", {"form": form}))}
    # Rendered (and escaped) by their templates, in build_all and the view's build.
    return {name: mark_safe(html) if isinstance(html, str) else html for name, html in parts.items()}  # noqa: S308


def reach_dashboard(request: HttpRequest) -> HttpResponse:
    form = ReachFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    dimensions = ("country", "region", "sex", "type", "level", "income", "year")

    def build() -> dict:
        report = reach_report(user=request.user, filters=filters, dimensions=dimensions)
        body = render_to_string(
            "reach/_dashboard.html",
            {
                "report": report,
                "headline": headline(report, filters),
                "map": _map(report, _reached(report)),
                "countries": report.breakdowns["country"].cells,
                "places": report.places,
                "charts": _charts(report, ("region", "sex", "type", "year", "level", "income")),
            },
        )
        return {"body": str(body), "participants": report.participants}

    parts = _page_cached(request, form, "dashboard", filters, build)
    return render(
        request,
        "reach/dashboard.html",
        {"form": form, "filters_html": parts["filters"], "body": parts["body"], "participants": parts["participants"]},
    )


def country_reach(request: HttpRequest, iso3: str) -> HttpResponse:
    country = selectors.country_by_iso3(iso3)
    if country is None:
        raise Http404
    form = ReachFilterForm(request.GET or None, user=request.user, with_region=False)
    filters = replace(form.filters(), country_id=country.pk)
    dimensions = ("year", "sex", "function", "type", "nsb")

    def build() -> dict:
        report = reach_report(user=request.user, filters=filters, dimensions=dimensions)
        context = {
            "country": country,
            "report": report,
            "headline": headline(report, filters, place=country.name),
            "charts": _charts(report, ("year", "sex", "function", "type")),
            "nsbs": report.breakdowns["nsb"].cells,
            # The country on the world map with its figure (the headline's), and the same in a table.
            "map": _map(report, [(country, report.participants)]),
        }
        # The activities' ids, for the whole list: what costs (the people of the country in each activity).
        reaching = activities_reaching(user=request.user, country=country, filters=filters, exact=report.exact)
        return {
            "summary": str(render_to_string("reach/_country_summary.html", context)),
            "breakdowns": str(render_to_string("reach/_country_breakdowns.html", context)),
            "ids": list(reaching.values_list("pk", flat=True)),
        }

    parts = _page_cached(request, form, f"country-{country.pk}", filters, build)
    page = paginate(request, activities_in_order(parts["ids"]))
    held_here = selectors.activities_held_in(country, page.object_list)
    return render(
        request,
        "reach/country.html",
        {
            "country": country,
            "form": form,
            "filters_html": parts["filters"],
            "summary": parts["summary"],
            "breakdowns": parts["breakdowns"],
            "page": page,
            "held_here": held_here,
            "query": query_without(request, "page"),
        },
    )
