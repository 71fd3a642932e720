"""Pages of the resource library: the list, a resource with its language versions (size shown before download),
adding and editing a resource and its files, publishing it, and the download, counted for the country of the
signed-in person's organisation or the one chosen on the page (nobody's name, no address)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.knowledge.access import library as access
from jalon.knowledge.access.lessons import knowledge_read_organisations
from jalon.knowledge.forms.lessons import StepForm
from jalon.knowledge.forms.library import DownloadForm, ResourceFileForm, ResourceFilterForm, ResourceForm
from jalon.knowledge.models import Resource
from jalon.knowledge.selectors import library as selectors
from jalon.knowledge.services import library as services
from jalon.organisations.models import Organisation
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, valid_filters
from jalon.web.pages import form_page


def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.resources_list(
        user=request.user,
        query=filters.get("q", ""),
        type=filters.get("type", ""),
        language=filters.get("language", ""),
        ics=filters.get("ics", ""),
    )
    return render(
        request,
        "knowledge/resource_list.html",
        {
            "form": form,
            "page": paginate(request, queryset),
            "query": query_without(request, "page"),
            "can_add": access.resource_can_add(request.user),
        },
    )


def _own_country(user):
    """The country of the signed-in person's organisation, when there is one to read."""
    own = sorted(knowledge_read_organisations(user))
    if not own:
        return None
    return Organisation.objects.filter(pk=own[0]).select_related("country").first().country


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.access_resource(request.user, pk)
    own_country = _own_country(request.user)
    return render(
        request,
        "knowledge/resource_detail.html",
        {
            "resource": resource,
            **selectors.resource_page(resource),
            "own_country": own_country,
            "download_form": None if own_country else DownloadForm(),
            "can_edit": access.resource_can_edit(request.user, resource),
            "can_publish": access.resource_can_publish(request.user, resource)
            and resource.status == Resource.Status.DRAFT,
            "step_form": StepForm(initial={"version": resource.version}),
        },
    )


def _resource_page(request, *, form, save, resource: Resource | None = None):
    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: saved.get_absolute_url(),
        message=_("Resource saved."),
        template="knowledge/form.html",
        context={
            "title": _("Edit the resource") if resource else _("Add a resource"),
            "cancel": resource.get_absolute_url() if resource else reverse("knowledge:resource_list"),
        },
    )


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    if not access.resource_can_add(request.user):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, user=request.user)
    return _resource_page(request, form=form, save=lambda f: services.resource_create(actor=request.user, **f.values()))


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.access_resource(request.user, pk, edit=True)
    form = ResourceForm(request.POST or None, user=request.user, resource=resource)
    return _resource_page(
        request,
        form=form,
        save=lambda f: services.resource_update(
            actor=request.user, resource=resource, version=f.cleaned_data.get("version"), **f.values()
        ),
        resource=resource,
    )


@login_required
def resource_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a language version (or replace that language's file)."""
    resource = access.access_resource(request.user, pk, edit=True)
    form = ResourceFileForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form=form,
        save=lambda f: services.resource_file_store(actor=request.user, resource=resource, **f.cleaned_data),
        done=lambda saved: resource.get_absolute_url(),
        message=_("File saved."),
        template="knowledge/form.html",
        context={"title": _("Add a language version"), "cancel": resource.get_absolute_url(), "files": True},
    )


@login_required
@require_POST
def resource_publish(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.access_resource(request.user, pk)
    if not access.resource_can_publish(request.user, resource):
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(resource)
    try:
        services.resource_publish(actor=request.user, resource=resource, version=form.cleaned_data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The resource is published."))
    return redirect(resource)


def resource_download(request: HttpRequest, pk: int, language: str) -> HttpResponseBase:
    """The file, after the access check; the download is counted for a country, never for a person."""
    resource = access.access_resource(request.user, pk)
    stored = resource.files.filter(language__code=language[:12]).first()
    if stored is None or not stored.file:
        raise Http404
    country = _own_country(request.user)
    if country is None:
        form = DownloadForm(request.GET)
        country = form.cleaned_data.get("country") if form.is_valid() else None
    services.download_count(file=stored, country=country)
    return private_file(stored.file)
