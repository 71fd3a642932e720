"""How a report prints its numbers in each language (no database)."""

from decimal import Decimal

import pytest

from jalon.reporting.annual import Writer


@pytest.mark.parametrize(
    ("language", "value", "printed"),
    [
        ("fr", "0.343", "34,3\u00a0%"),  # French sets a no-break space before the sign
        ("fr", "0.3", "30\u00a0%"),
        ("fr", "0.12345", "12,3\u00a0%"),
        ("en", "0.343", "34.3%"),
        ("en", "1", "100%"),
    ],
)
def test_a_percentage_follows_the_languages_typography_with_one_decimal_at_most(language, value, printed):
    figure = Writer(language).percent(value)
    assert figure == printed
    assert figure.value == Decimal(value).quantize(Decimal("0.001"))
    assert figure.number_format == "0.0%"


def test_a_missing_percentage_is_a_dash():
    assert Writer("fr").percent(None) == "–"
