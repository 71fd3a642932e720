"""Writes of the ledger: each keyword-only, one transaction, audited, refused with a field-keyed reason.

Posted receipts and expenditure are never edited or deleted: `receipt_reverse` and `spending_reverse` post a
reversing entry. A write that changes a figure the finance indicators read refreshes them (source "finance")."""

import datetime
from decimal import Decimal

from babel.numbers import list_currencies
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, versioned_save, versioned_update
from jalon.activities.models import activity_ids_serving
from jalon.finance import access
from jalon.finance.models import (
    Allocation,
    AppraisalCriterion,
    AppraisalRating,
    ApprovalRule,
    Budget,
    Contribution,
    Contributor,
    ExchangeRate,
    FinanceSettings,
    Fund,
    PlannedDisbursement,
    Proposal,
    Rating,
    Receipt,
    ResourceRequirement,
    SourceType,
    Spending,
)
from jalon.organisations.models import Organisation
from jalon.results.computations import computed_schedule_refresh
from jalon.results.models import Period, Programme, Result

SOURCE = "finance"
CURRENCIES = frozenset(list_currencies())


def _refresh() -> None:
    computed_schedule_refresh(source=SOURCE)


def _check_manager(actor, programme: Programme) -> None:
    if actor is not None and not access.finance_can_manage(actor, programme):
        raise PermissionDenied(_("Only the programme team changes its ledger."))


def _check_currency(code: str, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise ValidationError({field: _("“%(code)s” is not an ISO 4217 currency code.") % {"code": code}})
    return code


def _check_fund(programme: Programme, fund: Fund | None) -> None:
    if fund is not None and fund.programme_id != programme.pk:
        raise ValidationError({"fund": _("This fund belongs to another programme.")})


def _check_activity(programme_id: int, activity) -> None:
    """An activity belongs to the programmes whose outputs it serves (activities.models.activity_ids_serving)."""
    serving = activity_ids_serving(programme_id=programme_id)
    if activity is not None and not serving.filter(activity_id=activity.pk).exists():
        raise ValidationError(
            {"activity": _("This activity does not serve this programme: choose one of the programme's activities.")}
        )


def _check_paid_for(programme: Programme, fields: dict) -> None:
    """What an entry pays for is the programme's: checked before anything is said of its payments."""
    _check_activity(programme.pk, fields.get("activity"))
    if fields.get("sponsorship") is not None and fields["sponsorship"].programme_id != programme.pk:
        raise ValidationError({"sponsorship": _("This sponsorship was awarded in another programme.")})
    if fields.get("fellowship") is not None and fields["fellowship"].programme_id != programme.pk:
        raise ValidationError({"fellowship": _("This fellowship was awarded in another programme.")})
    if fields.get("arrangement") is not None and fields["arrangement"].programme_id != programme.pk:
        raise ValidationError({"arrangement": _("This arrangement belongs to another programme.")})


def _created(actor, record):
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=record)
    return record


# Settings, funds, contributors ------------------------------------------------------------------------------


@transaction.atomic
def source_type_create(*, actor, code: str, name: dict) -> SourceType:
    """A source type of funds beside Res. 44's list (configurable per installation), placed last."""
    _check_reference(actor)
    if SourceType.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A source type has this code already.")})
    last = SourceType.objects.order_by("-order").values_list("order", flat=True).first()
    return _created(actor, SourceType(code=code, name=name, order=(last or 0) + 1))


SETTINGS_FIELDS = (
    "currency",
    "conversion_policy",
    "published",
    "approval_rule",
    "baseline_period",
    "twinning_fund",
    "is_demo",
)


@transaction.atomic
def settings_save(*, actor, programme: Programme, version: int | None = None, **fields) -> FinanceSettings:
    _check_manager(actor, programme)
    fund = fields.get("twinning_fund")
    if fund is not None and fund.programme_id != programme.pk:
        raise ValidationError({"twinning_fund": _("This fund belongs to another programme.")})
    if "currency" in fields:
        fields["currency"] = _check_currency(fields["currency"])
    current = FinanceSettings.objects.filter(programme=programme).first()
    if current is None:
        fields.setdefault("currency", "USD")
        record = _created(actor, FinanceSettings(programme=programme, **fields))
    else:
        record, _changed = versioned_update(
            current,
            actor=actor,
            version=version,
            fields=fields,
            allowed=SETTINGS_FIELDS,
        )
    _refresh()
    return record


