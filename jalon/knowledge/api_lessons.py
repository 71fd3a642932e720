"""API of lessons learned: read as on the pages (published ones for everyone), submitted and edited through
knowledge.services.lessons, validated and published by the programme team, cited on a proposal or an activity."""

from typing import cast

from django.db.models.manager import BaseManager
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jalon.activities.access import activities_visible
from jalon.activities.models import Activity
from jalon.api.fields import MultilingualField
from jalon.api.permissions import AccessPolicy
from jalon.api.versions import VersionedUpdateMixin
from jalon.assessments.models import Assessment
from jalon.finance.access import proposals_visible
from jalon.finance.models import Proposal
from jalon.knowledge.access import lessons as access
from jalon.knowledge.models import Lesson, LessonCitation
from jalon.knowledge.selectors import lessons as selectors
from jalon.knowledge.services import lessons as services
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.models import Result
from jalon.twinning.models import Arrangement

MAX_TEXT = 20000


class KnowledgeLessonListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        """Which linked records the reader may see, asked once for the whole page."""
        lessons = list(data.all() if isinstance(data, BaseManager) else data)
        child = cast("KnowledgeLessonSerializer", self.child)
        child.shown = access.lesson_links_shown(child._user(), lessons)
        return super().to_representation(lessons)


class KnowledgeLessonSerializer(serializers.ModelSerializer):
    title = MultilingualField(required_text=True, max_length=300)
    description = MultilingualField(required_text=True, max_length=MAX_TEXT)
    preconditions = MultilingualField(required=False, max_length=MAX_TEXT)
    targeted_users = MultilingualField(required=False, max_length=MAX_TEXT)
    challenges = MultilingualField(required=False, max_length=MAX_TEXT)
    success_factors = MultilingualField(required=False, max_length=MAX_TEXT)
    administrative_issues = MultilingualField(required=False, max_length=MAX_TEXT)
    replication = MultilingualField(required=False, max_length=MAX_TEXT)
    themes = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=20)
    countries = serializers.SlugRelatedField(
        slug_field="iso3", many=True, queryset=Country.objects.all(), required=False
    )
    results = serializers.PrimaryKeyRelatedField(many=True, queryset=Result.objects.none(), required=False)
    source_activity = serializers.SlugRelatedField(
        slug_field="code", queryset=Activity.objects.none(), required=False, allow_null=True
    )
    source_arrangement = serializers.PrimaryKeyRelatedField(
        queryset=Arrangement.objects.none(), required=False, allow_null=True
    )
    source_assessment = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.none(), required=False, allow_null=True
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    # The linked records the reader may see, when the list serializer asked once for a whole page.
    shown: dict[str, set[int]] | None = None

    class Meta:
        model = Lesson
        fields = [
            "id",
            *(name for name in services.LESSON_FIELDS if name != "evidence_file"),
            *services.LESSON_RELATIONS,
            "status",
            "validated_on",
            "published_on",
            "is_demo",
            "version",
        ]
        read_only_fields = ["validated_on", "published_on", "is_demo"]
        list_serializer_class = KnowledgeLessonListSerializer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self._user()
        self.fields["organisation"].queryset = access.lesson_organisation_choices(user)
        # Only the records the user may see: any other id is answered as one that does not exist.
        links = access.lesson_links_visible(user)
        self.fields["results"].child_relation.queryset = links.pop("results")
        for name, queryset in links.items():
            self.fields[name].queryset = queryset

    def to_representation(self, instance):
        """A link to a record the reader may not see is left out (null, or not among the results)."""
        shown = self.shown
        if shown is None:
            shown = access.lesson_links_shown(self._user(), [instance])
        data = super().to_representation(instance)
        data["results"] = [pk for pk in data["results"] if pk in shown["results"]]
        for name in access.LESSON_SOURCES:
            if getattr(instance, f"{name}_id") not in shown[name]:
                data[name] = None
        return data

    def _user(self):
        request = self.context.get("request")
        return request.user if request is not None else None


