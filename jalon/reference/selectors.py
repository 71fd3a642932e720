"""Reads over reference data, including classifications as of a date."""

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from jalon.reference.models import Classification, Country, DevelopingCountryRule, Scheme

# The annotation each scheme gets on a Country queryset.
SCHEME_ANNOTATIONS = {scheme.value: f"cls_{scheme.value}" for scheme in Scheme}


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
