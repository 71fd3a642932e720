"""Pages of capacity-building activities: list, calendar, activity page, and the organisers' forms for
activities, sessions and materials. Registrations, attendance and evaluations are in
activity_participants.py; a person's history and the personal-data tools in activity_people.py."""

import calendar
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.activities import access, selectors, services
from jalon.activities.models import Activity, ActivitySession, Material, Registration
from jalon.activities.reach import min_group_size
from jalon.activities.selectors import activity_participants, activity_sessions, activity_summary, attendance_grid
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import active_content_language, text_in_database
from jalon.reference.models import Country, Currency, Language, Region
from jalon.results import access as results_access
from jalon.results.models import Level
from jalon.web.form_errors import form_errors_from
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters

ANY = ("", gettext_lazy("Any"))


# Filters (list and calendar) -------------------------------------------------------------------------------


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False, choices=[ANY, *Activity.Type.choices])
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False, choices=[ANY, *Activity.Level.choices])
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[ANY, *Activity.Status.choices])
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, dates=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [ANY] + [
            (iso3, name)
            for iso3, name in Country.objects.annotate(shown=text_in_database("name"))
            .order_by("shown")
            .values_list("iso3", "shown")
        ]
        self.fields["region"].choices = [ANY] + region_choices()
        # Only the languages some activity is given in: the full ISO 639 list would weigh on every visit.
        languages = Language.objects.filter(pk__in=Activity.languages.through.objects.values("language_id"))
        self.fields["language"].choices = [ANY] + [(lang.code, str(lang.name)) for lang in languages]
        self.fields["programme"].choices = [ANY] + [
            (programme.code, str(programme)) for programme in results_access.programmes_visible(user).order_by("code")
        ]
        if not dates:
            del self.fields["date_from"], self.fields["date_to"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


def region_choices() -> list[tuple[str, str]]:
    """Regions, each followed by its sub-regions and their intermediate regions (Western Africa...), indented."""
    regions = list(Region.objects.exclude(kind=Region.Kind.WORLD).order_by(text_in_database("name")))
    children: dict = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    choices = []

    def walk(region, depth):
        choices.append((region.m49, f"{'— ' * depth}{region.name}"))
        for child in children.get(region.pk, []):
            walk(child, depth + 1)

    for region in regions:
        if region.kind == Region.Kind.REGION:
            walk(region, 0)
    return choices


def _title_order():
    language = active_content_language()
    return TextOrder(
        Coalesce(KT(f"title__{language}"), KT("title__en"), KT("title__fr"), "code", output_field=TextField())
    )


def activity_list(request):
    form = ActivityFilterForm(request.GET or None, user=request.user)
    filters = valid_filters(form)
    queryset = (
        selectors.activities_filtered(request.user, filters)
        .select_related("organiser", "region")
        .prefetch_related("countries")
        .annotate(
            registered_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED))
        )
    )
    queryset, sort = sort_queryset(
        request,
        queryset,
        allowed={
            "start": "start_date",
            "title": _title_order(),
            "type": "type",
            "level": "level",
            "status": "status",
            "organiser": TextOrder(Coalesce("organiser__acronym", "organiser__name")),
        },
        default="-start",
    )
    page = paginate(request, queryset)
    rows = list(page.object_list)
    # Exact participant counts only where the user may see the participants; small groups hidden elsewhere.
    exact = set(
        access.activities_manageable(request.user).filter(pk__in=[a.pk for a in rows]).values_list("pk", flat=True)
    )
    threshold = min_group_size()
    for activity in rows:
        count = activity.registered_count
        activity.participants_shown = count if activity.pk in exact or count == 0 or count >= threshold else None
    return render(
        request,
        "activities/activity_list.html",
        {
            "form": form,
            "page": page,
            "activities": rows,
            "sort": sort,
            "threshold": threshold,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "filter_query": query_without(request, "page", "sort", "size"),
            "can_create": access.activity_can_create(request.user),
            "can_merge": access.people_can_merge(request.user),
        },
    )


# Calendar ----------------------------------------------------------------------------------------------------


