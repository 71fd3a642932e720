"""API over results frameworks: programmes, their tree, and the progress endpoint."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.api.versions import VersionedUpdateMixin
from jalon.lib.multilingual import text_in
from jalon.results import access, selectors, services
from jalon.results.computations import REGISTRY
from jalon.results.models import Indicator, Measurement, Milestone, Period, Programme, Result
from jalon.results.progress_cache import progress_audience, progress_cached, progress_key


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["code", "name", "start", "end"]


class MilestoneSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)

    class Meta:
        model = Milestone
        fields = ["period", "value", "relative_percent", "note"]


class IndicatorSerializer(serializers.ModelSerializer):
    result = serializers.CharField(source="result.code", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    being_recomputed = serializers.SerializerMethodField(
        help_text="A computed indicator whose refresh is waiting or running: its values may not show the latest "
        "changes yet."
    )

    def get_being_recomputed(self, indicator: Indicator) -> bool:
        # The programme is in the context (read once for the list): no query per indicator.
        programme = self.context.get("programme")
        recomputing = programme is not None and programme.computed_recomputing
        return indicator.source == Indicator.Source.COMPUTED and recomputing

    class Meta:
        model = Indicator
        fields = [
            "id",
            "result",
            "code",
            "title",
            "definition",
            "measure",
            "unit",
            "direction",
            "cumulation",
            "baseline_value",
            "baseline_year",
            "baseline_to_be_set_in",
            "baseline_note",
            "target_value",
            "target_relative_percent",
            "target_note",
            "source",
            "computation",
            "means_of_verification",
            "is_demo",
            "milestones",
            "being_recomputed",
        ]


class ResultSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.key", read_only=True)
    # An output key, not DRF's Field.parent (the serializer's metaclass takes declared fields off the class).
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)  # type: ignore[assignment]
    iati_result_type = serializers.IntegerField(source="level.iati_result_type", read_only=True)

    class Meta:
        model = Result
        fields = ["code", "level", "iati_result_type", "parent", "title", "description"]


class ProgrammeSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.acronym", read_only=True)
    periods = PeriodSerializer(many=True, read_only=True)
    computed_being_recomputed = serializers.BooleanField(
        source="computed_recomputing",
        read_only=True,
        help_text="Its computed indicators are waiting for their refresh, or being refreshed.",
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "owner",
            "title",
            "description",
            "start_date",
            "end_date",
            "languages",
            "periods",
            "published",
            "is_demo",
            "computed_being_recomputed",
        ]


class TargetSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    relative_percent = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    pending = serializers.BooleanField(help_text="A relative target whose baseline is not set yet.")
    note = serializers.JSONField()


class ProgressCellSerializer(serializers.Serializer):
    period = serializers.CharField()
    target = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    target_relative_percent = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        allow_null=True,
        help_text="A milestone relative to the baseline: +50 means the baseline plus 50 %; `target` is the value "
        "it resolves to (null while the baseline is not set).",
    )
    target_pending = serializers.BooleanField()
    actual = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    progress = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    status = serializers.CharField()


class LatestPeriodSerializer(serializers.Serializer):
    period = serializers.CharField()
    milestone = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    milestone_pending = serializers.BooleanField()
    actual = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    progress = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    status = serializers.CharField()


class IndicatorProgressSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    result = serializers.CharField()
    title = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="The overall (life-of-programme) target."
    )
    target_relative_percent = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="An overall target relative to the baseline."
    )
    target_pending = serializers.BooleanField()
    target_derived = serializers.BooleanField(help_text="The overall target is derived from the milestones.")
    actual = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="The whole programme's actual."
    )
    overall_from_records = serializers.BooleanField(
        help_text="A distinct count computed over the whole span from the records, not a sum of periods."
    )
    overall_progress = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="The whole programme against the overall target."
    )
    overall_status = serializers.CharField()
    latest = LatestPeriodSerializer(
        allow_null=True, help_text="The latest period with approved values, against that period's milestone."
    )
    progress = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="The headline figure: see `headline`."
    )
    status = serializers.CharField(help_text="The headline status: see `headline`.")
    headline = serializers.ChoiceField(
        choices=["latest", "overall"],
        help_text="Which figure `progress` and `status` are: the latest period's (when it has a milestone) or "
        "the whole programme's.",
    )
    periods = ProgressCellSerializer(many=True)


def _q(value):
    return None if value is None else round(value, 4)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes (results frameworks) the user may see."""

    serializer_class = ProgrammeSerializer
    lookup_field = "code"
    # A slug, as in the page URLs: anything else is a 404 from the router, never a database error
    # (PostgreSQL refuses a NUL character in a query parameter: /api/v1/programmes/%00/ was a 500).
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    search_fields = ["code"]
    ordering_fields = ["code", "start_date"]
    ordering = ["code"]

    def get_queryset(self):
        queryset = access.programmes_visible(self.request.user).select_related("owner")
        # The progress endpoint reads the periods itself, and only when its cached answer is stale.
        return queryset if self.action == "progress" else queryset.prefetch_related("periods")

    @extend_schema(responses=ResultSerializer(many=True))
    @action(detail=True)
    def results(self, request, code=None):
        return Response(ResultSerializer(selectors.programme_results(self.get_object()), many=True).data)

    @extend_schema(responses=IndicatorSerializer(many=True))
    @action(detail=True)
    def indicators(self, request, code=None):
        programme = self.get_object()
        indicators = selectors.programme_indicators(programme)
        return Response(IndicatorSerializer(indicators, many=True, context={"programme": programme}).data)

    @extend_schema(responses=PeriodSerializer(many=True))
    @action(detail=True)
    def periods(self, request, code=None):
        return Response(PeriodSerializer(self.get_object().periods.all(), many=True).data)

    @extend_schema(responses=TargetSerializer(many=True))
    @action(detail=True)
    def targets(self, request, code=None):
        """Every milestone (per-period target) with the value it resolves to (relative ones from the baseline)."""
        return Response(TargetSerializer(selectors.programme_targets(self.get_object()), many=True).data)

    @extend_schema(responses=IndicatorProgressSerializer(many=True))
    @action(detail=True)
    def progress(self, request, code=None):
        """Per indicator and period: baseline, target, actual, progress and status (approved values only); per
        indicator, its two figures apart: the latest period against its milestone (`latest`) and the whole
        programme against the overall target (`overall_progress`, `overall_status`)."""
        programme = self.get_object()
        audience = progress_audience(request.user, programme)
        # Cached as rendered (JSON of 1,000 cells costs more to render than to fetch), per media type
        # ("application/json; indent=2" renders differently).
        media_type = request.accepted_media_type
        key = progress_key(programme, "api", audience, media_type.replace(" ", ""))
        context = self.get_renderer_context()
        content = progress_cached(
            key, lambda: request.accepted_renderer.render(_progress_rows(programme), media_type, context)
        )
        return HttpResponse(content, content_type=media_type)