def settings_of(programme: Programme) -> FinanceSettings:
    """The programme's settings, or unsaved defaults (USD, rate at the value date)."""
    found = FinanceSettings.objects.filter(programme=programme).first()
    return found or FinanceSettings(programme=programme, currency="USD")


@transaction.atomic
def fund_create(*, actor, programme: Programme, code: str, name: dict, kind: str, currency: str, is_demo=False) -> Fund:
    _check_manager(actor, programme)
    if Fund.objects.filter(programme=programme, code=code).exists():
        raise ValidationError({"code": _("The programme has a fund with this code already.")})
    return _created(
        actor,
        Fund(programme=programme, code=code, name=name, kind=kind, currency=_check_currency(currency), is_demo=is_demo),
    )


def _check_reference(actor) -> None:
    if actor is not None and not access.finance_can_manage_reference(actor):
        raise PermissionDenied(_("Only a programme team records contributors and source types."))


@transaction.atomic
def contributor_save(*, actor, organisation: Organisation, source_type: SourceType, is_demo=False) -> Contributor:
    """Record an organisation as a contributor with its source type, or change its source type."""
    _check_reference(actor)
    contributor = Contributor.objects.filter(organisation=organisation).first()
    if contributor is None:
        return _created(actor, Contributor(organisation=organisation, source_type=source_type, is_demo=is_demo))
    if contributor.source_type_id != source_type.pk:
        before = snapshot(contributor)
        contributor.source_type = source_type
        contributor.save(update_fields=["source_type"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=contributor, before=before)
    return contributor


# Contributions and receipts ---------------------------------------------------------------------------------

CONTRIBUTION_FIELDS = (
    "fund", "contributor", "reference", "amount", "currency", "value_date", "status", "modality", "channel",
    "themes", "conditions", "reporting_obligations",
)  # fmt: skip


def _check_contribution(record: Contribution) -> None:
    record.currency = _check_currency(record.currency)
    if record.fund.programme_id != record.programme_id:
        raise ValidationError({"fund": _("This fund belongs to another programme.")})
    record.full_clean(exclude=["programme"])


def _check_targets(programme: Programme, results) -> None:
    if any(result.programme_id != programme.pk for result in results):
        raise ValidationError({"results": _("Earmark only for results of this programme.")})


@transaction.atomic
def contribution_create(
    *, actor, programme: Programme, results=(), countries=(), is_demo: bool = False, proposal=None, **fields
) -> Contribution:
    _check_manager(actor, programme)
    results, countries = list(results), list(countries)
    _check_targets(programme, results)
    record = Contribution(programme=programme, is_demo=is_demo, proposal=proposal, **fields)
    _check_contribution(record)
    record.save()
    record.results.set(results)
    record.countries.set(countries)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=record)
    _refresh()
    return record


@transaction.atomic
def contribution_update(
    *, actor, contribution: Contribution, version: int | None = None, results=None, countries=None, **fields
) -> Contribution:
    _check_manager(actor, contribution.programme)
    current = locked(contribution, version)
    if current.receipts.exists() and any(
        name in fields and fields[name] != getattr(current, name) for name in ("amount", "currency")
    ):
        raise ValidationError(
            {"amount": _("Money was received on this contribution: its amount and currency no longer change.")}
        )
    relations = {}
    if results is not None:
        _check_targets(contribution.programme, results)
        relations["results"] = list(results)
    if countries is not None:
        relations["countries"] = list(countries)
    record, _changed = versioned_update(
        current,
        actor=actor,
        version=None,
        current=current,
        fields=fields,
        allowed=(*CONTRIBUTION_FIELDS, "results", "countries"),
        clean=_check_contribution,
        relations=relations,
    )
    _refresh()
    return record


def _received(contribution: Contribution) -> Decimal:
    return contribution.receipts.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _status_after_receipt(current: Contribution) -> None:
    if current.status == Contribution.Status.CLOSED:
        return
    received = _received(current)
    if received <= 0:
        current.status = Contribution.Status.SIGNED
    elif received < current.amount:
        current.status = Contribution.Status.PARTLY_RECEIVED
    else:
        current.status = Contribution.Status.RECEIVED


