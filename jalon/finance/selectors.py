"""Reads of the ledger: a programme's figures per outcome and period in its currency, Table 1, the finance
indicators (gaps filled, aligned channels, proposals appraised, delivery rate), the earmarking profile and the
forecast.

Sums are made in the database, grouped by currency and value date (and by result where it matters); each
group is then converted at its own rate (rates.Converter). A group without a rate is carried as "not
converted" in the Total, never counted as zero, and a figure built on it has no value (None)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from jalon.finance.models import (
    ALIGNED_CHANNELS,
    EARMARKING_CATEGORY,
    Allocation,
    Contribution,
    Fund,
    PlannedDisbursement,
    Proposal,
    ResourceRequirement,
    Spending,
)
from jalon.finance.rates import Converter, Total
from jalon.lib.multilingual import text_in
from jalon.results.models import Period, Programme, Result


def _settings(programme: Programme):
    from jalon.finance.services import settings_of

    return settings_of(programme)


def converter_for(programme: Programme) -> Converter:
    settings = _settings(programme)
    return Converter(settings.currency, settings.conversion_policy)


def percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def outcome_of(programme: Programme) -> tuple[list[Result], dict[int, int]]:
    """The programme's top results (its outcomes) in order, and each result's outcome id (one query)."""
    results = list(Result.objects.filter(programme=programme).order_by("order", "pk"))
    parents = {r.pk: r.parent_id for r in results}
    root: dict[int, int] = {}
    for result in results:
        node = result.pk
        while parents.get(node) is not None:
            node = parents[node]  # type: ignore[assignment]
        root[result.pk] = node
    return [r for r in results if r.parent_id is None], root


def _sums(converter: Converter, queryset: QuerySet, *, key: str | None, date_field: str) -> dict:
    """{key value: Total}, summed in the database by key, currency and date, then converted."""
    fields = [f for f in (key, "currency", date_field) if f]
    totals: dict = {}
    for row in queryset.order_by().values(*fields).annotate(total=Sum("amount")):
        if row["total"] is None:
            continue
        bucket = totals.setdefault(row[key] if key else None, Total(converter.currency))
        bucket.add(converter.convert(row["total"], row["currency"], row[date_field]))
    return totals


def _by_outcome(totals: dict, root: dict[int, int], currency: str) -> dict[int | None, Total]:
    out: dict[int | None, Total] = {}
    for result_id, total in totals.items():
        outcome = root.get(result_id) if result_id is not None else None
        out.setdefault(outcome, Total(currency))
        out[outcome] += total
    return out


EXTRA_BUDGETARY = ~Q(fund__kind=Fund.Kind.REGULAR_BUDGET)


@dataclass
class OutcomeFigures:
    outcome: Result
    required: Total | None
    allocated: Total
    earmarked_unallocated: Total
    spent: Total
    committed: Total

    @property
    def available(self) -> Total:
        total = Total(self.allocated.currency)
        total += self.allocated
        total += self.earmarked_unallocated
        return total

    @property
    def gap(self) -> Decimal | None:
        """required - available, at least 0; None when either is unknown (no requirement, or a figure with
        no rate)."""
        if self.required is None or self.required.value is None or self.available.value is None:
            return None
        return max(self.required.value - self.available.value, Decimal(0))

    @property
    def delivery_rate(self) -> Decimal | None:
        if self.spent.value is None or self.allocated.value is None:
            return None
        return percent(self.spent.value, self.allocated.value)


@dataclass
class Figures:
    programme: Programme
    period: Period
    currency: str
    outcomes: list[OutcomeFigures]
    planned: Total
    unassigned_spent: Total = field(default_factory=lambda: Total(""))

    def total(self, name: str) -> Total:
        total = Total(self.currency)
        for row in self.outcomes:
            total += getattr(row, name)
        return total

    @property
    def forecast(self) -> Total:
        """Spent + committed + planned disbursements of the period."""
        total = Total(self.currency)
        total += self.total("spent")
        total += self.total("committed")
        total += self.planned
        return total

    def share(self, row: OutcomeFigures) -> Decimal | None:
        whole = self.total("available").value
        part = row.available.value
        return None if part is None or not whole else percent(part, whole)


def _unallocated_earmarked(
    programme: Programme, converter: Converter, root: dict[int, int], *, start: datetime.date, end: datetime.date
) -> dict[int | None, Total]:
    """The unallocated part of agreed contributions earmarked for results, dated in the span, split equally
    between the outcomes they are earmarked for."""
    contributions = (
        Contribution.objects.filter(
            programme=programme, status__in=Contribution.AGREED, value_date__range=(start, end), results__isnull=False
        )
        .annotate(allocated=Coalesce(Sum("allocations__amount"), Decimal(0)))
        .order_by("pk")
        .distinct()
    )
    rows = list(contributions.values("pk", "amount", "currency", "value_date", "allocated"))
    targets: dict[int, set[int]] = {}
    for contribution_id, result_id in Contribution.results.through.objects.filter(
        contribution_id__in=[r["pk"] for r in rows]
    ).values_list("contribution_id", "result_id"):
        targets.setdefault(contribution_id, set()).add(root.get(result_id, result_id))
    out: dict[int | None, Total] = {}
    for row in rows:
        left = row["amount"] - row["allocated"]
        outcomes = sorted(targets.get(row["pk"], ()))
        if left <= 0 or not outcomes:
            continue
        share = left / len(outcomes)
        for outcome in outcomes:
            out.setdefault(outcome, Total(converter.currency)).add(
                converter.convert(share, row["currency"], row["value_date"])
            )
    return out


def programme_figures(programme: Programme, period: Period, converter: Converter | None = None) -> Figures:
    """Per outcome, for one period, in the programme's currency: required, allocated (approved allocations of the
    period), signed unallocated contributions earmarked to it, spent (expenditure and disbursements dated in the
    period) and committed, every fund counted (the delivery-rate indicator counts extra-budgetary funds only)."""
    converter = converter or converter_for(programme)
    currency = converter.currency
    outcomes, root = outcome_of(programme)
    allocated = _by_outcome(
        _sums(
            converter,
            Allocation.objects.filter(programme=programme, period=period, status=Allocation.Status.APPROVED).annotate(
                on=F("period__start")
            ),
            key="result_id",
            date_field="on",
        ),
        root,
        currency,
    )
    spending = Spending.objects.filter(programme=programme, date__range=(period.start, period.end)).annotate(
        target=Coalesce("result_id", "allocation__result_id")
    )
    spent = _by_outcome(
        _sums(converter, spending.filter(kind__in=Spending.SPENT), key="target", date_field="value_date"),
        root,
        currency,
    )
    committed = _by_outcome(
        _sums(converter, spending.filter(kind=Spending.Kind.COMMITMENT), key="target", date_field="value_date"),
        root,
        currency,
    )
    required = _by_outcome(
        _sums(
            converter,
            ResourceRequirement.objects.filter(result__programme=programme, period=period).annotate(
                on=F("period__start")
            ),
            key="result_id",
            date_field="on",
        ),
        root,
        currency,
    )
    earmarked = _unallocated_earmarked(programme, converter, root, start=period.start, end=period.end)
    planned = _sums(
        converter,
        PlannedDisbursement.objects.filter(
            programme=programme, period_start__lte=period.end, period_end__gte=period.start
        ),
        key=None,
        date_field="value_date",
    ).get(None, Total(currency))

    def get(totals, pk):
        return totals.get(pk) or Total(currency)

    rows = [
        OutcomeFigures(
            outcome=outcome,
            required=required.get(outcome.pk),
            allocated=get(allocated, outcome.pk),
            earmarked_unallocated=get(earmarked, outcome.pk),
            spent=get(spent, outcome.pk),
            committed=get(committed, outcome.pk),
        )
        for outcome in outcomes
    ]
    return Figures(programme, period, currency, rows, planned, get(spent, None))


@dataclass
class FundFigures:
    fund: Fund
    allocated: Total
    spent: Total
    committed: Total

    @property
    def delivery_rate(self) -> Decimal | None:
        if self.spent.value is None or self.allocated.value is None:
            return None
        return percent(self.spent.value, self.allocated.value)


def fund_figures(programme: Programme, periods: list[Period], converter: Converter) -> dict[int, list[FundFigures]]:
    """Per period, per fund of the programme: approved allocations of the period, expenditure and disbursements,
    and commitments dated in it, in the programme's currency ({period pk: rows}). Three queries for any number of
    periods: summed in the database by fund, period or date, and currency."""
    funds = list(Fund.objects.filter(programme=programme).order_by("code", "pk"))
    currency = converter.currency
    figures = {
        period.pk: {fund.pk: FundFigures(fund, Total(currency), Total(currency), Total(currency)) for fund in funds}
        for period in periods
    }
    allocations = (
        Allocation.objects.filter(programme=programme, status=Allocation.Status.APPROVED, period__in=periods)
        .order_by()
        .values("fund_id", "period_id", "currency", "period__start")
        .annotate(total=Sum("amount"))
    )
    for row in allocations:
        figures[row["period_id"]][row["fund_id"]].allocated.add(
            converter.convert(row["total"], row["currency"], row["period__start"])
        )
    spendings = (
        Spending.objects.filter(programme=programme)
        .order_by()
        .values("fund_id", "kind", "currency", "date", "value_date")
        .annotate(total=Sum("amount"))
    )
    for row in spendings:
        period = next((p for p in periods if p.start <= row["date"] <= p.end), None)
        if period is None:
            continue
        line = figures[period.pk][row["fund_id"]]
        bucket = line.committed if row["kind"] == Spending.Kind.COMMITMENT else line.spent
        bucket.add(converter.convert(row["total"], row["currency"], row["value_date"]))
    return {pk: list(by_fund.values()) for pk, by_fund in figures.items()}


# The finance indicators ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    numerator: Decimal | None
    denominator: Decimal | None

    @property
    def value(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)


def delivery_rate(programme: Programme, period: Period, converter: Converter | None = None) -> Ratio:
    """ILO's delivery rate (indicator 2.2): expenditure / allocations of the period, extra-budgetary funds only
    (GB.267/TC/1 appendix I)."""
    converter = converter or converter_for(programme)
    spent = _sums(
        converter,
        Spending.objects.filter(
            EXTRA_BUDGETARY, programme=programme, kind__in=Spending.SPENT, date__range=(period.start, period.end)
        ),
        key=None,
        date_field="value_date",
    ).get(None, Total(converter.currency))
    allocated = _sums(
        converter,
        Allocation.objects.filter(
            EXTRA_BUDGETARY, programme=programme, period=period, status=Allocation.Status.APPROVED
        ).annotate(on=F("period__start")),
        key=None,
        date_field="on",
    ).get(None, Total(converter.currency))
    return Ratio(spent.value, allocated.value)


def baseline_period(programme: Programme) -> Period | None:
    settings = _settings(programme)
    if settings.baseline_period_id:
        return settings.baseline_period
    return Period.objects.filter(programme=programme).order_by("start").first()


def gaps_filled(programme: Programme, period: Period, converter: Converter | None = None) -> Ratio | None:
    """ILO indicator 1.1: Σ_o min(mobilised_o, gap_o at the baseline) / Σ_o gap_o at the baseline, where the
    baseline gap is Table 1's for the baseline period and mobilised_o is what agreed contributions earmarked for
    outcome o, dated after the baseline period, up to the end of this period, bring. None for periods before the
    baseline or when the baseline has no gap (nothing to fill)."""
    converter = converter or converter_for(programme)
    baseline = baseline_period(programme)
    if baseline is None or period.end < baseline.end:
        return None
    required = [row for row in programme_figures(programme, baseline, converter).outcomes if row.required is not None]
    gaps = {row.outcome.pk: row.gap for row in required}  # outcomes with no requirement have no gap to fill
    if any(gap is None for gap in gaps.values()):
        return Ratio(None, None)  # a requirement or a resource with no exchange rate
    if not any(gaps.values()):
        return None
    _outcomes, root = outcome_of(programme)
    mobilised: dict[int, Total] = {}
    contributions = Contribution.objects.filter(
        programme=programme,
        status__in=Contribution.AGREED,
        value_date__gt=baseline.end,
        value_date__lte=period.end,
        results__isnull=False,
    ).distinct()
    rows = list(contributions.values("pk", "amount", "currency", "value_date"))
    targets: dict[int, set[int]] = {}
    for contribution_id, result_id in Contribution.results.through.objects.filter(
        contribution_id__in=[r["pk"] for r in rows]
    ).values_list("contribution_id", "result_id"):
        targets.setdefault(contribution_id, set()).add(root.get(result_id, result_id))
    for row in rows:
        outcomes = sorted(targets.get(row["pk"], ()))
        for outcome in outcomes:
            mobilised.setdefault(outcome, Total(converter.currency)).add(
                converter.convert(row["amount"] / len(outcomes), row["currency"], row["value_date"])
            )
    filled = Decimal(0)
    for outcome, gap in gaps.items():
        total = mobilised.get(outcome)
        if total is None:
            continue
        if total.value is None:
            return Ratio(None, None)
        filled += min(total.value, gap or Decimal(0))
    return Ratio(filled, sum((g or Decimal(0) for g in gaps.values()), Decimal(0)))


def aligned_channels(programme: Programme, period: Period, converter: Converter | None = None) -> Ratio:
    """ILO indicator 1.2: voluntary contributions agreed in the period through the aligned channels (RBSA,
    quality partnership agreements, One UN funds, direct support to the results) / all voluntary contributions
    agreed in the period."""
    converter = converter or converter_for(programme)
    voluntary = Contribution.objects.filter(
        programme=programme,
        status__in=Contribution.AGREED,
        fund__kind__in=Fund.VOLUNTARY,
        value_date__range=(period.start, period.end),
    )
    whole = _sums(converter, voluntary, key=None, date_field="value_date").get(None)
    if whole is None:
        return Ratio(None, None)
    aligned = _sums(converter, voluntary.filter(channel__in=ALIGNED_CHANNELS), key=None, date_field="value_date").get(
        None, Total(converter.currency)
    )
    return Ratio(aligned.value, whole.value)


def proposals_appraised(programme: Programme, period: Period) -> Ratio:
    """ILO indicator 2.1: proposals approved through the quality appraisal / proposals approved, decided in the
    period."""
    decided = Proposal.objects.filter(
        programme=programme,
        status__in=Proposal.APPROVED_OR_LATER,
        decided_on__range=(period.start, period.end),
    )
    total = decided.count()
    if not total:
        return Ratio(None, None)
    return Ratio(Decimal(decided.filter(appraised=True).count()), Decimal(total))


def earmarking_profile(programme: Programme, period: Period | None = None, converter: Converter | None = None):
    """Agreed contributions by earmarking category (1 unearmarked .. 4 tightly earmarked): [(category, Total,
    share)]."""
    converter = converter or converter_for(programme)
    queryset = Contribution.objects.filter(programme=programme, status__in=Contribution.AGREED)
    if period is not None:
        queryset = queryset.filter(value_date__range=(period.start, period.end))
    by_modality = _sums(converter, queryset, key="modality", date_field="value_date")
    categories: dict[int, Total] = {c: Total(converter.currency) for c in (1, 2, 3, 4)}
    for modality, total in by_modality.items():
        categories[EARMARKING_CATEGORY[modality]] += total
    whole = Total(converter.currency)
    for total in categories.values():
        whole += total
    return [
        (category, total, None if total.value is None or whole.value is None else percent(total.value, whole.value))
        for category, total in categories.items()
    ]


def sources_by_type(programme: Programme, converter: Converter | None = None):
    """Pledged (every contribution) and received, by the contributors' source type."""
    from jalon.finance.models import Receipt

    converter = converter or converter_for(programme)
    pledged = _sums(
        converter,
        Contribution.objects.filter(programme=programme).annotate(kind=F("contributor__source_type__code")),
        key="kind",
        date_field="value_date",
    )
    received = _sums(
        converter,
        Receipt.objects.filter(contribution__programme=programme).annotate(
            kind=F("contribution__contributor__source_type__code")
        ),
        key="kind",
        date_field="value_date",
    )
    from jalon.finance.models import SourceType

    names = {t.code: t for t in SourceType.objects.filter(code__in=set(pledged) | set(received))}
    return [
        (names[code], pledged.get(code, Total(converter.currency)), received.get(code, Total(converter.currency)))
        for code in sorted(names, key=lambda c: (names[c].order, c))
    ]


