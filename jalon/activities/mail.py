"""E-mails to participants (Django's mail framework: the console unless EMAIL_HOST is set, settings.py):
the registration confirmation with the activity's calendar (.ics), the promotion from the waiting list,
reminders before a session, survey links and their reminder, the certificate link.

Each is written in the participant's language (`message_language`: the registration's, else the activity's,
else French). Those that must never go twice (reminders, surveys, certificate links) are recorded in
ParticipantMessage under a key, in the transaction that sends them: a second run finds the key and sends
nothing."""

import datetime
import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from jalon.activities import ical, links
from jalon.activities.models import Activity, ActivitySession, ParticipantMessage, Registration
from jalon.lib.multilingual import text_in

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
SESSION_REMINDER_DAYS = 1  # reminders go the day before a session
SURVEY_REMINDER_DAYS = 7  # an unanswered survey is recalled once, a week after the link


def message_language(registration: Registration) -> str:
    if registration.language in LANGUAGES:
        return registration.language
    for code in registration.activity.languages.values_list("code", flat=True):
        if code in LANGUAGES:
            return code
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in LANGUAGES else "fr"


def _absolute(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return urljoin(settings.SITE_URL, reverse(name, kwargs=kwargs))


def _load(pk: int) -> Registration | None:
    return Registration.objects.select_related("person", "activity").filter(pk=pk).first()


def _activity_lines(activity: Activity, language: str) -> list[str]:
    lines = [
        text_in(activity.title, language),
        _("Dates: %(start)s – %(end)s")
        % {
            "start": date_format(activity.start_date, "DATE_FORMAT"),
            "end": date_format(activity.end_date, "DATE_FORMAT"),
        },
    ]
    if activity.venue:
        lines.append(_("Venue: %(venue)s") % {"venue": activity.venue})
    for session in activity.sessions.order_by("date", "start_time", "id"):
        lines.append("  · " + _session_text(session))
    lines.append(_absolute("activities:activity_detail", language, code=activity.code))
    return lines


def _session_text(session: ActivitySession) -> str:
    text = date_format(session.date, "DATE_FORMAT")
    if session.start_time:
        text += " " + time_format(session.start_time, "TIME_FORMAT")
        if session.end_time:
            text += "–" + time_format(session.end_time, "TIME_FORMAT")
    return f"{text} {session.title}".strip()


def _send(registration: Registration, subject: str, lines: list[str], attachments=()) -> bool:
    if not registration.person.email:
        return False
    greeting = _("Hello %(name)s,") % {"name": registration.person}
    body = "\n".join([greeting, "", *lines, "", _("The organisers")]) + "\n"
    message = EmailMessage(subject=subject, body=body, to=[registration.person.email])
    for attachment in attachments:
        message.attach(*attachment)
    message.send()
    return True


def _send_once(registration: Registration, key: str, compose) -> bool:
    """Send what `compose(language)` returns ((subject, lines, attachments)) unless `key` was sent already."""
    if not registration.person.email:
        return False
    try:
        with transaction.atomic():
            _record, created = ParticipantMessage.objects.get_or_create(registration=registration, key=key)
            if not created:
                return False
            language = message_language(registration)
            with translation.override(language):
                subject, lines, attachments = compose(language)
                return _send(registration, subject, lines, attachments)
    except IntegrityError:  # another worker recorded it at the same moment: it sends
        return False


def registration_confirmation_send(pk: int) -> bool:
    """The confirmation of a registration (with the .ics of its sessions), or of a place on the waiting list."""
    registration = _load(pk)
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return False
    activity = registration.activity
    language = message_language(registration)
    with translation.override(language):
        title = text_in(activity.title, language)
        if registration.status == Registration.Status.WAITING:
            from jalon.activities.services import waiting_position

            subject = _("Waiting list: %(title)s") % {"title": title}
            intro = _(
                "The activity is full: you are number %(position)s on its waiting list. If a place frees, it is "
                "yours and we will tell you by e-mail."
            ) % {"position": waiting_position(registration)}
            return _send(registration, subject, [intro, "", *_activity_lines(activity, language)])
        subject = _("Registration confirmed: %(title)s") % {"title": title}
        intro = _("Your registration is confirmed. The sessions are in the attached calendar file.")
        return _send(
            registration,
            subject,
            [intro, "", *_activity_lines(activity, language)],
            [(f"{activity.code}.ics", _activity_calendar(activity, language), "text/calendar")],
        )


def _activity_calendar(activity: Activity, language: str) -> bytes:
    return ical.activity_ics(activity, activity.sessions.order_by("date", "start_time", "id"), language=language)


def promotion_send(pk: int) -> bool:
    """A place freed: the first on the waiting list is registered."""
    registration = _load(pk)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        return False
    activity = registration.activity
    language = message_language(registration)
    with translation.override(language):
        title = text_in(activity.title, language)
        subject = _("A place is yours: %(title)s") % {"title": title}
        intro = _("A place freed on this activity and you were first on the waiting list: you are now registered.")
        return _send(
            registration,
            subject,
            [intro, "", *_activity_lines(activity, language)],
            [(f"{activity.code}.ics", _activity_calendar(activity, language), "text/calendar")],
        )


def session_reminder_send(registration: Registration, session: ActivitySession) -> bool:
    def compose(language):
        title = text_in(registration.activity.title, language)
        subject = _("Reminder: %(title)s, %(session)s") % {"title": title, "session": _session_text(session)}
        lines = [
            _("This is a reminder of the next session of the activity you registered for:"),
            "  · " + _session_text(session),
            "",
            *_activity_lines(registration.activity, language),
        ]
        return subject, lines, ()

    return _send_once(registration, f"reminder:{session.pk}", compose)


def survey_url(registration: Registration, survey: str, language: str) -> str:
    return _absolute("activities:survey_answer", language, token=links.survey_token(registration.pk, survey))


def _survey_lines(registration: Registration, survey: str, language: str) -> tuple[str, list[str]]:
    title = text_in(registration.activity.title, language)
    if survey == links.SATISFACTION:
        subject = _("Your opinion of %(title)s") % {"title": title}
        ask = _("Please tell us what you thought of the activity: it takes a minute, with no account to create.")
    else:
        subject = _("Did you apply what you learned? %(title)s") % {"title": title}
        ask = _("Some time has passed since the activity: please tell us whether you have applied what you learned.")
    expiry = _("This personal link works once and expires in %(days)s days.") % {"days": links.SURVEY_DAYS}
    return subject, [ask, "", survey_url(registration, survey, language), "", expiry]


def survey_answered(registration: Registration, survey: str) -> bool:
    if survey == links.SATISFACTION:
        return registration.satisfaction is not None
    return bool(registration.followup_applied)


def survey_send(registration: Registration, survey: str) -> bool:
    """A survey's personal link, once per registration and survey (never to one who answered already)."""
    if survey_answered(registration, survey):
        return False

    def compose(language):
        subject, lines = _survey_lines(registration, survey, language)
        return subject, lines, ()

    return _send_once(registration, f"survey:{survey}", compose)


def survey_reminder_send(registration: Registration, survey: str) -> bool:
    if survey_answered(registration, survey):
        return False

    def compose(language):
        subject, lines = _survey_lines(registration, survey, language)
        return _("Reminder: %(subject)s") % {"subject": subject}, lines, ()

    return _send_once(registration, f"survey-reminder:{survey}", compose)


def certificate_url(registration: Registration, language: str) -> str:
    token = links.certificate_token(registration.pk, registration.certificate_code or "")
    return _absolute("activities:certificate_link", language, token=token)


def certificate_send(registration: Registration) -> bool:
    """The personal link to the participant's certificate (once per certificate code)."""
    if not registration.certificate_code:
        return False

    def compose(language):
        title = text_in(registration.activity.title, language)
        subject = _("Your certificate: %(title)s") % {"title": title}
        lines = [
            _(
                "Congratulations on completing the activity. Your certificate of completion (PDF) is at this "
                "personal link:"
            ),
            "",
            certificate_url(registration, language),
            "",
            _("Verification code: %(code)s") % {"code": registration.certificate_code},
            _("This link expires in %(days)s days; the code can be checked on the site at any time.")
            % {"days": links.CERTIFICATE_DAYS},
        ]
        return subject, lines, ()

    return _send_once(registration, f"certificate:{registration.certificate_code}", compose)


def scheduled_send(now: datetime.datetime | None = None) -> int:
    """What the worker sends every minute (jobs.queue recovery): the reminders of tomorrow's sessions and of
    surveys unanswered a week after their link. Idempotent: each goes once (ParticipantMessage)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    sessions = ActivitySession.objects.filter(
        date__gt=today, date__lte=today + datetime.timedelta(days=SESSION_REMINDER_DAYS)
    ).exclude(activity__status=Activity.Status.CANCELLED)
    for session in sessions.select_related("activity"):
        registrations = (
            Registration.objects.filter(activity_id=session.activity_id, status=Registration.Status.REGISTERED)
            .exclude(person__email="")
            .exclude(messages__key=f"reminder:{session.pk}")
            .select_related("person", "activity")
        )
        for registration in registrations:
            sent += session_reminder_send(registration, session)
    due = now - datetime.timedelta(days=SURVEY_REMINDER_DAYS)
    still_valid = now - datetime.timedelta(days=links.SURVEY_DAYS - 1)
    for survey in links.SURVEYS:
        first = ParticipantMessage.objects.filter(key=f"survey:{survey}", sent_at__lte=due, sent_at__gte=still_valid)
        registrations = (
            Registration.objects.filter(pk__in=first.values("registration_id"))
            .exclude(messages__key=f"survey-reminder:{survey}")
            .select_related("person", "activity")
        )
        for registration in registrations:
            sent += survey_reminder_send(registration, survey)
    return sent
