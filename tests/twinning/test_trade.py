"""The bilateral trade file: loaded from a UN Comtrade export (world totals and re-exports skipped, imports and
exports added up per reporter, partner and year), refused whole with row-level errors, and read by the
recommender as a trade link with its reason; the trade weights are 0 until a file is loaded."""

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from jalon.reference.models import Country
from jalon.twinning import recommend, selectors, services
from jalon.twinning.models import TradeFile, TradeFlow
from jalon.twinning.trade import TradeFileRefused, trade_file_load
from tests.twinning.test_recommend import universe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SAMPLE = Path(__file__).parent / "data" / "comtrade_total_2023.csv"
# Senegal's imports from and exports to France as Senegal reports them (larger than France's mirror report).
SEN_FRA = 1_402_115_233 + 168_232_501
DEU_SEN = 230_551_876 + 31_785_210  # Germany's report (larger than Senegal's: 216,004,561 + 20,450,332)


def flow(reporter: str, partner: str) -> Decimal:
    return TradeFlow.objects.get(
        reporter=Country.objects.get(iso3=reporter), partner=Country.objects.get(iso3=partner), year=2023
    ).value_usd


def test_a_comtrade_export_loads_summing_flows_and_skipping_world_totals_and_re_exports(users):
    loaded = trade_file_load(actor=users["admin"], path=SAMPLE)
    assert (loaded.source, loaded.rows_read, loaded.flows, loaded.skipped) == ("UN Comtrade", 14, 7, 3)
    assert (loaded.first_year, loaded.last_year, loaded.note) == (2023, 2023, "W00")
    assert flow("SEN", "FRA") == SEN_FRA
    assert flow("FRA", "SEN") == 1_350_874_002 + 201_311_287  # the re-export row is not counted
    assert TradeFlow.objects.count() == 7


def test_a_bad_file_is_refused_whole_with_its_rows_and_the_loaded_data_stays(users, tmp_path):
    trade_file_load(actor=users["admin"], path=SAMPLE)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reporter_iso3,partner_iso3,year,value_usd\n"
        "SEN,FRA,2024,1000\n"
        "SN,FRA,2024,1000\n"
        "SEN,DEU,20x4,1000\n"
        "SEN,KEN,2024,-5\n"
        "SEN,XYZ,2024,1000\n",  # well formed but no country: skipped as an aggregate, not an error
        encoding="utf-8",
    )
    with pytest.raises(TradeFileRefused) as refused:
        trade_file_load(actor=users["admin"], path=bad)
    found = [(e.row, e.column, e.value) for e in refused.value.report.errors]
    assert found == [(3, "reporter_iso3", "SN"), (4, "year", "20x4"), (5, "value_usd", "-5")]
    assert TradeFlow.objects.count() == 7 and TradeFile.objects.count() == 1 and flow("SEN", "FRA") == SEN_FRA
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("country,year\nSEN,2024\n", encoding="utf-8")
    with pytest.raises(TradeFileRefused, match="1 problem"):
        trade_file_load(actor=users["admin"], path=unknown)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("reporter_iso3,partner_iso3,year,value_usd\nSEN,CÔT,2024,1\n".encode("latin-1"))
    with pytest.raises(TradeFileRefused):
        trade_file_load(actor=users["admin"], path=latin)


def test_the_command_loads_and_reports_the_rows_at_fault(tmp_path, capsys):
    call_command("import_trade", str(SAMPLE), "--source", "UN Comtrade, 2023 (test)")
    assert "Loaded 7 reporter-partner-year flows" in capsys.readouterr().out
    assert TradeFile.objects.get().source == "UN Comtrade, 2023 (test)"
    bad = tmp_path / "bad.csv"
    bad.write_text("reporter_iso3,partner_iso3,year,value_usd\nSEN,FRA,1800,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("import_trade", str(bad))
    assert "line 2 [year] “1800”" in capsys.readouterr().err


def test_the_engine_scales_trade_per_side():
    trade = np.zeros((4, 4))
    trade[0, 2] = trade[2, 0] = 100.0  # member 2 trades 100 with lead 0, 25 with lead 1, 50 with lead 3
    trade[1, 2] = trade[2, 1] = 25.0
    trade[3, 2] = trade[2, 3] = 50.0
    trade[0, 3] = trade[3, 0] = 400.0  # lead 0's largest trade is with member 3
    plain = recommend.score(universe())
    s = recommend.score(universe(), trade=trade)
    assert s.trade_used and s.trade_twinned[[0, 1, 3], 2] == pytest.approx([1.0, 0.25, 0.5])
    # The twinned side is the mean of three features plus trade now: (3 x before + trade) / 4.
    assert s.twinned_side[0, 2] == pytest.approx((3 * plain.twinned_side[0, 2] + 1.0) / 4)
    # The lead side scales by the lead's own largest trade: for lead 0, member 2 weighs 100 / 400.
    assert s.lead_side[0, 2] == pytest.approx((3 * plain.lead_side[0, 2] + 0.25) / 4)
    off = recommend.score(universe(), trade=trade, weights=recommend.Weights(twinned_trade=0, lead_trade=0))
    assert not off.trade_used and off.score == pytest.approx(plain.score)


def test_the_recommender_adds_the_trade_link_once_a_file_is_loaded_and_the_weights_are_settings(world, users):
    before, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert all(s.trade_usd is None for s in before)
    trade_file_load(actor=users["admin"], path=SAMPLE)
    after, loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    by_lead = {s.lead.acronym: s for s in after}
    assert loaded.trade_year == 2023
    # The larger of the two reports of each pair counts; the twinned side scales by Senegal's largest partner.
    assert by_lead["AFNOR"].trade_usd == SEN_FRA and by_lead["AFNOR"].trade_share == pytest.approx(1.0)
    assert by_lead["DIN"].trade_usd == DEU_SEN and by_lead["DIN"].trade_share == pytest.approx(DEU_SEN / SEN_FRA)
    old = {s.lead.acronym: s for s in before}
    for acronym, suggestion in by_lead.items():
        assert suggestion.twinned_side == pytest.approx((3 * old[acronym].twinned_side + suggestion.trade_share) / 4)
    # A programme that sets both trade weights to 0 leaves trade out, file or not.
    services.settings_save(actor=users["manager"], programme=world.programme, twinned_trade=0, lead_trade=0)
    off, _loaded = selectors.recommendations(programme=world.programme, member=world.asn, user=users["manager"])
    assert all(s.trade_usd is None for s in off)
    assert [s.score for s in off] == pytest.approx([s.score for s in before])


def test_the_recommendations_page_and_api_show_the_trade_reason(world, users, client_as):
    trade_file_load(actor=users["admin"], path=SAMPLE, source="UN Comtrade, 2023")
    client = client_as("focal")
    page = client.get(f"/en/twinning/recommendations/?programme={world.programme.pk}&member={world.asn.pk}")
    content = page.content.decode()
    assert (
        "Trade in goods, 2023 (million US dollars)" in content
        and "1,570.3" in content
        and "relative to the twinned member’s largest: 0.17" in content
    )
    assert "Trade links from UN Comtrade, 2023" in content
    api = client.get(f"/api/v1/twinning-recommendations/?programme={world.programme.code}&member={world.asn.pk}")
    rows = {row["lead"]: row for row in api.json()}
    assert rows["AFNOR"]["trade_usd"] == SEN_FRA and rows["AFNOR"]["trade_year"] == 2023