# Table 1 ------------------------------------------------------------------------------------------------------


def _printed_outputs(programme: Programme, code: str) -> dict:
    table = (programme.tables or {}).get("resources_by_outcome") or {}
    for row in table.get("rows", []):
        if row.get("outcome") == code:
            return row.get("main_outputs") or {}
    return {}


def table_one(programme: Programme, period: Period, language: str | None = None) -> dict:
    """Table 1 as seed 004 prints it, from the ledger: per outcome, the resources available (allocations and
    signed, unallocated earmarked contributions), their share, the main outputs (the outcome's outputs in the
    results tree; where the tree has none, the outputs the framework's printed table names) and the gap."""
    figures = programme_figures(programme, period)
    children: dict[int, list[Result]] = {}
    for child in Result.objects.filter(programme=programme, parent__isnull=False).order_by("order", "pk"):
        children.setdefault(child.parent_id, []).append(child)  # type: ignore[arg-type]
    rows = []
    for row in figures.outcomes:
        outputs = [text_in(c.title, language) for c in children.get(row.outcome.pk, [])]
        if not outputs:
            outputs = [
                line for line in text_in(_printed_outputs(programme, row.outcome.code), language).split("\n") if line
            ]
        rows.append(
            {
                "outcome": row.outcome,
                "code": row.outcome.code,
                "title": text_in(row.outcome.title, language),
                "main_outputs": outputs,
                "available": row.available.value,
                "available_unconverted": row.available.missing_text(),
                "share": figures.share(row),
                "required": row.required.value if row.required else None,
                "gap": row.gap,
            }
        )
    # The column headers as the framework's printed table words them (seed 004: "Résultat"), if it has one.
    printed = (programme.tables or {}).get("resources_by_outcome") or {}
    headers = {key: text_in(value, language) for key, value in (printed.get("headers") or {}).items()}
    for column in printed.get("columns") or []:
        headers[column.get("key", "")] = text_in(column.get("name") or {}, language)
    return {"figures": figures, "rows": rows, "currency": figures.currency, "period": period, "headers": headers}


