"""Assessments in the API: question banks (public), assessments as access allows (with their scores), and
the public aggregates of published assessments. Writes go through the services, as on the pages: open an
assessment, answer it one section at a time (`answers`, with the version read; evidence as a link, files on
the pages), take a workflow step (`step`), choose improvement areas and follow their actions."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from jalon.activities.access import activities_visible
from jalon.activities.models import Activity
from jalon.api.permissions import AccessPolicy
from jalon.api.versions import VersionedUpdateMixin
from jalon.assessments import access, satisfaction, selectors, services
from jalon.assessments.models import (
    COST_KINDS,
    REVENUE_STREAMS,
    Answer,
    AnswerOption,
    Assessment,
    FinancialProfile,
    Framework,
    ImprovementAction,
    ImprovementArea,
    NationalStrategy,
    Question,
    Section,
    Survey,
)
from jalon.organisations.models import Person
from jalon.results.access import programmes_visible


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
        """Mean score by section over the published assessments (no organisation's answers; null where fewer
        assessments than the small-group threshold rank the section)."""
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
    findings = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "scores", "findings"]

    def get_findings(self, assessment) -> list:
        """The peer findings and their corrective actions (the assessment's readers see them, as on its page)."""
        return [
            {"id": f.pk, "kind": f.kind, "question": f.question.code if f.question else None, "text": f.text,
             "corrective_action": f.corrective_action, "due_date": f.due_date, "status": f.status,
             "version": f.version}
            for f in assessment.findings.select_related("question").order_by("pk")
        ]  # fmt: skip

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


class AssessmentCreateSerializer(serializers.Serializer):
    """Open an assessment: of an organisation the user may assess, on a published question bank."""

    organisation = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.none())
    framework = serializers.PrimaryKeyRelatedField(queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    mode = serializers.ChoiceField(choices=Assessment.Mode.choices, default=Assessment.Mode.SELF)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["organisation"].queryset = access.assessment_organisations(request.user)
        return fields


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=40, help_text="The question's code.")
    option = serializers.CharField(max_length=40, required=False, allow_null=True, help_text="The answer's code.")
    not_applicable = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    evidence_link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    confidence = serializers.ChoiceField(choices=Answer.Confidence.choices, required=False, allow_blank=True)


