"""Pages of sponsorships (ISO) and fellowships (ITU): application forms for focal points, their
applications, each application with every eligibility rule's result and the workflow steps open to the
reader, the programme team's review queues, and what awards cost."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.accounts.versioning import ConflictError
from jalon.activities.models import Activity
from jalon.committees.models import Committee, Meeting
from jalon.lib.multilingual import text_in_database
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency
from jalon.results import access as results_access
from jalon.support import access, selectors, services
from jalon.support.models import Fellowship, Sponsorship
from jalon.support.rules import STATUS_LABELS, evaluate
from jalon.web.form_errors import form_errors_from
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters

ANY = ("", gettext_lazy("Any"))
# Meetings that ended this long ago are no longer offered on the forms.
RECENT_DAYS = 30


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Forms -----------------------------------------------------------------------------------------------------


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        return f"{meeting.committee.reference} · {meeting.t('title')} · {meeting.start_date:%Y-%m-%d}"


class ApplicationForm(forms.ModelForm):
    """What both application forms share: programme, applicant, candidate, meeting, costs."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    bodies: tuple = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = results_access.programmes_visible(user).order_by("code")
        organisations = access.support_applicant_choices(user)
        self.fields["organisation"].queryset = organisations.order_by("acronym", text_in_database("name"))
        self.fields["person"].queryset = (
            organisations_access.people_visible(user, Person.objects.filter(organisation__in=organisations))
            .select_related("organisation")
            .order_by("family_name", "given_name")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p} ({p.organisation.acronym or p.organisation.name})"
        since = datetime.date.today() - datetime.timedelta(days=RECENT_DAYS)
        meetings = Meeting.objects.filter(committee__body__in=self.bodies, end_date__gte=since)
        if self.instance.pk and self.instance.meeting_id:
            meetings = meetings | Meeting.objects.filter(pk=self.instance.meeting_id)
        self.fields["meeting"] = MeetingChoiceField(
            label=gettext_lazy("Meeting"),
            queryset=meetings.select_related("committee").order_by("start_date", "pk"),
        )
        self.fields["currency"].queryset = Currency.objects.order_by("code")
        if not self.instance.pk:
            self.fields["currency"].initial = Currency.objects.filter(code="CHF").values_list("pk", flat=True).first()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class SponsorshipForm(ApplicationForm):
    bodies = (Committee.Body.ISO, Committee.Body.IEC_ISO)

    class Meta:
        model = Sponsorship
        fields = [
            "programme",
            "organisation",
            "person",
            "meeting",
            "mirror_committee",
            "mirror_role",
            "training",
            "currency",
            "estimated_travel",
            "estimated_allowance",
            "estimated_other",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(kind=Organisation.Kind.NSB)
        self.fields["training"].queryset = (
            Activity.objects.filter(published=True).exclude(status=Activity.Status.CANCELLED).order_by("-start_date")
        )
        self.fields["training"].label_from_instance = lambda a: f"{a.code} · {a.start_date:%Y-%m-%d}"
        self.fields["training"].help_text = gettext_lazy(
            "Optional: a training the candidate follows before the meeting."
        )


class FellowshipForm(ApplicationForm):
    bodies = (Committee.Body.ITU_T,)

    class Meta:
        model = Fellowship
        fields = [
            "programme",
            "organisation",
            "person",
            "meeting",
            "kind",
            "partial_part",
            "financial_year",
            "currency",
            "estimated_travel",
            "estimated_allowance",
            "estimated_other",
        ]
        labels = {
            "organisation": gettext_lazy("Member State administration"),
            "estimated_travel": gettext_lazy("Estimated air ticket"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["financial_year"].required = False
        self.fields["financial_year"].help_text = gettext_lazy("Empty: the year of the meeting (ITU's financial year).")
        self.fields["partial_part"].help_text = gettext_lazy("For a partial fellowship only.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Fellowship.Kind.FULL:
            # A full fellowship covers both: what the "covers" menu says does not matter.
            cleaned["partial_part"] = ""
        elif cleaned.get("kind") == Fellowship.Kind.PARTIAL and not cleaned.get("partial_part"):
            self.add_error(
                "partial_part", _("Say what the partial fellowship covers: the air ticket or the daily allowance.")
            )
        return cleaned


# My applications -------------------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Applications"),
        required=False,
        choices=[("sponsorships", gettext_lazy("ISO sponsorships")), ("fellowships", gettext_lazy("ITU fellowships"))],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = dict(Sponsorship.Status.choices) | dict(Fellowship.Status.choices)
        self.fields["status"].choices = [ANY, *statuses.items()]


@login_required
def application_list(request):
    """The applications of the user's organisation (all of them for the programme team)."""
    _require(access.support_can_list(request.user))
    form = ListFilterForm(request.GET or None)
    filters = valid_filters(form)
    kind = filters.get("kind") or "sponsorships"
    if kind == "fellowships":
        queryset = selectors.fellowships_visible(user=request.user)
    else:
        queryset = selectors.sponsorships_visible(user=request.user)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={"created": "created_at", "meeting": "meeting__start_date", "status": "status"},
        default="-created",
    )
    page = paginate(request, queryset)
    return render(
        request,
        "support/application_list.html",
        {
            "form": form,
            "kind": kind,
            "page": page,
            "sort": sort,
            "sort_query": query_without(request, "sort", "page"),
            "query": query_without(request, "page"),
            "can_apply": access.support_can_apply(request.user),
            "can_review": access.support_can_see_queue(request.user),
            "can_see_costs": access.support_can_see_costs(request.user),
        },
    )


# Creating and editing --------------------------------------------------------------------------------------


def _application_form(request, form_class, create, update, instance=None):
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not access.support_can_apply_for(request.user, fields["programme"], fields["organisation"]):
            form.add_error("organisation", _("Apply for your own organisation."))
        else:
            try:
                if instance is None:
                    application = create(actor=request.user, **fields)
                else:
                    application = update(request.user, instance, form.cleaned_data.get("version"), fields)
            except ValidationError as exc:
                form_errors_from(exc, form, field_for=lambda name: "meeting" if name == "committee" else None)
            else:
                messages.success(request, _("Application saved as a draft. Submit it when it is complete."))
                return redirect(application.get_absolute_url())
    return form


@login_required
def sponsorship_create(request):
    _require(access.support_can_apply(request.user))
    form = _application_form(request, SponsorshipForm, services.sponsorship_create, None)
    if not isinstance(form, forms.BaseForm):
        return form
    return render(request, "support/application_form.html", {"form": form, "scheme": "sponsorship"})


@login_required
def sponsorship_edit(request, pk: int):
    sponsorship = get_object_or_404(selectors.sponsorships_visible(user=request.user), pk=pk)
    _require(access.support_can_edit(request.user, sponsorship))

    def update(actor, instance, version, fields):
        return services.sponsorship_update(actor=actor, sponsorship=instance, version=version, **fields)

    form = _application_form(request, SponsorshipForm, None, update, instance=sponsorship)
    if not isinstance(form, forms.BaseForm):
        return form
    return render(
        request,
        "support/application_form.html",
        {"form": form, "scheme": "sponsorship", "application": sponsorship},
    )


@login_required
def fellowship_create(request):
    _require(access.support_can_apply(request.user))
    form = _application_form(request, FellowshipForm, services.fellowship_create, None)
    if not isinstance(form, forms.BaseForm):
        return form
    return render(request, "support/application_form.html", {"form": form, "scheme": "fellowship"})


@login_required
def fellowship_edit(request, pk: int):
    fellowship = get_object_or_404(selectors.fellowships_visible(user=request.user), pk=pk)
    _require(access.support_can_edit(request.user, fellowship))

    def update(actor, instance, version, fields):
        return services.fellowship_update(actor=actor, fellowship=instance, version=version, **fields)

    form = _application_form(request, FellowshipForm, None, update, instance=fellowship)
    if not isinstance(form, forms.BaseForm):
        return form
    return render(
        request,
        "support/application_form.html",
        {"form": form, "scheme": "fellowship", "application": fellowship},
    )


# Workflow steps ----------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(StepForm):
    note = forms.CharField(
        label=gettext_lazy("Note (required when rules flag the application)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(StepForm):
    reasons = forms.CharField(label=gettext_lazy("Reasons for the refusal"), widget=forms.Textarea(attrs={"rows": 3}))


def _money(label):
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=12, decimal_places=2)


class TravelForm(StepForm):
    actual_travel = _money(gettext_lazy("Actual travel cost"))


class AttendForm(StepForm):
    actual_allowance = _money(gettext_lazy("Actual daily allowance"))
    actual_other = _money(gettext_lazy("Actual other costs"))


class CostsForm(StepForm):
    actual_travel = _money(gettext_lazy("Actual travel"))
    actual_allowance = _money(gettext_lazy("Actual daily allowance"))
    actual_other = _money(gettext_lazy("Actual other costs"))


class ReportForm(StepForm):
    text = forms.CharField(label=gettext_lazy("Report"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=gettext_lazy("Report file"), required=False)


def _sponsorship_steps():
    return {
        "submit": (StepForm, access.support_can_edit, services.sponsorship_submit, _("Submit the application")),
        "check": (StepForm, access.support_can_review, services.sponsorship_check, _("Check against the rules")),
        "approve": (NoteForm, access.support_can_review, services.sponsorship_approve, _("Approve")),
        "refuse": (RefuseForm, access.support_can_review, services.sponsorship_refuse, _("Refuse")),
        "travel": (TravelForm, access.support_can_review, services.sponsorship_arrange_travel, _("Travel arranged")),
        "attend": (AttendForm, access.support_can_review, services.sponsorship_attend, _("Attended")),
        "report": (ReportForm, access.support_can_report, services.sponsorship_report, _("Submit the report")),
        "costs": (CostsForm, access.support_can_review, services.sponsorship_record_costs, _("Record actual costs")),
    }


def _fellowship_steps():
    return {
        "submit": (StepForm, access.support_can_edit, services.fellowship_submit, _("Submit the request")),
        "approve": (NoteForm, access.support_can_review, services.fellowship_approve, _("Award")),
        "refuse": (RefuseForm, access.support_can_review, services.fellowship_refuse, _("Refuse")),
        "costs": (CostsForm, access.support_can_review, services.fellowship_record_costs, _("Record actual costs")),
    }


def _open_steps(user, application, steps: dict, starts: dict, url_name: str) -> list[dict]:
    """The steps the reader may take now, each with its (unbound) form."""
    open_steps = []
    for name, (form_class, allowed, _service, label) in steps.items():
        if application.status in starts[name] and allowed(user, application):
            form = form_class(initial={"version": application.version}, prefix=name)
            if name == "costs":
                form.initial.update(
                    actual_travel=application.actual_travel,
                    actual_allowance=application.actual_allowance,
                    actual_other=application.actual_other,
                )
            open_steps.append(
                {
                    "name": name,
                    "label": label,
                    "form": form,
                    "files": name == "report",
                    "action": reverse(url_name, kwargs={"pk": application.pk, "step": name}),
                }
            )
    return open_steps


def _take_step(request, application, step: str, steps: dict, starts: dict, keyword: str):
    if request.method != "POST" or step not in steps:
        raise PermissionDenied
    form_class, allowed, service, label = steps[step]
    if not allowed(request.user, application):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, prefix=step)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''} {' '.join(errors)}".strip()
            for name, errors in form.errors.items()
        ]
        messages.error(request, " ".join(problems))
        return redirect(application.get_absolute_url())
    data = dict(form.cleaned_data)
    try:
        service(actor=request.user, **{keyword: application}, **data)
    except ConflictError as exc:
        messages.error(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(
            request,
            _("%(step)s was refused: %(reasons)s") % {"step": label, "reasons": " ".join(exc.messages)},
        )
    else:
        application.refresh_from_db(fields=["status"])
        status = application.get_status_display()
        messages.success(request, _("Done: %(step)s. Status: %(status)s.") % {"step": label, "status": status})
    return redirect(application.get_absolute_url())


@login_required
def sponsorship_step(request, pk: int, step: str):
    sponsorship = get_object_or_404(selectors.sponsorships_visible(user=request.user), pk=pk)
    return _take_step(request, sponsorship, step, _sponsorship_steps(), services.SPONSORSHIP_STEPS, "sponsorship")


@login_required
def fellowship_step(request, pk: int, step: str):
    fellowship = get_object_or_404(selectors.fellowships_visible(user=request.user), pk=pk)
    return _take_step(request, fellowship, step, _fellowship_steps(), services.FELLOWSHIP_STEPS, "fellowship")


# Application pages -------------------------------------------------------------------------------------------


def _rules_context(application) -> dict:
    """The stored evaluation once submitted; for a draft, what the rules say now (nothing is stored)."""
    if application.status == application.Status.DRAFT:
        return {"evaluation": evaluate(application), "preview": True}
    return {"evaluation": application.evaluation(), "preview": False}


@login_required
def sponsorship_detail(request, pk: int):
    sponsorship = get_object_or_404(
        selectors.sponsorships_visible(user=request.user).select_related("training", "delegate", "reviewer"), pk=pk
    )
    return render(
        request,
        "support/sponsorship_detail.html",
        {
            "application": sponsorship,
            "steps": _open_steps(
                request.user, sponsorship, _sponsorship_steps(), services.SPONSORSHIP_STEPS, "support:sponsorship_step"
            ),
            "can_edit": access.support_can_edit(request.user, sponsorship),
            "status_labels": STATUS_LABELS,
            **_rules_context(sponsorship),
        },
    )


@login_required
def fellowship_detail(request, pk: int):
    fellowship = get_object_or_404(selectors.fellowships_visible(user=request.user).select_related("reviewer"), pk=pk)
    can_review = access.support_can_review(request.user, fellowship)
    return render(
        request,
        "support/fellowship_detail.html",
        {
            "application": fellowship,
            "steps": _open_steps(
                request.user, fellowship, _fellowship_steps(), services.FELLOWSHIP_STEPS, "support:fellowship_step"
            ),
            "can_edit": access.support_can_edit(request.user, fellowship),
            "ranking": selectors.fellowship_ranking([fellowship])[fellowship.pk] if can_review else None,
            "status_labels": STATUS_LABELS,
            **_rules_context(fellowship),
        },
    )


# Review queues -----------------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    programme = forms.ModelChoiceField(label=gettext_lazy("Programme"), required=False, queryset=None)
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), required=False, queryset=None)
    committee = forms.CharField(label=gettext_lazy("Committee"), required=False, max_length=100)

    def __init__(self, *args, user, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", gettext_lazy("Waiting for a decision")), *statuses]
        self.fields["programme"].queryset = results_access.programmes_managed(user).order_by("code")
        self.fields["country"].queryset = Country.objects.order_by(text_in_database("name"))


def _queue(request, *, statuses, select, sorts: dict, default: str):
    _require(access.support_can_see_queue(request.user))
    form = QueueFilterForm(request.GET or None, user=request.user, statuses=statuses)
    filters = valid_filters(form)
    queryset = select(
        user=request.user,
        status=filters.get("status", ""),
        country=filters.get("country"),
        programme=filters.get("programme"),
    )
    if filters.get("committee"):
        queryset = queryset.filter(meeting__committee__reference__icontains=filters["committee"])
    queryset, sort = sort_queryset(request, queryset, allowed=sorts, default=default)
    page = paginate(request, queryset)
    return form, page, sort


@login_required
def review_queue(request):
    """Sponsorship applications for the programme team, oldest first."""
    form, page, sort = _queue(
        request,
        statuses=Sponsorship.Status.choices,
        select=selectors.sponsorship_queue,
        sorts={
            "submitted": F("submitted_at"),
            "meeting": "meeting__start_date",
            "member": "organisation__acronym",
            "status": "status",
        },
        default="submitted",
    )
    return render(
        request,
        "support/review_queue.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "sort_query": query_without(request, "sort", "page"),
            "query": query_without(request, "page"),
        },
    )


@login_required
def fellowship_review(request):
    """Fellowship requests with the criteria ITU ranks them by, computed from the records."""
    form, page, sort = _queue(
        request,
        statuses=Fellowship.Status.choices,
        select=selectors.fellowship_queue,
        sorts={
            "submitted": F("submitted_at"),
            "meeting": "meeting__start_date",
            "country": text_in_database("country__name"),
            "status": "status",
        },
        default="submitted",
    )
    rows = list(page.object_list)
    rankings = selectors.fellowship_ranking(rows)
    return render(
        request,
        "support/fellowship_review.html",
        {
            "form": form,
            "page": page,
            "rows": [(row, rankings[row.pk]) for row in rows],
            "sort": sort,
            "sort_query": query_without(request, "sort", "page"),
            "query": query_without(request, "page"),
        },
    )


# Costs -------------------------------------------------------------------------------------------------------


class CostFilterForm(forms.Form):
    programme = forms.ModelChoiceField(label=gettext_lazy("Programme"), required=False, queryset=None)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100)
    committee = forms.CharField(
        label=gettext_lazy("Committee"), required=False, max_length=100, help_text=gettext_lazy("E.g. ISO/TC 34.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = results_access.programmes_visible(user).order_by("code")

    def clean_committee(self):
        reference = self.cleaned_data["committee"].strip()
        if not reference:
            return None
        committee = Committee.objects.filter(reference__iexact=reference).order_by("-study_period").first()
        if committee is None:
            raise forms.ValidationError(_("No committee has this reference."))
        return committee


@login_required
def costs(request):
    _require(access.support_can_see_costs(request.user))
    form = CostFilterForm(request.GET or None, user=request.user)
    filters = valid_filters(form)
    rows = selectors.award_costs(
        user=request.user,
        programme=filters.get("programme"),
        year=filters.get("year"),
        committee=filters.get("committee"),
    )
    return render(
        request,
        "support/costs.html",
        {"form": form, "rows": rows, "totals": selectors.cost_totals(rows)},
    )
