"""Reference data as the tabular import engine reads it: a country cell by code or name."""

from django.utils.translation import gettext_lazy

from jalon.interop.tabular import Lookup
from jalon.reference.models import Country


def country_lookup() -> Lookup:
    """A cell parser: SEN, SN, or the name in English, French or Spanish (accents and case ignored)."""
    rows = Country.objects.values_list("pk", "iso2", "iso3", "name")
    return Lookup(
        (((iso2, iso3, *(name.get(code, "") for code in ("en", "fr", "es"))), pk) for pk, iso2, iso3, name in rows),
        unknown=gettext_lazy("Unknown country: write its ISO code (SEN or SN) or its name in French or English."),
        ambiguous=gettext_lazy("Several countries match: write the ISO code."),
        expected=gettext_lazy("A country: ISO code (SEN or SN) or name in French or English."),
    )
