"""The finance API: a programme's resources per outcome and period (`/api/v1/programmes/<code>/resources/`),
the ledger (contributions, allocations, commitments and expenditure: read as access.py says, written by the
programme team through the services), proposals, exchange rates."""

from django.core.exceptions import PermissionDenied
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from jalon.finance import access, selectors, services
from jalon.finance.models import Allocation, Contribution, ExchangeRate, Fund, Proposal, Spending
from jalon.results.models import Period, Programme, Result


class ResourcesViewSet(viewsets.ViewSet):
    """Per outcome and period, in the programme's currency: required, available, gap, allocated, spent,
    committed, delivery rate, share. `?period=<code>` for one period. Figures with no exchange rate are null,
    with what could not be converted under `unconverted`."""

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


class FinanceContributionSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all())
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
        return access.finance_can_enter_rates(user)

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


class AllocationSerializer(serializers.ModelSerializer):
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


class SpendingSerializer(serializers.ModelSerializer):
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


def routes(router) -> None:
    router.register(r"programmes/(?P<code>[-a-zA-Z0-9_]+)/resources", ResourcesViewSet, basename="finance-resources")
    router.register("finance-contributions", ContributionViewSet, basename="finance-contribution")
    router.register("finance-allocations", AllocationViewSet, basename="finance-allocation")
    router.register("finance-spending", SpendingViewSet, basename="finance-spending")
    router.register("finance-proposals", ProposalViewSet, basename="finance-proposal")
    router.register("finance-exchange-rates", ExchangeRateViewSet, basename="finance-exchange-rate")