def _month_of(value: str | None) -> datetime.date:
    """The first day of the month asked for as YYYY-MM; this month for anything else."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


def activity_calendar(request):
    form = ActivityFilterForm(request.GET or None, user=request.user, dates=False)
    filters = valid_filters(form)
    first = _month_of(request.GET.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    activities = list(
        selectors.activities_filtered(request.user, {**filters, "date_from": grid_start, "date_to": grid_end})
        .select_related("organiser")
        .order_by("start_date", "end_date", "code")
    )
    # Each activity appears once per week row: on its first day in that week, with its dates; a long
    # course does not fill every cell of the month.
    by_day: dict[datetime.date, list] = {}
    for activity in activities:
        for week in weeks:
            days = [day for day in week if activity.start_date <= day <= activity.end_date]
            if days:
                by_day.setdefault(days[0], []).append((activity, days[0] != activity.start_date))
    today = timezone.localdate()
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "entries": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    filter_query = query_without(request, "month", "page", "sort", "size")
    weekdays = [datetime.date(2024, 1, day) for day in range(1, 8)]  # 1 January 2024 was a Monday
    return render(
        request,
        "activities/activity_calendar.html",
        {
            "form": form,
            "month": first,
            "grid": grid,
            "weekdays": weekdays,
            "count": len(activities),
            "previous_month": previous_month,
            "next_month": next_month,
            "filter_query": filter_query,
            "can_create": access.activity_can_create(request.user),
            "can_merge": access.people_can_merge(request.user),
        },
    )


# Activity page --------------------------------------------------------------------------------------------------


def _activity(request, code: str, *, manage: bool = False) -> Activity:
    activity = get_object_or_404(
        access.activities_visible(request.user).select_related(
            "organiser", "region", "planned_budget_currency", "actual_cost_currency"
        ),
        code=code,
    )
    if manage and not access.activity_can_manage(request.user, activity):
        raise PermissionDenied
    return activity


def _share_shown(part: int, whole: int, *, exact: bool, threshold: int) -> bool:
    """Whether a part of a group may be shown to a reader who does not see the participants: neither the
    part nor the rest of the group may be a group of 1 to threshold-1 people."""
    if exact:
        return True
    rest = whole - part
    return whole >= threshold and (part == 0 or part >= threshold) and (rest == 0 or rest >= threshold)


def activity_results(*, activity: Activity, exact: bool) -> dict:
    """The activity's results as the page shows them: a figure is None where it would describe fewer
    people than the small-group threshold, for readers who may not see the participants."""
    summary = activity_summary(activity=activity)
    counts = selectors.activity_counts(activity=activity)
    threshold = min_group_size()
    registered = summary.registered

    def count(value):
        return value if _share_shown(value, registered, exact=exact, threshold=threshold) else None

    def share(part, whole, percent):
        return percent if whole and _share_shown(part, whole, exact=exact, threshold=threshold) else None

    return {
        "threshold": threshold,
        "registered": registered if exact or registered == 0 or registered >= threshold else None,
        "attended": count(counts["attended"]),
        "completed": count(summary.completed),
        "average_gain": summary.average_gain
        if summary.average_gain is not None and (exact or counts["tested"] >= threshold)
        else None,
        "has_gain": summary.average_gain is not None,
        "satisfied_percent": share(summary.satisfied, summary.satisfaction_answers, summary.satisfied_percent),
        "satisfaction_answers": summary.satisfaction_answers,
        "applied_percent": share(summary.applied, summary.followup_answers, summary.applied_percent),
        "followup_answers": summary.followup_answers,
    }


def activity_detail(request, code: str):
    activity = _activity(request, code)
    can_manage = access.activity_can_manage(request.user, activity)
    can_see_people = access.activity_participants_visible(request.user, activity)
    sessions = list(activity_sessions(activity=activity))
    threshold = min_group_size()
    for session in sessions:
        count = session.present_count
        session.present_shown = count if can_see_people or count == 0 or count >= threshold else None
    outputs = (
        activity.outputs.filter(programme__in=results_access.programmes_visible(request.user))
        .select_related("programme", "level")
        .order_by("programme__code", "order")
    )
    context = {
        "activity": activity,
        "countries": activity.countries.all(),
        "languages": activity.languages.all(),
        "partners": activity.partners.all(),
        "donors": activity.donors.all(),
        "sessions": sessions,
        "materials": activity.materials.select_related("language"),
        "outputs": outputs,
        "results": activity_results(activity=activity, exact=can_see_people),
        "can_manage": can_manage,
        "can_delete": access.activity_can_delete(request.user, activity),
        "can_see_people": can_see_people,
        "can_register": access.activity_can_register_self(request.user, activity) or can_manage,
    }
    if can_see_people:
        page = paginate(request, activity_participants(activity=activity))
        registrations = list(page.object_list)
        # Who was at which session, for the rows of this page only (one query).
        grid = attendance_grid(activity=activity) if sessions and registrations else {}
        for registration in registrations:
            registration.marks = [(session, grid.get((registration.pk, session.pk))) for session in sessions]
        context.update(page=page, registrations=registrations, query=query_without(request, "page"))
    return render(request, "activities/activity_detail.html", context)


# Organisers' forms: activity ------------------------------------------------------------------------------------


class ActivityForm(forms.ModelForm):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), required=False, max_length=300)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), required=False, max_length=300)
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_fr = forms.CharField(
        label=gettext_lazy("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "code",
            "type",
            "modality",
            "level",
            "region",
            "countries",
            "languages",
            "start_date",
            "end_date",
            "venue",
            "capacity",
            "organiser",
            "partners",
            "donors",
            "status",
            "planned_budget",
            "planned_budget_currency",
            "actual_cost",
            "actual_cost_currency",
            "outputs",
            "published",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "title_en", "title_fr", "description_en", "description_fr"])
        self.fields["countries"].queryset = Country.objects.order_by(text_in_database("name"))
        self.fields["region"].queryset = Region.objects.exclude(kind=Region.Kind.WORLD).order_by(
            text_in_database("name")
        )
        self.fields["languages"].queryset = (
            Language.objects.filter(
                Q(code__in=["ar", "en", "es", "fr", "ru", "zh", "pt"]) | Q(activities__isnull=False)
            )
            .distinct()
            .order_by(text_in_database("name"))
        )
        organisations = access.activity_organisers_for(user).order_by(text_in_database("name"))
        self.fields["organiser"].queryset = organisations
        if not self.instance.pk and not self.is_bound:
            only = list(organisations[:2])
            if len(only) == 1:  # a focal point records activities for their own body: say it for them
                self.initial["organiser"] = only[0].pk
        from jalon.organisations.models import Organisation

        self.fields["partners"].queryset = Organisation.objects.order_by(text_in_database("name"))
        self.fields["donors"].queryset = Organisation.objects.order_by(text_in_database("name"))
        currencies = Currency.objects.order_by("code")
        self.fields["planned_budget_currency"].queryset = currencies
        self.fields["actual_cost_currency"].queryset = currencies
        self.fields["outputs"].queryset = (
            access.activity_outputs_for(user)
            .filter(level__iati_result_type__in=[Level.IatiType.OUTPUT, Level.IatiType.OTHER])
            .select_related("programme")
            .order_by("programme__code", "order")
        )
        self.fields["outputs"].label_from_instance = lambda result: f"{result.programme.code} · {result}"
        for name in ("countries", "languages", "partners", "donors", "outputs"):
            self.fields[name].widget.attrs["size"] = 6
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            for language in ("en", "fr"):
                self.fields[f"title_{language}"].initial = (self.instance.title or {}).get(language, "")
                self.fields[f"description_{language}"].initial = (self.instance.description or {}).get(language, "")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        title = dict(self.instance.title or {}) if self.instance.pk else {}
        description = dict(self.instance.description or {}) if self.instance.pk else {}
        for language in ("en", "fr"):
            title[language] = data.get(f"title_{language}", "").strip()
            description[language] = data.get(f"description_{language}", "").strip()
        fields["title"] = {key: value for key, value in title.items() if value}
        fields["description"] = {key: value for key, value in description.items() if value}
        return fields

    def _post_clean(self):
        # The service validates and saves: the model's own clean would complain about the title first.
        pass


def _activity_field(name: str) -> str | None:
    return {"title": "title_en", "description": "description_en"}.get(name)


@login_required
def activity_create(request):
    if not access.activity_can_create(request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=request.user, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not access.activity_can_record(request.user, organiser=fields["organiser"], outputs=fields["outputs"]):
            form.add_error("organiser", _("You may record activities only for your own organisation or programmes."))
        else:
            try:
                activity = services.activity_create(actor=request.user, **fields)
            except ValidationError as exc:
                form_errors_from(exc, form, field_for=_activity_field)
            else:
                messages.success(request, _("Activity created."))
                return redirect("activities:activity_detail", code=activity.code)
    return render(request, "activities/activity_form.html", {"form": form, "activity": None})


@login_required
def activity_edit(request, code: str):
    activity = _activity(request, code, manage=True)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not access.activity_can_record(request.user, organiser=fields["organiser"], outputs=fields["outputs"]):
            form.add_error("organiser", _("You may record activities only for your own organisation or programmes."))
        else:
            try:
                activity = services.activity_update(
                    actor=request.user, activity=activity, version=form.cleaned_data.get("version"), **fields
                )
            except ValidationError as exc:
                form_errors_from(exc, form, field_for=_activity_field)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("activities:activity_detail", code=activity.code)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_delete(request, code: str):
    activity = _activity(request, code)
    if not access.activity_can_delete(request.user, activity):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.activity_delete(actor=request.user, activity=activity)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("activities:activity_detail", code=activity.code)
        messages.success(request, _("Activity deleted."))
        return redirect("activities:activity_list")
    return render(
        request,
        "web/confirm_delete.html",
        {"object": activity, "cancel_url": reverse("activities:activity_detail", kwargs={"code": activity.code})},
    )


# Organisers' forms: sessions and materials ------------------------------------------------------------------------


class SessionForm(forms.ModelForm):
    class Meta:
        model = ActivitySession
        fields = list(services.SESSION_FIELDS)
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def _post_clean(self):
        pass  # the service validates (dates inside the activity's, times in order)


@login_required
def session_edit(request, code: str, pk: int | None = None):
    activity = _activity(request, code, manage=True)
    session = get_object_or_404(activity.sessions, pk=pk) if pk else None
    initial = {} if session else {"date": activity.start_date}
    form = SessionForm(request.POST or None, instance=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                services.session_create(actor=request.user, activity=activity, **form.cleaned_data)
            else:
                services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Session saved."))
            return redirect("activities:activity_detail", code=activity.code)
    return render(request, "activities/session_form.html", {"form": form, "activity": activity, "session": session})


@login_required
def session_delete(request, code: str, pk: int):
    activity = _activity(request, code, manage=True)
    session = get_object_or_404(activity.sessions, pk=pk)
    cancel = reverse("activities:activity_detail", kwargs={"code": activity.code})
    if request.method == "POST":
        services.session_delete(actor=request.user, session=session)
        messages.success(request, _("Session deleted."))
        return redirect(cancel)
    return render(request, "web/confirm_delete.html", {"object": session, "cancel_url": cancel})


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = list(services.MATERIAL_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = Language.objects.filter(
            code__in=["ar", "en", "es", "fr", "ru", "zh", "pt"]
        ).order_by(text_in_database("name"))

    def _post_clean(self):
        pass


@login_required
def material_edit(request, code: str, pk: int | None = None):
    activity = _activity(request, code, manage=True)
    material = get_object_or_404(activity.materials, pk=pk) if pk else None
    initial = {} if material else {"order": activity.materials.count()}
    form = MaterialForm(request.POST or None, request.FILES or None, instance=material, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if fields.get("file") is False:  # "clear" ticked: no file any more
            fields["file"] = ""
        elif fields.get("file") is None:
            fields["file"] = material.file if material else ""
        try:
            if material is None:
                services.material_create(actor=request.user, activity=activity, **fields)
            else:
                services.material_update(actor=request.user, material=material, **fields)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Material saved."))
            return redirect("activities:activity_detail", code=activity.code)
    return render(request, "activities/material_form.html", {"form": form, "activity": activity, "material": material})


@login_required
def material_delete(request, code: str, pk: int):
    activity = _activity(request, code, manage=True)
    material = get_object_or_404(activity.materials, pk=pk)
    cancel = reverse("activities:activity_detail", kwargs={"code": activity.code})
    if request.method == "POST":
        services.material_delete(actor=request.user, material=material)
        messages.success(request, _("Material deleted."))
        return redirect(cancel)
    return render(request, "web/confirm_delete.html", {"object": material, "cancel_url": cancel})
