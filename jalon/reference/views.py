from django import forms
from django.db.models import Case, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_contains, text_in_database
from jalon.organisations import access as organisations_access
from jalon.reference.models import DevelopingCountryRule, IncomeGroup, Region, Scheme
from jalon.reference.selectors import (
    countries_with_classifications,
    country_classification_history,
    rule_condition,
    world_bank_fiscal_year,
)
from jalon.web.forms import language_name
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class CountryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    income = forms.ChoiceField(label=_("Income group"), required=False, choices=[("", _("Any")), *IncomeGroup.choices])
    ldc = forms.ChoiceField(label=_("Least developed"), required=False, choices=YES_NO)
    dac = forms.ChoiceField(label=_("ODA eligible (DAC)"), required=False, choices=YES_NO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(kind__in=[Region.Kind.REGION, Region.Kind.SUB_REGION]).order_by("m49")
        self.fields["region"].choices = [("", _("Any"))] + [
            (r.m49, str(r.name) if r.kind == Region.Kind.REGION else f"— {r.name}") for r in regions
        ]


def country_list(request):
    form = CountryFilterForm(request.GET or None)
    queryset = countries_with_classifications().select_related("region", "sub_region")
    data = valid_filters(form)
    if data:
        if data.get("q"):
            term = data["q"]
            queryset = queryset.filter(text_contains("name", term) | Q(iso2__iexact=term) | Q(iso3__iexact=term))
        if data.get("region"):
            queryset = queryset.filter(
                Q(region__m49=data["region"])
                | Q(sub_region__m49=data["region"])
                | Q(intermediate_region__m49=data["region"])
            )
        for name, annotation in (("income", "cls_income"), ("ldc", "cls_ldc"), ("dac", "cls_dac")):
            if data.get(name):
                queryset = queryset.filter(**{annotation: data[name]})
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
    page = paginate(request, queryset)
    return render(
        request,
        "web/country_list.html",
        {
            "form": form,
            "income_labels": dict(IncomeGroup.choices),
            "page": page,
            "sort": sort,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
        },
    )


def country_detail(request, iso3: str):
    if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
        # Not a country code; and PostgreSQL would refuse a NUL character in the lookup (a 500).
        raise Http404
    country = get_object_or_404(
        countries_with_classifications()
        .select_related("region", "sub_region", "intermediate_region")
        .prefetch_related("languages", "currencies"),
        iso3=iso3.upper(),
    )
    rules = list(DevelopingCountryRule.objects.all())
    # Every rule evaluated for this country in one query.
    verdicts = (
        (
            countries_with_classifications()
            .filter(pk=country.pk)
            .annotate(
                **{
                    f"rule_{rule.pk}": Case(When(rule_condition(rule), then=Value(True)), default=Value(False))
                    for rule in rules
                }
            )
            .values(*[f"rule_{rule.pk}" for rule in rules])
            .first()
        )
        if rules
        else {}
    )
    rules = [(rule, verdicts[f"rule_{rule.pk}"]) for rule in rules]
    history = list(country_classification_history(country=country))
    # The income period in force today, like the label: the open-ended one may start in the future.
    today = timezone.localdate()
    income = next(
        (
            c
            for c in history
            if c.scheme == Scheme.INCOME and c.valid_from <= today and (c.valid_to is None or c.valid_to >= today)
        ),
        None,
    )
    organisations = (
        organisations_access.organisations_visible(request.user)
        .filter(country=country)
        .order_by("acronym", text_in_database("name"))
    )
    names = [(language_name(code), country.name.given(code)) for code in ("en", "fr", "es", "ar", "zh", "ru")]
    return render(
        request,
        "web/country_detail.html",
        {
            "country": country,
            "names": names,
            "rules": rules,
            "history": history,
            "income_label": IncomeGroup(country.cls_income).label if country.cls_income else None,
            "income_fy": world_bank_fiscal_year(income.valid_from) if income else None,
            "organisations": organisations,
        },
    )
