"""What the finance tests read back of a programme's indicators."""

from jalon.results.models import Measurement


def value_of(programme, code: str, period: str = "2010-11"):
    """The value of the programme's indicator `code` for the period, or None."""
    return (
        Measurement.objects.filter(indicator__result__programme=programme, indicator__code=code, period__code=period)
        .values_list("value", flat=True)
        .first()
    )
