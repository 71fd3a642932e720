import django_filters
from django import forms
from rest_framework.filters import OrderingFilter

from jalon.lib.ids import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """A record's id in a query parameter: a whole number from 1 to MAX_ID (a larger one is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ExpressionOrderingFilter(OrderingFilter):
    """`?ordering=` over the view's `ordering_fields`, where a view's `ordering_expressions` maps a term to the
    SQL expression it sorts by (a name in one language of a multilingual text, in the readers' collation)."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = getattr(view, "ordering_expressions", {})
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            if name in expressions:
                expression = expressions[name]()
                term = expression.desc() if term.startswith("-") else expression.asc()
            terms.append(term)
        return queryset.order_by(*terms)
