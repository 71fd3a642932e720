"""The finance API: a programme's resources per outcome and period (`/api/v1/programmes/<code>/resources/`),
the ledger (contributions and their receipts, allocations, commitments and expenditure, budgets, planned
disbursements, resource requirements, funds and contributors: read as access.py says, written by the programme
team through the services; posted receipts are corrected by a reversal, never edited), proposals, exchange rates."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.api.fields import MultilingualField
from jalon.api.versions import VersionedUpdateMixin
from jalon.finance import access, selectors, services
from jalon.finance.models import (
    Allocation,
    Budget,
    Contribution,
    Contributor,
    ExchangeRate,
    Fund,
    PlannedDisbursement,
    Proposal,
    Receipt,
    ResourceRequirement,
    Spending,
)
from jalon.results.access import programmes_visible
from jalon.results.models import Period, Programme, Result


def _figure(help_text: str = ""):
    """A decimal figure as text, null when it cannot be computed (no rate, nothing to divide by)."""
    return serializers.CharField(allow_null=True, help_text=help_text)


def _unconverted():
    return serializers.DictField(
        child=serializers.CharField(), help_text="Per currency, the amounts that no exchange rate converted."
    )


class ResourcesOutcomeSerializer(serializers.Serializer):
    """The schema of one outcome's figures in the resources answer (selectors.resources builds them)."""

    code = serializers.CharField()
    title = MultilingualField()
    required = _figure()
    available = _figure()
    gap = _figure("Required less available.")
    allocated = _figure()
    spent = _figure()
    committed = _figure()
    delivery_rate = _figure("Spent over allocated, in per cent.")
    share = _figure("The outcome's share of what is available to the programme, in per cent.")
    unconverted = _unconverted()


class ResourcesFundSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = MultilingualField()
    kind = serializers.ChoiceField(choices=Fund.Kind.choices)
    allocated = _figure()
    spent = _figure()
    committed = _figure()
    delivery_rate = _figure("Spent over allocated, in per cent.")


class ResourcesTotalSerializer(serializers.Serializer):
    amount = _figure()
    currency = serializers.CharField()
    unconverted = _unconverted()


class ResourcesPeriodSerializer(serializers.Serializer):
    programme = serializers.CharField()
    period = serializers.CharField()
    currency = serializers.CharField()
    outcomes = ResourcesOutcomeSerializer(many=True)
    funds = ResourcesFundSerializer(many=True)
    forecast = ResourcesTotalSerializer(help_text="Spent, committed and planned disbursements of the period.")


@extend_schema_serializer(many=False)  # the view's action is `list`, its answer one object
class ResourcesSerializer(serializers.Serializer):
    programme = serializers.CharField()
    currency = serializers.CharField()
    periods = ResourcesPeriodSerializer(many=True)


class ResourcesViewSet(viewsets.ViewSet):
    """Per outcome and period, in the programme's currency: required, available, gap, allocated, spent,
    committed, delivery rate, share. `?period=<code>` for one period. Figures with no exchange rate are null,
    with what could not be converted under `unconverted`."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, description="The code of one period (default: every period).")],
        responses=ResourcesSerializer,
    )
    def list(self, request, code: str):
        programme = access.access_figures_programme(request.user, code)
        periods = Period.objects.filter(programme=programme).order_by("start")
        wanted = request.query_params.get("period")
        if wanted:
            periods = periods.filter(code=wanted)
        return Response(
            {
                "programme": programme.code,
                "currency": services.settings_of(programme).currency,
                "periods": [selectors.resources(programme, period) for period in periods],
            }
        )


def _programme_queryset(user):
    return Programme.objects.filter(pk__in=access.finance_programmes_readable(user).values("pk"))


class LedgerChoicesMixin:
    """A ledger line names only records of the programmes the user manages (access.ledger_choices): another
    programme's fund, activity or award is answered as one that does not exist. The service then checks that each
    is the line's own programme's."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            for name, queryset in access.ledger_choices(request.user).items():
                if name in fields and not fields[name].read_only:
                    fields[name].queryset = queryset
        return fields


