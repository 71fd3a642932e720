"""Reads over reference data, including classifications as of a date."""

import datetime

from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_contains, text_in_database
from jalon.reference.models import Classification, Country, DevelopingCountryRule, Region, Scheme

# The annotation each scheme gets on a Country queryset.
SCHEME_ANNOTATIONS = {scheme.value: f"cls_{scheme.value}" for scheme in Scheme}


def classification_of(country: Country, scheme: str) -> str | None:
    """The value of `scheme` annotated on a country from `countries_with_classifications`."""
    return getattr(country, SCHEME_ANNOTATIONS[scheme])


def classification_on(*, scheme: str, on: datetime.date) -> Subquery:
    """The value of `scheme` for the outer country on date `on`, or None if unknown then."""
    current = Classification.objects.filter(country=OuterRef("pk"), scheme=scheme, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return Subquery(current.values("value")[:1])


def countries_with_classifications(
    *, on: datetime.date | None = None, queryset: QuerySet[Country] | None = None
) -> QuerySet[Country]:
    """Countries annotated with `cls_<scheme>` for every scheme, as of `on` (default: today)."""
    on = on or timezone.localdate()
    queryset = Country.objects.all() if queryset is None else queryset
    return queryset.annotate(
        **{name: classification_on(scheme=scheme, on=on) for scheme, name in SCHEME_ANNOTATIONS.items()}
    )


def rule_condition(rule: DevelopingCountryRule) -> Q:
    """The rule as a filter over a queryset from `countries_with_classifications`."""
    parts = []
    for condition in rule.conditions:
        field = SCHEME_ANNOTATIONS[condition["scheme"]]
        if "in" in condition:
            parts.append(Q(**{f"{field}__in": condition["in"]}))
        else:
            # An unknown value is not "not in": a territory with no income group is not developing.
            parts.append(Q(**{f"{field}__isnull": False}) & ~Q(**{f"{field}__in": condition["not_in"]}))
    if not parts:
        return Q(pk__in=[])
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined | part) if rule.combine == DevelopingCountryRule.Combine.ANY else (combined & part)
    return combined


def developing_countries(*, rule: DevelopingCountryRule, on: datetime.date | None = None) -> QuerySet[Country]:
    return countries_with_classifications(on=on).filter(rule_condition(rule))


def country_is_developing(*, country: Country, rule: DevelopingCountryRule, on: datetime.date | None = None) -> bool:
    return developing_countries(rule=rule, on=on).filter(pk=country.pk).exists()


def classification_value(*, country: Country, scheme: str, on: datetime.date) -> str | None:
    """E.g. "was this country an LDC in 2022?": "yes", "no", or None when no loaded vintage says."""
    return (
        Classification.objects.filter(country=country, scheme=scheme, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list("value", flat=True)
        .first()
    )


def country_classification_history(*, country: Country) -> QuerySet[Classification]:
    return country.classifications.select_related("vintage").order_by("scheme", "valid_from")


def world_bank_fiscal_year(day: datetime.date) -> int:
    """The World Bank fiscal year a date falls in: FY2027 runs from 1 July 2026 to 30 June 2027."""
    return day.year + 1 if day.month >= 7 else day.year


def income_in_force(history: list[Classification], *, on: datetime.date) -> Classification | None:
    """The income-group period in force on `on`, from a country's history: the open-ended one may start in
    the future."""
    return next(
        (
            item
            for item in history
            if item.scheme == Scheme.INCOME and item.valid_from <= on and (item.valid_to is None or item.valid_to >= on)
        ),
        None,
    )


def rule_verdicts(*, country: Country) -> list[tuple[DevelopingCountryRule, bool]]:
    """Every developing-country rule with whether `country` meets it today, in one query for all rules."""
    rules = list(DevelopingCountryRule.objects.all())
    if not rules:
        return []
    verdicts = (
        countries_with_classifications()
        .filter(pk=country.pk)
        .annotate(
            **{
                f"rule_{rule.pk}": Case(
                    When(rule_condition(rule), then=Value(True)), default=Value(False), output_field=BooleanField()
                )
                for rule in rules
            }
        )
        .values(*[f"rule_{rule.pk}" for rule in rules])
        .get()
    )
    return [(rule, verdicts[f"rule_{rule.pk}"]) for rule in rules]


# Pages ---------------------------------------------------------------------------------------------------


def in_region(m49: str, *, path: str = "") -> Q:
    """Countries (or, with `path` "country__", records of countries) in a region, sub-region or intermediate
    region, by its M49 code."""
    return (
        Q(**{f"{path}region__m49": m49})
        | Q(**{f"{path}sub_region__m49": m49})
        | Q(**{f"{path}intermediate_region__m49": m49})
    )


def regions_in_tree_order() -> list[tuple[Region, int]]:
    """Every region under the world, each followed by its sub-regions and their intermediate regions (Western
    Africa...), with its depth (0 for a region), siblings by name: for the filters of every list by place. M49
    codes do not nest (Northern Africa, 015, sorts after Oceania, 009), so the order follows the parents."""
    regions = list(Region.objects.exclude(kind=Region.Kind.WORLD).order_by(TextOrder(text_in_database("name"))))
    children: dict = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    ordered: list[tuple[Region, int]] = []

    def walk(region: Region, depth: int) -> None:
        ordered.append((region, depth))
        for child in children.get(region.pk, []):
            walk(child, depth + 1)

    for region in regions:
        if region.kind == Region.Kind.REGION:
            walk(region, 0)
    return ordered


def country_list(
    *, search: str = "", region: str = "", income: str = "", ldc: str = "", dac: str = ""
) -> QuerySet[Country]:
    """Countries with their classifications today, filtered as the list page and its filters ask."""
    queryset = countries_with_classifications().select_related("region", "sub_region")
    if search:
        code = search.strip()
        queryset = queryset.filter(text_contains("name", search) | Q(iso2__iexact=code) | Q(iso3__iexact=code))
    if region:
        queryset = queryset.filter(in_region(region))
    for value, annotation in ((income, "cls_income"), (ldc, "cls_ldc"), (dac, "cls_dac")):
        if value:
            queryset = queryset.filter(**{annotation: value})
    return queryset


def country_choices() -> QuerySet[Country]:
    """Every country and area, by name in the active language, for a form's choice."""
    return Country.objects.order_by(TextOrder(text_in_database("name")))


def country_for_page() -> QuerySet[Country]:
    """What a country's page shows of it: classifications today, its regions, languages and currencies."""
    return (
        countries_with_classifications()
        .select_related("region", "sub_region", "intermediate_region")
        .prefetch_related("languages", "currencies")
    )
