"""E-mails about sponsorships and fellowships (Django's mail framework: the console unless EMAIL_HOST is set):

- the decision (approved or refused, with the reviewer's note or the reasons) to the candidate and to the
  applicant organisation's focal points and whoever filed it, once the decision is committed;
- a reminder that a sponsored delegate's report is due, REPORT_REMINDER_DAYS before REPORT_DAYS after the
  meeting's end, sent by the worker's periodic recoveries (jobs.queue.recovery_register) once per sponsorship
  (Sponsorship.report_reminded_at, claimed by one conditional update, so two workers never both send it).

Each person reads it in their language: a user's preferred language; the candidate, who has no account, the
language of whoever filed the application, else the programme's first language, else French."""

import datetime
import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jalon.lib.multilingual import text_in
from jalon.support.access import award_notified_users
from jalon.support.models import Application, Fellowship, Sponsorship

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
REPORT_DAYS = 30  # a sponsored delegate reports within a month of the meeting's end
REPORT_REMINDER_DAYS = 7  # and is reminded a week before


def _language(code: str | None, fallback: str) -> str:
    return code if code in LANGUAGES else fallback


def candidate_language(application: Application) -> str:
    programme_languages = [code for code in application.programme.languages or [] if code in LANGUAGES]
    fallback = programme_languages[0] if programme_languages else "fr"
    filer = application.created_by
    return _language(filer.preferred_language if filer else None, fallback)


def _recipients(application: Application) -> list[tuple[str, str]]:
    """(address, language) of everyone told, each address once."""
    seen: dict[str, str] = {}
    if application.person.email:
        seen[application.person.email.lower()] = candidate_language(application)
    for user in award_notified_users(application):
        seen.setdefault(user.email.lower(), _language(user.preferred_language, candidate_language(application)))
    return list(seen.items())


def _url(application: Application, language: str) -> str:
    with translation.override(language):
        return urljoin(settings.SITE_URL, application.get_absolute_url())


def _meeting(application: Application) -> str:
    meeting = application.meeting
    start, end = date_format(meeting.start_date, "DATE_FORMAT"), date_format(meeting.end_date, "DATE_FORMAT")
    return f"{meeting.committee.reference}, {start} – {end}"


def _send(application: Application, compose) -> int:
    """Send `compose(language)` ((subject, body)) to each recipient in their language; how many were sent."""
    sent = 0
    for address, language in _recipients(application):
        with translation.override(language):
            subject, body = compose(language)
            sent += send_mail(subject, body, None, [address], fail_silently=True)
    return sent


def decision_send(model: type[Sponsorship] | type[Fellowship], pk: int) -> int:
    """The decision on an application, as it stands when the e-mail goes (after the commit)."""
    application = (
        model.objects.select_related("person", "programme", "meeting__committee", "created_by").filter(pk=pk).first()
    )
    if application is None or application.status not in (model.Status.APPROVED, model.Status.REFUSED):
        return 0
    approved = application.status == model.Status.APPROVED
    sponsorship = isinstance(application, Sponsorship)

    def compose(language):
        names = {"person": application.person, "meeting": _meeting(application)}
        if sponsorship:
            subject = (
                _("Sponsorship approved: %(person)s") if approved else _("Sponsorship refused: %(person)s")
            ) % names
            lead = (
                _("The sponsorship of %(person)s at %(meeting)s is approved.")
                if approved
                else _("The sponsorship of %(person)s at %(meeting)s is refused.")
            ) % names
        else:
            subject = (_("Fellowship awarded: %(person)s") if approved else _("Fellowship refused: %(person)s")) % names
            lead = (
                _("The fellowship of %(person)s at %(meeting)s is awarded.")
                if approved
                else _("The fellowship of %(person)s at %(meeting)s is refused.")
            ) % names
        lines = [lead, ""]
        if approved and application.review_note:
            lines += [_("The reviewer's note:"), application.review_note, ""]
        if not approved and application.refusal_reasons:
            lines += [_("The reasons:"), application.refusal_reasons, ""]
        if approved and sponsorship:
            lines += [
                _("After the meeting, the delegate reports on it by %(date)s.")
                % {"date": date_format(report_due(application), "DATE_FORMAT")},
                "",
            ]
        lines += [text_in(application.programme.title, language), _url(application, language)]
        return subject, "\n".join(lines) + "\n"

    return _send(application, compose)


def report_due(sponsorship: Sponsorship) -> datetime.date:
    return sponsorship.meeting.end_date + datetime.timedelta(days=REPORT_DAYS)


def report_reminders_send(now: datetime.datetime | None = None) -> int:
    """What the worker sends every minute: the reminder of each sponsored delegate's report due within
    REPORT_REMINDER_DAYS (attended, no report yet), once per sponsorship. Reports already overdue are not
    recalled (the team follows them up): no flood of old reminders when the worker first runs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ended_by = today - datetime.timedelta(days=REPORT_DAYS - REPORT_REMINDER_DAYS)
    ended_after = today - datetime.timedelta(days=REPORT_DAYS)
    due = Sponsorship.objects.filter(
        status=Sponsorship.Status.ATTENDED,
        report_reminded_at__isnull=True,
        meeting__end_date__lte=ended_by,
        meeting__end_date__gte=ended_after,
    ).select_related("person", "programme", "meeting__committee", "created_by")
    sent = 0
    for sponsorship in due:
        # Claimed by one conditional update: of two workers, one only sends.
        if not Sponsorship.objects.filter(pk=sponsorship.pk, report_reminded_at__isnull=True).update(
            report_reminded_at=now
        ):
            continue

        def compose(language, sponsorship=sponsorship):
            names = {
                "person": sponsorship.person,
                "meeting": _meeting(sponsorship),
                "date": date_format(report_due(sponsorship), "DATE_FORMAT"),
            }
            subject = _("Report due by %(date)s: %(person)s") % names
            lines = [
                _("The report of %(person)s on %(meeting)s is due by %(date)s.") % names,
                _("Write it or attach it on the sponsorship's page:"),
                _url(sponsorship, language),
            ]
            return subject, "\n".join(lines) + "\n"

        sent += _send(sponsorship, compose)
    return sent
