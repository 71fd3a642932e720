"""Reference data pages: the countries and areas, with their classifications."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.reference import selectors
from jalon.reference.access import access_country
from jalon.reference.forms import CountryFilterForm
from jalon.reference.models import IncomeGroup, Scheme
from jalon.reference.sections import sections_for
from jalon.web.forms import language_name
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters


def country_list(request: HttpRequest) -> HttpResponse:
    form = CountryFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.country_list(
        search=filters.get("q", ""),
        region=filters.get("region", ""),
        income=filters.get("income", ""),
        ldc=filters.get("ldc", ""),
        dac=filters.get("dac", ""),
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={
            "name": TextOrder(text_in_database("name")),
            "iso3": "iso3",
            "region": "region__m49",
            "income": "cls_income",
        },
        default="name",
    )
    return render(
        request,
        "web/country_list.html",
        {
            "form": form,
            "income_labels": dict(IncomeGroup.choices),
            "page": paginate(request, queryset),
            "sort": sort,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
        },
    )


def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    country = access_country(request.user, iso3, queryset=selectors.country_for_page())
    history = list(selectors.country_classification_history(country=country))
    income = selectors.income_in_force(history, on=timezone.localdate())
    income_group = selectors.classification_of(country, Scheme.INCOME)
    return render(
        request,
        "web/country_detail.html",
        {
            "country": country,
            "names": [(language_name(code), country.name.given(code)) for code in ("en", "fr", "es", "ar", "zh", "ru")],
            "rules": selectors.rule_verdicts(country=country),
            "history": history,
            "income_label": IncomeGroup(income_group).label if income_group else None,
            "income_fy": selectors.world_bank_fiscal_year(income.valid_from) if income else None,
            "sections": sections_for(request, country),
        },
    )