@transaction.atomic
def receipt_post(
    *,
    actor,
    contribution: Contribution,
    date: datetime.date,
    amount: Decimal,
    value_date: datetime.date | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Receipt:
    """An instalment received, in the contribution's currency (an exchange difference is the rate's, not the
    amount's: the receipt is what the agreement said, converted when read)."""
    _check_manager(actor, contribution.programme)
    current = locked(contribution, None)
    if current.status in (Contribution.Status.PLEDGED, Contribution.Status.CLOSED):
        raise ValidationError(
            {"contribution": _("Money is received on a signed contribution, not a pledged or closed one.")}
        )
    if amount <= 0:
        raise ValidationError({"amount": _("A receipt is a positive amount; correct one by reversing it.")})
    if _received(current) + amount > current.amount:
        raise ValidationError(
            {"amount": _("This would receive more than the contribution's %(amount)s %(currency)s.")
             % {"amount": current.amount, "currency": current.currency}}
        )  # fmt: skip
    receipt = _created(
        actor,
        Receipt(
            contribution=current,
            date=date,
            value_date=value_date or date,
            amount=amount,
            currency=current.currency,
            note=note,
            is_demo=is_demo,
        ),
    )
    before = snapshot(current)
    _status_after_receipt(current)
    versioned_save(current, actor=actor, before=before)
    _refresh()
    return receipt


@transaction.atomic
def receipt_reverse(*, actor, receipt: Receipt, date: datetime.date, note: str) -> Receipt:
    _check_manager(actor, receipt.contribution.programme)
    if receipt.reverses_id or Receipt.objects.filter(reverses=receipt).exists():
        raise ValidationError({"receipt": _("This entry is a reversal or has been reversed already.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the entry is reversed.")})
    current = locked(receipt.contribution, None)
    reversal = _created(
        actor,
        Receipt(
            contribution=current,
            date=date,
            value_date=receipt.value_date,
            amount=-receipt.amount,
            currency=receipt.currency,
            note=note,
            reverses=receipt,
        ),
    )
    before = snapshot(current)
    _status_after_receipt(current)
    versioned_save(current, actor=actor, before=before)
    _refresh()
    return reversal


@transaction.atomic
def contribution_set_status(*, actor, contribution: Contribution, status: str, version: int | None = None):
    """Sign a pledge, or close a contribution (reopened by signing it again)."""
    _check_manager(actor, contribution.programme)
    current = locked(contribution, version)
    allowed: dict[str, tuple] = {
        Contribution.Status.PLEDGED: (Contribution.Status.SIGNED,),
        Contribution.Status.SIGNED: (Contribution.Status.CLOSED, Contribution.Status.PLEDGED),
        Contribution.Status.PARTLY_RECEIVED: (Contribution.Status.CLOSED,),
        Contribution.Status.RECEIVED: (Contribution.Status.CLOSED,),
        Contribution.Status.CLOSED: (Contribution.Status.SIGNED,),
    }
    if status not in allowed.get(current.status, ()):
        raise ValidationError({"status": _("A contribution does not go from this status to that one.")})
    before = snapshot(current)
    current.status = status
    if status == Contribution.Status.SIGNED:
        _status_after_receipt(current)
    record = versioned_save(current, actor=actor, before=before)
    _refresh()
    return record


# Allocations ------------------------------------------------------------------------------------------------


def _result_codes(results) -> str:
    return ", ".join(sorted(result.code for result in results))


def _within(result: Result, targets: set[int]) -> bool:
    """The result is one of the targets or below one of them."""
    node: Result | None = result
    while node is not None:
        if node.pk in targets:
            return True
        node = node.parent
    return False


def earmarking_refusal(allocation: Allocation) -> dict | None:
    """Why an allocation breaks its contribution's earmarking ({field: message}), or None."""
    contribution = allocation.contribution
    if contribution is None:
        return None
    results = list(contribution.results.all())
    if results:
        target = allocation.result
        if target is None and allocation.activity_id is not None:
            target = None
        if target is None or not _within(target, {r.pk for r in results}):
            return {
                "result": _(
                    "This money is earmarked for %(targets)s (contribution %(ref)s): it cannot be allocated to %(to)s."
                )
                % {
                    "targets": _result_codes(results),
                    "ref": contribution.reference or contribution.pk,
                    "to": allocation.result.code if allocation.result else _("no result"),
                }
            }
    countries = list(contribution.countries.all())
    if countries:
        country = allocation.country or (allocation.organisation.country if allocation.organisation else None)
        if country is None or country.pk not in {c.pk for c in countries}:
            return {
                "country": _("This money is earmarked for %(countries)s: the allocation must go to one of them.")
                % {"countries": ", ".join(sorted(c.iso3 for c in countries))}
            }
    if contribution.themes and allocation.theme not in contribution.themes:
        return {
            "theme": _("This money is earmarked for the themes %(themes)s.")
            % {"themes": ", ".join(contribution.themes)}
        }
    return None


def _check_allocation(record: Allocation) -> None:
    record.currency = _check_currency(record.currency)
    if record.fund.programme_id != record.programme_id or record.period.programme_id != record.programme_id:
        raise ValidationError({"fund": _("The fund and the period must be the programme's.")})
    if record.result is not None and record.result.programme_id != record.programme_id:
        raise ValidationError({"result": _("Choose a result of this programme.")})
    _check_activity(record.programme_id, record.activity)
    if not (record.result_id or record.activity_id or record.organisation_id):
        raise ValidationError({"result": _("Allocate to a result, an activity or an organisation.")})
    contribution = record.contribution
    if contribution is not None:
        if contribution.fund_id != record.fund_id:
            raise ValidationError({"contribution": _("This contribution was paid into another fund.")})
        if contribution.status not in Contribution.AGREED:
            raise ValidationError({"contribution": _("A pledge is allocated once it is signed.")})
        if record.currency != contribution.currency:
            raise ValidationError(
                {"currency": _("Allocate a contribution's money in its own currency (%(currency)s).")
                 % {"currency": contribution.currency}}
            )  # fmt: skip
        refusal = earmarking_refusal(record)
        if refusal:
            raise ValidationError(refusal)
        others = (
            Allocation.objects.filter(contribution=contribution).exclude(pk=record.pk).aggregate(t=Sum("amount"))["t"]
            or 0
        )
        if others + record.amount > contribution.amount:
            raise ValidationError(
                {"amount": _("Only %(left)s %(currency)s of this contribution is left to allocate.")
                 % {"left": contribution.amount - others, "currency": contribution.currency}}
            )  # fmt: skip
    record.full_clean(exclude=["programme"])


ALLOCATION_FIELDS = (
    "fund", "contribution", "result", "activity", "organisation", "country", "theme", "period", "amount", "currency",
    "status", "note",
)  # fmt: skip


@transaction.atomic
def allocation_create(*, actor, programme: Programme, is_demo: bool = False, **fields) -> Allocation:
    """Allocate money; refused, with the reason, when it breaks the contribution's earmarking."""
    _check_manager(actor, programme)
    if "contribution" in fields and fields["contribution"] is not None:
        Contribution.objects.select_for_update().filter(pk=fields["contribution"].pk).first()
    record = Allocation(programme=programme, is_demo=is_demo, **fields)
    _check_allocation(record)
    record.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=record)
    _refresh()
    return record