def _progress_rows(programme: Programme) -> Any:
    """The progress endpoint's answer, serialized (rendered and cached until the programme's progress changes)."""
    report = selectors.programme_progress(programme=programme)
    rows = []
    for item in report.indicators.values():
        rows.append(
            {
                "indicator": item.indicator.code,
                "result": item.indicator.result.code,
                "title": text_in(item.indicator.title),
                "baseline": _q(item.baseline),
                "target": _q(item.target),
                "target_relative_percent": _q(item.target_relative_percent),
                "target_pending": item.target_pending,
                "target_derived": item.target_derived,
                "actual": _q(item.actual),
                "overall_from_records": item.overall_from_records,
                "overall_progress": _q(item.overall_progress),
                "overall_status": item.overall_status.value,
                "latest": None
                if item.latest is None
                else {
                    "period": item.latest.period.code,
                    "milestone": _q(item.latest.target),
                    "milestone_pending": item.latest.pending,
                    "actual": _q(item.latest.actual),
                    "progress": _q(item.latest.progress),
                    "status": item.latest.status.value,
                },
                "progress": _q(item.progress),
                "status": item.status.value,
                "headline": item.headline,
                "periods": [
                    {
                        "period": c.period.code,
                        "target": _q(c.target),
                        "target_relative_percent": _q(c.relative_percent),
                        "target_pending": c.pending,
                        "actual": _q(c.actual),
                        "progress": _q(c.progress),
                        "status": c.status.value,
                    }
                    for c in item.cells
                ],
            }
        )
    return IndicatorProgressSerializer(rows, many=True).data


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    period = serializers.CharField(source="period.code")
    version = serializers.IntegerField(read_only=True)
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "period",
            "dimension_value",
            "organisation",
            "value",
            "numerator",
            "denominator",
            "text",
            "comment",
            "evidence_url",
            "status",
            "review_note",
            "version",
            "submit",
        ]
        read_only_fields = ["status", "review_note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.computed:
            # Its stored note is in the language of the refresh that wrote it: served in the reader's.
            computation = REGISTRY.get(instance.indicator.computation)
            data["comment"] = _("Computed: %(name)s") % {"name": computation.t("title")} if computation else ""
        return data


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(help_text="The version you reviewed; a newer one is refused (409).")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read; a newer one is refused (409).")


class MeasurementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reported values. Anyone sees approved values of visible programmes; reporters their own too."""

    serializer_class = MeasurementSerializer
    # A change sends the version it read (VersionedUpdateMixin: 400 without it, 409 if older).
    update_service = staticmethod(services.measurement_update)
    update_keyword = "measurement"
    filterset_fields = ["indicator", "status"]
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        return access.measurements_visible(
            self.request.user, Measurement.objects.select_related("period", "indicator__result__programme")
        )

    def can_create(self, user):
        return access.measurement_can_report_somewhere(user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        indicator = data.pop("indicator")
        programme = indicator.result.programme
        if not access.programmes_visible(request.user).filter(
            pk=programme.pk
        ).exists() or not access.measurement_can_report(request.user, programme):
            return Response({"detail": _("You may not report on this programme.")}, status=status.HTTP_403_FORBIDDEN)
        period = get_object_or_404(Period, programme=programme, code=data.pop("period")["code"])
        # For which organisation the user may report is the service's to refuse (field-keyed: a 400).
        submit = data.pop("submit", False)
        measurement = services.measurement_create(
            actor=request.user, indicator=indicator, period=period, submit=submit, **data
        )
        return Response(self.get_serializer(measurement).data, status=status.HTTP_201_CREATED)

    def can_change(self, user, obj):
        # Theirs is enough here: the service refuses a value that moved on with the conflict (409) when the
        # version sent is old, and says why otherwise (access.measurement_is_theirs).
        return access.measurement_is_theirs(user, obj)

    def update_arguments(self, serializer) -> dict:
        data = serializer.validated_data
        return {
            **{key: value for key, value in data.items() if key in services.MEASUREMENT_FIELDS},
            "submit": data.get("submit", False),
        }

    def update_refused(self, record, serializer):
        organisation = serializer.validated_data.get("organisation")
        programme = record.indicator.result.programme
        if organisation is not None and not access.measurement_can_report_for(
            self.request.user, programme, organisation
        ):
            return Response(
                {"organisation": [_("Report for your own organisation.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        return None

    @extend_schema(request=VersionSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft or returned value for approval."""
        measurement = self.get_object()
        version = VersionSerializer(data=request.data)
        version.is_valid(raise_exception=True)
        measurement = services.measurement_submit(
            actor=request.user, measurement=measurement, version=version.validated_data.get("version")
        )
        return Response(self.get_serializer(measurement).data)

    @extend_schema(request=ReviewSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve a submitted value, or return it with a note (programme managers)."""
        measurement = self.get_object()
        if not access.measurement_can_review(request.user, measurement):
            return Response(
                {"detail": _("Only the programme's managers review values.")}, status=status.HTTP_403_FORBIDDEN
            )
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        measurement = services.measurement_review(
            actor=request.user,
            measurement=measurement,
            approve=review.validated_data["decision"] == "approve",
            note=review.validated_data["note"],
            version=review.validated_data["version"],
        )
        return Response(self.get_serializer(measurement).data)


def routes(router) -> None:
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("measurements", MeasurementViewSet, basename="measurement")