def resources(programme: Programme, period: Period) -> dict:
    """What /api/v1/programmes/<code>/resources/ serves for a period."""
    converter = converter_for(programme)
    figures = programme_figures(programme, period, converter)
    funds = fund_figures(programme, [period], converter)[period.pk]

    def amount(total):
        return None if total is None or total.value is None else str(total.value)

    return {
        "programme": programme.code,
        "period": period.code,
        "currency": figures.currency,
        "outcomes": [
            {
                "code": row.outcome.code,
                "title": row.outcome.title,
                "required": amount(row.required),
                "available": amount(row.available),
                "gap": None if row.gap is None else str(row.gap),
                "allocated": amount(row.allocated),
                "spent": amount(row.spent),
                "committed": amount(row.committed),
                "delivery_rate": None if row.delivery_rate is None else str(row.delivery_rate),
                "share": None if figures.share(row) is None else str(figures.share(row)),
                "unconverted": {k: str(v) for k, v in row.available.missing.items()},
            }
            for row in figures.outcomes
        ],
        "funds": [
            {
                "code": row.fund.code,
                "name": row.fund.name,
                "kind": row.fund.kind,
                "allocated": amount(row.allocated),
                "spent": amount(row.spent),
                "committed": amount(row.committed),
                "delivery_rate": None if row.delivery_rate is None else str(row.delivery_rate),
            }
            for row in funds
        ],
        "forecast": figures.forecast.as_dict(),
    }