@transaction.atomic
def allocation_update(*, actor, allocation: Allocation, version: int | None = None, **fields) -> Allocation:
    _check_manager(actor, allocation.programme)
    record, _changed = versioned_update(
        allocation, actor=actor, version=version, fields=fields, allowed=ALLOCATION_FIELDS, clean=_check_allocation
    )
    _refresh()
    return record


# Commitments and expenditure --------------------------------------------------------------------------------

PAID_FOR = ("activity", "sponsorship", "fellowship", "arrangement")


def _award_cost(record) -> tuple[Decimal | None, str]:
    """What an activity or an award actually cost, as its own page recorded it (so no amount is typed twice)."""
    if hasattr(record, "support_amount"):  # a twinning arrangement: the support its lead funds
        return record.support_amount, (record.support_currency.code if record.support_currency_id else "")
    if hasattr(record, "actual_cost"):
        currency = record.actual_cost_currency.code if record.actual_cost_currency_id else ""
        return record.actual_cost, currency
    # A sponsorship or a fellowship: its travel, daily allowance and other costs, as its page adds them.
    total = record.actual_total
    return (total or None), (record.currency.code if getattr(record, "currency_id", None) else "")


@transaction.atomic
def spending_post(
    *,
    actor,
    programme: Programme,
    kind: str,
    fund: Fund,
    date: datetime.date,
    amount: Decimal | None = None,
    currency: str = "",
    value_date: datetime.date | None = None,
    is_demo: bool = False,
    **fields,
) -> Spending:
    """A commitment or an expenditure. Linked to an activity, a sponsorship or a fellowship, it takes that
    record's actual cost when no amount is given; a record is paid for once (reverse the entry to redo it)."""
    _check_manager(actor, programme)
    _check_fund(programme, fund)
    _check_paid_for(programme, fields)
    linked = [name for name in PAID_FOR if fields.get(name) is not None]
    if len(linked) > 1:
        raise ValidationError(
            {linked[1]: _("An entry pays for one thing: an activity, a sponsorship, a fellowship or a twinning.")}
        )
    if linked:
        target = fields[linked[0]]
        if amount is None:
            amount, currency = _award_cost(target)
            if amount is None:
                raise ValidationError({"amount": _("This record has no actual cost yet: give the amount.")})
        already = Spending.objects.filter(
            **{linked[0]: target}, kind=kind, reverses__isnull=True, reversed_by__isnull=True
        ).exists()
        if already:
            raise ValidationError(
                {linked[0]: _("This is already paid for in the ledger: reverse that entry before posting another.")}
            )
    if amount is None:
        raise ValidationError({"amount": _("Give the amount.")})
    if amount <= 0:
        raise ValidationError({"amount": _("An entry is a positive amount; correct one by reversing it.")})
    allocation = fields.get("allocation")
    if allocation is not None:
        if allocation.programme_id != programme.pk or allocation.fund_id != fund.pk:
            raise ValidationError({"allocation": _("Choose an allocation of this fund of the programme.")})
        if fields.get("result") is None:
            fields["result"] = allocation.result
    if fields.get("result") is not None and fields["result"].programme_id != programme.pk:
        raise ValidationError({"result": _("Choose a result of this programme.")})
    record = Spending(
        programme=programme,
        kind=kind,
        fund=fund,
        date=date,
        value_date=value_date or date,
        amount=amount,
        currency=_check_currency(currency),
        is_demo=is_demo,
        **fields,
    )
    record = _created(actor, record)
    _refresh()
    return record