class FinanceContributionSerializer(LedgerChoicesMixin, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all())  # narrowed by LedgerChoicesMixin
    contributor_name = serializers.CharField(source="contributor.organisation.__str__", read_only=True)
    results = serializers.PrimaryKeyRelatedField(queryset=Result.objects.all(), many=True, required=False)

    class Meta:
        model = Contribution
        fields = [
            "id", "programme", "fund", "contributor", "contributor_name", "reference", "amount", "currency",
            "value_date", "status", "modality", "channel", "results", "themes", "conditions", "reporting_obligations",
            "version", "is_demo",
        ]  # fmt: skip
        read_only_fields = ["version", "is_demo"]


class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Ledger lines the user may see; the programme team posts new ones (a refusal answers 400 with the reason)."""

    ordering = ["id"]
    ordering_fields = ["id"]

    def can_create(self, user):
        return access.finance_can_manage_reference(user)

    def create_service(self, *, actor, programme, **fields):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        if not access.finance_can_manage(request.user, programme):
            raise PermissionDenied
        record = self.create_service(actor=request.user, programme=programme, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class ContributionViewSet(LedgerViewSet):
    serializer_class = FinanceContributionSerializer
    filterset_fields = ["status", "currency", "channel", "modality"]

    def get_queryset(self):
        return access.contributions_visible(
            self.request.user, Contribution.objects.select_related("programme", "contributor__organisation")
        ).prefetch_related("results")

    def create_service(self, *, actor, programme, **fields):
        return services.contribution_create(actor=actor, programme=programme, **fields)


class AllocationSerializer(LedgerChoicesMixin, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())

    class Meta:
        model = Allocation
        fields = [
            "id", "programme", "fund", "contribution", "result", "activity", "organisation", "country", "theme",
            "period", "amount", "currency", "status", "note", "version", "is_demo",
        ]  # fmt: skip
        read_only_fields = ["version", "is_demo"]


class AllocationViewSet(LedgerViewSet):
    serializer_class = AllocationSerializer
    filterset_fields = ["status", "currency"]

    def get_queryset(self):
        return access.allocations_visible(self.request.user, Allocation.objects.select_related("programme"))

    def create_service(self, *, actor, programme, **fields):
        return services.allocation_create(actor=actor, programme=programme, **fields)


class SpendingSerializer(LedgerChoicesMixin, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    currency = serializers.CharField(max_length=3, required=False)

    class Meta:
        model = Spending
        fields = [
            "id", "programme", "kind", "fund", "allocation", "result", "date", "value_date", "amount", "currency",
            "payee", "payee_name", "description", "evidence", "activity", "sponsorship", "fellowship", "arrangement",
            "reverses", "is_demo",
        ]  # fmt: skip
        # A twinning arrangement's commitment is posted by the arrangement's own steps (results.hooks).
        read_only_fields = ["arrangement", "reverses", "is_demo"]


class SpendingViewSet(LedgerViewSet):
    """Commitments and expenditure; a posted entry is corrected by a reversal (on the page), never edited."""

    serializer_class = SpendingSerializer
    filterset_fields = ["kind", "currency"]

    def get_queryset(self):
        return access.spendings_visible(self.request.user, Spending.objects.select_related("programme"))

    def create_service(self, *, actor, programme, **fields):
        return services.spending_post(actor=actor, programme=programme, **fields)


class ReceiptSerializer(serializers.ModelSerializer):
    """An instalment received, in its contribution's currency (given by the contribution, not the body)."""

    contribution = serializers.PrimaryKeyRelatedField(queryset=Contribution.objects.none())
    value_date = serializers.DateField(required=False)

    class Meta:
        model = Receipt
        fields = ["id", "contribution", "date", "value_date", "amount", "currency", "note", "reverses", "is_demo"]
        read_only_fields = ["currency", "reverses", "is_demo"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["contribution"].queryset = access.contributions_visible(request.user)
        return fields


class ReversalSerializer(serializers.Serializer):
    date = serializers.DateField()
    note = serializers.CharField(max_length=300)


class ReceiptViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Receipts on the contributions the user sees; the programme team posts one, or reverses one
    (`POST .../<id>/reverse/` with the date and why): a posted receipt is never edited."""

    serializer_class = ReceiptSerializer
    filterset_fields = ["contribution", "currency"]
    ordering = ["id"]
    ordering_fields = ["id", "date"]

    def get_queryset(self):
        return access.receipts_visible(self.request.user, Receipt.objects.select_related("contribution"))

    def can_create(self, user):
        return access.finance_can_manage_reference(user)

    def can_change(self, user, obj):
        return access.finance_can_manage(user, obj.contribution.programme)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receipt = services.receipt_post(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(receipt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReversalSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        receipt = self.get_object()
        payload = ReversalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reversal = services.receipt_reverse(actor=request.user, receipt=receipt, **payload.validated_data)
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)


class BudgetSerializer(LedgerChoicesMixin, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())

    class Meta:
        model = Budget
        fields = [
            "id", "programme", "fund", "type", "status", "period_start", "period_end", "amount", "currency",
            "value_date", "is_demo",
        ]  # fmt: skip
        read_only_fields = ["is_demo"]


class BudgetViewSet(LedgerViewSet):
    """IATI budgets (original or revised, indicative or committed, a year at most): the programme's team and
    viewers read them; the team posts them."""

    serializer_class = BudgetSerializer
    filterset_fields = ["type", "status", "currency"]

    def get_queryset(self):
        return access.budgets_visible(self.request.user, Budget.objects.select_related("programme"))

    def create_service(self, *, actor, programme, **fields):
        return services.budget_create(actor=actor, programme=programme, **fields)


class PlannedDisbursementSerializer(LedgerChoicesMixin, serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())

    class Meta:
        model = PlannedDisbursement
        fields = [
            "id", "programme", "fund", "type", "period_start", "period_end", "amount", "currency", "value_date",
            "provider", "receiver", "is_demo",
        ]  # fmt: skip
        read_only_fields = ["is_demo"]


class PlannedDisbursementViewSet(LedgerViewSet):
    serializer_class = PlannedDisbursementSerializer
    filterset_fields = ["type", "currency"]

    def get_queryset(self):
        return access.planned_disbursements_visible(
            self.request.user, PlannedDisbursement.objects.select_related("programme")
        )

    def create_service(self, *, actor, programme, **fields):
        return services.planned_disbursement_create(actor=actor, programme=programme, **fields)


class RequirementSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="result.programme.code", read_only=True)

    class Meta:
        model = ResourceRequirement
        fields = ["id", "programme", "result", "period", "amount", "currency", "method", "version", "is_demo"]
        read_only_fields = ["version", "is_demo"]
        # One requirement per result and period is checked by the view once the caller may write it (the model's
        # unique constraint, as a validator here, would answer before the permission: a different error).
        validators: list = []

    def get_fields(self):
        """Results and periods of the programmes the user sees: another's is answered as one that does not exist."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            seen = programmes_visible(request.user).values("pk")
            fields["result"].queryset = Result.objects.filter(programme__in=seen)
            fields["period"].queryset = Period.objects.filter(programme__in=seen)
        return fields


class RequirementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What each result needs per period, with the method of the estimate: one per result and period
    (posting a second answers 400; change the first with PUT or PATCH and the version read)."""

    serializer_class = RequirementSerializer
    filterset_fields = ["result", "period", "currency"]
    ordering = ["id"]
    ordering_fields = ["id"]

    def get_queryset(self):
        return access.requirements_visible(
            self.request.user, ResourceRequirement.objects.select_related("result__programme")
        )

    def can_create(self, user):
        return access.finance_can_manage_reference(user)

    def can_change(self, user, obj):
        return access.finance_can_manage(user, obj.result.programme)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Who may write first, so that whether another programme's result has a requirement is not told.
        if not access.finance_can_manage(request.user, data["result"].programme):
            raise PermissionDenied(_("Only the programme team changes its ledger."))
        if ResourceRequirement.objects.filter(result=data["result"], period=data["period"]).exists():
            raise serializers.ValidationError(
                {"period": [_("This result already has a requirement for this period: change that one.")]}
            )
        record = services.requirement_save(actor=request.user, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    update_service = staticmethod(services.requirement_update)
    update_keyword = "requirement"
    update_fields = ("amount", "currency", "method")

    def update_refused(self, record, serializer):
        for name in ("result", "period"):
            if name in serializer.validated_data and serializer.validated_data[name] != getattr(record, name):
                raise serializers.ValidationError({name: [_("The result and the period of a requirement stay.")]})
        return None


class ProposalSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "programme", "title", "results", "amount", "currency", "donor", "status", "appraised",
            "decided_on", "is_demo",
        ]  # fmt: skip


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalSerializer
    filterset_fields = ["status"]
    ordering = ["id"]
    ordering_fields = ["id"]

    def get_queryset(self):
        return access.proposals_visible(
            self.request.user, Proposal.objects.select_related("programme")
        ).prefetch_related("results")


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "base", "quote", "date", "rate", "source", "kind", "provenance"]


class ExchangeRateViewSet(viewsets.ReadOnlyModelViewSet):
    """Exchange rates (public reference data): 1 base = rate quote on the date."""

    serializer_class = ExchangeRateSerializer
    queryset = ExchangeRate.objects.all()
    filterset_fields = ["base", "quote", "source", "kind", "date"]
    ordering = ["-date", "id"]
    ordering_fields = ["date", "id"]


class FundSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code", read_only=True)
    name = MultilingualField()

    class Meta:
        model = Fund
        fields = ["id", "programme", "code", "name", "kind", "currency", "is_demo"]


class FundViewSet(viewsets.ReadOnlyModelViewSet):
    """A programme's funds (regular budget, voluntary, trust funds...): seen with the programme's figures."""

    serializer_class = FundSerializer
    filterset_fields = ["kind", "currency"]
    ordering = ["id"]
    ordering_fields = ["id", "code"]

    def get_queryset(self):
        queryset = access.funds_visible(self.request.user, Fund.objects.select_related("programme"))
        programme = self.request.query_params.get("programme")
        return queryset.filter(programme__code=programme) if programme else queryset


class ContributorSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.__str__", read_only=True)
    source_type = serializers.CharField(source="source_type.code", read_only=True)
    source_type_name = MultilingualField(source="source_type.name", read_only=True)

    class Meta:
        model = Contributor
        fields = ["id", "organisation", "organisation_name", "source_type", "source_type_name", "is_demo"]


class ContributorViewSet(viewsets.ReadOnlyModelViewSet):
    """Contributors (organisations that give money) with their source type (Res. 44 programme 4's list)."""

    serializer_class = ContributorSerializer
    ordering = ["id"]
    ordering_fields = ["id"]

    def get_queryset(self):
        queryset = access.contributors_visible(
            self.request.user, Contributor.objects.select_related("organisation", "source_type")
        )
        source_type = self.request.query_params.get("source_type")
        return queryset.filter(source_type__code=source_type) if source_type else queryset


def routes(router) -> None:
    router.register(r"programmes/(?P<code>[-a-zA-Z0-9_]+)/resources", ResourcesViewSet, basename="finance-resources")
    router.register("finance-contributions", ContributionViewSet, basename="finance-contribution")
    router.register("finance-allocations", AllocationViewSet, basename="finance-allocation")
    router.register("finance-spending", SpendingViewSet, basename="finance-spending")
    router.register("finance-receipts", ReceiptViewSet, basename="finance-receipt")
    router.register("finance-budgets", BudgetViewSet, basename="finance-budget")
    router.register(
        "finance-planned-disbursements", PlannedDisbursementViewSet, basename="finance-planned-disbursement"
    )
    router.register("finance-requirements", RequirementViewSet, basename="finance-requirement")
    router.register("finance-proposals", ProposalViewSet, basename="finance-proposal")
    router.register("finance-funds", FundViewSet, basename="finance-fund")
    router.register("finance-contributors", ContributorViewSet, basename="finance-contributor")
    router.register("finance-exchange-rates", ExchangeRateViewSet, basename="finance-exchange-rate")
