"""The curated fixed parities: each with its source and the dates it is in force, a conversion chained through
the parity's anchor and then the ECB's rates with every leg in its source, and a figure in a currency with no
rate that says so instead of counting as zero."""

import datetime
from decimal import Decimal

import pytest

from jalon.finance import rates
from jalon.finance.models import ExchangeRate
from jalon.finance.rates import Converter, Total

D = datetime.date
ON = D(2023, 6, 1)
# The sources are read in English.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def loaded(db):
    rates.curated_rates_load()
    rates.ecb_rates_load(currencies=["USD", "CHF", "ZAR", "INR"], start=D(2023, 5, 25), end=D(2023, 6, 5))


def _ecb(quote: str) -> Decimal:
    return ExchangeRate.objects.get(base="EUR", quote=quote, date=ON, source=ExchangeRate.Source.ECB).rate


def test_every_parity_of_the_curated_file_has_a_source_and_a_start(loaded):
    pegs = ExchangeRate.objects.filter(kind=ExchangeRate.Kind.PEG, source=ExchangeRate.Source.CURATED)
    assert {p.quote if p.base in ("EUR", "USD", "ZAR", "INR") else p.base for p in pegs} >= {
        "XOF", "XAF", "KMF", "CVE", "BAM", "XPF", "STN", "XCD", "BBD", "BZD", "BSD", "PAB", "SAR", "QAR", "LSL",
        "NAD", "SZL", "BTN",
    }  # fmt: skip
    assert all(p.provenance and p.date for p in pegs)
    assert rates.curated_rates_load() == 0  # loading again adds nothing


def test_a_dollar_pegged_amount_goes_to_chf_through_the_dollar_then_the_ecb_with_every_leg_in_its_source(
    loaded, django_assert_num_queries
):
    converter = Converter("CHF")
    # Each pair's rows read once, either way round: XCD-CHF (none), XCD-USD, USD-EUR, EUR-CHF; then none.
    with django_assert_num_queries(7):
        converted = converter.convert(Decimal(270), "XCD", ON)
    with django_assert_num_queries(0):
        assert converter.convert(Decimal(27), "XCD", ON).ok
    # 270 XCD = 100 USD exactly, then USD -> EUR -> CHF at the ECB's rates of the day.
    assert abs(converted.amount - Decimal(100) / _ecb("USD") * _ecb("CHF")) <= Decimal("0.01")
    legs = converted.source.split("; ")
    assert len(legs) == 3
    assert "1 USD = 2.7 XCD" in legs[0] and "Eastern Caribbean Central Bank" in legs[0]
    assert "fixed parity since 1976-07-07" in legs[0]
    assert all("European Central Bank" in leg and "2023-06-01" in leg for leg in legs[1:])


def test_two_currencies_pegged_to_the_dollar_convert_through_their_parities_only(loaded):
    converted = Converter("BBD").convert(Decimal(27), "XCD", ON)
    assert converted.amount == Decimal(20)
    assert "European Central Bank" not in converted.source and converted.source.count(";") == 1


def test_parities_to_the_euro_the_rand_and_the_rupee_are_exact_or_chained(loaded):
    assert Converter("EUR").convert(Decimal(1000), "XPF", ON).amount == Decimal("8.38")
    assert Converter("EUR").convert(Decimal("491.97"), "KMF", ON).amount == Decimal("1.00")
    nad = Converter("USD").convert(Decimal(1000), "NAD", ON)
    assert abs(nad.amount - Decimal(1000) / _ecb("ZAR") * _ecb("USD")) <= Decimal("0.01")
    assert "Bank of Namibia" in nad.source
    btn = Converter("USD").convert(Decimal(1000), "BTN", ON)
    assert "Royal Monetary Authority of Bhutan" in btn.source and btn.source.count("European Central Bank") == 2


def test_a_parity_counts_only_while_it_is_in_force(loaded):
    assert Converter("EUR").convert(Decimal(245), "STN", D(2018, 1, 1)).amount == Decimal(10)
    before = Converter("EUR").convert(Decimal(245), "STN", D(2017, 12, 31))
    assert before.amount is None and before.source == "no rate"
    qar = Converter("USD").convert(Decimal("3.64"), "QAR", D(2001, 7, 8))
    assert not qar.ok  # the decree fixing 3.64 is of 9 July 2001


def test_a_figure_in_a_floating_currency_with_no_rate_says_so_and_is_not_counted(loaded):
    converter = Converter("USD")
    kes = converter.convert(Decimal(50000), "KES", ON)
    assert (kes.amount, kes.rate, kes.source) == (None, None, "no rate")
    total = Total("USD")
    total.add(converter.convert(Decimal(270), "XCD", ON))
    total.add(kes)
    assert total.value is None and total.missing == {"KES": Decimal(50000)}
    assert total.as_dict() == {"amount": None, "currency": "USD", "unconverted": {"KES": "50000"}}
    # A rate entered by hand then converts it, with its source.
    ExchangeRate.objects.create(
        base="USD", quote="KES", date=D(2023, 6, 1), rate=Decimal("139.5"), source=ExchangeRate.Source.MANUAL,
        kind=ExchangeRate.Kind.DAILY, provenance="Central Bank of Kenya, indicative rate",
    )  # fmt: skip
    again = Converter("USD").convert(Decimal(50000), "KES", ON)
    assert again.ok and "Central Bank of Kenya" in again.source


def test_a_contribution_in_shillings_without_a_rate_shows_as_not_converted_on_the_page_and_in_the_api(
    loaded, frameworks, users, client_as
):
    from jalon.finance import services
    from jalon.finance.models import Contribution, Fund, SourceType
    from jalon.organisations.models import Organisation
    from jalon.results.models import Result

    programme = frameworks["ilo-tc-2010-2015"]
    manager = users["manager"]
    services.settings_save(actor=manager, programme=programme, currency="USD", published=True)
    fund = services.fund_create(
        actor=manager, programme=programme, code="xb", name={"en": "XB"}, kind=Fund.Kind.EARMARKED_VOLUNTARY,
        currency="USD",
    )  # fmt: skip
    donor = Organisation.objects.create(name={"en": "Kenyan donor"}, kind=Organisation.Kind.DONOR)
    contributor = services.contributor_save(
        actor=manager, organisation=donor, source_type=SourceType.objects.get(code="other")
    )
    services.contribution_create(
        actor=manager, programme=programme, fund=fund, contributor=contributor, amount=Decimal(50000),
        currency="KES", value_date=D(2010, 3, 1), status=Contribution.Status.SIGNED,
        results=[Result.objects.get(programme=programme, code="1")],
    )  # fmt: skip
    client = client_as("manager")
    page = client.get("/en/finance/ilo-tc-2010-2015/").content.decode()
    assert "cannot be converted (no rate): 50000.00 KES" in page
    (period,) = client.get("/api/v1/programmes/ilo-tc-2010-2015/resources/?period=2010-11").json()["periods"]
    first = next(row for row in period["outcomes"] if row["code"] == "1")
    assert first["available"] is None and first["unconverted"] == {"KES": "50000.00"}