@transaction.atomic
def spending_reverse(*, actor, spending: Spending, date: datetime.date, note: str) -> Spending:
    _check_manager(actor, spending.programme)
    if spending.reverses_id or Spending.objects.filter(reverses=spending).exists():
        raise ValidationError({"spending": _("This entry is a reversal or has been reversed already.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the entry is reversed.")})
    reversal = Spending(
        programme=spending.programme,
        kind=spending.kind,
        fund=spending.fund,
        allocation=spending.allocation,
        result=spending.result,
        date=date,
        value_date=spending.value_date,
        amount=-spending.amount,
        currency=spending.currency,
        payee=spending.payee,
        payee_name=spending.payee_name,
        description=note,
        reverses=spending,
    )
    reversal = _created(actor, reversal)
    _refresh()
    return reversal


# Twinning support ---------------------------------------------------------------------------------------------

# Statuses at which the lead's support is agreed: from the signature to the arrangement's completion.
SUPPORT_AGREED = ("agreement_signed", "active", "in_review", "completed")


def arrangement_support_sync(*, actor, arrangement) -> Spending | None:
    """Keep one commitment in the ledger for a twinning arrangement's lead-funded support (listens to
    results.hooks.support_changed, which twinning calls after each change). Once the agreement is signed the
    support is committed from the programme's twinning fund; a changed amount or currency reverses the
    commitment and posts the new one; a terminated arrangement, or one whose support is withdrawn, has its
    commitment reversed. Nothing is posted where the programme names no twinning fund. The twinning service
    checked the actor's right to the step, so the ledger does not ask for the programme team here; the
    entries are audited under the actor's name. Returns the live commitment, if any."""
    settings = (
        FinanceSettings.objects.filter(programme_id=arrangement.programme_id).select_related("twinning_fund").first()
    )
    fund = settings.twinning_fund if settings is not None else None
    live = Spending.objects.filter(
        arrangement=arrangement, kind=Spending.Kind.COMMITMENT, reverses__isnull=True, reversed_by__isnull=True
    ).first()
    wanted = None
    if arrangement.financial_support != "none" and arrangement.status in SUPPORT_AGREED:
        amount, currency = _award_cost(arrangement)
        if amount:
            wanted = (amount, currency)
    if live is not None and wanted == (live.amount, live.currency):
        return live
    today = datetime.date.today()
    if live is not None:
        reversal = Spending(
            programme=live.programme, kind=live.kind, fund=live.fund, date=today, value_date=live.value_date,
            amount=-live.amount, currency=live.currency, payee=live.payee, description=_("Twinning support changed"),
            arrangement=arrangement, reverses=live,
        )  # fmt: skip
        _created(actor, reversal)
        live = None
    if wanted is not None and fund is not None:
        signed = arrangement.signed_on or today
        live = _created(
            actor,
            Spending(
                programme_id=arrangement.programme_id, kind=Spending.Kind.COMMITMENT, fund=fund, date=signed,
                value_date=signed, amount=wanted[0], currency=wanted[1], payee_id=arrangement.twinned_member_id,
                description=_("Twinning support: %(arrangement)s") % {"arrangement": arrangement},
                arrangement=arrangement, is_demo=arrangement.is_demo,
            ),
        )  # fmt: skip
    _refresh()
    return live


