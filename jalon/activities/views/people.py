"""A participant's history across activities, and the programme team's personal-data tools: export a
person's data, erase (anonymise) it, and join duplicate records of one person."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jalon.activities import access, selectors, services
from jalon.activities.forms import MergeForm
from jalon.organisations import access as organisations_access

# The records a search on the duplicates page lists at most.
MERGE_SEARCH_SHOWN = 20


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk)
    # Only the registrations of activities the user may see the participants of: a focal point sees what
    # this person did in their own organisation's activities, not elsewhere.
    registrations = access.registrations_visible(request.user, selectors.person_history(person=person))
    return render(
        request,
        "activities/person_detail.html",
        {
            "person": person,
            "registrations": registrations,
            "can_export": access.person_can_export(request.user, person),
            "can_erase": access.person_can_erase(request.user, person) and not person.anonymised_at,
            "can_merge": access.people_can_merge(request.user),
        },
    )


@login_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything jalon holds about the person, as a JSON file (the right of access)."""
    person = access.access_person(request.user, pk, manage=True)
    body = json.dumps(
        services.person_export(actor=request.user, person=person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, manage=True)
    if person.anonymised_at:
        messages.info(request, _("This person's data were erased already."))
        return redirect("activities:person_detail", pk=person.pk)
    if request.method == "POST":
        services.person_erase(actor=request.user, person=person)
        messages.success(request, _("Personal data erased. The participation records stay, anonymous."))
        return redirect("activities:person_detail", pk=person.pk)
    activities = selectors.person_registration_count(person)
    return render(request, "activities/person_erase.html", {"person": person, "activities": activities})


@login_required
def person_merge(request: HttpRequest) -> HttpResponse:
    """The groups of records the matching rule takes for one person, each with a form to review the join."""
    if not access.people_can_merge(request.user):
        raise PermissionDenied
    groups = selectors.people_duplicates(organisations_access.people_visible(request.user))
    # Any two records can be joined: found by name or email, beside the groups the rule suggests.
    term = request.GET.get("q", "").strip()[:100]
    found = selectors.people_search(request.user, term, limit=MERGE_SEARCH_SHOWN + 1) if term else []
    found, found_more = found[:MERGE_SEARCH_SHOWN], len(found) > MERGE_SEARCH_SHOWN
    shown = [*found, *(person for group in groups for person in group.people)]
    counts = selectors.people_activity_counts({person.pk for person in shown})
    for person in shown:
        person.activities_count = counts.get(person.pk, 0)
    return render(
        request,
        "activities/person_merge.html",
        {"groups": groups, "q": term, "found": found, "found_more": found_more},
    )


@login_required
def person_merge_confirm(request: HttpRequest) -> HttpResponse:
    """What the join will do, shown before it is done: the records, their details and their activities."""
    if not access.people_can_merge(request.user):
        raise PermissionDenied
    form = MergeForm(
        request.POST if request.method == "POST" else request.GET, people=selectors.people_mergeable(request.user)
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("activities:person_merge")
    keep, duplicates = form.cleaned_data["keep"], form.cleaned_data["duplicates"]
    if request.method == "POST":
        try:
            keep = services.people_merge(actor=request.user, keep=keep, duplicates=duplicates)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("activities:person_merge")
        messages.success(request, _("Records joined: %(person)s.") % {"person": keep})
        return redirect("activities:person_detail", pk=keep.pk)
    records = [keep, *duplicates]
    history = selectors.people_histories(records)
    for person in records:
        person.history = history.get(person.pk, [])
    # Activities both records are registered for become one registration, with the best of both.
    shared = set.intersection(*({r.activity_id for r in person.history} for person in records))
    return render(
        request,
        "activities/person_merge_confirm.html",
        {"keep": keep, "duplicates": duplicates, "records": records, "shared": len(shared)},
    )
