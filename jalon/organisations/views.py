"""The directory's pages: organisations, their memberships and contacts."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access, selectors, services
from jalon.organisations.access import access_organisation
from jalon.organisations.forms import OrganisationFilterForm, OrganisationForm, PersonForm
from jalon.reference.models import Country
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters
from jalon.web.pages import delete_page, form_page


def organisation_list_view(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.organisation_list(
        user=request.user,
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        region=filters.get("region", ""),
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={
            "name": TextOrder(text_in_database("name")),
            "acronym": TextOrder("acronym"),
            "country": TextOrder(text_in_database("country__name")),
            "kind": "kind",
        },
        default="name",
    )
    return render(
        request,
        "web/organisation_list.html",
        {
            "form": form,
            "page": paginate(request, queryset),
            "sort": sort,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "can_create": access.organisation_can_create(request.user),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk)
    can_see_people = access.people_can_list(request.user, organisation)
    # The contacts a page at a time: a national body may have thousands (issue 21).
    contacts = selectors.organisation_contacts(user=request.user, organisation=organisation)
    page = paginate(request, contacts) if can_see_people else None
    return render(
        request,
        "web/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": selectors.organisation_memberships(organisation=organisation),
            "members": selectors.organisation_members(organisation=organisation),
            "page": page,
            "people": page.object_list if page is not None else [],
            "query": query_without(request, "page"),
            "can_see_people": can_see_people,
            "can_change": access.organisation_can_change(request.user, organisation),
            "can_delete": access.organisation_can_delete(request.user, organisation),
            "can_add_person": access.person_can_change(request.user, organisation),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not access.organisation_can_create(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=OrganisationForm(request.POST or None),
        save=lambda form: services.organisation_create(
            actor=request.user, **form.data_for_service(*services.ORGANISATION_FIELDS)
        ),
        done=lambda organisation: organisation.get_absolute_url(),
        template="web/organisation_form.html",
        context={"organisation": None},
        message=_("Organisation created."),
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, manage=True)
    return form_page(
        request,
        form=OrganisationForm(
            request.POST or None,
            instance=organisation,
            directory=access.organisation_directory_changeable(request.user),
        ),
        save=lambda form: services.organisation_update(
            actor=request.user,
            organisation=organisation,
            version=form.cleaned_data.get("version"),
            **form.data_for_service(*services.ORGANISATION_FIELDS),
        ),
        done=lambda saved: saved.get_absolute_url(),
        template="web/organisation_form.html",
        context={"organisation": organisation},
    )


@login_required
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, delete=True)
    return delete_page(
        request,
        obj=organisation,
        delete=lambda: services.organisation_delete(actor=request.user, organisation=organisation),
        done_url=reverse("web:organisation_list"),
        cancel_url=organisation.get_absolute_url(),
        message=_("Organisation deleted."),
    )


@login_required
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, contacts=True)
    form = PersonForm(
        request.POST or None,
        user=request.user,
        initial={"organisation": organisation, "country": organisation.country},
    )
    return form_page(
        request,
        form=form,
        save=lambda form: services.person_create(actor=request.user, **form.cleaned_data),
        done=lambda person: organisation.get_absolute_url(),
        template="web/person_form.html",
        context={"organisation": organisation},
        message=_("Contact added."),
    )


def country_organisations(request: HttpRequest, country: Country) -> str:
    """The organisations section of a country's page (registered with reference's country sections)."""
    return render_to_string(
        "organisations/country_organisations.html",
        {"organisations": selectors.organisations_in_country(user=request.user, country=country)},
        request,
    )
