"""Table 1 of seed 004, computed from the demo ledger, and the ILO finance indicators filled from it."""

from decimal import Decimal

from jalon.finance import selectors
from jalon.results.models import Indicator, Measurement, Period

ILO = "ilo-tc-2010-2015"


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
