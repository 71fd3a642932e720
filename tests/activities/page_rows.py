"""Access table rows for the activity pages (spliced into tests/access/matrix_activities.py PAGE_CASES).

Records (built on first use, per role, inside the row's rolled-back savepoint): an open workshop `nsb` (ASN)
organises with a session, a material and one participant from ASN; a planned one of `nsb` with nobody
registered (deletable); an unpublished one of `nsb`; a workshop of `other_nsb` (KEBS); and a second record of
the participant (same name, same organisation) for the merge tool."""

import datetime
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile

from jalon.activities import services
from jalon.activities.models import Activity, ActivitySession, Attendance, Material, Registration
from jalon.organisations.models import Person
from tests.access.matrix import EVERYONE, TEAM, Redirect, page, url

# Who manages an activity `nsb` organises: its focal point and contributor, and the programme team.
ORGANISERS = TEAM | {"focal", "contributor"}
# Who may see an unpublished activity of `nsb`: its organisers, and platform-wide managers and viewers.
SEES_NSB_HIDDEN = ORGANISERS | {"viewer"}


@dataclass
class Records:
    open: Activity
    planned: Activity
    hidden: Activity
    kebs: Activity
    session: ActivitySession
    material: Material
    registration: Registration
    person: Person
    duplicate: Person


def _activity(code, organiser, **fields) -> Activity:
    defaults = {
        "title": {"fr": f"Atelier {code}", "en": f"Workshop {code}"},
        "type": Activity.Type.WORKSHOP,
        "modality": Activity.Modality.IN_PERSON,
        "level": Activity.Level.NATIONAL,
        "countries": [organiser.country],
        "organiser": organiser,
        "status": Activity.Status.OPEN,
        "start_date": datetime.date(2026, 10, 5),
        "end_date": datetime.date(2026, 10, 7),
    }
    return services.activity_create(actor=None, code=code, **(defaults | fields))


def _build(ctx) -> Records:
    workshop = _activity("page-open", ctx.nsb)
    session = services.session_create(actor=None, activity=workshop, date=workshop.start_date, title="Day 1")
    material = services.material_create(actor=None, activity=workshop, title="Slides", url="https://example.org/s")
    person = Person.objects.create(given_name="Awa", family_name="Diop", organisation=ctx.nsb, email="")
    registration = services.registration_create(actor=None, activity=workshop, person=person)
    kebs = _activity("page-kebs", ctx.other_nsb)
    duplicate = Person.objects.create(given_name="AWA", family_name="DIOP", organisation=ctx.nsb, email="awa@x.sn")
    services.registration_create(actor=None, activity=kebs, person=duplicate)
    return Records(
        open=workshop,
        planned=_activity("page-planned", ctx.nsb, status=Activity.Status.PLANNED),
        hidden=_activity("page-hidden", ctx.nsb, published=False),
        kebs=kebs,
        session=session,
        material=material,
        registration=registration,
        person=person,
        duplicate=duplicate,
    )


def records(ctx) -> Records:
    return ctx.once("activity_pages", _build)


def code_of(name):
    return lambda ctx: {"code": getattr(records(ctx), name).code}


def session_of(ctx) -> dict:
    return {"code": records(ctx).open.code, "pk": records(ctx).session.pk}


def material_of(ctx) -> dict:
    return {"code": records(ctx).open.code, "pk": records(ctx).material.pk}


def material_file_of(ctx) -> dict:
    def attach(ctx):
        material = records(ctx).material
        material.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
        return material

    return {"code": records(ctx).open.code, "pk": ctx.once("material-file", attach).pk}


def registration_of(ctx) -> dict:
    return {"code": records(ctx).open.code, "pk": records(ctx).registration.pk}


def person_of(ctx) -> dict:
    return {"pk": records(ctx).person.pk}


def activity_page(name):
    def path(ctx):
        return re.escape(url("activities:activity_detail", code=getattr(records(ctx), name).code))

    return Redirect(path, "its page")


OPEN_PAGE = activity_page("open")
NEW_ACTIVITY_PAGE = Redirect(lambda ctx: re.escape(url("activities:activity_detail", code="page-new")), "its page")
ACTIVITY_LIST = Redirect(lambda ctx: re.escape(url("activities:activity_list")), "the activity list")
PERSON_PAGE = Redirect(lambda ctx: re.escape(url("activities:person_detail", pk=records(ctx).person.pk)), "the person")


def activity_form(ctx, **changes) -> dict:
    return {
        "code": "page-new",
        "title_en": "New workshop",
        "type": "workshop",
        "modality": "in_person",
        "level": "national",
        "countries": [ctx.nsb.country_id],
        "start_date": "2026-11-02",
        "end_date": "2026-11-03",
        "organiser": ctx.nsb.pk,
        "status": "planned",
    } | changes


