"""Participants of an activity: the registration form (public when the activity is open, and for its
organisers), attendance per session, and each registration's evaluations and completion."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from jalon.activities import access, selectors, services
from jalon.activities.forms import EvaluationForm, RegistrationForm
from jalon.activities.models import Registration
from jalon.lib.ids import valid_id
from jalon.web.forms import form_errors_from
from jalon.web.pages import form_page

# The session key under which the public form remembers what it just registered, for the confirmation page.
REGISTERED_KEY = "jalon_registered"
WAITING_KEY = "jalon_registered_waiting"


def registration_create(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_activity(request.user, code)
    organiser = access.activity_can_manage(request.user, activity)
    if not organiser and not access.activity_can_register_self(request.user, activity):
        return render(request, "activities/registration_closed.html", {"activity": activity}, status=403)
    if not organiser and services.registration_deadline_passed(activity):
        return render(
            request,
            "activities/registration_closed.html",
            {"activity": activity, "deadline": services.deadline_message(activity)},
            status=403,
        )
    # Said before the form is filled: a full activity offers its waiting list instead.
    full = services.activity_is_full(activity)
    form = RegistrationForm(request.POST or None, user=request.user, organiser=organiser)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user,
                activity=activity,
                person_details=form.person_details(),
                waiting_list=request.POST.get("waiting_list") == "1",
                language="" if organiser else (request.LANGUAGE_CODE or ""),
                source=Registration.Source.MANUAL if organiser else Registration.Source.FORM,
            )
        except ValidationError as exc:
            if not organiser and hasattr(exc, "error_dict") and "person" in exc.error_dict:
                # The public form says no more than that these details are registered already (never a name).
                form.add_error("email", _("Someone with these details is already registered for this activity."))
            else:
                form_errors_from(exc, form)
        else:
            if organiser:
                if registration.status == Registration.Status.WAITING:
                    messages.success(
                        request,
                        _("%(person)s is on the waiting list (number %(position)s).")
                        % {"person": registration.person, "position": services.waiting_position(registration)},
                    )
                    return redirect("activities:activity_detail", code=activity.code)
                messages.success(request, _("%(person)s is registered.") % {"person": registration.person})
                _namesakes_warn(request, registration)
                return redirect("activities:activity_detail", code=activity.code)
            request.session[REGISTERED_KEY] = activity.code
            request.session[WAITING_KEY] = registration.status == Registration.Status.WAITING
            return redirect("activities:registration_done", code=activity.code)
    return render(
        request,
        "activities/registration_form.html",
        {
            "form": form,
            "activity": activity,
            "organiser": organiser,
            "full": full,
            "waiting": len(selectors.waiting_list(activity)) if full else 0,
        },
    )


def _namesakes_warn(request: HttpRequest, registration: Registration) -> None:
    """A second record of the same name and organisation in the activity is most often the same person with
    another address: say so to the organiser, with the join to review when they may join records."""
    namesakes = selectors.registration_namesakes(registration)
    if not namesakes:
        return
    other = namesakes[0].person
    text = _(
        "%(other)s (%(email)s) is already registered with the same name and organisation: if it is the same "
        "person, join the two records."
    ) % {"other": other, "email": other.email or "—"}
    if access.people_can_merge(request.user):
        query = urlencode({"keep": other.pk, "duplicates": registration.person_id})
        link = f"{reverse('activities:person_merge_confirm')}?{query}"
        messages.warning(request, format_html('{} <a href="{}">{}</a>', text, link, _("Review the join")))
    else:
        messages.warning(request, text + " " + _("The programme team can join them."))


def registration_done(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_activity(request.user, code)
    just_registered = request.session.get(REGISTERED_KEY) == activity.code
    return render(
        request,
        "activities/registration_done.html",
        {
            "activity": activity,
            "just_registered": just_registered,
            "waiting": just_registered and request.session.get(WAITING_KEY, False),
        },
    )


@login_required
def attendance_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One form for a session: a checkbox per registrant, ticked for those present."""
    session = access.access_session(request.user, code, pk)
    activity = session.activity
    if request.method == "POST":
        # The ids ticked; anything else (not a number, not on the sheet) is ignored, as the sheet is.
        ticked = {int(value) for value in request.POST.getlist("present") if valid_id(value)}
        try:
            changed, present, total = services.attendance_sheet_record(
                actor=request.user, session=session, ticked=ticked
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Attendance recorded: %(present)s present of %(total)s.") % {"present": present, "total": total}
                if changed
                else _("Attendance unchanged."),
            )
            return redirect("activities:activity_detail", code=activity.code)
    # The sheet, by name, only to show it: a save reads no person (issue 21).
    registrations, recorded = selectors.attendance_sheet(session)
    rows = [
        {"registration": registration, "present": recorded.get(registration.pk), "id": f"present-{registration.pk}"}
        for registration in registrations
    ]
    return render(
        request,
        "activities/attendance_form.html",
        {"activity": activity, "session": session, "rows": rows, "recorded": bool(recorded)},
    )


@login_required
def evaluation_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A registration's tests, surveys and completion, in one form."""
    registration = access.access_registration(request.user, code, pk)
    initial = {name: getattr(registration, name) for name in services.EVALUATION_FIELDS}
    initial.update(version=registration.version, completed=registration.completed)

    @transaction.atomic  # both steps or neither: a refused completion must not leave the scores saved
    def save(form):
        updated = services.evaluation_record(
            actor=request.user, registration=registration, version=form.cleaned_data.get("version"), **form.evaluation()
        )
        if form.cleaned_data["completed"] != updated.completed:
            updated = services.registration_complete(
                actor=request.user, registration=updated, completed=form.cleaned_data["completed"]
            )
        return updated

    return form_page(
        request,
        form=EvaluationForm(request.POST or None, initial=initial),
        save=save,
        done=lambda saved: reverse("activities:activity_detail", kwargs={"code": registration.activity.code}),
        template="activities/evaluation_form.html",
        context={"registration": registration, "activity": registration.activity},
        message=_("Evaluation saved."),
    )


@login_required
def registration_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    registration = access.access_registration(request.user, code, pk)
    if request.method != "POST":
        return redirect("activities:evaluation_record", code=code, pk=pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registration cancelled."))
    return redirect("activities:activity_detail", code=registration.activity.code)
