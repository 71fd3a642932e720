"""The list of activities, their calendar and the activity page."""

import calendar
import datetime
from typing import Any

from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jalon.activities import access, selectors
from jalon.activities.forms import ActivityFilterForm
from jalon.activities.models import TITLE_SORT_LANGUAGES, Activity
from jalon.activities.sections import sections_for
from jalon.lib.collation import TextOrder
from jalon.lib.multilingual import active_content_language
from jalon.lib.smallgroups import count_shown, min_group_size, part_count_shown, part_shown
from jalon.web.listing import paginate, query_without, sort_queryset, valid_filters


def _title_order() -> str:
    """The sort column of the page's language (Activity.title_sort_*): indexed, accents and case ignored."""
    language = active_content_language()
    return f"title_sort_{language if language in TITLE_SORT_LANGUAGES else TITLE_SORT_LANGUAGES[0]}"


def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user)
    # Any: sort_queryset takes expressions as well as field names (its annotation says names only).
    orders: dict[str, Any] = {
        "start": "start_date",
        "title": _title_order(),
        "type": "type",
        "level": "level",
        "status": "status",
        "organiser": TextOrder(Coalesce("organiser__acronym", "organiser__name")),
    }
    queryset, sort = sort_queryset(
        request, selectors.activities_for_list(request.user, valid_filters(form)), allowed=orders, default="-start"
    )
    page = paginate(request, queryset)
    rows = list(page.object_list)
    # Exact participant counts only where the user may see the participants; small groups hidden elsewhere.
    exact = selectors.activities_managed_among(request.user, rows)
    registered = selectors.registered_counts(rows)
    threshold = min_group_size()
    for activity in rows:
        activity.participants_shown = count_shown(registered.get(activity.pk, 0), exact=activity.pk in exact)
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


def activity_calendar(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user, dates=False)
    first = _month_of(request.GET.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    activities = selectors.activities_in_calendar(
        request.user, valid_filters(form), start=weeks[0][0], end=weeks[-1][-1]
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
            {"date": day, "in_month": day.month == first.month, "today": day == today, "entries": by_day.get(day, [])}
            for day in week
        ]
        for week in weeks
    ]
    return render(
        request,
        "activities/activity_calendar.html",
        {
            "form": form,
            "month": first,
            "grid": grid,
            "weekdays": [datetime.date(2024, 1, day) for day in range(1, 8)],  # 1 January 2024 was a Monday
            "count": len(activities),
            "previous_month": (first - datetime.timedelta(days=1)).replace(day=1),
            "next_month": (first + datetime.timedelta(days=32)).replace(day=1),
            "filter_query": query_without(request, "month", "page", "sort", "size"),
            "can_create": access.activity_can_create(request.user),
            "can_merge": access.people_can_merge(request.user),
        },
    )


# Activity page --------------------------------------------------------------------------------------------------


def activity_results(*, activity: Activity, exact: bool, summary=None) -> dict:
    """The activity's results as the page shows them: a figure is None where it would describe fewer
    people than the small-group threshold, for readers who may not see the participants."""
    summary = summary or selectors.activity_summary(activity=activity)
    counts = selectors.activity_counts(activity=activity)
    threshold = min_group_size()
    registered = summary.registered

    def share(part, whole, percent):
        return percent if whole and part_shown(part, whole, exact=exact) else None

    return {
        "threshold": threshold,
        "registered": count_shown(registered, exact=exact),
        "attended": part_count_shown(counts["attended"], registered, exact=exact),
        "completed": part_count_shown(summary.completed, registered, exact=exact),
        "average_gain": summary.average_gain
        if summary.average_gain is not None and (exact or counts["tested"] >= threshold)
        else None,
        "has_gain": summary.average_gain is not None,
        "satisfied_percent": share(summary.satisfied, summary.satisfaction_answers, summary.satisfied_percent),
        "satisfaction_answers": summary.satisfaction_answers,
        "applied_percent": share(summary.applied, summary.followup_answers, summary.applied_percent),
        "followup_answers": summary.followup_answers,
    }


def activity_detail(request: HttpRequest, code: str) -> HttpResponse:
    activity = access.access_activity(request.user, code)
    can_manage = access.activity_can_manage(request.user, activity)
    can_see_people = access.activity_participants_visible(request.user, activity)
    sessions = list(selectors.activity_sessions(activity=activity))
    summary = selectors.activity_summary(activity=activity)
    for session in sessions:
        # Present at a session, among those registered: neither those present nor those absent may be few.
        session.present_shown = part_count_shown(session.present_count, summary.registered, exact=can_see_people)
    context = {
        "activity": activity,
        **selectors.activity_relations(activity),
        "sessions": sessions,
        "outputs": selectors.activity_outputs_shown(request.user, activity),
        "results": activity_results(activity=activity, exact=can_see_people, summary=summary),
        "can_manage": can_manage,
        "can_delete": access.activity_can_delete(request.user, activity),
        "can_see_people": can_see_people,
        "can_register": access.activity_can_register_self(request.user, activity) or can_manage,
        "sections": sections_for(request, activity),
    }
    if can_see_people:
        page = paginate(request, selectors.activity_participants(activity=activity))
        registrations = list(page.object_list)
        # Who was at which session, for the rows of this page only (one query).
        grid = selectors.attendance_grid(activity=activity) if sessions and registrations else {}
        for registration in registrations:
            registration.marks = [(session, grid.get((registration.pk, session.pk))) for session in sessions]
        context.update(page=page, registrations=registrations, query=query_without(request, "page"))
    return render(request, "activities/activity_detail.html", context)
