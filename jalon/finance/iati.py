"""The ledger in the IATI 2.03 export (jalon/results/iati.py's ActivityWriter hook, registered from apps.py):
budgets, planned disbursements and transactions, in their original currency with their value date (IATI converts
at the value date itself, so nothing is converted here).

Transactions: a signed contribution is an incoming commitment (11) and each receipt incoming funds (1), both from
the contributor (provider-org); a commitment is an outgoing commitment (2), a disbursement 3, an expenditure 4,
to the payee (receiver-org) when there is one. A reversal is the negative transaction IATI expects for a
correction."""

from jalon.finance.models import Budget, Contribution, PlannedDisbursement, Receipt, Spending
from jalon.interop.iati import Element, decimal_text, element, narrative
from jalon.organisations.models import Organisation
from jalon.results.iati import ActivityWriter, organisation_names, organisation_ref, organisation_type
from jalon.results.models import Programme

INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT, EXPENDITURE, INCOMING_COMMITMENT = "1", "2", "3", "4", "11"
SPENDING_TYPE = {
    Spending.Kind.COMMITMENT: OUTGOING_COMMITMENT,
    Spending.Kind.DISBURSEMENT: DISBURSEMENT,
    Spending.Kind.EXPENDITURE: EXPENDITURE,
}
CODED_VALUES = (
    ("//transaction/transaction-type/@code", "TransactionType"),
    ("//budget/@type | //planned-disbursement/@type", "BudgetType"),
    ("//budget/@status", "BudgetStatus"),
    ("//value/@currency", "Currency"),
    ("//provider-org/@type | //receiver-org/@type", "OrganisationType"),
)


def _value(parent: Element, amount, currency: str, value_date) -> Element:
    node = element(parent, "value", {"currency": currency, "value-date": value_date.isoformat()})
    node.text = decimal_text(amount)
    return node


def _period(parent: Element, start, end) -> None:
    element(parent, "period-start", {"iso-date": start.isoformat()})
    element(parent, "period-end", {"iso-date": end.isoformat()})


def _organisation(parent: Element, name: str, organisation: Organisation | None, text: str = "") -> Element:
    attributes = {}
    if organisation is not None:
        attributes = {"ref": organisation_ref(organisation), "type": organisation_type(organisation)}
    node = element(parent, name, attributes)
    pairs = organisation_names(organisation) if organisation is not None else ([(None, text)] if text else [])
    for language, value in pairs:
        narrative(node, value, language)
    return node


def _transaction(parent: Element, code: str, date, amount, currency, value_date, description: str = "") -> Element:
    node = element(parent, "transaction")
    element(node, "transaction-type", {"code": code})
    element(node, "transaction-date", {"iso-date": date.isoformat()})
    _value(node, amount, currency, value_date)
    if description.strip():
        narrative(element(node, "description"), description.strip(), None)
    return node


def ledger_write(parent: Element, programme: Programme) -> None:
    for budget in Budget.objects.filter(programme=programme).order_by("period_start", "pk"):
        node = element(parent, "budget", {"type": str(budget.type), "status": str(budget.status)})
        _period(node, budget.period_start, budget.period_end)
        _value(node, budget.amount, budget.currency, budget.value_date)
    planned = PlannedDisbursement.objects.filter(programme=programme).select_related("provider", "receiver")
    for disbursement in planned.order_by("period_start", "pk"):
        node = element(parent, "planned-disbursement", {"type": str(disbursement.type)})
        _period(node, disbursement.period_start, disbursement.period_end)
        _value(node, disbursement.amount, disbursement.currency, disbursement.value_date)
        if disbursement.provider is not None:
            _organisation(node, "provider-org", disbursement.provider)
        if disbursement.receiver is not None:
            _organisation(node, "receiver-org", disbursement.receiver)
    contributions = Contribution.objects.filter(programme=programme, status__in=Contribution.AGREED).select_related(
        "contributor__organisation"
    )
    for contribution in contributions.order_by("value_date", "pk"):
        node = _transaction(
            parent, INCOMING_COMMITMENT, contribution.value_date, contribution.amount, contribution.currency,
            contribution.value_date, contribution.reference,
        )  # fmt: skip
        _organisation(node, "provider-org", contribution.contributor.organisation)
    receipts = Receipt.objects.filter(contribution__programme=programme).select_related(
        "contribution__contributor__organisation"
    )
    for receipt in receipts.order_by("date", "pk"):
        node = _transaction(
            parent, INCOMING_FUNDS, receipt.date, receipt.amount, receipt.currency, receipt.value_date, receipt.note
        )
        _organisation(node, "provider-org", receipt.contribution.contributor.organisation)
    spendings = Spending.objects.filter(programme=programme).select_related("payee")
    for spending in spendings.order_by("date", "pk"):
        node = _transaction(
            parent, SPENDING_TYPE[Spending.Kind(spending.kind)], spending.date, spending.amount, spending.currency,
            spending.value_date, spending.description,
        )  # fmt: skip
        if spending.payee is not None or spending.payee_name:
            _organisation(node, "receiver-org", spending.payee, spending.payee_name)


WRITER = ActivityWriter(write=ledger_write, coded_values=CODED_VALUES)
