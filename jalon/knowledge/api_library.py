"""API of the resource library: resources with their Dublin Core record and their language versions (size and
format, shown before download; the files are downloaded from the pages' access-checked view, which counts them).
A language version's file is uploaded as multipart form data (`POST .../files/`: `language`, `file`), checked for
size and kind by the service as on the page."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from jalon.activities.models import Activity
from jalon.api.fields import MultilingualField
from jalon.api.permissions import AccessPolicy
from jalon.api.versions import VersionedUpdateMixin
from jalon.committees.models import Committee
from jalon.knowledge.access import library as access
from jalon.knowledge.access.lessons import lesson_organisation_choices
from jalon.knowledge.models import Resource, ResourceFile
from jalon.knowledge.selectors import library as selectors
from jalon.knowledge.services import library as services
from jalon.organisations.models import Organisation
from jalon.reference.models import Language
from jalon.results.models import Result

FIELDS = (*services.RESOURCE_FIELDS, *services.RESOURCE_RELATIONS)


class KnowledgeResourceFileSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language.code")
    download = serializers.SerializerMethodField()

    class Meta:
        model = ResourceFile
        fields = ["language", "size", "format", "sha256", "download"]

    def get_download(self, stored: ResourceFile) -> str:
        url = reverse(
            "knowledge:resource_download", kwargs={"pk": stored.resource_id, "language": stored.language.code}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class KnowledgeResourceSerializer(serializers.ModelSerializer):
    title = MultilingualField(required_text=True, max_length=300)
    description = MultilingualField(required=False, max_length=20000)
    standards = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=30)
    ics_codes = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=30)
    committees = serializers.SlugRelatedField(
        slug_field="reference", many=True, queryset=Committee.objects.all(), required=False
    )
    results = serializers.PrimaryKeyRelatedField(many=True, queryset=Result.objects.all(), required=False)
    activities = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Activity.objects.all(), required=False
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    files = KnowledgeResourceFileSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Resource
        fields = ["id", *FIELDS, "files", "status", "is_demo", "version"]
        read_only_fields = ["is_demo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["organisation"].queryset = lesson_organisation_choices(request.user if request else None)


class KnowledgeResourceFileUploadSerializer(serializers.Serializer):
    language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all())
    file = serializers.FileField(help_text="The file of that language version (replaces the one it had).")


class KnowledgeStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you acted on; a newer one answers 409.")


class KnowledgeResourceViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Resources of the library: published ones for everyone."""

    serializer_class = KnowledgeResourceSerializer
    permission_classes = [AccessPolicy]
    filterset_fields = ["status", "type"]

    def get_queryset(self):
        return (
            selectors.resources_list(user=self.request.user)
            .prefetch_related("committees", "results", "activities")
            .order_by("-id")
        )

    def can_create(self, user):
        return access.resource_can_add(user)

    def can_change(self, user, obj):
        if self.action == "publish":
            return access.resource_can_publish(user, obj)
        return access.resource_can_edit(user, obj)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {key: value for key, value in serializer.validated_data.items() if key in FIELDS}
        resource = services.resource_create(actor=request.user, **fields)
        return Response(self.get_serializer(resource).data, status=status.HTTP_201_CREATED)

    update_service = staticmethod(services.resource_update)
    update_keyword = "resource"
    update_fields = FIELDS

    @extend_schema(request=KnowledgeResourceFileUploadSerializer, responses={201: KnowledgeResourceFileSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def files(self, request, pk=None):
        """Add a language version's file, or replace that language's (who may edit the resource)."""
        payload = KnowledgeResourceFileUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        stored = services.resource_file_store(actor=request.user, resource=self.get_object(), **payload.validated_data)
        return Response(KnowledgeResourceFileSerializer(stored, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=KnowledgeStepSerializer, responses=KnowledgeResourceSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (programme team): the resource needs the file of at least one language."""
        payload = KnowledgeStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        resource = services.resource_publish(actor=request.user, resource=self.get_object(), **payload.validated_data)
        return Response(self.get_serializer(resource).data)


def routes(router) -> None:
    router.register("knowledge-resources", KnowledgeResourceViewSet, basename="knowledge-resource")
