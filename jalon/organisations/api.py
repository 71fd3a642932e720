"""The directory API: organisations with their memberships of standards bodies."""

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import BaseRouter

from jalon.api.fields import MultilingualField
from jalon.api.versions import VersionedUpdateMixin, VersionRequired
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access, services
from jalon.organisations.access import access_organisation
from jalon.organisations.models import Membership, Organisation
from jalon.reference.models import Country
from jalon.reference.selectors import in_region


class MembershipSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.acronym", read_only=True)

    class Meta:
        model = Membership
        fields = ["body", "category", "start_date", "end_date", "as_of"]


class OrganisationSerializer(VersionRequired, serializers.ModelSerializer):
    country: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), allow_null=True, required=False
    )
    name = MultilingualField(required_text=True, max_length=250)
    description = MultilingualField(required=False, max_length=10000)
    memberships = MembershipSerializer(many=True, read_only=True)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a write based on an older one is refused (409)."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "kind",
            "country",
            "website",
            "email",
            "description",
            "iso_member_id",
            "iati_identifier",
            "published",
            "memberships",
            "version",
        ]


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

    def filter_region(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return queryset.filter(in_region(value, path="country__"))


class OrganisationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Standards bodies, SDOs, donors, ministries and social partners, with their SDO memberships."""

    serializer_class = OrganisationSerializer
    update_service = staticmethod(services.organisation_update)
    update_keyword = "organisation"
    update_fields = services.ORGANISATION_FIELDS
    filterset_class = OrganisationFilter
    search_fields = ["name__en", "name__fr", "acronym"]
    ordering_fields = ["name", "acronym", "id"]
    ordering_expressions = {"name": lambda: TextOrder(text_in_database("name"))}
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return (
            access.organisations_visible(self.request.user)
            .select_related("country")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("body")))
        )

    def get_object(self) -> Organisation:
        # The pages' access function: 404 for an organisation the user may not see, 403 for one they see but
        # may not change or delete.
        return access_organisation(
            self.request.user,
            self.kwargs["pk"],
            manage=self.request.method in ("PUT", "PATCH"),
            delete=self.request.method == "DELETE",
            queryset=self.filter_queryset(self.get_queryset()),
        )

    # Asked by jalon.api.permissions.AccessPolicy before any write.
    def can_create(self, user) -> bool:
        return access.organisation_can_create(user)

    def can_change(self, user, obj: Organisation) -> bool:
        return access.organisation_can_change(user, obj)

    def can_delete(self, user, obj: Organisation) -> bool:
        return access.organisation_can_delete(user, obj)

    def _fields(self, serializer: serializers.BaseSerializer) -> dict[str, Any]:
        return {k: v for k, v in serializer.validated_data.items() if k in services.ORGANISATION_FIELDS}

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.organisation_create(actor=self.request.user, **self._fields(serializer))

    def perform_destroy(self, instance: Organisation) -> None:
        services.organisation_delete(actor=self.request.user, organisation=instance)


def routes(router: BaseRouter) -> None:
    router.register("organisations", OrganisationViewSet, basename="organisation")
