"""API of the expert roster: the profiles a person may see (as on the pages), an expert's engagement computed
from jalon's records, the ranking for a need, and the expert's own profile (GET and PATCH /me/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from jalon.knowledge import roster_selectors as selectors
from jalon.knowledge import roster_services as services
from jalon.knowledge.access import roster as access
from jalon.knowledge.models import Expert
from jalon.reference.models import Country, Currency


class KnowledgeCompetencySerializer(serializers.Serializer):
    subject = serializers.CharField(source="__str__")
    level = serializers.CharField()
    evidence = serializers.CharField()


class KnowledgeExpertLanguageSerializer(serializers.Serializer):
    language = serializers.CharField(source="language.code")
    level = serializers.CharField()


class KnowledgeExpertSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.__str__", read_only=True)
    competencies = KnowledgeCompetencySerializer(many=True, read_only=True)
    languages = KnowledgeExpertLanguageSerializer(many=True, read_only=True)
    countries: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(
        slug_field="iso3", many=True, read_only=True
    )
    day_rate_currency: serializers.SlugRelatedField[Currency] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "state",
            "visibility",
            "summary",
            "competencies",
            "languages",
            "countries",
            "available_from",
            "available_until",
            "availability_note",
            "day_rate",
            "day_rate_currency",
            "profile_updated_at",
            "is_demo",
            "version",
        ]
        read_only_fields = fields


class KnowledgeProfileSerializer(serializers.Serializer):
    """What the expert changes in their own profile."""

    version = serializers.IntegerField(required=False)
    consent = serializers.BooleanField()
    visibility = serializers.ChoiceField(choices=Expert.Visibility.choices, required=False)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    countries = serializers.SlugRelatedField(
        slug_field="iso3", many=True, required=False, queryset=Country.objects.all()
    )
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    availability_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    day_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    day_rate_currency = serializers.SlugRelatedField(
        slug_field="code", required=False, allow_null=True, queryset=Currency.objects.all()
    )


class KnowledgeEngagementSerializer(serializers.Serializer):
    trainings = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    arrangements = serializers.SerializerMethodField()
    accepted_answers = serializers.SerializerMethodField()
    answers = serializers.IntegerField()

    def get_trainings(self, engagement) -> list[str]:
        return [trainer.activity.code for trainer in engagement.trainings]

    def get_roles(self, engagement) -> list[str]:
        return [f"{role.committee.reference} {role.role}" for role in engagement.roles]

    def get_arrangements(self, engagement) -> list[int]:
        return [arrangement.pk for arrangement in engagement.arrangements]

    def get_accepted_answers(self, engagement) -> list[int]:
        return [thread.pk for thread in engagement.accepted]


class KnowledgeRankedSerializer(serializers.Serializer):
    expert = serializers.IntegerField(source="expert.pk")
    name = serializers.CharField(source="expert.person.__str__")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class ExpertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The experts of the roster a person may see."""

    serializer_class = KnowledgeExpertSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        return (
            access.experts_visible(self.request.user)
            .select_related("person", "day_rate_currency")
            .prefetch_related(
                "competencies__tag",
                "competencies__committee",
                "competencies__gsp_area",
                "languages__language",
                "countries",
            )
            .order_by("id")
        )

    def can_change(self, user, obj):
        return access.expert_can_edit(user, obj)

    @extend_schema(responses=KnowledgeEngagementSerializer)
    @action(detail=True, methods=["get"])
    def engagement(self, request, pk=None):
        """What the expert did, read from jalon's records: trainings, committee roles, twinning, accepted answers."""
        expert = self.get_object()
        return Response(
            KnowledgeEngagementSerializer(selectors.expert_engagement(user=request.user, expert=expert)).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("topic", str),
            OpenApiParameter("language", str),
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("region", str, description="UN M49 code"),
        ],
        responses=KnowledgeRankedSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def rank(self, request):
        """The experts ranked for a need, with the reasons of each place."""
        need = KnowledgeNeedSerializer(data=request.query_params)
        need.is_valid(raise_exception=True)
        ranked = selectors.experts_ranked(user=request.user, need=selectors.Need(**need.validated_data))
        return Response(KnowledgeRankedSerializer(ranked, many=True).data)

    @extend_schema(methods=["GET"], responses=KnowledgeExpertSerializer)
    @extend_schema(methods=["PATCH"], request=KnowledgeProfileSerializer, responses=KnowledgeExpertSerializer)
    @action(detail=False, methods=["get", "patch"])
    def me(self, request):
        """The signed-in expert's own profile; PATCH saves it (consent, visibility, what they declare)."""
        expert = access.own_expert(request.user)
        if expert is None:
            raise NotFound
        if request.method == "PATCH":
            payload = KnowledgeProfileSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            expert = services.expert_profile_save(
                actor=request.user,
                expert=expert,
                consent=data.pop("consent"),
                version=data.pop("version", None),
                countries=data.pop("countries", None),
                **data,
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=expert.pk)).data)


class KnowledgeNeedSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200, required=False, default="")
    language = serializers.ChoiceField(choices=(("fr", "fr"), ("en", "en")), required=False, default="")
    start = serializers.DateField(required=False, allow_null=True, default=None)
    end = serializers.DateField(required=False, allow_null=True, default=None)
    region = serializers.CharField(max_length=3, required=False, default="")