def edit_form(name):
    def build(ctx):
        activity = getattr(records(ctx), name)
        activity.refresh_from_db()
        return activity_form(
            ctx,
            code=activity.code,
            organiser=activity.organiser_id,
            countries=[activity.organiser.country_id],
            status=activity.status,
            venue="Renamed venue",
            version=activity.version,
        )

    return build


def activity_count(ctx):
    return Activity.objects.count()


def venue_of(name):
    return lambda ctx: Activity.objects.values_list("venue", flat=True).get(pk=getattr(records(ctx), name).pk)


def exists(model, name):
    return lambda ctx: model.objects.filter(pk=getattr(records(ctx), name).pk).exists()


def registration_count(ctx):
    records(ctx)
    return Registration.objects.count()


def attendance_of(ctx):
    return list(Attendance.objects.filter(session=records(ctx).session).values_list("present", flat=True))


def registration_field(field):
    return lambda ctx: Registration.objects.values_list(field, flat=True).get(pk=records(ctx).registration.pk)


def person_field(field):
    return lambda ctx: Person.objects.filter(pk=records(ctx).person.pk).values_list(field, flat=True).first()


def person_form(ctx) -> dict:
    return {
        "given_name": "Omar",
        "family_name": "Ba",
        "email": "omar.ba@example.sn",
        "country": ctx.nsb.country_id,
        "function": "regulator",
    }


def evaluation_form(ctx) -> dict:
    return {"version": records(ctx).registration.version, "pre_test_score": "30", "post_test_score": "70"}


def merge_query(ctx) -> dict:
    return {"keep": records(ctx).person.pk, "duplicates": [records(ctx).duplicate.pk]}


