"""A lead-funded arrangement's support appears in the programme's ledger as one commitment, kept in step with
the arrangement through results.hooks.support_changed (twinning and finance may not import each other)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.accounts.models import AuditEntry
from jalon.finance import services as finance
from jalon.finance.models import Spending
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.twinning import services
from tests.twinning.conftest import make_active, propose


@pytest.fixture
def fund(world, users):
    fund = finance.fund_create(
        actor=users["manager"], programme=world.programme, code="twinning", name={"en": "Twinning support"},
        kind="partnership", currency="EUR",
    )  # fmt: skip
    finance.settings_save(actor=users["manager"], programme=world.programme, currency="USD", twinning_fund=fund)
    return fund


@pytest.fixture
def eur(db):
    return Currency.objects.get_or_create(code="EUR", defaults={"name": {"en": "Euro"}})[0]


def live(arrangement):
    return list(
        Spending.objects.filter(arrangement=arrangement, reverses__isnull=True, reversed_by__isnull=True).values_list(
            "kind", "amount", "currency", "fund__code"
        )
    )


@pytest.mark.django_db
def test_the_signed_support_is_committed_once_and_follows_changes(world, users, fund, eur):
    manager = users["manager"]
    proposed = propose(
        world, manager, financial_support="lead_funded", support_amount=Decimal("12000"), support_currency=eur
    )
    assert live(proposed) == []  # a proposal commits nothing
    active = make_active(
        world, manager, committee=world.tc176, financial_support="lead_funded",
        support_amount=Decimal("12000"), support_currency=eur,
    )  # fmt: skip
    assert live(active) == [("commitment", Decimal("12000.00"), "EUR", "twinning")]
    entry = Spending.objects.get(arrangement=active)
    assert entry.date == active.signed_on and entry.payee_id == world.asn.pk
    assert AuditEntry.objects.filter(object_id=str(entry.pk), actor=manager).exists()
    # A new amount reverses the commitment and posts the new one; the ledger keeps both.
    active = services.arrangement_update(actor=manager, arrangement=active, support_amount=Decimal("15000"))
    assert live(active) == [("commitment", Decimal("15000.00"), "EUR", "twinning")]
    assert Spending.objects.filter(arrangement=active).count() == 3
    # Stepping on without changing the support posts nothing more.
    active = services.arrangement_start_review(actor=manager, arrangement=active)
    assert Spending.objects.filter(arrangement=active).count() == 3
    # The ledger refuses to post the same support again by hand.
    with pytest.raises(ValidationError) as refused:
        finance.spending_post(
            actor=manager, programme=world.programme, kind="commitment", fund=fund, date=active.signed_on,
            arrangement=active,
        )  # fmt: skip
    assert "arrangement" in refused.value.message_dict
    # Terminated: the commitment is reversed.
    services.arrangement_terminate(actor=manager, arrangement=active, note="The lead withdrew")
    assert live(active) == []
    assert sum(Spending.objects.filter(arrangement=active).values_list("amount", flat=True)) == 0


@pytest.mark.django_db
def test_without_a_twinning_fund_the_support_stays_out_of_the_ledger(world, users, eur):
    active = make_active(
        world, users["manager"], financial_support="lead_funded", support_amount=Decimal("900"), support_currency=eur
    )
    assert not Spending.objects.filter(arrangement=active).exists()


@pytest.mark.django_db
def test_the_twinning_fund_must_be_the_programmes(world, users, fund):
    other = Programme.objects.create(
        code="other", owner=world.programme.owner, title={"en": "Other"}, start_date=world.programme.start_date,
        end_date=world.programme.end_date,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        finance.settings_save(actor=users["manager"], programme=other, twinning_fund=fund)
    assert list(refused.value.message_dict) == ["twinning_fund"]
