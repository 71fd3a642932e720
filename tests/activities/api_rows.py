"""Access table rows for the activities API (listed in tests/access/matrix_activities.py API_CASES).

Records (built on first use, per role, inside the row's rolled-back savepoint): workshops organised by
`nsb` (ASN, where the focal point and the contributor act) and by `other_nsb` (KEBS), published or not,
with a session, a participant from ASN who attended, completed and answered the surveys."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from jalon.activities import services
from jalon.activities.models import Activity, ActivitySession, Attendance, Registration
from jalon.organisations.models import Organisation, Person
from tests.access.matrix import EVERYONE, NOBODY, TEAM, api

ORGANISERS = TEAM | {"focal", "contributor"}  # of the nsb's activities
SEES_UNPUBLISHED = TEAM | {"viewer"}
DATES = {"start_date": datetime.date(2026, 10, 5), "end_date": datetime.date(2026, 10, 7)}


@dataclass
class Records:
    asn: Activity
    asn_hidden: Activity
    asn_spare: Activity
    kebs: Activity
    kebs_hidden: Activity
    session: ActivitySession
    registration: Registration
    attendance: Attendance
    person: Person
    duplicate: Person
    code: str


def _activity(code: str, organiser: Organisation, published: bool = True) -> Activity:
    return services.activity_create(
        actor=None,
        code=code,
        title={"fr": f"Atelier {code}", "en": f"Workshop {code}"},
        type=Activity.Type.WORKSHOP,
        modality=Activity.Modality.IN_PERSON,
        level=Activity.Level.NATIONAL,
        countries=[organiser.country],
        organiser=organiser,
        status=Activity.Status.OPEN,
        published=published,
        **DATES,
    )


def _build(ctx) -> Records:
    asn = _activity("asn-workshop", ctx.nsb)
    kebs = _activity("kebs-workshop", ctx.other_nsb)
    session = services.session_create(actor=None, activity=asn, date=DATES["start_date"], title="Jour 1")
    registration = services.registration_create(
        actor=None,
        activity=asn,
        person_details={"given_name": "Awa", "family_name": "Sow", "sex": "female", "organisation": ctx.nsb},
    )
    services.attendance_record(actor=None, session=session, present={registration.pk: True})
    services.evaluation_record(actor=None, registration=registration, satisfaction=4, pre_test_score=Decimal(50))
    registration = services.registration_complete(actor=None, registration=registration)
    duplicate = services.registration_create(
        actor=None, activity=kebs, person_details={"given_name": "AWA", "family_name": "SOW", "email": "awa@x.sn"}
    ).person
    return Records(
        asn=asn,
        asn_hidden=_activity("asn-hidden", ctx.nsb, published=False),
        asn_spare=_activity("asn-spare", ctx.nsb),
        kebs=kebs,
        kebs_hidden=_activity("kebs-hidden", ctx.other_nsb, published=False),
        session=session,
        registration=registration,
        attendance=Attendance.objects.get(registration=registration),
        person=registration.person,
        duplicate=duplicate,
        code=registration.certificate_code,
    )


def records(ctx) -> Records:
    return ctx.once("activities_api", _build)


def code_of(name):
    return lambda ctx: {"code": getattr(records(ctx), name).code}


def pk_of(name):
    return lambda ctx: {"pk": getattr(records(ctx), name).pk}


def activity_count(ctx):
    return Activity.objects.count()


def field_of(model, name, field):
    def read(ctx):
        return model.objects.filter(pk=getattr(records(ctx), name).pk).values_list(field, flat=True).first()

    return read


def activity_body(ctx, organiser, code="new-workshop") -> dict:
    return {
        "code": code,
        "title": {"fr": "Nouvel atelier", "en": "New workshop"},
        "type": "workshop",
        "modality": "in_person",
        "level": "national",
        "countries": [organiser.country.iso3],
        "start_date": "2026-11-02",
        "end_date": "2026-11-03",
        "organiser": organiser.pk,
    }


def put_body(ctx) -> dict:
    body = activity_body(ctx, ctx.nsb, code=records(ctx).asn.code)
    return body | {"venue": "Dakar", "version": records(ctx).asn.version}


def registration_body(ctx) -> dict:
    return {
        "activity": records(ctx).asn.code,
        "person_details": {"given_name": "Omar", "family_name": "Ba", "sex": "male", "country": "SEN"},
    }


ROWS = [
    # Activities: published ones are public; the nsb's organisers and the programme team edit them.
    api("API activity list", "api:activity-list", EVERYONE),
    api("API activity detail of a published activity", "api:activity-detail", EVERYONE, kwargs=code_of("asn")),
    api(
        "API activity detail of the nsb's unpublished activity",
        "api:activity-detail",
        ORGANISERS | SEES_UNPUBLISHED,
        kwargs=code_of("asn_hidden"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API activity detail of another organisation's unpublished activity",
        "api:activity-detail",
        SEES_UNPUBLISHED,
        kwargs=code_of("kebs_hidden"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API activity create for the nsb",
        "api:activity-list",
        ORGANISERS,
        method="post",
        ok=201,
        data=lambda ctx: activity_body(ctx, ctx.nsb),
        effect=activity_count,
    ),
    api(
        "API activity create for another organisation",
        "api:activity-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: activity_body(ctx, ctx.other_nsb),
        refused_as={"focal": (400,), "contributor": (400,)},
        effect=activity_count,
    ),
    api(
        "API activity partial update of the nsb's activity",
        "api:activity-detail",
        ORGANISERS,
        method="patch",
        kwargs=code_of("asn"),
        data=lambda ctx: {"venue": "Dakar"},
        effect=field_of(Activity, "asn", "venue"),
    ),
    api(
        "API activity update of the nsb's activity",
        "api:activity-detail",
        ORGANISERS,
        method="put",
        kwargs=code_of("asn"),
        data=put_body,
        effect=field_of(Activity, "asn", "venue"),
    ),
    api(
        "API activity partial update of another organisation's activity",
        "api:activity-detail",
        TEAM,
        method="patch",
        kwargs=code_of("kebs"),
        data=lambda ctx: {"venue": "Nairobi"},
        effect=field_of(Activity, "kebs", "venue"),
    ),
    api(
        "API activity delete of the nsb's activity without participants",
        "api:activity-detail",
        ORGANISERS,
        method="delete",
        kwargs=code_of("asn_spare"),
        ok=204,
        effect=activity_count,
    ),
    # Sessions: public with their activity; edited by its organisers and the team.
    api("API activity session list", "api:activity-session-list", EVERYONE),
    api("API activity session detail", "api:activity-session-detail", EVERYONE, kwargs=pk_of("session")),
    api(
        "API activity session create",
        "api:activity-session-list",
        ORGANISERS,
        method="post",
        ok=201,
        data=lambda ctx: {"activity": records(ctx).asn.code, "date": "2026-10-06", "title": "Jour 2"},
        effect=lambda ctx: ActivitySession.objects.count(),
    ),
    api(
        "API activity session partial update",
        "api:activity-session-detail",
        ORGANISERS,
        method="patch",
        kwargs=pk_of("session"),
        data=lambda ctx: {"title": "Day 1"},
        effect=field_of(ActivitySession, "session", "title"),
    ),
    api(
        "API activity session update",
        "api:activity-session-detail",
        ORGANISERS,
        method="put",
        kwargs=pk_of("session"),
        data=lambda ctx: {"activity": records(ctx).asn.code, "date": "2026-10-05", "title": "Day 1"},
        effect=field_of(ActivitySession, "session", "title"),
    ),
    api(
        "API activity session delete",
        "api:activity-session-detail",
        ORGANISERS,
        method="delete",
        kwargs=pk_of("session"),
        ok=204,
        effect=lambda ctx: ActivitySession.objects.count(),
    ),
    # Participants: personal data, for the activity's organisers and the programme team only.
    api("API participant list", "api:participant-list", EVERYONE),
    api(
        "API participant detail",
        "api:participant-detail",
        ORGANISERS,
        kwargs=pk_of("person"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API participant partial update",
        "api:participant-detail",
        ORGANISERS,
        method="patch",
        kwargs=pk_of("person"),
        data=lambda ctx: {"function": "convenor"},
        refused=(404,),
        effect=field_of(Person, "person", "function"),
    ),
    api(
        "API participant update",
        "api:participant-detail",
        ORGANISERS,
        method="put",
        kwargs=pk_of("person"),
        data=lambda ctx: {"given_name": "Awa", "family_name": "Sow-Ba", "sex": "female"},
        refused=(404,),
        effect=field_of(Person, "person", "family_name"),
    ),
    api(
        "API participant export",
        "api:participant-export",
        TEAM,
        kwargs=pk_of("person"),
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
        refused_anonymous=(404,),
    ),
    api(
        "API participant erase",
        "api:participant-erase",
        TEAM,
        method="post",
        kwargs=pk_of("person"),
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
        effect=field_of(Person, "person", "family_name"),
    ),
    api(
        "API participant merge",
        "api:participant-merge",
        TEAM,
        method="post",
        kwargs=pk_of("person"),
        data=lambda ctx: {"duplicate": records(ctx).duplicate.pk},
        refused=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
        effect=lambda ctx: Person.objects.filter(pk=records(ctx).duplicate.pk).exists(),
    ),
    api("API participant duplicates", "api:participant-duplicates", TEAM),
    # Registrations, attendance, evaluations: personal data too.
    api("API registration list", "api:registration-list", EVERYONE),
    api(
        "API registration detail",
        "api:registration-detail",
        ORGANISERS,
        kwargs=pk_of("registration"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API registration create",
        "api:registration-list",
        ORGANISERS,
        method="post",
        ok=201,
        data=registration_body,
        effect=lambda ctx: Registration.objects.count(),
    ),
    api(
        "API registration create for another organisation's activity",
        "api:registration-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: registration_body(ctx) | {"activity": records(ctx).kebs.code},
        refused_as={"focal": (400,), "contributor": (400,)},
        effect=lambda ctx: Registration.objects.count(),
    ),
    api(
        "API registration partial update",
        "api:registration-detail",
        ORGANISERS,
        method="patch",
        kwargs=pk_of("registration"),
        data=lambda ctx: {"status": "cancelled"},
        refused=(404,),
        effect=field_of(Registration, "registration", "status"),
    ),
    api(
        "API registration update",
        "api:registration-detail",
        ORGANISERS,
        method="put",
        kwargs=pk_of("registration"),
        data=lambda ctx: {"activity": records(ctx).asn.code, "status": "cancelled", "completed": False},
        refused=(404,),
        effect=field_of(Registration, "registration", "status"),
    ),
    api(
        "API registration delete",
        "api:registration-detail",
        ORGANISERS,
        method="delete",
        kwargs=pk_of("registration"),
        ok=204,
        refused=(404,),
        effect=lambda ctx: Registration.objects.count(),
    ),
    api("API attendance list", "api:attendance-list", EVERYONE),
    api(
        "API attendance detail",
        "api:attendance-detail",
        ORGANISERS,
        kwargs=pk_of("attendance"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API attendance record for a session",
        "api:attendance-list",
        ORGANISERS,
        method="post",
        ok=201,
        data=lambda ctx: {
            "session": records(ctx).session.pk,
            "marks": [{"registration": records(ctx).registration.pk, "present": False}],
        },
        refused_as={"plain": (403,), "viewer": (403,)},
        effect=field_of(Attendance, "attendance", "present"),
    ),
    api(
        "API attendance partial update",
        "api:attendance-detail",
        ORGANISERS,
        method="patch",
        kwargs=pk_of("attendance"),
        data=lambda ctx: {"present": False},
        refused=(404,),
        effect=field_of(Attendance, "attendance", "present"),
    ),
    api(
        "API attendance update",
        "api:attendance-detail",
        ORGANISERS,
        method="put",
        kwargs=pk_of("attendance"),
        data=lambda ctx: {"present": False},
        refused=(404,),
        effect=field_of(Attendance, "attendance", "present"),
    ),
    api("API evaluation list", "api:evaluation-list", EVERYONE),
    api(
        "API evaluation detail",
        "api:evaluation-detail",
        ORGANISERS,
        kwargs=pk_of("registration"),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API evaluation partial update",
        "api:evaluation-detail",
        ORGANISERS,
        method="patch",
        kwargs=pk_of("registration"),
        data=lambda ctx: {"post_test_score": "85"},
        refused=(404,),
        effect=field_of(Registration, "registration", "post_test_score"),
    ),
    api(
        "API evaluation update",
        "api:evaluation-detail",
        ORGANISERS,
        method="put",
        kwargs=pk_of("registration"),
        data=lambda ctx: {"satisfaction": 2, "followup_applied": "yes"},
        refused=(404,),
        effect=field_of(Registration, "registration", "satisfaction"),
    ),
    # Certificates: anyone checks a code.
    api(
        "API certificate check",
        "api:certificate-detail",
        EVERYONE,
        kwargs=lambda ctx: {"code": records(ctx).code},
    ),
    api(
        "API certificate check of an unknown code",
        "api:certificate-detail",
        NOBODY,
        kwargs=lambda ctx: {"code": "AAAA-BBBB-CCCC-DDDD"},
        refused=(404,),
        refused_anonymous=(404,),
    ),
]