ROWS = [
    # List, calendar and the activity page: published activities are public.
    page("activity list", "activities:activity_list", EVERYONE),
    page("activity calendar", "activities:activity_calendar", EVERYONE),
    page("activity page of a published activity", "activities:activity_detail", EVERYONE, kwargs=code_of("open")),
    page(
        "activity page of the nsb's unpublished activity",
        "activities:activity_detail",
        SEES_NSB_HIDDEN,
        kwargs=code_of("hidden"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    # Creating: the programme team, and focal points and contributors for their own organisation.
    page("activity create form", "activities:activity_create", ORGANISERS),
    page(
        "activity create",
        "activities:activity_create",
        ORGANISERS,
        method="post",
        data=activity_form,
        ok=NEW_ACTIVITY_PAGE,
        effect=activity_count,
    ),
    page("activity edit form of the nsb's activity", "activities:activity_edit", ORGANISERS, kwargs=code_of("open")),
    page(
        "activity edit of the nsb's activity",
        "activities:activity_edit",
        ORGANISERS,
        method="post",
        kwargs=code_of("open"),
        data=edit_form("open"),
        ok=OPEN_PAGE,
        effect=venue_of("open"),
    ),
    page("activity edit form of another organiser's", "activities:activity_edit", TEAM, kwargs=code_of("kebs")),
    page(
        "activity edit of another organiser's activity",
        "activities:activity_edit",
        TEAM,
        method="post",
        kwargs=code_of("kebs"),
        data=edit_form("kebs"),
        ok=activity_page("kebs"),
        effect=venue_of("kebs"),
    ),
    page(
        "activity edit form of an unpublished activity",
        "activities:activity_edit",
        ORGANISERS,
        kwargs=code_of("hidden"),
        refused=(404,),
        refused_as={"viewer": (403,)},
    ),
    page("activity delete confirmation", "activities:activity_delete", ORGANISERS, kwargs=code_of("planned")),
    page(
        "activity delete",
        "activities:activity_delete",
        ORGANISERS,
        method="post",
        kwargs=code_of("planned"),
        ok=ACTIVITY_LIST,
        effect=exists(Activity, "planned"),
    ),
    # Sessions, materials, attendance: the activity's organisers.
    page("session create form", "activities:session_create", ORGANISERS, kwargs=code_of("open")),
    page(
        "session create",
        "activities:session_create",
        ORGANISERS,
        method="post",
        kwargs=code_of("open"),
        data=lambda ctx: {"date": "2026-10-06", "title": "Day 2"},
        ok=OPEN_PAGE,
        effect=lambda ctx: records(ctx).open.sessions.count(),
    ),
    page("session edit form", "activities:session_edit", ORGANISERS, kwargs=session_of),
    page(
        "session edit",
        "activities:session_edit",
        ORGANISERS,
        method="post",
        kwargs=session_of,
        data=lambda ctx: {"date": "2026-10-07", "title": "Moved"},
        ok=OPEN_PAGE,
        effect=lambda ctx: ActivitySession.objects.get(pk=records(ctx).session.pk).title,
    ),
    page("session delete confirmation", "activities:session_delete", ORGANISERS, kwargs=session_of),
    page(
        "session delete",
        "activities:session_delete",
        ORGANISERS,
        method="post",
        kwargs=session_of,
        ok=OPEN_PAGE,
        effect=exists(ActivitySession, "session"),
    ),
    page("attendance form", "activities:attendance_record", ORGANISERS, kwargs=session_of),
    page(
        "attendance record",
        "activities:attendance_record",
        ORGANISERS,
        method="post",
        kwargs=session_of,
        data=lambda ctx: {"present": [records(ctx).registration.pk]},
        ok=OPEN_PAGE,
        effect=attendance_of,
    ),
    page("material create form", "activities:material_create", ORGANISERS, kwargs=code_of("open")),
    page(
        "material create",
        "activities:material_create",
        ORGANISERS,
        method="post",
        kwargs=code_of("open"),
        data=lambda ctx: {"title": "Handbook", "url": "https://example.org/handbook", "order": 1},
        ok=OPEN_PAGE,
        effect=lambda ctx: records(ctx).open.materials.count(),
    ),
    page("material edit form", "activities:material_edit", ORGANISERS, kwargs=material_of),
    page(
        "material file of a published activity",
        "activities:material_file",
        EVERYONE,
        kwargs=material_file_of,
    ),
    page(
        "material edit",
        "activities:material_edit",
        ORGANISERS,
        method="post",
        kwargs=material_of,
        data=lambda ctx: {"title": "Renamed slides", "url": "https://example.org/s", "order": 0},
        ok=OPEN_PAGE,
        effect=lambda ctx: Material.objects.get(pk=records(ctx).material.pk).title,
    ),
    page("material delete confirmation", "activities:material_delete", ORGANISERS, kwargs=material_of),
    page(
        "material delete",
        "activities:material_delete",
        ORGANISERS,
        method="post",
        kwargs=material_of,
        ok=OPEN_PAGE,
        effect=exists(Material, "material"),
    ),
    # Registration: public while the activity is open; its organisers register someone at any time.
    page("registration form of an open activity", "activities:registration_create", EVERYONE, kwargs=code_of("open")),
    page(
        "registration for an open activity",
        "activities:registration_create",
        EVERYONE,
        method="post",
        kwargs=code_of("open"),
        data=person_form,
        ok=Redirect(
            lambda ctx: (
                "("
                + re.escape(url("activities:registration_done", code=records(ctx).open.code))
                + "|"
                + re.escape(url("activities:activity_detail", code=records(ctx).open.code))
                + ")"
            ),
            "the confirmation page, or the activity page for its organisers",
        ),
        effect=registration_count,
    ),
    page(
        "registration form of an activity not yet open",
        "activities:registration_create",
        ORGANISERS,
        kwargs=code_of("planned"),
        refused_anonymous=(403,),
    ),
    page(
        "registration for an activity not yet open",
        "activities:registration_create",
        ORGANISERS,
        method="post",
        kwargs=code_of("planned"),
        data=person_form,
        ok=activity_page("planned"),
        refused_anonymous=(403,),
        effect=registration_count,
    ),
    page("registration confirmation", "activities:registration_done", EVERYONE, kwargs=code_of("open")),
    page("evaluation form", "activities:evaluation_record", ORGANISERS, kwargs=registration_of),
    page(
        "evaluation record",
        "activities:evaluation_record",
        ORGANISERS,
        method="post",
        kwargs=registration_of,
        data=evaluation_form,
        ok=OPEN_PAGE,
        effect=registration_field("post_test_score"),
    ),
    page(
        "registration cancel",
        "activities:registration_cancel",
        ORGANISERS,
        method="post",
        kwargs=registration_of,
        ok=OPEN_PAGE,
        effect=registration_field("status"),
    ),
    # People: personal data for the organisers of their activities and the programme team; the
    # personal-data tools for the platform-wide team only.
    page(
        "person history",
        "activities:person_detail",
        ORGANISERS,
        kwargs=person_of,
        refused=(404,),
    ),
    page(
        "person export",
        "activities:person_export",
        TEAM,
        kwargs=person_of,
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
    ),
    page(
        "person erase confirmation",
        "activities:person_erase",
        TEAM,
        kwargs=person_of,
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
    ),
    page(
        "person erase",
        "activities:person_erase",
        TEAM,
        method="post",
        kwargs=person_of,
        ok=PERSON_PAGE,
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
        effect=person_field("anonymised_at"),
    ),
    page("merge tool", "activities:person_merge", TEAM),
    page(
        "merge confirmation",
        "activities:person_merge_confirm",
        TEAM,
        data=merge_query,
    ),
    page(
        "merge",
        "activities:person_merge_confirm",
        TEAM,
        method="post",
        data=merge_query,
        ok=PERSON_PAGE,
        effect=lambda ctx: Person.objects.filter(pk=records(ctx).duplicate.pk).exists(),
    ),
]