# Budgets, planned disbursements, requirements ---------------------------------------------------------------


@transaction.atomic
def budget_create(*, actor, programme: Programme, is_demo: bool = False, **fields) -> Budget:
    _check_manager(actor, programme)
    _check_fund(programme, fields.get("fund"))
    fields["currency"] = _check_currency(fields.get("currency", ""))
    record = Budget(programme=programme, is_demo=is_demo, **fields)
    if record.period_end < record.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if (record.period_end - record.period_start).days > 366:
        raise ValidationError({"period_end": _("An IATI budget covers at most a year.")})
    return _created(actor, record)


@transaction.atomic
def planned_disbursement_create(*, actor, programme: Programme, is_demo: bool = False, **fields):
    _check_manager(actor, programme)
    _check_fund(programme, fields.get("fund"))
    fields["currency"] = _check_currency(fields.get("currency", ""))
    record = PlannedDisbursement(programme=programme, is_demo=is_demo, **fields)
    if record.period_end < record.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    record = _created(actor, record)
    _refresh()
    return record


@transaction.atomic
def requirement_save(
    *, actor, result: Result, period: Period, amount: Decimal, currency: str, method: str = "", is_demo=False
) -> ResourceRequirement:
    """What a result needs in a period (one figure per result and period: saving again replaces it)."""
    _check_manager(actor, result.programme)
    if period.programme_id != result.programme_id:
        raise ValidationError({"period": _("Choose a period of the result's programme.")})
    currency = _check_currency(currency)
    current = ResourceRequirement.objects.filter(result=result, period=period).first()
    if current is None:
        record = _created(
            actor,
            ResourceRequirement(
                result=result, period=period, amount=amount, currency=currency, method=method, is_demo=is_demo
            ),
        )
    else:
        record, _changed = versioned_update(
            current,
            actor=actor,
            version=None,
            fields={"amount": amount, "currency": currency, "method": method},
            allowed=("amount", "currency", "method"),
        )
    _refresh()
    return record


@transaction.atomic
def requirement_update(
    *, actor, requirement: ResourceRequirement, version: int | None = None, **fields
) -> ResourceRequirement:
    """Change a requirement's estimate (amount, currency, method); the result and the period stay."""
    _check_manager(actor, requirement.result.programme)
    if "currency" in fields:
        fields["currency"] = _check_currency(fields["currency"])
    record, changed = versioned_update(
        requirement, actor=actor, version=version, fields=fields, allowed=("amount", "currency", "method")
    )
    if changed:
        _refresh()
    return record


# Exchange rates ---------------------------------------------------------------------------------------------


@transaction.atomic
def rate_create(
    *, actor, base: str, quote: str, date: datetime.date, rate: Decimal, kind: str, provenance: str
) -> ExchangeRate:
    """A rate entered by hand (or a fixed operational rate), with where it comes from."""
    if not access.finance_can_manage_reference(actor):
        raise PermissionDenied
    base, quote = _check_currency(base, "base"), _check_currency(quote, "quote")
    if base == quote:
        raise ValidationError({"quote": _("Choose two different currencies.")})
    if rate is None or rate <= 0:
        raise ValidationError({"rate": _("A rate is a positive number.")})
    if not provenance.strip():
        raise ValidationError({"provenance": _("Say where the rate comes from.")})
    source = ExchangeRate.Source.OPERATIONAL if kind == ExchangeRate.Kind.OPERATIONAL else ExchangeRate.Source.MANUAL
    if kind == ExchangeRate.Kind.MONTHLY:
        date = date.replace(day=1)
    if ExchangeRate.objects.filter(base=base, quote=quote, date=date, source=source, kind=kind).exists():
        raise ValidationError({"date": _("A rate of this kind is already entered for that day.")})
    record = _created(
        actor,
        ExchangeRate(base=base, quote=quote, date=date, rate=rate, kind=kind, source=source, provenance=provenance),
    )
    _refresh()
    return record


# Proposals and their appraisal --------------------------------------------------------------------------------

