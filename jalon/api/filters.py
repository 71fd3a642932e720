import django_filters
from django import forms
from django.db.models import Q
from rest_framework.filters import OrderingFilter

from jalon.lib.ids import MAX_ID
from jalon.organisations.models import Organisation
from jalon.reference.models import Country, IncomeGroup

YES_NO = (("yes", "yes"), ("no", "no"))


class IdFilter(django_filters.NumberFilter):
    """A record's id in a query parameter: a whole number from 1 to MAX_ID (a larger one is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ExpressionOrderingFilter(OrderingFilter):
    """`?ordering=` over the view's `ordering_fields`, where a view's `ordering_expressions` maps a term to the
    SQL expression it sorts by (a name in one language of a multilingual text, in the readers' collation)."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = getattr(view, "ordering_expressions", {})
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            if name in expressions:
                expression = expressions[name]()
                term = expression.desc() if term.startswith("-") else expression.asc()
            terms.append(term)
        return queryset.order_by(*terms)


class CountryFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="M49 code of a region or sub-region")
    income_group = django_filters.ChoiceFilter(field_name="cls_income", choices=IncomeGroup.choices)
    ldc = django_filters.ChoiceFilter(field_name="cls_ldc", choices=YES_NO)
    lldc = django_filters.ChoiceFilter(field_name="cls_lldc", choices=YES_NO)
    sids = django_filters.ChoiceFilter(field_name="cls_sids", choices=YES_NO)
    dac_eligible = django_filters.ChoiceFilter(field_name="cls_dac", choices=YES_NO)

    class Meta:
        model = Country
        fields = ["region", "income_group", "ldc", "lldc", "sids", "dac_eligible"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(region__m49=value) | Q(sub_region__m49=value) | Q(intermediate_region__m49=value))


class OrganisationFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country__iso3", lookup_expr="iexact")
    region = django_filters.CharFilter(method="filter_region", label="M49 code of a region or sub-region")
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    member_of = django_filters.CharFilter(
        field_name="memberships__body__acronym",
        lookup_expr="iexact",
        distinct=True,
        label="Acronym of a standards body the organisation is a member of (e.g. ISO)",
    )

    class Meta:
        model = Organisation
        fields = ["country", "region", "kind", "member_of"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(country__region__m49=value)
            | Q(country__sub_region__m49=value)
            | Q(country__intermediate_region__m49=value)
        )
