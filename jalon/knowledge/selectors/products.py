"""Reads of the database of technologies and conforming products: the public list (claims in force), the claims
a user may follow, and the counts behind the indicators (products from developing-country manufacturers,
accredited or recognised laboratories in developing countries), read from the claims' dates on a given day."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jalon.knowledge.access.products import CLAIM_RELATED, claims_live, claims_visible
from jalon.knowledge.models import ConformityClaim, Product, Technology, TechnologyStandard, TestLaboratory
from jalon.lib.multilingual import text_contains
from jalon.lib.search import any_contains
from jalon.reference.models import Country


def public_claims(*, day: datetime.date, query: str = "", technology=None) -> QuerySet[ConformityClaim]:
    """The public list: published claims in force on `day`, with their product and laboratory."""
    queryset = claims_live(ConformityClaim.objects.select_related(*CLAIM_RELATED), day)
    if query:
        queryset = queryset.filter(
            any_contains(query, "product__model", "product__category", "standard", "product__manufacturer__acronym")
            | text_contains("product__manufacturer__name", query)
        )
    if technology is not None:
        queryset = queryset.filter(product__technologies=technology)
    return queryset.order_by("standard", "product__model", "pk")


def claims_followed(*, user, day: datetime.date, status: str = "") -> QuerySet[ConformityClaim]:
    """The claims a user follows beyond the public list: every state, the team's and the submitters'."""
    queryset = claims_visible(user, ConformityClaim.objects.select_related(*CLAIM_RELATED), day=day)
    if status == "expired":
        queryset = queryset.filter(Q(status=ConformityClaim.Status.EXPIRED) | Q(valid_until__lt=day))
    elif status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def technologies_list() -> QuerySet[Technology]:
    return Technology.objects.prefetch_related(
        Prefetch("standards", queryset=TechnologyStandard.objects.order_by("reference", "edition"))
    ).order_by("pk")


def products_with_live_claims(*, day: datetime.date, countries: QuerySet[Country]) -> int:
    """Products made in these countries with a published claim in force on `day`."""
    live = claims_live(ConformityClaim.objects.filter(product=OuterRef("pk")), day).filter(published_on__lte=day)
    return Product.objects.filter(Exists(live), country__in=countries.values("pk")).count()


def laboratories_recognised() -> QuerySet[TestLaboratory]:
    """Laboratories accredited by an ILAC signatory (with a number) or recognised by ITU (the gap index's
    conformity-assessment pillar reads them per country)."""
    accredited = Q(ilac_signatory=True) & ~Q(accreditation_body="") & ~Q(accreditation_number="")
    return TestLaboratory.objects.filter(accredited | Q(itu_recognised=True))


def laboratories_accredited_or_recognised(*, countries: QuerySet[Country]) -> int:
    """Laboratories in these countries accredited by an ILAC signatory (with a number) or recognised by ITU."""
    return laboratories_recognised().filter(country__in=countries.values("pk")).count()
