"""Running a workshop: calendars (.ics), the participants page (search, filters, bulk actions, exports, the
sign-in sheet), and the personal links participants receive by e-mail (surveys, certificate), which need no
login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.activities import access, ical, links, selectors, services, sheets
from jalon.activities.certificates import certificate_pdf_bytes
from jalon.activities.forms import (
    BULK_CHOICES,
    ActivityFilterForm,
    FollowUpSurveyForm,
    ParticipantFilterForm,
    SatisfactionSurveyForm,
)
from jalon.activities.views.certificates import _verify_url
from jalon.lib.ids import valid_id
from jalon.web.listing import paginate, query_without, valid_filters

LANGUAGES = ("fr", "en")


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or translation.get_language()
    return language if language in LANGUAGES else "fr"


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Calendars --------------------------------------------------------------------------------------------------


def activity_ics(request: HttpRequest, code: str) -> HttpResponse:
    """The activity's sessions as an iCalendar file (whoever may see the activity)."""
    activity = access.access_activity(request.user, code)
    sessions = selectors.activity_sessions_in_order(activity)
    return _ics_response(ical.activity_ics(activity, sessions, language=_language(request)), f"{activity.code}.ics")


def activities_ics(request: HttpRequest) -> HttpResponse:
    """The activity calendar (the activities the user may see, with the calendar's filters) as iCalendar."""
    form = ActivityFilterForm(request.GET or None, user=request.user, dates=False)
    today = timezone.localdate()
    activities = selectors.activities_in_calendar(
        request.user,
        valid_filters(form),
        start=today.replace(year=today.year - 1, month=1, day=1),
        end=today.replace(year=today.year + 2, month=12, day=31),
    )
    return _ics_response(
        ical.activities_ics(activities, name=_("Activities"), language=_language(request)), "activities.ics"
    )


# The participants page ------------------------------------------------------------------------------------------


def _participants_access(request: HttpRequest, code: str):
    activity = access.access_activity(request.user, code)
    if not access.activity_participants_visible(request.user, activity):
        raise PermissionDenied
    return activity


def _filtered(request: HttpRequest, activity):
    form = ParticipantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    registrations = selectors.activity_participants_filtered(
        activity=activity,
        term=filters.get("q") or "",
        status=filters.get("status") or "",
        progress=filters.get("progress") or "",
    )
    return form, registrations


@login_required
def participants(request: HttpRequest, code: str) -> HttpResponse:
    activity = _participants_access(request, code)
    form, registrations = _filtered(request, activity)
    page = paginate(request, registrations)
    sessions = list(selectors.activity_sessions_in_order(activity))
    return render(
        request,
        "activities/participants.html",
        {
            "activity": activity,
            "form": form,
            "page": page,
            "registrations": page.object_list,
            "sessions": sessions,
            "actions": BULK_CHOICES,
            "can_manage": access.activity_can_manage(request.user, activity),
            "filter_query": query_without(request, "page"),
            "waiting": selectors.waiting_list(activity),
        },
    )


@login_required
@require_POST
def participants_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """A bulk action: first a confirmation page naming who it concerns, then (confirmed) the action."""
    activity = access.access_activity(request.user, code, manage=True)
    action = request.POST.get("action", "")
    ids = [int(value) for value in request.POST.getlist("registrations") if valid_id(value)]
    chosen = selectors.activity_registrations_among(activity, ids)
    sessions = list(selectors.activity_sessions_in_order(activity))
    session = next((row for row in sessions if str(row.pk) == request.POST.get("session")), None)
    back = reverse("activities:participants", kwargs={"code": activity.code})
    labels = dict(BULK_CHOICES)
    if action not in labels or not chosen:
        messages.error(request, _("Choose an action and tick at least one participant."))
        return redirect(back)
    if action == services.BULK_PRESENT and session is None:
        messages.error(request, _("Choose the session at which they were present."))
        return redirect(back)
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "activities/participants_bulk.html",
            {"activity": activity, "action": action, "label": labels[action], "chosen": chosen, "session": session},
        )
    try:
        counts = services.participants_bulk(
            actor=request.user, activity=activity, action=action, registrations=chosen, session=session
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "%(label)s: done for %(done)s, %(skipped)s left aside (not registered, no e-mail address, or "
                "sent already)."
            )
            % {"label": labels[action], **counts},
        )
    return redirect(back)


@login_required
def participants_export(request: HttpRequest, code: str, format: str) -> HttpResponse:
    """The participant list as filtered on the page, as CSV or XLSX."""
    activity = _participants_access(request, code)
    _form, registrations = _filtered(request, activity)
    if format == "csv":
        response = HttpResponse(sheets.participants_csv(registrations), content_type="text/csv; charset=utf-8")
    elif format == "xlsx":
        response = HttpResponse(
            sheets.participants_xlsx(activity, registrations),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{activity.code}-participants.{format}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def signin_sheet(request: HttpRequest, code: str, pk: int, format: str) -> HttpResponse:
    """A session's sign-in sheet, to print (PDF) or fill in a spreadsheet (XLSX): its registered participants."""
    session = access.access_session(request.user, code, pk)
    activity = session.activity
    registrations, _recorded = selectors.attendance_sheet(session)
    if format == "pdf":
        content = sheets.signin_pdf(activity, session, registrations, language=_language(request))
        response = HttpResponse(content, content_type="application/pdf")
        disposition = "inline"
    elif format == "xlsx":
        response = HttpResponse(
            sheets.signin_xlsx(activity, session, registrations),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        disposition = "attachment"
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'{disposition}; filename="{activity.code}-{session.date:%Y-%m-%d}-sign-in.{format}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Personal links (no login) ---------------------------------------------------------------------------------------


def _link_refused(request: HttpRequest, message: str, status: int = 410) -> HttpResponse:
    return render(request, "activities/link_refused.html", {"message": message}, status=status)


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration_id, survey = links.survey_read(token)
    except links.LinkError as exc:
        return _link_refused(request, str(exc), status=404)
    registration = selectors.registration_by_pk(registration_id)
    if registration is None:
        return _link_refused(request, _("This link is not valid. Check that it was copied whole."), status=404)
    form_class = SatisfactionSurveyForm if survey == links.SATISFACTION else FollowUpSurveyForm
    form = form_class(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(registration=registration, survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            return _link_refused(request, " ".join(exc.messages))
        done = True
    else:
        from jalon.activities.mail import survey_answered

        if survey_answered(registration, survey) and not form.is_bound:
            return _link_refused(request, _("This survey was answered already: thank you."))
    return render(
        request,
        "activities/survey_form.html",
        {"form": form, "registration": registration, "activity": registration.activity, "survey": survey, "done": done},
    )


def certificate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's certificate (PDF) from their personal link: the code in the link must still be the
    certificate's (a withdrawn certificate's link no longer opens)."""
    try:
        registration_id, code = links.certificate_read(token)
    except links.LinkError as exc:
        return _link_refused(request, str(exc), status=404)
    registration = selectors.registration_by_pk(registration_id)
    if registration is None or not registration.certificate_code or registration.certificate_code != code:
        return _link_refused(request, _("This certificate is no longer valid. Ask the organisers of the activity."))
    language = _language(request)
    content = certificate_pdf_bytes(registration, language=language, verify_url=_verify_url(request, code, language))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{code}-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
