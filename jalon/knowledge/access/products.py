"""Who may see or change the database of technologies and conforming products.

- Anyone reads the technologies, the published claims that have not expired, and the products and laboratories
  they name (the public list, informative and voluntary).
- The programme team (the secretariat) reads every claim, checks, publishes and withdraws claims, and records
  technologies; viewers read every claim.
- Focal points submit products and claims for their organisation, read their organisation's claims in every
  state and withdraw them; contributors read them."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.knowledge.access.lessons import knowledge_is_team, knowledge_own_organisations, knowledge_read_organisations
from jalon.knowledge.models import ConformityClaim, Product, TestLaboratory
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation


def claims_live(queryset: QuerySet[ConformityClaim], day: datetime.date) -> QuerySet[ConformityClaim]:
    """Published claims in force on `day`: expiry is read from the dates, not only from the stored state."""
    return queryset.filter(status=ConformityClaim.Status.PUBLISHED).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def claims_visible(user, queryset: QuerySet | None = None, *, day: datetime.date) -> QuerySet[ConformityClaim]:
    queryset = ConformityClaim.objects.all() if queryset is None else queryset
    if grants_for(user).has(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    condition = Q(pk__in=claims_live(ConformityClaim.objects.all(), day).values("pk"))
    own = knowledge_read_organisations(user)
    if own:
        condition |= Q(product__organisation_id__in=own)
    return queryset.filter(condition)


def products_visible(user, queryset: QuerySet | None = None, *, day: datetime.date) -> QuerySet[Product]:
    """Products with a claim the user may see; the team, viewers and the submitters see their products too."""
    queryset = Product.objects.all() if queryset is None else queryset
    if grants_for(user).has(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    condition = Q(pk__in=claims_live(ConformityClaim.objects.all(), day).values("product_id"))
    own = knowledge_read_organisations(user)
    if own:
        condition |= Q(organisation_id__in=own)
    return queryset.filter(condition)


def products_can_submit(user) -> bool:
    return knowledge_is_team(user) or bool(knowledge_own_organisations(user))


def product_can_submit_for(user, organisation: Organisation | None) -> bool:
    if knowledge_is_team(user):
        return True
    return organisation is not None and organisation.pk in knowledge_own_organisations(user)


def claim_can_submit(user, product: Product) -> bool:
    return product_can_submit_for(user, product.organisation)


def claim_can_check(user, claim: ConformityClaim | None = None) -> bool:
    """Checking and publishing: the secretariat (the programme team)."""
    return knowledge_is_team(user)


def claim_can_withdraw(user, claim: ConformityClaim) -> bool:
    return knowledge_is_team(user) or claim.product.organisation_id in knowledge_own_organisations(user)


def technology_can_record(user) -> bool:
    return knowledge_is_team(user)


def product_organisation_choices(user) -> QuerySet[Organisation]:
    if knowledge_is_team(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=knowledge_own_organisations(user))


def product_choices(user) -> QuerySet[Product]:
    """The products a user may submit claims for."""
    if knowledge_is_team(user):
        return Product.objects.all()
    return Product.objects.filter(organisation_id__in=knowledge_own_organisations(user))


def laboratory_choices() -> QuerySet[TestLaboratory]:
    return TestLaboratory.objects.all()


CLAIM_RELATED = ("product__manufacturer", "product__country", "product__organisation", "laboratory__country")


def access_claim(user, pk, *, day: datetime.date) -> ConformityClaim:
    if not valid_id(pk):
        raise Http404
    claim = claims_visible(user, ConformityClaim.objects.select_related(*CLAIM_RELATED), day=day).filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


def access_product(user, pk, *, day: datetime.date, submit: bool = False) -> Product:
    if not valid_id(pk):
        raise Http404
    product = (
        products_visible(user, Product.objects.select_related("manufacturer", "country", "organisation"), day=day)
        .filter(pk=pk)
        .first()
    )
    if product is None:
        raise Http404
    if submit and not claim_can_submit(user, product):
        raise PermissionDenied
    return product