class SectionAnswersSerializer(serializers.Serializer):
    """One section's answers; a question left out keeps its answer. `version`: the assessment's, as read."""

    section = serializers.CharField(max_length=40, help_text="The section's code.")
    version = serializers.IntegerField(min_value=0)
    answers = AnswerInputSerializer(many=True, max_length=500)  # type: ignore[call-arg]  # (DRF 3.14+)


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=sorted(services.STEPS))
    version = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assessments: an organisation's own, and every one for the programme team; one with its scores. Its focal
    points open, answer and submit it; the team reviews, returns, validates and publishes it."""

    permission_classes = [IsAuthenticated, AccessPolicy]
    filterset_fields = ["status", "mode", "organisation"]
    ordering = ["-period_end", "-id"]
    ordering_fields = ["period_end", "id"]

    def get_serializer_class(self):
        if self.action == "create":
            return AssessmentCreateSerializer
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_queryset(self):
        return access.assessments_visible(
            self.request.user, Assessment.objects.select_related("framework", "organisation")
        )

    def can_create(self, user):
        return access.assessment_can_create(user)

    def can_change(self, user, obj):
        data = self.request.data if isinstance(self.request.data, dict) else {}
        if self.action == "step" and data.get("step") != "submit":
            return access.assessment_can_review(user, obj)
        return access.assessment_can_edit(user, obj)

    def _detail(self, assessment, code=status.HTTP_200_OK):
        return Response(AssessmentDetailSerializer(assessment, context=self.get_serializer_context()).data, code)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_create(actor=request.user, **serializer.validated_data)
        return self._detail(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=SectionAnswersSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save one section's answers (codes of the bank's questions and answers); the scores follow."""
        assessment = self.get_object()
        payload = SectionAnswersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        section = Section.objects.filter(framework=assessment.framework, code=values["section"]).first()
        if section is None:
            raise serializers.ValidationError({"section": [_("No section of this question bank has this code.")]})
        questions = {q.code: q for q in section.questions.select_related("answer_set")}
        options = {
            (o.answer_set_id, o.code): o
            for o in AnswerOption.objects.filter(answer_set__in={q.answer_set_id for q in questions.values()})
        }
        answers, errors = {}, {}
        for row in values["answers"]:
            question = questions.get(row["question"])
            if question is None:
                errors[row["question"]] = [_("No question of this section has this code.")]
                continue
            given = {key: row[key] for key in ("comment", "evidence_link", "confidence") if key in row}
            given["not_applicable"] = row["not_applicable"]
            if row.get("option"):
                given["option"] = options.get((question.answer_set_id, row["option"]))
                if given["option"] is None:
                    errors[row["question"]] = [_("Choose one of the answers offered.")]
                    continue
            answers[question.pk] = given
        if errors:
            raise serializers.ValidationError({"answers": errors})
        saved = services.assessment_answer_section(
            actor=request.user, assessment=assessment, section=section, version=values["version"], answers=answers
        )
        return self._detail(saved)

    @extend_schema(request=StepSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """submit (the organisation); review, return (with a note), validate, publish (the programme team)."""
        assessment = self.get_object()
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        saved = services.assessment_step(actor=request.user, assessment=assessment, **payload.validated_data)
        return self._detail(saved)


class AreaSerializer(serializers.ModelSerializer):
    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.none())
    section = serializers.CharField(source="section.code", max_length=40, help_text="The section's code.")

    class Meta:
        model = ImprovementArea
        fields = ["id", "assessment", "section", "target_score", "priority", "note", "is_demo"]
        read_only_fields = ["is_demo"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["assessment"].queryset = access.assessments_visible(request.user)
        return fields


class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Improvement areas: weak sections of a validated assessment chosen to improve, with a target score."""

    serializer_class = AreaSerializer
    permission_classes = [IsAuthenticated, AccessPolicy]
    filterset_fields = ["assessment"]
    ordering = ["assessment", "priority", "id"]
    ordering_fields = ["id", "priority"]

    def get_queryset(self):
        return ImprovementArea.objects.filter(
            assessment__in=access.assessments_visible(self.request.user)
        ).select_related("section")

    def can_create(self, user):
        return access.assessment_can_create(user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        assessment = values.pop("assessment")
        code = values.pop("section")["code"]
        section = Section.objects.filter(framework=assessment.framework, code=code).first()
        if section is None:
            raise serializers.ValidationError({"section": [_("No section of this question bank has this code.")]})
        area = services.area_create(actor=request.user, assessment=assessment, section=section, **values)
        return Response(self.get_serializer(area).data, status=status.HTTP_201_CREATED)


class ActionSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=ImprovementArea.objects.none())
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), required=False, allow_null=True)
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none(), required=False, allow_null=True)

    class Meta:
        model = ImprovementAction
        fields = [*("id", "area"), *services.ACTION_FIELDS, "version"]
        read_only_fields = ["version"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            user = request.user
            visible = access.assessments_visible(user)
            fields["area"].queryset = ImprovementArea.objects.filter(assessment__in=visible)
            # The owner is a person of the assessed organisation (the service says so when not).
            fields["owner"].queryset = Person.objects.filter(organisation__in=visible.values("organisation_id"))
            fields["activity"].queryset = activities_visible(user)
        return fields


class ActionViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The actions of improvement areas (owner, due date, status, a linked activity or page); an area counts
    as applied when its actions are done and a later validated assessment scores its section higher."""

    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated, AccessPolicy]
    filterset_fields = ["area", "status"]
    ordering = ["area", "due_date", "id"]
    ordering_fields = ["id", "due_date"]

    def get_queryset(self):
        return ImprovementAction.objects.filter(
            area__assessment__in=access.assessments_visible(self.request.user)
        ).select_related("area__assessment__organisation")

    def can_create(self, user):
        return access.assessment_can_create(user)

    def can_change(self, user, obj):
        return access.assessment_can_plan(user, obj.area.assessment)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        created = services.action_create(actor=request.user, area=values.pop("area"), **values)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    update_service = staticmethod(services.action_update)
    update_keyword = "action"
    update_fields = services.ACTION_FIELDS

    def update_refused(self, record, serializer):
        if "area" in serializer.validated_data and serializer.validated_data["area"] != record.area:
            raise serializers.ValidationError({"area": [_("An action stays in its improvement area.")]})
        return None


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
        result = selectors.profile_sustainability(profile, self.context.get("programme"))
        estimate = result.estimate
        return {
            "band": result.band,
            "ratios": [{"ratio": r.ratio, "value": r.value, "band": r.band} for r in result.ratios],
            # With ?programme=<code>: its thresholds, and the participation estimate with its unit costs.
            "participation_estimated": result.estimated,
            "participation_estimate": None
            if estimate is None
            else {
                "programme": estimate.setting.programme.code,
                "total": estimate.total,
                "sponsored_delegates": estimate.sponsored,
                "lines": [
                    {"item": line.label, "quantity": line.quantity, "unit_cost": line.unit_cost, "amount": line.amount}
                    for line in estimate.lines
                ],
            },
        }


class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """NSB financial profiles with their ratios and risk band (default thresholds, or those of
    `?programme=<code>` with its participation cost estimate): the organisation's own and every one for the
    programme team."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer
    filterset_fields = ["organisation", "year"]
    ordering = ["organisation", "-year"]
    ordering_fields = ["year", "id"]

    def get_queryset(self):
        return selectors.profile_list(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        code = self.request.query_params.get("programme", "")[:60]
        if code and "\x00" not in code:
            context["programme"] = programmes_visible(self.request.user).filter(code=code).first()
        return context


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


class SurveyGroupResultSerializer(serializers.Serializer):
    """One constituent group's satisfaction in a unit: the share satisfied with its Wilson interval (null below the
    survey's minimum number of answers)."""

    group = serializers.CharField()
    n = serializers.IntegerField(help_text="Answers counted.")
    satisfied = serializers.IntegerField(
        allow_null=True, help_text="Answers in the scale's two top points (null below the minimum, as the rate)."
    )
    rate = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True, help_text="The interval's lower bound.")
    high = serializers.FloatField(allow_null=True, help_text="The interval's upper bound.")
    status = serializers.CharField()


class SurveyUnitResultSerializer(serializers.Serializer):
    unit = serializers.CharField(source="code")
    name = serializers.CharField()
    status = serializers.CharField()
    groups = SurveyGroupResultSerializer(many=True)


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

    @extend_schema(responses=SurveyUnitResultSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def results(self, request, code=None):
        survey = self.get_object()
        return Response(SurveyUnitResultSerializer(satisfaction.survey_results(survey), many=True).data)


def routes(router) -> None:
    router.register("assessment-banks", FrameworkViewSet, basename="assessment-bank")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("assessment-improvement-areas", AreaViewSet, basename="assessment-improvement-area")
    router.register("assessment-improvement-actions", ActionViewSet, basename="assessment-improvement-action")
    router.register("assessment-financial-profiles", ProfileViewSet, basename="assessment-financial-profile")
    router.register("assessment-strategies", StrategyViewSet, basename="assessment-strategy")
    router.register("assessment-surveys", SurveyViewSet, basename="assessment-survey")
