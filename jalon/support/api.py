"""API endpoints for sponsorships (ISO) and fellowships (ITU); `routes` registers them on the v1 router.

Applications hold personal data and costs: only signed-in users reach these endpoints, and each sees the
applications accounts.access allows (the applicant organisation's focal points and contributors, the
programme team). Every answer carries each eligibility rule's result with its reason in the request's
language. Workflow steps are POST actions; each goes through jalon.support.services.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jalon.activities.models import Activity
from jalon.api.permissions import AccessPolicy
from jalon.api.versions import VersionedUpdateMixin
from jalon.committees.models import Meeting
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.support import access, selectors, services
from jalon.support.models import Application, Fellowship, Scheme, Sponsorship
from jalon.support.rules import evaluate, stored_evaluation

MAX_TEXT = 20000


class RuleResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="passed, failed or not_applicable.")
    outcome = serializers.CharField(help_text="What a failure does: refuse or flag.")
    reason = serializers.CharField(help_text="Why, in the request's language.")
    refuses = serializers.BooleanField()
    flags = serializers.BooleanField()


class ApplicationSerializer(serializers.ModelSerializer):
    """Shared by both kinds: relations are written by id (programme by code, currency by ISO code)."""

    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.none())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    currency = serializers.SlugRelatedField(slug_field="code", queryset=Currency.objects.all())
    rules = serializers.SerializerMethodField(help_text="Each eligibility rule's result, in the configured order.")
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    COMMON = [
        "id",
        "programme",
        "organisation",
        "person",
        "meeting",
        "motivation",
        "currency",
        "estimated_travel",
        "estimated_allowance",
        "estimated_other",
        "actual_travel",
        "actual_allowance",
        "actual_other",
        "status",
        "rules",
        "evaluated_at",
        "submitted_at",
        "decided_at",
        "review_note",
        "refusal_reasons",
        "is_demo",
        "version",
    ]
    READ_ONLY = [
        "actual_travel",
        "actual_allowance",
        "actual_other",
        "evaluated_at",
        "submitted_at",
        "decided_at",
        "review_note",
        "refusal_reasons",
        "is_demo",
    ]

    scheme: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        current = self.instance if isinstance(self.instance, Sponsorship | Fellowship) else None
        # The choices the pages offer (support.access, support.selectors): another organisation's contacts
        # do not "exist" here.
        self._related("programme").queryset = access.support_programme_choices(user, scheme=self.scheme)
        self._related("organisation").queryset = access.support_applicant_choices(user, scheme=self.scheme)
        self._related("person").queryset = access.support_candidate_choices(user, scheme=self.scheme)
        self._related("meeting").queryset = selectors.meeting_choices(
            scheme=self.scheme, current=current.meeting_id if current is not None else None
        )

    def _related(self, name: str) -> serializers.RelatedField:
        field = self.fields[name]
        assert isinstance(field, serializers.RelatedField)
        return field

    def get_rules(self, application: Application) -> list[dict]:
        # One application: a draft shows what the rules say now; later, what the decision was based on.
        # Lists show what is stored (a draft's rules run when it is opened), so they cost no query per row.
        live = self.context.get("live_rules") and application.status == "draft"
        evaluation = evaluate(application) if live else stored_evaluation(application)
        results = RuleResultSerializer(
            [
                {
                    "kind": r.kind,
                    "title": r.title,
                    "status": r.status,
                    "outcome": r.outcome,
                    "reason": r.reason,
                    "refuses": r.refuses,
                    "flags": r.flags,
                }
                for r in evaluation.results
            ],
            many=True,
        )
        return list(results.data)


class SponsorshipSerializer(ApplicationSerializer):
    scheme = Scheme.ISO_SPONSORSHIP
    committee = serializers.CharField(source="committee.reference", read_only=True)
    training = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._related("training").queryset = selectors.training_choices()

    class Meta:
        model = Sponsorship
        fields = [
            *ApplicationSerializer.COMMON,
            "committee",
            "mirror_committee",
            "mirror_role",
            "training",
            "report_text",
            "report_submitted_at",
        ]
        read_only_fields = [*ApplicationSerializer.READ_ONLY, "report_text", "report_submitted_at"]


class FellowshipSerializer(ApplicationSerializer):
    scheme = Scheme.ITU_FELLOWSHIP
    country = serializers.CharField(source="country.iso3", read_only=True)
    financial_year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)

    class Meta:
        model = Fellowship
        fields = [*ApplicationSerializer.COMMON, "country", "kind", "partial_part", "financial_year"]
        read_only_fields = ApplicationSerializer.READ_ONLY


class StepVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you acted on; a newer one is refused (409)."
    )


class NoteSerializer(StepVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


class RefuseSerializer(StepVersionSerializer):
    reasons = serializers.CharField(max_length=MAX_TEXT)


def _money(**kwargs):
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, **kwargs
    )


class TravelSerializer(StepVersionSerializer):
    actual_travel = _money()


class AttendSerializer(StepVersionSerializer):
    actual_allowance = _money()
    actual_other = _money()


class CostsSerializer(StepVersionSerializer):
    actual_travel = _money()
    actual_allowance = _money()
    actual_other = _money()


class ReportSerializer(StepVersionSerializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)
    file = serializers.FileField(required=False, allow_null=True)


class SponsorshipFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__code")
    committee = django_filters.CharFilter(field_name="committee__reference", lookup_expr="iexact")
    country = django_filters.CharFilter(field_name="organisation__country__iso3", lookup_expr="iexact")

    class Meta:
        model = Sponsorship
        fields = ["status", "programme", "committee", "country"]


class FellowshipFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__code")
    country = django_filters.CharFilter(field_name="country__iso3", lookup_expr="iexact")

    class Meta:
        model = Fellowship
        fields = ["status", "programme", "country", "kind", "financial_year"]


class ApplicationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What both kinds share. Whether the user may apply in this programme for this organisation, for this
    candidate, is the services' decision (as on the pages): a refusal answers 400 naming the field."""

    permission_classes = [IsAuthenticated, AccessPolicy]
    ordering_fields = ["id", "created_at", "submitted_at"]
    ordering = ["-id"]
    keyword = ""
    service_fields: frozenset[str] = frozenset()

    def create_service(self, **fields) -> Application:
        raise NotImplementedError

    def can_create(self, user):
        return access.support_can_apply(user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "live_rules": self.action != "list"}

    def can_change(self, user, obj):
        """Edits and submission: the draft's editors; the report: the applicant; other steps: reviewers."""
        if self.action in ("update", "partial_update", "submit"):
            return access.support_can_edit(user, obj)
        if self.action == "report":
            return access.support_can_report(user, obj)
        return access.support_can_review(user, obj)

    def _service_fields(self, data: dict) -> dict:
        return {key: value for key, value in data.items() if key in self.service_fields}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = self.create_service(actor=request.user, **self._service_fields(serializer.validated_data))
        return Response(self.get_serializer(application).data, status=status.HTTP_201_CREATED)

    def update_arguments(self, serializer) -> dict:
        """Change a draft; send the `version` you read: a newer one answers 409 and nothing changes."""
        return self._service_fields(serializer.validated_data)

    def _step(self, request, name: str, input_class, service):
        application = self.get_object()
        payload = input_class(data=request.data)
        payload.is_valid(raise_exception=True)
        application = service(actor=request.user, **{self.keyword: application}, **payload.validated_data)
        return Response(self.get_serializer(application).data)


