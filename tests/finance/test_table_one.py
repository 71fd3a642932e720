"""Table 1 of seed 004, computed from the demo ledger, and the ILO finance indicators filled from it and moving
with the records."""

import datetime
from decimal import Decimal

from jalon.finance import selectors, services
from jalon.finance.models import Fund, Proposal, Rating, Spending
from jalon.results.models import Indicator, Measurement, Period, Result
from tests.finance.values import value_of

ILO = "ilo-tc-2010-2015"
D = datetime.date


def test_table_one_reads_as_seed_004_prints_it(demo):
    programme = demo[ILO]
    period = Period.objects.get(programme=programme, code="2010-11")
    table = selectors.table_one(programme, period, "en")
    rows = {row["code"]: row for row in table["rows"]}
    assert [rows[c]["available"] for c in "123"] == [Decimal(3600000), Decimal(3600000), Decimal(4800000)]
    assert [rows[c]["share"] for c in "123"] == [Decimal(30), Decimal(30), Decimal(40)]
    assert [rows[c]["gap"] for c in "123"] == [Decimal(0), Decimal(0), Decimal(1480000)]
    assert rows["1"]["main_outputs"][0] == "Resource mobilization"
    assert table["currency"] == "USD"


def test_the_four_ilo_indicators_fill_themselves(demo):
    programme = demo[ILO]
    values = {}
    for code in ("1.1", "1.2", "2.1", "2.2"):
        indicator = Indicator.objects.get(result__programme=programme, code=code)
        assert indicator.source == Indicator.Source.COMPUTED
        values[code] = {
            m.period.code: m.value for m in Measurement.objects.filter(indicator=indicator).select_related("period")
        }
    assert values["2.2"]["2010-11"] == Decimal("85.83")  # 10.3 M spent / 12 M allocated
    assert values["2.1"]["2010-11"] == Decimal("75.00")  # 3 of 4 approvals through the appraisal
    assert values["1.1"]["2010-11"] == Decimal("0.00")
    assert Decimal(80) < values["1.1"]["2012-13"] < Decimal(90)  # USD 0.6 M + EUR 0.5 M of the 1.48 M gap
    assert values["1.2"]["2010-11"] == Decimal("100.00")


def test_the_ilo_indicators_move_when_an_expenditure_an_allocation_or_an_appraisal_is_recorded(
    demo, users, django_capture_on_commit_callbacks
):
    programme = demo[ILO]
    manager = users["manager"]
    assert Indicator.objects.get(result__programme=programme, code="2.2").source == Indicator.Source.COMPUTED
    before = value_of(programme, "2.2")
    fund = Fund.objects.get(programme=programme, code="xbdc")
    outcome = Result.objects.get(programme=programme, code="2")
    with django_capture_on_commit_callbacks(execute=True):
        services.spending_post(
            actor=manager, programme=programme, kind=Spending.Kind.EXPENDITURE, fund=fund, result=outcome,
            date=D(2011, 10, 1), amount=Decimal(400000), currency="USD",
        )  # fmt: skip
    after_expenditure = value_of(programme, "2.2")
    assert after_expenditure > before
    with django_capture_on_commit_callbacks(execute=True):
        services.allocation_create(
            actor=manager, programme=programme, fund=fund, result=outcome,
            period=Period.objects.get(programme=programme, code="2010-11"), amount=Decimal(1000000), currency="USD",
        )  # fmt: skip
    assert value_of(programme, "2.2") < after_expenditure
    before = value_of(programme, "2.1")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_create(
            actor=manager, programme=programme, title={"en": "More"}, amount=Decimal(10), currency="USD"
        )
        for status in (Proposal.Status.SUBMITTED, Proposal.Status.IN_APPRAISAL):
            proposal = services.proposal_move(actor=manager, proposal=proposal, status=status)
        services.appraisal_record(
            actor=manager, proposal=proposal,
            ratings=dict.fromkeys(services.criteria_ensure(actor=manager, programme=programme), (Rating.HIGH, "")),
        )  # fmt: skip
        services.proposal_approve(actor=manager, proposal=proposal, on=D(2011, 7, 1))
    assert value_of(programme, "2.1") == Decimal("80.00") != before  # 4 of 5
