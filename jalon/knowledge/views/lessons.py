"""Pages of lessons learned: the list and a lesson (public once published), submitting and editing, the team's
validate and publish steps, the evidence file, and the sections finance and activities show on a proposal's and
an activity's page: the validated lessons of its outcomes (and countries), with a form to cite one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.activities.access import access_activity
from jalon.finance.access import proposals_visible
from jalon.finance.models import Proposal
from jalon.knowledge.access import lessons as access
from jalon.knowledge.forms.lessons import CiteForm, LessonFilterForm, LessonForm, StepForm
from jalon.knowledge.models import Lesson
from jalon.knowledge.selectors import lessons as selectors
from jalon.knowledge.services import lessons as services
from jalon.lib.ids import valid_id
from jalon.web.files import private_file
from jalon.web.listing import paginate, query_without, valid_filters
from jalon.web.pages import form_page


def lesson_list(request: HttpRequest) -> HttpResponse:
    form = LessonFilterForm(request.GET or None)
    filters = valid_filters(form)
    queryset = selectors.lessons_list(
        user=request.user,
        query=filters.get("q", ""),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
    )
    return render(
        request,
        "knowledge/lesson_list.html",
        {
            "form": form,
            "page": paginate(request, queryset),
            "query": query_without(request, "page"),
            "can_submit": access.lesson_can_submit(request.user),
        },
    )


def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = access.access_lesson(request.user, pk)
    links = selectors.lesson_links(user=request.user, lesson=lesson)  # only the records the reader may see
    return render(
        request,
        "knowledge/lesson_detail.html",
        {
            "lesson": lesson,
            "source": links.source,
            "countries": list(lesson.countries.order_by("iso3")),
            "results": links.results,
            "citations": links.citations,
            "can_edit": access.lesson_can_edit(request.user, lesson),
            "can_validate": access.lesson_can_validate(request.user, lesson),
            "step_form": StepForm(initial={"version": lesson.version}),
        },
    )


def _lesson_page(request, *, form, save, lesson: Lesson | None = None):
    return form_page(
        request,
        form=form,
        save=save,
        done=lambda saved: saved.get_absolute_url(),
        message=_("Lesson saved."),
        template="knowledge/form.html",
        context={
            "title": _("Edit the lesson") if lesson else _("Submit a lesson"),
            "cancel": lesson.get_absolute_url() if lesson else reverse("knowledge:lesson_list"),
            "files": True,
        },
    )


@login_required
def lesson_create(request: HttpRequest) -> HttpResponse:
    if not access.lesson_can_submit(request.user):
        raise PermissionDenied
    form = LessonForm(request.POST or None, request.FILES or None, user=request.user)
    return _lesson_page(request, form=form, save=lambda f: services.lesson_create(actor=request.user, **f.values()))


@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = access.access_lesson(request.user, pk, edit=True)
    form = LessonForm(request.POST or None, request.FILES or None, user=request.user, lesson=lesson)
    return _lesson_page(
        request,
        form=form,
        save=lambda f: services.lesson_update(
            actor=request.user, lesson=lesson, version=f.cleaned_data.get("version"), **f.values()
        ),
        lesson=lesson,
    )


@login_required
@require_POST
def lesson_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    lesson = access.access_lesson(request.user, pk)
    service = {"validate": services.lesson_validate, "publish": services.lesson_publish}.get(step)
    if service is None:
        raise Http404
    if not access.lesson_can_validate(request.user, lesson):
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(lesson)
    try:
        service(actor=request.user, lesson=lesson, version=form.cleaned_data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lesson updated."))
    return redirect(lesson)


def lesson_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    lesson = access.access_lesson(request.user, pk)
    if not lesson.evidence_file:
        raise Http404
    return private_file(lesson.evidence_file)


# Citing, on a proposal's or an activity's page ---------------------------------------------------------------


def _cite(request: HttpRequest, *, back: str, **target) -> HttpResponse:
    form = CiteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the lesson was applied."))
        return redirect(back)
    lesson = access.lessons_offered(request.user).filter(pk=form.cleaned_data["lesson"]).first()
    if lesson is None:
        messages.error(request, _("Only a validated lesson can be cited."))
        return redirect(back)
    try:
        services.lesson_cite(actor=request.user, lesson=lesson, how_applied=form.cleaned_data["how_applied"], **target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The lesson is cited."))
    return redirect(back)


@login_required
@require_POST
def cite_on_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    if not valid_id(pk):
        raise Http404
    proposal = proposals_visible(request.user, Proposal.objects.select_related("programme")).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    if not access.lesson_can_cite_on_proposal(request.user, proposal):
        raise PermissionDenied
    back = reverse("finance:proposal_detail", kwargs={"code": proposal.programme.code, "pk": proposal.pk})
    return _cite(request, back=back + "#lessons", proposal=proposal)


@login_required
@require_POST
def cite_on_activity(request: HttpRequest, code: str) -> HttpResponse:
    activity = access_activity(request.user, code)
    if not access.lesson_can_cite_on_activity(request.user, activity):
        raise PermissionDenied
    back = reverse("activities:activity_detail", kwargs={"code": activity.code})
    return _cite(request, back=back + "#lessons", activity=activity)


def proposal_lessons_section(request: HttpRequest, proposal: Proposal) -> str:
    """The section on finance's proposal page: the lessons offered, those cited, a form to cite one."""
    return render_to_string(
        "knowledge/_offered_lessons.html",
        {
            "lessons": selectors.lessons_for_proposal(user=request.user, proposal=proposal),
            "can_cite": access.lesson_can_cite_on_proposal(request.user, proposal),
            "cite_url": reverse("knowledge:cite_on_proposal", kwargs={"pk": proposal.pk}),
        },
        request=request,
    )


def activity_lessons_section(request: HttpRequest, activity) -> str:
    """The section on an activity's page: the lessons of its outcomes and countries."""
    return render_to_string(
        "knowledge/_offered_lessons.html",
        {
            "lessons": selectors.lessons_for_activity(user=request.user, activity=activity),
            "can_cite": access.lesson_can_cite_on_activity(request.user, activity),
            "cite_url": reverse("knowledge:cite_on_activity", kwargs={"code": activity.code}),
        },
        request=request,
    )