class SponsorshipViewSet(ApplicationViewSet):
    """ISO sponsorship applications, with each eligibility rule's result and the workflow steps."""

    serializer_class = SponsorshipSerializer
    filterset_class = SponsorshipFilter
    keyword = update_keyword = "sponsorship"
    service_fields = frozenset(services.SPONSORSHIP_FIELDS) - {"committee"}

    def create_service(self, **fields) -> Sponsorship:
        return services.sponsorship_create(**fields)

    def update_service(self, **fields) -> Sponsorship:
        return services.sponsorship_update(**fields)

    def get_queryset(self):
        return selectors.sponsorships_visible(user=self.request.user)

    @extend_schema(request=StepVersionSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft; a rule that refuses answers 400 with the rule named and its reason."""
        return self._step(request, "submit", StepVersionSerializer, services.sponsorship_submit)

    @extend_schema(request=StepVersionSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Check a submitted application against the rules (refused if one that refuses fails)."""
        return self._step(request, "check", StepVersionSerializer, services.sponsorship_check)

    @extend_schema(request=NoteSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, "approve", NoteSerializer, services.sponsorship_approve)

    @extend_schema(request=RefuseSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._step(request, "refuse", RefuseSerializer, services.sponsorship_refuse)

    @extend_schema(request=TravelSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def travel(self, request, pk=None):
        return self._step(request, "travel", TravelSerializer, services.sponsorship_arrange_travel)

    @extend_schema(request=AttendSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def attend(self, request, pk=None):
        return self._step(request, "attend", AttendSerializer, services.sponsorship_attend)

    @extend_schema(request=ReportSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._step(request, "report", ReportSerializer, services.sponsorship_report)

    @extend_schema(request=CostsSerializer, responses=SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def costs(self, request, pk=None):
        return self._step(request, "costs", CostsSerializer, services.sponsorship_record_costs)


class FellowshipViewSet(ApplicationViewSet):
    """ITU fellowship requests, with each eligibility rule's result and the workflow steps."""

    serializer_class = FellowshipSerializer
    filterset_class = FellowshipFilter
    keyword = update_keyword = "fellowship"
    service_fields = frozenset(services.FELLOWSHIP_FIELDS)

    def create_service(self, **fields) -> Fellowship:
        return services.fellowship_create(**fields)

    def update_service(self, **fields) -> Fellowship:
        return services.fellowship_update(**fields)

    def get_queryset(self):
        return selectors.fellowships_visible(user=self.request.user)

    @extend_schema(request=StepVersionSerializer, responses=FellowshipSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a request; a rule that refuses (a third partial fellowship...) answers 400 naming it."""
        return self._step(request, "submit", StepVersionSerializer, services.fellowship_submit)

    @extend_schema(request=NoteSerializer, responses=FellowshipSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, "approve", NoteSerializer, services.fellowship_approve)

    @extend_schema(request=RefuseSerializer, responses=FellowshipSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._step(request, "refuse", RefuseSerializer, services.fellowship_refuse)

    @extend_schema(request=CostsSerializer, responses=FellowshipSerializer)
    @action(detail=True, methods=["post"])
    def costs(self, request, pk=None):
        return self._step(request, "costs", CostsSerializer, services.fellowship_record_costs)


def routes(router) -> None:
    router.register("sponsorships", SponsorshipViewSet, basename="sponsorship")
    router.register("fellowships", FellowshipViewSet, basename="fellowship")
