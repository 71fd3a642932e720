"""Participants of an activity: the registration form (public when the activity is open, and for its
organisers), attendance per session, and each registration's evaluations and completion."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.activities import access, services
from jalon.activities.models import FollowUp, Registration
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Person
from jalon.reference.models import Country
from jalon.web.form_errors import form_errors_from
from jalon.web.views.activities import _activity

# The session key under which the public form remembers what it just registered, for the confirmation page.
REGISTERED_KEY = "jalon_registered"


class RegistrationForm(forms.Form):
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254)
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"),
        required=False,
        choices=[("", gettext_lazy("Not given")), *Person.Sex.choices],
        help_text=gettext_lazy("Optional. Used only for statistics by sex."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=None, required=False, empty_label=gettext_lazy("Other or none")
    )
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), queryset=None)
    function = forms.ChoiceField(
        label=gettext_lazy("Function"), choices=[("", gettext_lazy("Choose…")), *Person.Function.choices]
    )

    def __init__(self, *args, user, organiser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_access.organisations_visible(user).order_by(
            text_in_database("name")
        )
        self.fields["country"].queryset = Country.objects.order_by(text_in_database("name"))
        if organiser:
            # An organiser may record someone whose address they do not have.
            self.fields["email"].required = False
            self.fields["function"].required = False
            self.fields["country"].required = False

    def person_details(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


def registration_create(request, code: str):
    activity = _activity(request, code)
    organiser = access.activity_can_manage(request.user, activity)
    if not organiser and not access.activity_can_register_self(request.user, activity):
        return render(request, "activities/registration_closed.html", {"activity": activity}, status=403)
    form = RegistrationForm(request.POST or None, user=request.user, organiser=organiser)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user if request.user.is_authenticated else None,
                activity=activity,
                person_details=form.person_details(),
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
                messages.success(request, _("%(person)s is registered.") % {"person": registration.person})
                return redirect("activities:activity_detail", code=activity.code)
            request.session[REGISTERED_KEY] = activity.code
            return redirect("activities:registration_done", code=activity.code)
    return render(
        request,
        "activities/registration_form.html",
        {"form": form, "activity": activity, "organiser": organiser},
    )


def registration_done(request, code: str):
    activity = _activity(request, code)
    just_registered = request.session.get(REGISTERED_KEY) == activity.code
    return render(
        request, "activities/registration_done.html", {"activity": activity, "just_registered": just_registered}
    )


@login_required
def attendance_record(request, code: str, pk: int):
    """One form for a session: a checkbox per registrant, ticked for those present."""
    activity = _activity(request, code, manage=True)
    session = get_object_or_404(activity.sessions, pk=pk)
    registrations = list(
        activity.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("person__organisation")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    recorded = dict(session.attendances.values_list("registration_id", "present"))
    if request.method == "POST":
        ticked = set(request.POST.getlist("present"))
        present = {registration.pk: str(registration.pk) in ticked for registration in registrations}
        try:
            changed = services.attendance_record(actor=request.user, session=session, present=present)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Attendance recorded: %(present)s present of %(total)s.")
                % {"present": sum(present.values()), "total": len(present)}
                if changed
                else _("Attendance unchanged."),
            )
            return redirect("activities:activity_detail", code=activity.code)
    rows = [
        {"registration": registration, "present": recorded.get(registration.pk), "id": f"present-{registration.pk}"}
        for registration in registrations
    ]
    return render(
        request,
        "activities/attendance_form.html",
        {"activity": activity, "session": session, "rows": rows, "recorded": bool(recorded)},
    )


class EvaluationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    completed = forms.BooleanField(
        label=gettext_lazy("Completed the activity"),
        required=False,
        help_text=gettext_lazy("Completing issues the certificate and its verification code."),
    )
    pre_test_score = forms.DecimalField(
        label=gettext_lazy("Knowledge test before (0-100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    post_test_score = forms.DecimalField(
        label=gettext_lazy("Knowledge test after (0-100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("Satisfaction (1 = very dissatisfied, 5 = very satisfied)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Not answered")), *[(n, str(n)) for n in range(1, 6)]],
    )
    satisfaction_comment = forms.CharField(
        label=gettext_lazy("Satisfaction comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_applied = forms.ChoiceField(
        label=gettext_lazy("Follow-up: have you applied what you learned?"),
        required=False,
        choices=[("", gettext_lazy("Not answered")), *FollowUp.choices],
    )
    followup_comment = forms.CharField(
        label=gettext_lazy("Follow-up comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_date = forms.DateField(
        label=gettext_lazy("Follow-up date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Left empty, the day the answer is recorded."),
    )

    def evaluation(self) -> dict:
        fields = {name: self.cleaned_data.get(name) for name in services.EVALUATION_FIELDS}
        if fields["followup_date"] is None:
            fields.pop("followup_date")  # the service dates an answer recorded without one
        return fields


def _registration(request, code: str, pk: int) -> Registration:
    activity = _activity(request, code)
    registration = get_object_or_404(
        activity.registrations.select_related("person__organisation", "person__country", "activity"), pk=pk
    )
    if not access.registration_can_change(request.user, registration):
        raise PermissionDenied
    return registration


@login_required
def evaluation_record(request, code: str, pk: int):
    """A registration's tests, surveys and completion, in one form."""
    registration = _registration(request, code, pk)
    initial = {name: getattr(registration, name) for name in services.EVALUATION_FIELDS}
    initial.update(version=registration.version, completed=registration.completed)
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            # Both steps or neither: a refused completion must not leave the scores saved.
            with transaction.atomic():
                updated = services.evaluation_record(
                    actor=request.user,
                    registration=registration,
                    version=form.cleaned_data.get("version"),
                    **form.evaluation(),
                )
                if form.cleaned_data["completed"] != updated.completed:
                    services.registration_complete(
                        actor=request.user, registration=updated, completed=form.cleaned_data["completed"]
                    )
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect("activities:activity_detail", code=registration.activity.code)
    return render(
        request,
        "activities/evaluation_form.html",
        {"form": form, "registration": registration, "activity": registration.activity},
    )


@login_required
def registration_cancel(request, code: str, pk: int):
    registration = _registration(request, code, pk)
    if request.method != "POST":
        return redirect("activities:evaluation_record", code=code, pk=pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registration cancelled."))
    return redirect("activities:activity_detail", code=registration.activity.code)
