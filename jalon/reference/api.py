"""The reference data API: countries and areas with their classifications (read-only, public)."""

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from jalon.api.fields import MultilingualField
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.reference.access import access_country
from jalon.reference.models import Country, Currency, IncomeGroup, Language, Region, Scheme
from jalon.reference.selectors import classification_of, countries_with_classifications, in_region

YES_NO = (("yes", "yes"), ("no", "no"))


class RegionSerializer(serializers.ModelSerializer):
    name = MultilingualField(read_only=True)

    class Meta:
        model = Region
        fields = ["m49", "kind", "name"]


class CountrySerializer(serializers.ModelSerializer):
    name = MultilingualField(read_only=True)
    region = serializers.CharField(source="region.m49", default=None, allow_null=True, read_only=True)
    sub_region = serializers.CharField(source="sub_region.m49", default=None, allow_null=True, read_only=True)
    income_group = serializers.CharField(source="cls_income", read_only=True, allow_null=True)
    ldc = serializers.SerializerMethodField()
    lldc = serializers.SerializerMethodField()
    sids = serializers.SerializerMethodField()
    dac_eligible = serializers.SerializerMethodField()
    languages: serializers.SlugRelatedField[Language] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    currencies: serializers.SlugRelatedField[Currency] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Country
        fields = [
            "iso2",
            "iso3",
            "m49",
            "name",
            "region",
            "sub_region",
            "income_group",
            "ldc",
            "lldc",
            "sids",
            "dac_eligible",
            "languages",
            "currencies",
        ]

    @staticmethod
    def _flag(value: str | None) -> bool | None:
        return None if value is None else value == "yes"

    def get_ldc(self, obj: Country) -> bool | None:
        return self._flag(classification_of(obj, Scheme.LDC))

    def get_lldc(self, obj: Country) -> bool | None:
        return self._flag(classification_of(obj, Scheme.LLDC))

    def get_sids(self, obj: Country) -> bool | None:
        return self._flag(classification_of(obj, Scheme.SIDS))

    def get_dac_eligible(self, obj: Country) -> bool | None:
        return self._flag(classification_of(obj, Scheme.DAC))


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

    def filter_region(self, queryset: QuerySet[Country], name: str, value: str) -> QuerySet[Country]:
        return queryset.filter(in_region(value))


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries and areas with their current development classifications. Public."""

    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    lookup_field = "iso3"
    # Three letters only: anything else is a 404 from the router, never a database error (PostgreSQL
    # refuses a NUL character in a query parameter: /api/v1/countries/%00/ was a 500).
    lookup_value_regex = "[A-Za-z]{3}"
    search_fields = ["name__en", "name__fr", "name__es", "iso2", "iso3"]
    ordering_fields = ["name_en", "name_fr", "iso3", "m49"]
    ordering_expressions = {
        "name_en": lambda: TextOrder(text_in_database("name", "en")),
        "name_fr": lambda: TextOrder(text_in_database("name", "fr")),
    }
    ordering = ["name_en"]

    def get_queryset(self) -> QuerySet[Country]:
        return (
            countries_with_classifications()
            .select_related("region", "sub_region")
            .prefetch_related("languages", "currencies")
        )

    def get_object(self) -> Country:
        # The same refusal as the country's page: 404 for a code no country has (or none the filters keep).
        queryset = self.filter_queryset(self.get_queryset())
        return access_country(self.request.user, self.kwargs["iso3"], queryset=queryset)


def routes(router: BaseRouter) -> None:
    router.register("countries", CountryViewSet, basename="country")
