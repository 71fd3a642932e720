"""iCalendar (RFC 5545) files: an activity's sessions (one event each; the whole activity as one all-day
event when it has no session), and the activity calendar (one all-day event per activity). Built with the
`icalendar` library, which escapes, folds and dates the lines as the standard requires."""

import datetime
from collections.abc import Iterable
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Event

from jalon.activities.models import Activity, ActivitySession
from jalon.lib.multilingual import text_in

DOMAIN = "jalon"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//jalon//activities//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _activity_url(activity: Activity, language: str) -> str:
    with translation.override(language):
        return urljoin(settings.SITE_URL, reverse("activities:activity_detail", kwargs={"code": activity.code}))


def _event(uid: str, summary: str, activity: Activity, language: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("url", _activity_url(activity, language))
    description = text_in(activity.description, language)
    if description:
        event.add("description", description)
    if activity.venue:
        event.add("location", activity.venue)
    if activity.status == Activity.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def _all_day(event: Event, start: datetime.date, end: datetime.date) -> None:
    event.add("dtstart", start)
    event.add("dtend", end + datetime.timedelta(days=1))  # DTEND of an all-day event is the day after


def _session_event(activity: Activity, session: ActivitySession, language: str) -> Event:
    title = text_in(activity.title, language)
    summary = f"{title} – {session.title}" if session.title else title
    event = _event(f"session-{session.pk}", summary, activity, language)
    if session.start_time is None:
        _all_day(event, session.date, session.date)
        return event
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(session.date, session.start_time, tzinfo=zone)
    end_time = session.end_time or session.start_time
    end = datetime.datetime.combine(session.date, end_time, tzinfo=zone)
    event.add("dtstart", start)
    event.add("dtend", end if end > start else start + datetime.timedelta(hours=1))
    return event


def _activity_event(activity: Activity, language: str) -> Event:
    event = _event(f"activity-{activity.pk}", text_in(activity.title, language), activity, language)
    _all_day(event, activity.start_date, activity.end_date)
    return event


def activity_ics(activity: Activity, sessions: Iterable[ActivitySession], *, language: str) -> bytes:
    """An activity's sessions, or the activity itself when it has none."""
    calendar = _calendar(text_in(activity.title, language))
    events = [_session_event(activity, session, language) for session in sessions]
    for event in events or [_activity_event(activity, language)]:
        calendar.add_component(event)
    return calendar.to_ical()


def activities_ics(activities: Iterable[Activity], *, name: str, language: str) -> bytes:
    """The activity calendar: one all-day event per activity."""
    calendar = _calendar(name)
    for activity in activities:
        calendar.add_component(_activity_event(activity, language))
    return calendar.to_ical()
