"""Assessments in the API: question banks (public), assessments as access allows (with their scores), and
the public aggregates of published assessments. Read-only: answering, submitting and reviewing are done on
the pages (a long form saved section by section)."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jalon.assessments import access, satisfaction, selectors
from jalon.assessments.models import (
    COST_KINDS,
    REVENUE_STREAMS,
    AnswerOption,
    Assessment,
    FinancialProfile,
    Framework,
    NationalStrategy,
    Question,
    Section,
    Survey,
)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnswerOption
        fields = ["code", "label", "value"]


class QuestionSerializer(serializers.ModelSerializer):
    answer_set = serializers.CharField(source="answer_set.code", read_only=True)
    options = OptionSerializer(source="answer_set.options", many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id", "code", "text", "guidance", "evidence_expected", "weight", "evidence_required", "applies_to",
            "gsp_clauses", "tbt_paragraphs", "answer_set", "options",
        ]  # fmt: skip


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "code", "title", "gsp_clauses", "tbt_paragraphs", "questions"]


class FrameworkSerializer(serializers.ModelSerializer):
    previous_version = serializers.IntegerField(source="previous.version", read_only=True, allow_null=True)

    class Meta:
        model = Framework
        fields = ["id", "code", "version", "title", "description", "status", "coverage_threshold", "bands",
                  "previous_version", "is_demo"]  # fmt: skip


class FrameworkDetailSerializer(FrameworkSerializer):
    sections = serializers.SerializerMethodField()

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "sections"]

    def get_sections(self, framework) -> list:
        return list(SectionSerializer(selectors.framework_sections(framework), many=True).data)


class PublishedAggregateSerializer(serializers.Serializer):
    """A section's mean score over the published assessments."""

    section = serializers.CharField()
    title = serializers.JSONField()
    assessments = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Question banks, each version with its sections and questions. Public."""

    queryset = Framework.objects.select_related("previous").order_by("code", "-version")
    ordering = ["code", "-version"]
    ordering_fields = ["code", "version"]
    filterset_fields = ["code", "version"]

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer

    @extend_schema(
        parameters=[OpenApiParameter("code", str, description="The question bank's code (default gsp).")],
        responses=PublishedAggregateSerializer(many=True),
    )
    @action(detail=False, url_path="published-aggregates", pagination_class=None, filter_backends=[])
    def published_aggregates(self, request):
        """Mean score by section over the published assessments (no organisation's answers)."""
        code = str(request.query_params.get("code", "gsp"))[:40]
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
            return Response([])
        return Response(
            [
                {"section": section.code, "title": section.title, "assessments": n, "mean_score": mean}
                for section, n, mean in selectors.published_aggregates(code=code)
            ]
        )


class AssessmentSerializer(serializers.ModelSerializer):
    organisation: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    framework = serializers.CharField(source="framework.code", read_only=True)
    framework_version = serializers.IntegerField(source="framework.version", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "organisation", "framework", "framework_version", "period_start", "period_end", "mode",
                  "status", "submitted_at", "validated_at", "version", "is_demo"]  # fmt: skip


class AssessmentDetailSerializer(AssessmentSerializer):
    scores = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "scores"]

    def get_scores(self, assessment) -> dict:
        scores = selectors.assessment_scores(assessment)
        return {
            "score": scores.score,
            "coverage": scores.coverage,
            "complete": scores.complete,
            "band": scores.band["code"] if scores.band else None,
            "sections": [
                {"code": row.code, "score": row.score, "coverage": row.coverage, "complete": row.complete,
                 "band": row.band["code"] if row.band else None}
                for row in scores.sections
            ],
        }  # fmt: skip


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessments: an organisation's own, and every one for the programme team; one with its scores."""

    permission_classes = [IsAuthenticated]
    filterset_fields = ["status", "mode", "organisation"]
    ordering = ["-period_end", "-id"]
    ordering_fields = ["period_end", "id"]

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_queryset(self):
        return access.assessments_visible(
            self.request.user, Assessment.objects.select_related("framework", "organisation")
        )


