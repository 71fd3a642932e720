"""API over results frameworks: programmes, their tree, and the progress endpoint."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.api.fields import MultilingualField
from jalon.api.versions import VersionedUpdateMixin
from jalon.lib.multilingual import text_in
from jalon.results import access, selectors, services, small_groups
from jalon.results.computations import REGISTRY
from jalon.results.models import (
    DimensionValue,
    DisaggregatedTarget,
    Indicator,
    Measurement,
    MeasurementComment,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
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
    parent = serializers.CharField(source="parent.code", default=None, read_only=True, allow_null=True)  # type: ignore[assignment]
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
    hidden = serializers.BooleanField(
        help_text="Hidden by the small-group rule: a count of fewer people than the threshold (or one from which "
        "such a group could be worked out), shown only to the programme's team; `actual` and `progress` are null."
    )


class LatestPeriodSerializer(serializers.Serializer):
    period = serializers.CharField()
    milestone = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    milestone_pending = serializers.BooleanField()
    actual = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    progress = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    status = serializers.CharField()
    hidden = serializers.BooleanField(
        help_text="Hidden by the small-group rule: a count of fewer people than the threshold (or one from which "
        "such a group could be worked out), shown only to the programme's team; `actual` and `progress` are null."
    )


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
    overall_hidden = serializers.BooleanField(
        help_text="The whole programme's actual is hidden by the small-group rule (see `hidden` of a period)."
    )
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
    @action(detail=True, pagination_class=None)
    def results(self, request, code=None):
        return Response(ResultSerializer(selectors.programme_results(self.get_object()), many=True).data)

    @extend_schema(responses=IndicatorSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def indicators(self, request, code=None):
        programme = self.get_object()
        indicators = selectors.programme_indicators(programme)
        return Response(IndicatorSerializer(indicators, many=True, context={"programme": programme}).data)

    @extend_schema(responses=PeriodSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def periods(self, request, code=None):
        return Response(PeriodSerializer(self.get_object().periods.all(), many=True).data)

    @extend_schema(responses=TargetSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def targets(self, request, code=None):
        """Every milestone (per-period target) with the value it resolves to (relative ones from the baseline)."""
        return Response(TargetSerializer(selectors.programme_targets(self.get_object()), many=True).data)

    @extend_schema(responses=IndicatorProgressSerializer(many=True))
    @action(detail=True, pagination_class=None)
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
            key,
            lambda: request.accepted_renderer.render(
                _progress_rows(programme, exact=audience == "manage"), media_type, context
            ),
        )
        return HttpResponse(content, content_type=media_type)


def _progress_rows(programme: Programme, *, exact: bool) -> Any:
    """The progress endpoint's answer, serialized (rendered and cached until the programme's progress changes);
    `exact` False for a reader outside the programme's team (people counts under the small-group rule)."""
    report = selectors.programme_progress(programme=programme)
    if not exact:
        report = small_groups.report_shown(report)
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
                "overall_hidden": isinstance(item, small_groups.HiddenOverall),
                "latest": None
                if item.latest is None
                else {
                    "period": item.latest.period.code,
                    "milestone": _q(item.latest.target),
                    "milestone_pending": item.latest.pending,
                    "actual": _q(item.latest.actual),
                    "progress": _q(item.latest.progress),
                    "status": item.latest.status.value,
                    "hidden": isinstance(item.latest, small_groups.HiddenCell),
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
                        "hidden": isinstance(c, small_groups.HiddenCell),
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
            "language",
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


class MeasurementCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        read_only=True, allow_null=True, help_text="Who wrote it, as the thread's page names them (null: deleted)."
    )
    body = serializers.CharField(max_length=services.COMMENT_MAX_LENGTH)

    class Meta:
        model = MeasurementComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "created_at"]


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

    @extend_schema(methods=["GET"], responses=MeasurementCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MeasurementCommentSerializer, responses={201: MeasurementCommentSerializer}
    )
    # A thread is served whole (as on its page): not paginated, and the schema says so.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        """A value's comment thread, oldest first, and a new message in it: for those concerned by the value
        (its author, its organisation's reporters, its programme's managers), as on its page: 404 for who
        does not see the value, 403 for the others."""
        # Not get_object(): its object check is the edit rule (can_change), and a manager comments on a
        # computed value they may not change.
        measurement = access.access_measurement(request.user, pk)
        if not access.measurement_can_comment(request.user, measurement):
            return Response(
                {"detail": _("Only the people concerned by this value can comment on it.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        if request.method == "GET":
            thread = selectors.measurement_thread(measurement)
            return Response(MeasurementCommentSerializer(thread, many=True).data)
        serializer = MeasurementCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.measurement_comment_add(
            actor=request.user, measurement=measurement, body=serializer.validated_data["body"]
        )
        return Response(MeasurementCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


def _no_nul(texts: dict) -> dict:
    # PostgreSQL refuses a NUL character in a JSON text: a 400 here, not a server error at the save.
    if any("\x00" in text for text in texts.values()):
        raise serializers.ValidationError(_("A text cannot contain a NUL character."))
    return texts


class NarrativeSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    period = serializers.CharField(source="period.code", help_text="The period's code in the indicator's programme.")
    achieved = MultilingualField(max_length=5000, required=False, help_text="What happened, per language.")
    variance = MultilingualField(
        max_length=5000, required=False, help_text="Why it differs from the milestone, per language."
    )
    next_steps = MultilingualField(max_length=5000, required=False, help_text="What comes next, per language.")

    class Meta:
        model = Narrative
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "period",
            "achieved",
            "variance",
            "next_steps",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list = []  # one per indicator and period: a write replaces it (services.narrative_save)

    validate_achieved = validate_variance = validate_next_steps = staticmethod(_no_nul)


class NarrativeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Narratives per indicator and period (what happened, why, what next) of the programmes the user sees;
    written by the programme's reporters and managers, as on the indicator page."""

    serializer_class = NarrativeSerializer
    filterset_fields = ["indicator", "period"]
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return Narrative.objects.filter(
            indicator__result__programme__in=access.programmes_visible(self.request.user)
        ).select_related("indicator", "period")

    def can_create(self, user):
        return access.measurement_can_report_somewhere(user)

    @extend_schema(
        responses={
            200: OpenApiResponse(
                NarrativeSerializer, description="The narrative of that indicator and period, replaced."
            ),
            201: NarrativeSerializer,
            204: OpenApiResponse(description="Every text empty: the narrative is removed."),
        }
    )
    def create(self, request, *args, **kwargs):
        """Write the narrative of an indicator for a period (it replaces the one there); every text empty
        removes it."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        indicator = data.pop("indicator")
        programme = indicator.result.programme
        if not access.programmes_visible(request.user).filter(
            pk=programme.pk
        ).exists() or not access.narrative_can_write(request.user, programme):
            return Response(
                {"detail": _("Only the programme's reporters and managers write its narratives.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        period = get_object_or_404(Period, programme=programme, code=data.pop("period")["code"])
        existed = Narrative.objects.filter(indicator=indicator, period=period).exists()
        narrative = services.narrative_save(actor=request.user, indicator=indicator, period=period, **data)
        if narrative is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        answer = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(narrative).data, status=answer)


class DisaggregatedTargetSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    period = serializers.CharField(source="period.code", help_text="The period's code in the indicator's programme.")
    dimension_value = serializers.PrimaryKeyRelatedField(queryset=DimensionValue.objects.all())
    dimension_value_code = serializers.CharField(source="dimension_value.code", read_only=True)
    value = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text="The target; null removes it."
    )

    class Meta:
        model = DisaggregatedTarget
        fields = ["id", "indicator", "period", "dimension_value", "dimension_value_code", "value"]
        read_only_fields = ["id"]
        validators: list = []  # one per indicator, period and value: a write replaces it


class DisaggregatedTargetViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Targets by disaggregation value and period (e.g. 40 women of the 100 trained) of the programmes the
    user sees; set by the programme's managers, as on the framework builder's page."""

    serializer_class = DisaggregatedTargetSerializer
    filterset_fields = ["indicator", "period", "dimension_value"]
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_queryset(self):
        return DisaggregatedTarget.objects.filter(
            indicator__result__programme__in=access.programmes_visible(self.request.user)
        ).select_related("period", "dimension_value")

    def can_create(self, user):
        return access.programme_manager_somewhere(user)

    @extend_schema(
        responses={
            200: OpenApiResponse(DisaggregatedTargetSerializer, description="The target there, replaced."),
            201: DisaggregatedTargetSerializer,
            204: OpenApiResponse(description="A null value: the target is removed."),
        }
    )
    def create(self, request, *args, **kwargs):
        """Set (or replace) the target of one disaggregation value in one period; a null value removes it."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        indicator = data["indicator"]
        programme = indicator.result.programme
        if not access.programmes_visible(request.user).filter(
            pk=programme.pk
        ).exists() or not access.programme_can_manage(request.user, programme):
            return Response(
                {"detail": _("Only the programme's managers set targets.")}, status=status.HTTP_403_FORBIDDEN
            )
        period = get_object_or_404(Period, programme=programme, code=data["period"]["code"])
        key = (period.pk, data["dimension_value"].pk)
        targets = DisaggregatedTarget.objects.filter(indicator=indicator, period=period, dimension_value=key[1])
        existed = targets.exists()
        services.disaggregated_targets_save(actor=request.user, indicator=indicator, targets={key: data["value"]})
        target = targets.select_related("period", "dimension_value").first()
        if target is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        answer = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(target).data, status=answer)


def routes(router) -> None:
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("measurements", MeasurementViewSet, basename="measurement")
    router.register("narratives", NarrativeViewSet, basename="narrative")
    router.register("disaggregated-targets", DisaggregatedTargetViewSet, basename="disaggregated-target")
