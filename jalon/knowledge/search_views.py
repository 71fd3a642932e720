"""The knowledge search page: one box over everything the app indexes, with filters by kind and language."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from jalon.knowledge import search
from jalon.web.listing import valid_filters


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("In"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Any")), ("fr", gettext_lazy("French")), ("en", gettext_lazy("English"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", gettext_lazy("Everything")), *((key, k.label) for key, k in search.KINDS.items())]


def search_page(request):
    form = SearchForm(request.GET or None)
    filters = valid_filters(form)
    results = search.search_run(
        user=request.user,
        query=filters.get("q", ""),
        kinds=[filters["kind"]] if filters.get("kind") else (),
        language=filters.get("language", ""),
    )
    labels = {key: kind.label for key, kind in search.KINDS.items()}
    for hit in results.hits:
        hit.kind_label = labels.get(hit.kind, hit.kind)
    return render(request, "knowledge/search.html", {"form": form, "results": results})
