"""The gap index in the API: indicators (public), specifications and runs (as their programme is seen), a
run with its outputs in full. Read-only: runs are started from the page or the command line."""

import django_filters
from rest_framework import serializers, viewsets

from jalon.gap.access import runs_visible
from jalon.gap.models import GapIndicator, IndexRun, IndexSpec
from jalon.results.access import programmes_visible


class GapIndicatorSerializer(serializers.ModelSerializer):
    denominator = serializers.CharField(source="denominator.code", read_only=True, allow_null=True)

    class Meta:
        model = GapIndicator
        fields = [
            "id", "code", "pillar", "name", "definition", "unit", "direction", "source", "computation", "body",
            "denominator", "per", "goal_low", "goal_high", "is_demo",
        ]  # fmt: skip


class GapIndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicators of the standardization gap, by disparity (pillar). Public."""

    serializer_class = GapIndicatorSerializer
    queryset = GapIndicator.objects.select_related("denominator").order_by("pillar", "code")
    filterset_fields = ["pillar", "source"]
    ordering_fields = ["code", "id"]
    ordering = ["pillar", "code"]


class IndexSpecSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code", read_only=True)

    class Meta:
        model = IndexSpec
        fields = ["id", "programme", "version", "title", "definition", "note", "created_at", "is_demo"]


class IndexSpecViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of the programmes' index specifications (as the programme is seen)."""

    serializer_class = IndexSpecSerializer
    filterset_fields = ["version"]
    ordering_fields = ["version", "id"]
    ordering = ["programme", "-version"]

    def get_queryset(self):
        return IndexSpec.objects.filter(programme__in=programmes_visible(self.request.user)).select_related("programme")


class IndexRunSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="spec.programme.code", read_only=True)
    spec_version = serializers.IntegerField(source="spec.version", read_only=True)

    class Meta:
        model = IndexRun
        fields = [
            "id", "programme", "spec_version", "as_of", "seed", "runs", "input_hash", "baseline", "created_at",
            "is_demo",
        ]  # fmt: skip


class IndexRunDetailSerializer(IndexRunSerializer):
    class Meta(IndexRunSerializer.Meta):
        fields = [*IndexRunSerializer.Meta.fields, "inputs", "outputs"]


class IndexRunFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="spec__programme__code")

    class Meta:
        model = IndexRun
        fields = ["programme"]


class IndexRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Runs of the gap index: the list without their outputs, one run with its inputs and outputs in full."""

    filterset_class = IndexRunFilter
    ordering_fields = ["as_of", "id"]
    ordering = ["-as_of", "-id"]

    def get_serializer_class(self):
        return IndexRunDetailSerializer if self.action == "retrieve" else IndexRunSerializer

    def get_queryset(self):
        queryset = IndexRun.objects.select_related("spec", "spec__programme")
        if self.action != "retrieve":
            queryset = queryset.defer("inputs", "outputs")
        return runs_visible(self.request.user, queryset)


def routes(router) -> None:
    router.register("gap-indicators", GapIndicatorViewSet, basename="gap-indicator")
    router.register("gap-specifications", IndexSpecViewSet, basename="gap-specification")
    router.register("gap-runs", IndexRunViewSet, basename="gap-run")
