"""Reads over organisations."""

from django.db.models import Q, QuerySet

from jalon.lib.multilingual import text_contains
from jalon.organisations import access
from jalon.organisations.models import Membership, Organisation


def organisation_list(*, user, search: str = "", kind: str = "", country: str = "", region: str = "") -> QuerySet:
    queryset = access.organisations_visible(user).select_related("country")
    if search:
        queryset = queryset.filter(text_contains("name", search) | Q(acronym__icontains=search))
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country__iso2__iexact=country)
    if region:
        queryset = queryset.filter(
            Q(country__region__m49=region)
            | Q(country__sub_region__m49=region)
            | Q(country__intermediate_region__m49=region)
        )
    return queryset


def organisation_memberships(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("body").order_by("body__acronym")