class ProfileSerializer(serializers.ModelSerializer):
    organisation: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    currency = serializers.CharField(source="currency.code", read_only=True)
    sustainability = serializers.SerializerMethodField()

    class Meta:
        model = FinancialProfile
        fields = ["id", "organisation", "year", "currency", *(name for name, _l in REVENUE_STREAMS),
                  *(name for name, _l in COST_KINDS), "reserves", "participation_needed", "version", "is_demo",
                  "sustainability"]  # fmt: skip

    def get_sustainability(self, profile) -> dict:
        result = selectors.profile_sustainability(profile)
        return {
            "band": result.band,
            "ratios": [{"ratio": r.ratio, "value": r.value, "band": r.band} for r in result.ratios],
        }


class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """NSB financial profiles with their ratios and risk band (default thresholds): the organisation's own and
    every one for the programme team."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer
    filterset_fields = ["organisation", "year"]
    ordering = ["organisation", "-year"]
    ordering_fields = ["year", "id"]

    def get_queryset(self):
        return selectors.profile_list(self.request.user)


class StrategySerializer(serializers.ModelSerializer):
    organisation: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    sectors = serializers.SerializerMethodField()

    class Meta:
        model = NationalStrategy
        fields = ["id", "organisation", "title", "period_start", "period_end", "status", "weight_economic",
                  "weight_social", "weight_environmental", "version", "is_demo", "sectors"]  # fmt: skip

    def get_sectors(self, strategy) -> list:
        return [
            {"name": sector.name, "ics_codes": sector.ics_codes, "economic": sector.economic, "social": sector.social,
             "environmental": sector.environmental, "priority_score": sector.priority_score,
             "committees": [c.reference for c in sector.committees.all()]}
            for sector in selectors.strategy_sectors(strategy)
        ]  # fmt: skip


class StrategyViewSet(viewsets.ReadOnlyModelViewSet):
    """National standardization strategies with their ranked priority sectors (the organisation's own and every
    one for the programme team)."""

    permission_classes = [IsAuthenticated]
    serializer_class = StrategySerializer
    ordering = ["organisation", "-period_end"]
    ordering_fields = ["period_end", "id"]

    def get_queryset(self):
        return selectors.strategy_list(self.request.user)


class SurveySerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code", read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "code", "programme", "title", "population", "year", "status", "anonymous", "threshold",
                  "minimum_n", "is_demo"]  # fmt: skip


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Satisfaction surveys: closed ones for whoever sees their programme, all for its team; `results` gives
    the aggregates per unit and group (never one answer)."""

    serializer_class = SurveySerializer
    lookup_field = "code"
    # A survey's code is a slug: anything else (a NUL byte, which PostgreSQL refuses) is not found.
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering = ["-year", "code"]
    ordering_fields = ["year", "code"]

    def get_queryset(self):
        surveys = access.surveys_visible(self.request.user, Survey.objects.select_related("programme"))
        return surveys if access.survey_can_create(self.request.user) else surveys.filter(status=Survey.Status.CLOSED)

    @action(detail=True)
    def results(self, request, code=None):
        survey = self.get_object()
        return Response(
            [
                {"unit": unit.code, "name": unit.name, "status": unit.status,
                 "groups": [{"group": g.group, "n": g.n, "satisfied": g.satisfied, "rate": g.rate, "low": g.low,
                             "high": g.high, "status": g.status} for g in unit.groups]}
                for unit in satisfaction.survey_results(survey)
            ]
        )  # fmt: skip


def routes(router) -> None:
    router.register("assessment-banks", FrameworkViewSet, basename="assessment-bank")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("assessment-financial-profiles", ProfileViewSet, basename="assessment-financial-profile")
    router.register("assessment-strategies", StrategyViewSet, basename="assessment-strategy")
    router.register("assessment-surveys", SurveyViewSet, basename="assessment-survey")