# One contributor's money (the donor report) -------------------------------------------------------------------


def contributor_statement(programme: Programme, organisation) -> list[dict]:
    """The contributions of one contributor to the programme, in the order they were agreed: each with its
    fund, amount and currency (never converted: a donor reads its own currency), value date, status,
    earmarking, the results it is earmarked for, what was received, and its allocations by result with what
    was spent of each (expenditure and disbursements). Five queries."""
    from jalon.finance.models import Receipt

    contributions = list(
        Contribution.objects.filter(programme=programme, contributor__organisation=organisation)
        .select_related("fund")
        .prefetch_related("results")
        .order_by("value_date", "pk")
    )
    ids = [c.pk for c in contributions]
    received: dict[int, Decimal] = {}
    for row in Receipt.objects.filter(contribution_id__in=ids).values("contribution_id").annotate(total=Sum("amount")):
        received[row["contribution_id"]] = row["total"]
    allocations = list(
        Allocation.objects.filter(contribution_id__in=ids)
        .select_related("result", "period")
        .order_by("period__start", "pk")
    )
    spent: dict[int, Decimal] = {}
    for row in (
        Spending.objects.filter(allocation__in=allocations, kind__in=Spending.SPENT)
        .values("allocation_id")
        .annotate(total=Sum("amount"))
    ):
        spent[row["allocation_id"]] = row["total"]
    return [
        {
            "contribution": contribution,
            "fund": contribution.fund,
            "results": sorted(contribution.results.all(), key=lambda r: (r.order, r.code)),
            "received": received.get(contribution.pk, Decimal(0)),
            "allocations": [
                {"allocation": a, "result": a.result, "period": a.period, "spent": spent.get(a.pk, Decimal(0))}
                for a in allocations
                if a.contribution_id == contribution.pk
            ],
        }
        for contribution in contributions
    ]


def programme_contributors(programme: Programme):
    """The organisations that contributed to the programme (the donor report's choice), by name."""
    from jalon.organisations.models import Organisation

    return Organisation.objects.filter(contributor__contributions__programme=programme).distinct().order_by("pk")
