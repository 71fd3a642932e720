"""The organisers' forms: an activity, its sessions and its materials."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.activities import access, selectors, services
from jalon.activities.forms import ActivityForm, MaterialForm, SessionForm, TrainerForm
from jalon.web.files import private_file
from jalon.web.pages import delete_page, form_page

TEMPLATE = "activities/activity_form.html"


def _detail_url(activity) -> str:
    return reverse("activities:activity_detail", kwargs={"code": activity.code})


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    if not access.activity_can_create(request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=request.user, initial={"start_date": timezone.localdate()})
    return form_page(
        request,
        form=form,
        save=lambda f: services.activity_create(actor=request.user, **f.service_fields()),
        done=_detail_url,
        template=TEMPLATE,
        context={"activity": None},
        message=_("Activity created."),
    )


@login_required
def activity_edit(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_activity(request.user, code, manage=True)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    return form_page(
        request,
        form=form,
        save=lambda f: services.activity_update(
            actor=request.user, activity=activity, version=f.cleaned_data.get("version"), **f.service_fields()
        ),
        done=_detail_url,
        template=TEMPLATE,
        context={"activity": activity},
    )


@login_required
def activity_delete(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_activity(request.user, code)
    if not access.activity_can_delete(request.user, activity):
        raise PermissionDenied
    return delete_page(
        request,
        obj=activity,
        delete=lambda: services.activity_delete(actor=request.user, activity=activity),
        done_url=reverse("activities:activity_list"),
        cancel_url=_detail_url(activity),
        message=_("Activity deleted."),
    )


# Sessions and materials ----------------------------------------------------------------------------------------


@login_required
def session_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    if pk is None:
        activity, session = access.access_activity(request.user, code, manage=True), None
    else:
        session = access.access_session(request.user, code, pk)
        activity = session.activity
    form = SessionForm(request.POST or None, instance=session, initial={} if session else {"date": activity.start_date})

    def save(f):
        if session is None:
            return services.session_create(actor=request.user, activity=activity, **f.cleaned_data)
        return services.session_update(actor=request.user, session=session, **f.cleaned_data)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: _detail_url(activity),
        template="activities/session_form.html",
        context={"activity": activity, "session": session},
        message=_("Session saved."),
    )


@login_required
def session_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    session = access.access_session(request.user, code, pk)
    return delete_page(
        request,
        obj=session,
        delete=lambda: services.session_delete(actor=request.user, session=session),
        done_url=_detail_url(session.activity),
        cancel_url=_detail_url(session.activity),
        message=_("Session deleted."),
    )


def material_file(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """A material's file, to whoever sees the activity (its page lists it), as a download."""
    material = access.access_material(request.user, code, pk, manage=False)
    if not material.file:
        raise Http404
    return private_file(material.file)


@login_required
def material_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    if pk is None:
        activity, material = access.access_activity(request.user, code, manage=True), None
    else:
        material = access.access_material(request.user, code, pk)
        activity = material.activity
    initial = {} if material else {"order": selectors.material_next_order(activity)}
    form = MaterialForm(request.POST or None, request.FILES or None, instance=material, initial=initial)

    def save(f):
        fields = f.service_fields(material)
        if material is None:
            return services.material_create(actor=request.user, activity=activity, **fields)
        return services.material_update(actor=request.user, material=material, **fields)

    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: _detail_url(activity),
        template="activities/material_form.html",
        context={"activity": activity, "material": material},
        message=_("Material saved."),
    )


@login_required
def material_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    material = access.access_material(request.user, code, pk)
    return delete_page(
        request,
        obj=material,
        delete=lambda: services.material_delete(actor=request.user, material=material),
        done_url=_detail_url(material.activity),
        cancel_url=_detail_url(material.activity),
        message=_("Material deleted."),
    )


@login_required
def activity_trainers(request: HttpRequest, code: str) -> HttpResponse:
    """Who trained in the activity, recorded by those who manage it: the expert roster reads it as engagement."""
    activity = access.access_activity(request.user, code, manage=True)
    return form_page(
        request,
        form=TrainerForm(request.POST or None, user=request.user),
        save=lambda f: services.trainer_record(actor=request.user, activity=activity, person=f.cleaned_data["person"]),
        done=lambda trainer: request.path,
        message=_("Trainer recorded."),
        template="activities/activity_trainers.html",
        context={"activity": activity, "trainers": selectors.activity_trainers(activity=activity)},
    )