FIELDS = (*(name for name in services.LESSON_FIELDS if name != "evidence_file"), *services.LESSON_RELATIONS)


class KnowledgeLessonStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you acted on; a newer one answers 409.")


class KnowledgeCitationSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.none(), required=False, allow_null=True)
    activity = serializers.SlugRelatedField(
        slug_field="code", queryset=Activity.objects.none(), required=False, allow_null=True
    )
    how_applied = serializers.CharField(max_length=5000)

    class Meta:
        model = LessonCitation
        fields = ["id", "lesson", "proposal", "activity", "how_applied", "cited_at"]
        read_only_fields = ["lesson", "cited_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["proposal"].queryset = proposals_visible(user)
        self.fields["activity"].queryset = activities_visible(user)

    def validate(self, attrs):
        if (attrs.get("proposal") is None) == (attrs.get("activity") is None):
            raise serializers.ValidationError("Give one proposal or one activity.")
        return attrs


class KnowledgeLessonViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Lessons learned and good practices: published ones for everyone."""

    serializer_class = KnowledgeLessonSerializer
    permission_classes = [AccessPolicy]
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors.lessons_list(user=self.request.user).prefetch_related("countries", "results").order_by("-id")

    def can_create(self, user):
        return access.lesson_can_submit(user)

    def can_change(self, user, obj):
        if self.action in ("validate", "publish"):
            return access.lesson_can_validate(user, obj)
        if self.action == "cite":
            return True  # the service checks the proposal's or the activity's rule
        return access.lesson_can_edit(user, obj)

    def _fields(self, data: dict) -> dict:
        return {key: value for key, value in data.items() if key in FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = services.lesson_create(actor=request.user, **self._fields(serializer.validated_data))
        return Response(self.get_serializer(lesson).data, status=status.HTTP_201_CREATED)

    update_service = staticmethod(services.lesson_update)
    update_keyword = "lesson"

    def update_arguments(self, serializer) -> dict:
        return self._fields(serializer.validated_data)

    def _step(self, request, service):
        lesson = self.get_object()
        payload = KnowledgeLessonStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lesson = service(actor=request.user, lesson=lesson, **payload.validated_data)
        return Response(self.get_serializer(lesson).data)

    @extend_schema(request=KnowledgeLessonStepSerializer, responses=KnowledgeLessonSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """The programme team validates a draft: it is then offered to proposals and activities."""
        return self._step(request, services.lesson_validate)

    @extend_schema(request=KnowledgeLessonStepSerializer, responses=KnowledgeLessonSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, services.lesson_publish)

    @extend_schema(request=KnowledgeCitationSerializer, responses=KnowledgeCitationSerializer)
    @action(detail=True, methods=["post"])
    def cite(self, request, pk=None):
        """Cite the lesson on a proposal (its id) or an activity (its code), saying how it was applied."""
        lesson = self.get_object()
        serializer = KnowledgeCitationSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not access.lessons_offered(request.user).filter(pk=lesson.pk).exists():
            raise serializers.ValidationError({"lesson": ["Only a validated lesson can be cited."]})
        target = data.get("proposal") or data.get("activity")
        allowed = (
            access.lesson_can_cite_on_proposal(request.user, target)
            if data.get("proposal") is not None
            else access.lesson_can_cite_on_activity(request.user, target)
        )
        if not allowed:
            raise PermissionDenied
        citation = services.lesson_cite(
            actor=request.user,
            lesson=lesson,
            how_applied=data["how_applied"],
            proposal=data.get("proposal"),
            activity=data.get("activity"),
        )
        return Response(KnowledgeCitationSerializer(citation, context=self.get_serializer_context()).data, status=201)


def routes(router) -> None:
    router.register("knowledge-lessons", KnowledgeLessonViewSet, basename="knowledge-lesson")
