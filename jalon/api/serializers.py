from rest_framework import serializers

from jalon.api.fields import MultilingualField
from jalon.organisations.models import Membership, Organisation
from jalon.reference.models import Country, Region


class RegionSerializer(serializers.ModelSerializer):
    name = MultilingualField(read_only=True)

    class Meta:
        model = Region
        fields = ["m49", "kind", "name"]


class CountrySerializer(serializers.ModelSerializer):
    name = MultilingualField(read_only=True)
    region = serializers.CharField(source="region.m49", default=None, read_only=True)
    sub_region = serializers.CharField(source="sub_region.m49", default=None, read_only=True)
    income_group = serializers.CharField(source="cls_income", read_only=True, allow_null=True)
    ldc = serializers.SerializerMethodField()
    lldc = serializers.SerializerMethodField()
    sids = serializers.SerializerMethodField()
    dac_eligible = serializers.SerializerMethodField()
    languages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    currencies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

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

    def get_ldc(self, obj) -> bool | None:
        return self._flag(obj.cls_ldc)

    def get_lldc(self, obj) -> bool | None:
        return self._flag(obj.cls_lldc)

    def get_sids(self, obj) -> bool | None:
        return self._flag(obj.cls_sids)

    def get_dac_eligible(self, obj) -> bool | None:
        return self._flag(obj.cls_dac)


class MembershipSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.acronym", read_only=True)

    class Meta:
        model = Membership
        fields = ["body", "category", "start_date", "end_date", "as_of"]


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(
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
