"""API endpoints for twinning; `routes` registers them on the v1 router.

Arrangements (with their computed outcomes), their workflow steps as POST actions, their meetings and
reviews, and the recommendations. Access as on the pages (twinning.access): the parties' focal points and
contributors see an arrangement, the focal points act for their member, the programme team for all."""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jalon.api.fields import MultilingualField
from jalon.api.permissions import AccessPolicy
from jalon.api.versions import VersionedUpdateMixin
from jalon.committees.models import Committee
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.twinning import access, selectors, services
from jalon.twinning.models import AnnualReview, Arrangement, Kind, TwinningMeeting

MAX_TEXT = 20000


class ArrangementSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.none())
    committee = serializers.SlugRelatedField(slug_field="reference", queryset=Committee.objects.none())
    twinned_member = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    lead_member = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    lead_person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), required=False, allow_null=True)
    twinned_person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), required=False, allow_null=True)
    support_currency = serializers.SlugRelatedField(
        slug_field="code", queryset=Currency.objects.all(), required=False, allow_null=True
    )
    objectives = MultilingualField(required=False, max_length=MAX_TEXT)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    communication_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Arrangement
        fields = [
            "id",
            *services.ARRANGEMENT_FIELDS,
            "status",
            "signed_on",
            "manager_notified_on",
            "nominee_approved_on",
            "closed_on",
            "closing_note",
            "communication_overdue",
            "is_demo",
            "version",
        ]
        read_only_fields = [
            "signed_on",
            "manager_notified_on",
            "nominee_approved_on",
            "closed_on",
            "closing_note",
            "is_demo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["programme"].queryset = access.twinning_programme_choices(user)
        self.fields["committee"].queryset = Committee.objects.filter(
            body__in=(Committee.Body.ISO, Committee.Body.IEC_ISO)
        )
        self.fields["twinned_member"].queryset = access.twinning_member_choices()
        self.fields["lead_member"].queryset = access.twinning_member_choices()
        people = access.twinning_person_choices(user)
        self.fields["lead_person"].queryset = people
        self.fields["twinned_person"].queryset = people

    def get_communication_overdue(self, arrangement: Arrangement) -> bool:
        return bool(getattr(arrangement, "overdue", False))

    def to_representation(self, arrangement: Arrangement) -> dict:
        """The link to a priority sector is the twinned member's, read only by whoever may see its strategy (as
        on the page): null for the others, who leave it unchanged when they write."""
        data = super().to_representation(arrangement)
        if data.get("priority_sector") is not None:
            seen = getattr(arrangement, "priority_seen", None)
            if seen is None:
                request = self.context.get("request")
                seen = selectors.sees_priorities_of(getattr(request, "user", None), arrangement.twinned_member_id)
            if not seen:
                data["priority_sector"] = None
        return data


class ArrangementStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you acted on; a newer one answers 409.")


class IdentifySerializer(ArrangementStepSerializer):
    lead_member = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(iso_member_id__isnull=False), required=False, allow_null=True
    )


class ApproveSerializer(ArrangementStepSerializer):
    approved_on = serializers.DateField(required=False, allow_null=True)


class SignSerializer(ArrangementStepSerializer):
    agreement = serializers.FileField(required=False, allow_null=True)
    signed_on = serializers.DateField(required=False, allow_null=True)
    manager_notified_on = serializers.DateField(required=False, allow_null=True)


class ActivateSerializer(ArrangementStepSerializer):
    start_date = serializers.DateField(required=False, allow_null=True)


class CloseSerializer(ArrangementStepSerializer):
    closed_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


class TwinningMeetingSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), many=True, required=False)

    class Meta:
        model = TwinningMeeting
        fields = ["id", "date", "mode", "minutes", "attendees"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["attendees"].child_relation.queryset = access.twinning_person_choices(
            request.user if request is not None else None
        )


class TwinningReviewSerializer(serializers.ModelSerializer):
    narrative = MultilingualField(required_text=True, max_length=MAX_TEXT)

    class Meta:
        model = AnnualReview
        fields = ["id", "date", "rating", "narrative", "decisions"]


class OutcomeEventSerializer(serializers.Serializer):
    date = serializers.DateField()
    phase = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField(source="label")
    committee = serializers.CharField(source="committee.reference")
    same_committee = serializers.BooleanField()


class OutcomeSerializer(serializers.Serializer):
    started = serializers.BooleanField()
    window_start = serializers.DateField(allow_null=True)
    window_end = serializers.DateField(allow_null=True)
    follow_up_end = serializers.DateField(allow_null=True)
    became_p_on = serializers.DateField(allow_null=True)
    status_now = serializers.CharField()
    roles_gained = serializers.IntegerField()
    meetings_attended = serializers.IntegerField()
    contributions = serializers.IntegerField()
    events = OutcomeEventSerializer(many=True)


STEP_SERVICES: dict[str, tuple[type[serializers.Serializer], Callable[..., Arrangement]]] = {
    "identify": (IdentifySerializer, services.arrangement_identify_partner),
    "approve_nominee": (ApproveSerializer, services.arrangement_approve_nominee),
    "sign": (SignSerializer, services.arrangement_sign),
    "activate": (ActivateSerializer, services.arrangement_activate),
    "review": (ArrangementStepSerializer, services.arrangement_start_review),
    "resume": (ArrangementStepSerializer, services.arrangement_resume),
    "complete": (CloseSerializer, services.arrangement_complete),
    "terminate": (CloseSerializer, services.arrangement_terminate),
}


class ArrangementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Twinning arrangements; each workflow step is a POST action through twinning.services."""

    serializer_class = ArrangementSerializer
    permission_classes = [IsAuthenticated, AccessPolicy]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors.arrangements_list(user=self.request.user).order_by("-id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.flag_overdue(page)
            selectors.flag_priority_seen(page, user=self.request.user)
        return page

    def can_create(self, user):
        return access.twinning_can_propose(user)

    def can_change(self, user, obj):
        if self.action in services.TEAM_STEPS:
            return access.arrangement_can_approve(user, obj)
        return access.arrangement_can_act(user, obj)

    def _fields(self, data: dict) -> dict:
        return {key: value for key, value in data.items() if key in services.ARRANGEMENT_FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arrangement = services.arrangement_create(actor=request.user, **self._fields(serializer.validated_data))
        return Response(self.get_serializer(arrangement).data, status=status.HTTP_201_CREATED)

    update_service = staticmethod(services.arrangement_update)
    update_keyword = "arrangement"

    def update_arguments(self, serializer) -> dict:
        return self._fields(serializer.validated_data)

    def _step(self, request, name: str):
        arrangement = self.get_object()
        input_class, service = STEP_SERVICES[name]
        payload = input_class(data=request.data)
        payload.is_valid(raise_exception=True)
        arrangement = service(actor=request.user, arrangement=arrangement, **payload.validated_data)
        return Response(self.get_serializer(arrangement).data)

    @extend_schema(request=IdentifySerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def identify(self, request, pk=None):
        """Step 2: the lead partner is identified (it must hold what the kind needs on the committee)."""
        return self._step(request, "identify")

    @extend_schema(request=ApproveSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"], url_path="approve-nominee")
    def approve_nominee(self, request, pk=None):
        """Step 3 (leadership kinds, programme team): the nominee is approved."""
        return self._step(request, "approve_nominee")

    @extend_schema(request=SignSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Step 4: the signed agreement (multipart file) and the date the committee's manager was notified."""
        return self._step(request, "sign")

    @extend_schema(request=ActivateSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._step(request, "activate")

    @extend_schema(request=ArrangementStepSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(request, "review")

    @extend_schema(request=ArrangementStepSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._step(request, "resume")

    @extend_schema(request=CloseSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(request, "complete")

    @extend_schema(request=CloseSerializer, responses=ArrangementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """End early (programme team); the note says why."""
        return self._step(request, "terminate")

    @extend_schema(request=TwinningMeetingSerializer, responses=TwinningMeetingSerializer)
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        """Record a quarterly meeting (it clears the "communication overdue" flag)."""
        arrangement = self.get_object()
        serializer = TwinningMeetingSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_record(actor=request.user, arrangement=arrangement, **serializer.validated_data)
        return Response(TwinningMeetingSerializer(meeting, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=TwinningReviewSerializer, responses=TwinningReviewSerializer)
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        arrangement = self.get_object()
        serializer = TwinningReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_record(actor=request.user, arrangement=arrangement, **serializer.validated_data)
        return Response(TwinningReviewSerializer(review).data, status=201)

    @extend_schema(responses=OutcomeSerializer)
    @action(detail=True, methods=["get"])
    def outcomes(self, request, pk=None):
        """The outcomes computed from the committee history, with the events behind them."""
        return Response(OutcomeSerializer(selectors.arrangement_outcomes(self.get_object())).data)


class RecommendationSerializer(serializers.Serializer):
    lead = serializers.CharField(source="lead.acronym")
    lead_id = serializers.IntegerField(source="lead.pk")
    twinned = serializers.CharField(source="twinned.acronym")
    twinned_id = serializers.IntegerField(source="twinned.pk")
    score = serializers.FloatField()
    twinned_side = serializers.FloatField()
    lead_side = serializers.FloatField()
    committees = serializers.SerializerMethodField()
    language = serializers.CharField()
    language_share = serializers.FloatField()
    region = serializers.CharField()
    load = serializers.IntegerField()
    trade_usd = serializers.FloatField(
        allow_null=True,
        help_text="Goods traded between the two countries in trade_year (US dollars), when a "
        "trade file is loaded and trade weighs in the programme's settings; null otherwise.",
    )
    trade_year = serializers.IntegerField(allow_null=True)

    def get_committees(self, suggestion) -> list[dict]:
        """The pair's three best committees: reference, P-member count, the twinned member's status there
        ("o", or "" when absent), whether the lead holds the secretariat, whether it is among the twinned
        member's national priorities."""
        return [
            {
                "reference": c.reference,
                "p_members": c.p_members,
                "twinned_status": c.twinned_status,
                "lead_runs": c.lead_runs,
                "priority": c.priority,
            }
            for c in suggestion.committees
        ]


class RecommendationQuery(serializers.Serializer):
    programme = serializers.SlugField(max_length=50)
    member = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    side = serializers.ChoiceField(choices=["twinned", "lead"], default="twinned")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.P_MEMBER)


class RecommendationViewSet(viewsets.ViewSet):
    """Suggested partners, two-sided and explained: ?programme=CODE&member=ID&side=twinned|lead&kind=KIND."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", str, required=True),
            OpenApiParameter("member", int, required=True),
            OpenApiParameter("side", str, enum=["twinned", "lead"]),
            OpenApiParameter("kind", str, enum=Kind.values),
        ],
        responses=RecommendationSerializer(many=True),
    )
    def list(self, request):
        if not access.twinning_can_recommend(request.user):
            raise PermissionDenied
        query = RecommendationQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        errors = {}
        programme = access.twinning_programme_choices(request.user).filter(code=values["programme"]).first()
        if programme is None:
            errors["programme"] = ["Unknown programme."]
        member = access.twinning_recommend_members(request.user).filter(pk=values["member"]).first()
        if member is None:
            errors["member"] = ["Unknown member."]
        if errors:
            raise serializers.ValidationError(errors)
        side, kind = values["side"], values["kind"]
        suggestions, _loaded = selectors.recommendations(
            programme=programme, member=member, side=side, kind=kind, user=request.user
        )
        return Response(RecommendationSerializer(suggestions, many=True).data)


def routes(router) -> None:
    router.register("twinning-arrangements", ArrangementViewSet, basename="twinning-arrangement")
    router.register("twinning-recommendations", RecommendationViewSet, basename="twinning-recommendation")