# ILO EVAL evaluability review criteria, then seed 004's own (paragraph 33).
DEFAULT_CRITERIA = (
    ("logic", {"en": "Internal logic and assumptions", "fr": "Logique interne et hypothèses"}),
    ("indicators", {"en": "Quality of the indicators", "fr": "Qualité des indicateurs"}),
    ("baselines", {"en": "Baselines", "fr": "Situations de référence"}),
    ("targets", {"en": "Targets and milestones", "fr": "Cibles et étapes"}),
    ("verification", {"en": "Feasibility of the means of verification",
                      "fr": "Faisabilité des moyens de vérification"}),
    ("me-resources", {"en": "Human and financial resources for monitoring and evaluation",
                      "fr": "Ressources humaines et financières pour le suivi et l’évaluation"}),
    ("partners", {"en": "Partners' participation", "fr": "Participation des partenaires"}),
    ("alignment", {"en": "Alignment on the programme's outcomes", "fr": "Alignement sur les résultats du programme"}),
    ("standards", {"en": "International labour standards", "fr": "Normes internationales du travail"}),
    ("tripartism", {"en": "Tripartism and social dialogue", "fr": "Tripartisme et dialogue social"}),
    ("gender", {"en": "Gender equality", "fr": "Egalité entre hommes et femmes"}),
    ("capacity", {"en": "Capacity building of constituents", "fr": "Renforcement des capacités des mandants"}),
)  # fmt: skip


@transaction.atomic
def criteria_ensure(*, actor, programme: Programme) -> list[AppraisalCriterion]:
    """The programme's criteria; the defaults the first time."""
    existing = list(AppraisalCriterion.objects.filter(programme=programme))
    if existing:
        return existing
    made = []
    for order, (code, name) in enumerate(DEFAULT_CRITERIA):
        made.append(_created(actor, AppraisalCriterion(programme=programme, code=code, name=name, order=order)))
    return made


@transaction.atomic
def criterion_create(*, actor, programme: Programme, code: str, name: dict) -> AppraisalCriterion:
    """A criterion of the programme's own (the defaults are made first, so that adding one keeps them)."""
    _check_manager(actor, programme)
    criteria_ensure(actor=actor, programme=programme)
    if AppraisalCriterion.objects.filter(programme=programme, code=code).exists():
        raise ValidationError({"code": _("The programme has a criterion with this code already.")})
    order = AppraisalCriterion.objects.filter(programme=programme).count()
    return _created(actor, AppraisalCriterion(programme=programme, code=code, name=name, order=order))


@transaction.atomic
def proposal_create(
    *, actor, programme: Programme, title: dict, amount: Decimal, currency: str, results=(), donor=None, is_demo=False
) -> Proposal:
    _check_manager(actor, programme)
    results = list(results)
    _check_targets(programme, results)
    record = _created(
        actor,
        Proposal(
            programme=programme,
            title=title,
            amount=amount,
            currency=_check_currency(currency),
            donor=donor,
            is_demo=is_demo,
        ),
    )
    record.results.set(results)
    return record


TRANSITIONS: dict[str, tuple] = {
    Proposal.Status.DRAFT: (Proposal.Status.SUBMITTED,),
    Proposal.Status.SUBMITTED: (Proposal.Status.IN_APPRAISAL, Proposal.Status.DECLINED),
    Proposal.Status.IN_APPRAISAL: (Proposal.Status.REVISION_REQUESTED, Proposal.Status.DECLINED),
    Proposal.Status.REVISION_REQUESTED: (Proposal.Status.SUBMITTED, Proposal.Status.DECLINED),
    Proposal.Status.APPROVED: (Proposal.Status.SENT_TO_DONOR,),
    Proposal.Status.SENT_TO_DONOR: (Proposal.Status.DECLINED,),
}


@transaction.atomic
def proposal_move(*, actor, proposal: Proposal, status: str, version: int | None = None) -> Proposal:
    """A step of the workflow (approval and funding have their own services, which check their rules)."""
    _check_manager(actor, proposal.programme)
    current = locked(proposal, version)
    if status not in TRANSITIONS.get(current.status, ()):
        raise ValidationError({"status": _("A proposal does not go from “%(from)s” to “%(to)s”.") % {
            "from": current.get_status_display(), "to": Proposal.Status(status).label}})  # fmt: skip
    before = snapshot(current)
    current.status = status
    if status == Proposal.Status.DECLINED:
        current.decided_on = datetime.date.today()
    record = versioned_save(current, actor=actor, before=before)
    _refresh()
    return record


