"""API of the database of technologies and conforming products: technologies (read), products, laboratories
and conformity claims (published claims in force for everyone; every state for the secretariat and the
submitters), and the claim's steps (check, publish, withdraw). Informative and voluntary, not a certification."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.api.permissions import AccessPolicy
from jalon.knowledge.access import products as access
from jalon.knowledge.models import ConformityClaim, Product, Technology, TechnologyStandard, TestLaboratory
from jalon.knowledge.selectors import products as selectors
from jalon.knowledge.services import products as services
from jalon.organisations.models import Organisation
from jalon.reference.models import Country

DISCLAIMER = "Informative and voluntary: a listed claim is not a certification."


class KnowledgeTechnologyStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechnologyStandard
        fields = ["reference", "edition"]


class KnowledgeTechnologySerializer(serializers.ModelSerializer):
    standards = KnowledgeTechnologyStandardSerializer(many=True, read_only=True)

    class Meta:
        model = Technology
        fields = ["id", "name", "description", "standards", "is_demo"]


class KnowledgeTechnologyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KnowledgeTechnologySerializer
    permission_classes = [AccessPolicy]

    def get_queryset(self):
        return selectors.technologies_list()


class KnowledgeProductSerializer(serializers.ModelSerializer):
    manufacturer = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())
    technologies = serializers.PrimaryKeyRelatedField(many=True, queryset=Technology.objects.all(), required=False)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = Product
        fields = ["id", *services.PRODUCT_FIELDS, "technologies", "is_demo"]
        read_only_fields = ["is_demo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["organisation"].queryset = access.product_organisation_choices(request.user if request else None)


class KnowledgeProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Products with a published claim in force (every product for the secretariat; their own for submitters)."""

    serializer_class = KnowledgeProductSerializer
    permission_classes = [AccessPolicy]

    def get_queryset(self):
        return (
            access.products_visible(self.request.user, day=timezone.localdate())
            .prefetch_related("technologies")
            .order_by("-id")
        )

    def can_create(self, user):
        return access.products_can_submit(user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        technologies = data.pop("technologies", [])
        product = services.product_create(actor=request.user, technologies=technologies, **data)
        return Response(self.get_serializer(product).data, status=status.HTTP_201_CREATED)


class KnowledgeLaboratorySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())

    class Meta:
        model = TestLaboratory
        fields = ["id", *services.LABORATORY_FIELDS]


class KnowledgeClaimSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.none())
    laboratory = serializers.PrimaryKeyRelatedField(
        queryset=TestLaboratory.objects.all(), required=False, allow_null=True
    )
    laboratory_detail = KnowledgeLaboratorySerializer(source="laboratory", read_only=True)
    evidence = serializers.FileField(required=False, allow_null=True, write_only=True)
    has_evidence_file = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()
    disclaimer = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConformityClaim
        fields = [
            "id",
            *services.CLAIM_FIELDS,
            "laboratory_detail",
            "has_evidence_file",
            "status",
            "expired",
            "checked_on",
            "published_on",
            "disclaimer",
            "is_demo",
            "version",
        ]
        read_only_fields = ["checked_on", "published_on", "is_demo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["product"].queryset = access.product_choices(request.user if request else None)

    def get_has_evidence_file(self, claim: ConformityClaim) -> bool:
        return bool(claim.evidence)

    def get_expired(self, claim: ConformityClaim) -> bool:
        return claim.expired_on(timezone.localdate())

    def get_disclaimer(self, claim: ConformityClaim) -> str:
        return DISCLAIMER


class KnowledgeClaimStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you acted on; a newer one answers 409.")


class KnowledgeClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Conformity claims: published claims in force for everyone; informative and voluntary, not a certification."""

    serializer_class = KnowledgeClaimSerializer
    permission_classes = [AccessPolicy]
    filterset_fields = ["status", "basis"]

    def get_queryset(self):
        return selectors.claims_followed(user=self.request.user, day=timezone.localdate()).order_by("-id")

    def can_create(self, user):
        return access.products_can_submit(user)

    def can_change(self, user, obj):
        if self.action == "withdraw":
            return access.claim_can_withdraw(user, obj)
        return access.claim_can_check(user, obj)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {key: value for key, value in serializer.validated_data.items() if key in services.CLAIM_FIELDS}
        claim = services.claim_submit(actor=request.user, **fields)
        return Response(self.get_serializer(claim).data, status=status.HTTP_201_CREATED)

    def _step(self, request, step: str):
        payload = KnowledgeClaimStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = services.claim_step(actor=request.user, claim=self.get_object(), step=step, **payload.validated_data)
        return Response(self.get_serializer(claim).data)

    @extend_schema(request=KnowledgeClaimStepSerializer, responses=KnowledgeClaimSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """The secretariat checked the claim's completeness."""
        return self._step(request, "check")

    @extend_schema(request=KnowledgeClaimStepSerializer, responses=KnowledgeClaimSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Published on the public list: refused without evidence (a file or a link) or once expired."""
        return self._step(request, "publish")

    @extend_schema(request=KnowledgeClaimStepSerializer, responses=KnowledgeClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, "withdraw")


def routes(router) -> None:
    router.register("knowledge-technologies", KnowledgeTechnologyViewSet, basename="knowledge-technology")
    router.register("knowledge-products", KnowledgeProductViewSet, basename="knowledge-product")
    router.register("knowledge-claims", KnowledgeClaimViewSet, basename="knowledge-claim")
