"""No query string, however odd, makes a page fail: every page without a path parameter, requested by an anonymous
visitor and by a platform administrator (who may open all of them) with every filter field of every form of jalon
given at once, each time another odd value (a number beyond 64 bits, a negative one, an impossible date, markup and
quotes, a value repeated). A refusal is a 4xx or the page with the form's message; never a 500. The API has its own
fuzzing (test_api_fuzz.py), from its schema.
"""

import pytest
from django import forms

from jalon.organisations.models import Person
from jalon.web.forms import ChoicesOfModel
from tests.access.matrix import page_routes

# A NUL is refused before any view (tests/api/test_nul_characters.py).
ODD = [str(2**63), "-1", "2026-02-30", "<b>' OR 1=1 --" + "x" * 300]
# Parameters read from request.GET outside a form.
LOOSE = {"page", "sort", "q", "lang", "format", "period", "programme", "status", "year", "on", "from", "group", "code"}


def _forms() -> list[type[forms.BaseForm]]:
    import jalon.urls  # noqa: F401

    found, pending = [], [forms.Form, forms.ModelForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("jalon."):
            found.append(form)
    return found


def _form_fields() -> set[str]:
    """Every field name of every form jalon declares."""
    return LOOSE.union(*(form.base_fields for form in _forms()))


@pytest.mark.parametrize("role", [None, "admin"], ids=["anonymous", "admin"])
def test_no_query_string_makes_a_page_fail(client_as, role):
    names = sorted(_form_fields())
    pages = sorted(set(page_routes()))
    assert len(pages) > 40 and len(names) > 100, (len(pages), len(names))
    client = client_as(role)
    failures = []
    for path in pages:
        for value in ODD:
            response = client.get(path, dict.fromkeys(names, value))
            if response.status_code >= 500:
                failures.append(f"{path} with every field = {value[:20]!r}: {response.status_code}")
        repeated = client.get(path, {name: ["1", "2"] for name in names})
        if repeated.status_code >= 500:
            failures.append(f"{path} with every field twice: {repeated.status_code}")
    assert not failures, "\n".join(failures)


def test_every_choice_of_several_records_checks_its_ids_before_the_database(db):
    """Django's ModelMultipleChoiceField sends the ids to an IN (...) lookup, which SQLite fails on for an id beyond
    64 bits (a server error on the activity form, the merge of people, a sector's committees): jalon's forms use
    ChoicesOfModel, which refuses such an id with the field's message."""
    unchecked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, ChoicesOfModel)
        and field.queryset.model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField")
    ]
    assert not unchecked, unchecked
    field = ChoicesOfModel(queryset=Person.objects.all())
    for huge in (str(2**63), str(-(2**63) - 1)):
        with pytest.raises(forms.ValidationError):
            field.clean([huge])