@transaction.atomic
def appraisal_record(*, actor, proposal: Proposal, ratings: dict) -> list[AppraisalRating]:
    """Rate the criteria ({criterion: (rating, comment)}); the proposal must be in appraisal."""
    _check_manager(actor, proposal.programme)
    if proposal.status != Proposal.Status.IN_APPRAISAL:
        raise ValidationError({"status": _("Only a proposal in appraisal is rated.")})
    saved = []
    for criterion, (rating, comment) in ratings.items():
        if criterion.programme_id != proposal.programme_id:
            raise ValidationError({"criterion": _("This criterion is another programme's.")})
        if rating not in Rating.values:
            raise ValidationError({"rating": _("Rate 1, 2, 3 or not relevant.")})
        if rating == Rating.UNSATISFACTORY and not (comment or "").strip():
            raise ValidationError(
                {f"rating_{criterion.pk}": _("Say why “%(criterion)s” is unsatisfactory.") % {"criterion": criterion}}
            )
        record, created = AppraisalRating.objects.update_or_create(
            proposal=proposal, criterion=criterion, defaults={"rating": rating, "comment": comment or ""}
        )
        audit_record(
            actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, instance=record
        )
        saved.append(record)
    _refresh()
    return saved


def approval_refusal(proposal: Proposal, rule: str) -> str | None:
    """Why the appraisal does not let the proposal be approved, or None."""
    criteria = list(AppraisalCriterion.objects.filter(programme=proposal.programme))
    ratings = {r.criterion_id: r for r in AppraisalRating.objects.filter(proposal=proposal)}
    unrated = [c for c in criteria if c.pk not in ratings]
    if unrated:
        return _("Rate every criterion first (not rated: %(names)s).") % {"names": ", ".join(map(str, unrated))}
    low = [c for c in criteria if ratings[c.pk].rating == Rating.UNSATISFACTORY]
    if low:
        return _("A criterion rated 1 (unsatisfactory) stops the approval: %(names)s.") % {
            "names": ", ".join(map(str, low))
        }
    if rule == ApprovalRule.NO_ONE_MEAN_TWO:
        scored = [ratings[c.pk].rating for c in criteria if ratings[c.pk].rating != Rating.NOT_RELEVANT]
        if scored and sum(scored) / len(scored) < 2:
            return _("The mean rating is below 2.")
    return None


@transaction.atomic
def proposal_approve(
    *, actor, proposal: Proposal, waived: str = "", on: datetime.date | None = None, version: int | None = None
) -> Proposal:
    """Approve a proposal through the appraisal: refused, with the reason, if the programme's rule is not met.
    With `waived` (the reason), approved without the appraisal: it then counts against indicator 2.1. `on`: the
    date of the decision, when it is recorded later (today by default)."""
    _check_manager(actor, proposal.programme)
    current = locked(proposal, version)
    if current.status != Proposal.Status.IN_APPRAISAL:
        raise ValidationError({"status": _("Only a proposal in appraisal is approved.")})
    if not waived.strip():
        refusal = approval_refusal(current, settings_of(current.programme).approval_rule)
        if refusal:
            raise ValidationError({"status": refusal})
    before = snapshot(current)
    current.status, current.decided_on = Proposal.Status.APPROVED, on or datetime.date.today()
    current.appraised = not waived.strip()
    record = versioned_save(current, actor=actor, before=before)
    _refresh()
    return record


@transaction.atomic
def proposal_fund(
    *, actor, proposal: Proposal, fund: Fund, contributor: Contributor, value_date: datetime.date, reference: str = "",
    channel: str = "direct", modality: str = "I", version: int | None = None,
) -> Contribution:  # fmt: skip
    """A funded proposal becomes a signed contribution, earmarked for the outcomes it serves."""
    _check_manager(actor, proposal.programme)
    current = locked(proposal, version)
    if current.status not in (Proposal.Status.APPROVED, Proposal.Status.SENT_TO_DONOR):
        raise ValidationError({"status": _("Only an approved proposal is funded.")})
    contribution = contribution_create(
        actor=actor,
        programme=current.programme,
        results=current.results.all(),
        proposal=current,
        fund=fund,
        contributor=contributor,
        reference=reference,
        amount=current.amount,
        currency=current.currency,
        value_date=value_date,
        status=Contribution.Status.SIGNED,
        channel=channel,
        modality=modality,
        is_demo=current.is_demo,
    )
    before = snapshot(current)
    current.status = Proposal.Status.FUNDED
    versioned_save(current, actor=actor, before=before)
    return contribution
