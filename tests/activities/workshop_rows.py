"""Access table rows for running a workshop (spliced into tests/access/matrix_activities.py PAGE_CASES): the
calendars are public like the activity; the participants page, its exports, sign-in sheets and bulk actions
are its organisers'; the personal links (survey, certificate) open for whoever holds them, with no login."""

from jalon.activities import links, services
from jalon.activities.models import Attendance, Registration
from tests.access.matrix import EVERYONE, Redirect, page, url
from tests.activities.page_rows import ORGANISERS, code_of, records, session_of


def export_of(format):
    return lambda ctx: {"code": records(ctx).open.code, "format": format}


def sheet_of(format):
    return lambda ctx: session_of(ctx) | {"format": format}


def survey_of(ctx) -> dict:
    return {"token": links.survey_token(records(ctx).registration.pk, links.SATISFACTION)}


def certificate_of(ctx) -> dict:
    def complete(ctx):
        return services.registration_complete(actor=None, registration=records(ctx).registration)

    registration = ctx.once("workshop-certificate", complete)
    return {"token": links.certificate_token(registration.pk, registration.certificate_code)}


def bulk_form(ctx) -> dict:
    return {
        "action": "present",
        "session": records(ctx).session.pk,
        "registrations": [records(ctx).registration.pk],
        "confirm": "1",
    }


def attendance_of(ctx):
    return list(Attendance.objects.filter(session=records(ctx).session).values_list("present", flat=True))


def satisfaction_of(ctx):
    return Registration.objects.values_list("satisfaction", flat=True).get(pk=records(ctx).registration.pk)


PARTICIPANTS_PAGE = Redirect(
    lambda ctx: url("activities:participants", code=records(ctx).open.code), "the participants page"
)

ROWS = [
    page("calendar of the activities (.ics)", "activities:activities_ics", EVERYONE),
    page("calendar of a published activity (.ics)", "activities:activity_ics", EVERYONE, kwargs=code_of("open")),
    page("participants page", "activities:participants", ORGANISERS, kwargs=code_of("open")),
    page("participants export (CSV)", "activities:participants_export", ORGANISERS, kwargs=export_of("csv")),
    page("participants export (XLSX)", "activities:participants_export", ORGANISERS, kwargs=export_of("xlsx")),
    page("sign-in sheet (PDF)", "activities:signin_sheet", ORGANISERS, kwargs=sheet_of("pdf")),
    page("sign-in sheet (XLSX)", "activities:signin_sheet", ORGANISERS, kwargs=sheet_of("xlsx")),
    page(
        "participants bulk action (confirmed)",
        "activities:participants_bulk",
        ORGANISERS,
        method="post",
        kwargs=code_of("open"),
        data=bulk_form,
        ok=PARTICIPANTS_PAGE,
        effect=attendance_of,
    ),
    page("survey by its personal link", "activities:survey_answer", EVERYONE, kwargs=survey_of),
    page(
        "survey answer by its personal link",
        "activities:survey_answer",
        EVERYONE,
        method="post",
        kwargs=survey_of,
        data=lambda ctx: {"satisfaction": "5"},
        effect=satisfaction_of,
    ),
    page("certificate by its personal link", "activities:certificate_link", EVERYONE, kwargs=certificate_of),
]
