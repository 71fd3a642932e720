"""Sorting and pagination for list pages, driven by whitelisted query parameters."""

from collections.abc import Mapping

from django.core.paginator import Paginator
from django.db.models import Expression, F, QuerySet

PAGE_SIZES = (25, 50, 100)


def sort_queryset(request, queryset: QuerySet, *, allowed: Mapping[str, str | Expression], default: str):
    """Order by the `sort` parameter (a key of `allowed`, "-" for descending); unknown keys use the default."""
    requested = request.GET.get("sort", default)
    key = requested.lstrip("-")
    if key not in allowed:
        requested, key = default, default.lstrip("-")
    descending = requested.startswith("-")
    # Values are field names, or expressions such as Lower("name") for a case-insensitive order.
    chosen = allowed[key]
    expression = F(chosen) if isinstance(chosen, str) else chosen
    ordered = queryset.order_by(
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True), "pk"
    )
    return ordered, requested


def paginate(request, queryset: QuerySet):
    try:
        size = int(request.GET.get("size", PAGE_SIZES[0]))
    except ValueError:
        size = PAGE_SIZES[0]
    if size not in PAGE_SIZES:
        size = PAGE_SIZES[0]
    paginator = Paginator(queryset, size)
    # get_page turns a bad or out-of-range number into the nearest real page instead of an error.
    return paginator.get_page(request.GET.get("page"))


def query_without(request, *names: str) -> str:
    """The current query string without the given parameters, for links that change only those."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def valid_filters(form) -> dict:
    """The filters that passed validation. One bad value (shown as an error on its field) must not
    drop the others: cleaned_data keeps every field that cleaned."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
