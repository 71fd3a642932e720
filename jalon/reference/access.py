"""Who may see reference data: everyone. Countries, regions and classifications are public facts; what is
refused is only what does not exist."""

from django.db.models import QuerySet
from django.http import Http404

from jalon.reference.models import Country


def access_country(user, iso3: str, *, queryset: QuerySet[Country] | None = None) -> Country:
    """The country with this ISO 3166 alpha-3 code (any case), from `queryset` (what the page needs fetched
    with it); 404 for anything else. `user` is taken like every access function's, though all may see."""
    if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
        # Not a country code; and PostgreSQL would refuse a NUL character in the lookup (a 500).
        raise Http404
    queryset = Country.objects.all() if queryset is None else queryset
    try:
        return queryset.get(iso3=iso3.upper())
    except Country.DoesNotExist:
        raise Http404 from None
