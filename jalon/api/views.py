from django.db.models import Prefetch
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from jalon.api import filters, serializers
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access, services
from jalon.organisations.models import Membership
from jalon.reference.selectors import countries_with_classifications


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries and areas with their current development classifications. Public."""

    serializer_class = serializers.CountrySerializer
    filterset_class = filters.CountryFilter
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

    def get_queryset(self):
        return (
            countries_with_classifications()
            .select_related("region", "sub_region")
            .prefetch_related("languages", "currencies")
        )


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Standards bodies, SDOs, donors, ministries and social partners, with their SDO memberships."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    search_fields = ["name__en", "name__fr", "acronym"]
    ordering_fields = ["name", "acronym", "id"]
    ordering_expressions = {"name": lambda: TextOrder(text_in_database("name"))}
    ordering = ["name"]

    def get_queryset(self):
        return (
            access.organisations_visible(self.request.user)
            .select_related("country")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("body")))
        )

    def can_create(self, user):
        return access.organisation_can_create(user)

    def can_change(self, user, obj):
        return access.organisation_can_change(user, obj)

    def can_delete(self, user, obj):
        return access.organisation_can_delete(user, obj)

    def _fields(self, serializer):
        return {k: v for k, v in serializer.validated_data.items() if k in services.ORGANISATION_FIELDS}

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(actor=self.request.user, **self._fields(serializer))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        organisation = self.get_object()
        serializer = self.get_serializer(organisation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            actor=request.user,
            organisation=organisation,
            version=serializer.validated_data.get("version"),
            **self._fields(serializer),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=organisation.pk)).data)

    def perform_destroy(self, instance):
        services.organisation_delete(actor=self.request.user, organisation=instance)
