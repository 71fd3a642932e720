"""Writes to activities, their sessions and materials, registrations, attendance and evaluations, and the
personal-data tools (merge duplicates, export, erase). Every write is audited; every change to data a
computed indicator reads schedules a refresh of the "activities" computations after the commit."""

import base64
import datetime
import secrets
import uuid
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, audit_records, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.activities import access
from jalon.activities.models import (
    Activity,
    ActivitySession,
    ActivityTrainer,
    Attendance,
    Material,
    ReachChange,
    Registration,
)
from jalon.activities.people import normalised_email, person_find
from jalon.organisations.models import Person, PersonEmail, person_match_fields, person_match_reversed
from jalon.results.models import Result

ACTIVITY_FIELDS = (
    "code",
    "title",
    "description",
    "type",
    "modality",
    "level",
    "region",
    "start_date",
    "end_date",
    "venue",
    "venue_country",
    "capacity",
    "registration_deadline",
    "organiser",
    "status",
    "planned_budget",
    "planned_budget_currency",
    "actual_cost",
    "actual_cost_currency",
    "published",
    "is_demo",
)
ACTIVITY_RELATIONS = ("countries", "languages", "partners", "donors", "outputs")
SESSION_FIELDS = ("date", "start_time", "end_time", "title")
MATERIAL_FIELDS = ("title", "url", "file", "language", "order")
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "job_title",
    "sex",
    "organisation",
    "country",
    "function",
)
EVALUATION_FIELDS = (
    "pre_test_score",
    "post_test_score",
    "satisfaction",
    "satisfaction_comment",
    "followup_applied",
    "followup_comment",
    "followup_date",
)
REGISTRATION_FIELDS = ("status", "registered_at", "source", "import_reference", *EVALUATION_FIELDS)

# What an erased person's names become: not personal, and visibly not a real name.
ERASED_GIVEN_NAME = "-"
ERASED_FAMILY_NAME = "Anonymised"


def activities_changed(*, activities=(), people=(), programmes=(), dates=()) -> None:
    """Queue the refresh of the computed indicators a write can change: those of the programmes that the
    `activities` (ids or records), or the activities of the `people`, serve, and the `programmes` given (those
    an activity served before its outputs changed). Another programme's figures cannot move, nor another
    period's than those of the activities' dates and the `dates` given (the dates an activity had before its
    change): only those are marked stale (issue 21)."""
    from jalon.results.computations import computed_schedule_refresh  # results must not import activities

    # Bulk writes (imports) send no signal: the reach cache's stamp is renewed here too, and the reach summary
    # told what to read again (an activity's people; the people given when no activity is).
    ids = [getattr(activity, "pk", activity) for activity in activities]
    ReachChange.objects.bulk_create(
        [ReachChange(stamp=uuid.uuid4(), activity_id=pk) for pk in ids]
        + (
            [ReachChange(stamp=uuid.uuid4(), person_id=getattr(person, "pk", person)) for person in people]
            if not ids
            else []
        )
        or [ReachChange(stamp=uuid.uuid4())]
    )
    spans: dict[int, set] = defaultdict(set)
    extra = set(dates)
    concerned = []
    if activities:
        concerned.append(Activity.objects.filter(pk__in=[getattr(activity, "pk", activity) for activity in activities]))
    if people:
        concerned.append(Activity.objects.filter(registrations__person__in=people))
    for rows in concerned:
        for programme_id, start, end in (
            rows.order_by().values_list("outputs__programme_id", "start_date", "end_date").distinct()
        ):
            if programme_id is not None:
                spans[programme_id].add((start, end))
            if activities:
                extra.add((start, end))
    for programme_id in programmes:
        # The activity's dates, before and after its change; no date known: every period.
        spans[programme_id] |= extra or {(None, None)}
    if spans:
        computed_schedule_refresh(
            source="activities", dates={pk: sorted(ranges, key=str) for pk, ranges in spans.items()}
        )


def programmes_served(activities) -> set[int]:
    """The programmes whose outputs these activities (ids or records) serve, in one query."""
    ids = [getattr(activity, "pk", activity) for activity in activities]
    return set(Result.objects.filter(activities__in=ids).order_by().values_list("programme_id", flat=True).distinct())


# Activities ---------------------------------------------------------------------------------------------


# Codes that are also fixed addresses under /activities/ (jalon/activities/urls.py): an activity with
# one of them could never show its own page.
RESERVED_CODES = frozenset({"new", "calendar", "reach", "certificates", "imports", "people"})


def activity_validate(activity: Activity, relations: dict) -> None:
    """The rules a form, the API and the import all need, with messages on the field concerned."""
    errors: dict[str, list] = {}
    if (activity.code or "").lower() in RESERVED_CODES:
        errors.setdefault("code", []).append(
            _("“%(code)s” is a reserved word of the site’s addresses: choose another code.") % {"code": activity.code}
        )
    # The shape and the languages of the texts are the shared field's (full_clean); a missing title is
    # named here, with the other mistakes.
    title = activity.title
    if not title or (
        isinstance(title, dict) and not any(isinstance(text, str) and text.strip() for text in title.values())
    ):
        errors.setdefault("title", []).append(_("Give a title in French or in English."))
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))
    countries = relations.get("countries")
    if activity.level == Activity.Level.NATIONAL and countries is not None and not countries:
        errors.setdefault("countries", []).append(_("A national activity needs its country."))
    if (
        activity.level == Activity.Level.REGIONAL
        and activity.region_id is None
        and countries is not None
        and not countries
    ):
        errors.setdefault("region", []).append(_("A regional activity needs its region or the countries invited."))
    for amount, currency in (("planned_budget", "planned_budget_currency"), ("actual_cost", "actual_cost_currency")):
        value = getattr(activity, amount)
        if value is not None and value < 0:
            errors.setdefault(amount, []).append(_("An amount cannot be negative."))
        if value is not None and getattr(activity, f"{currency}_id") is None:
            errors.setdefault(currency, []).append(_("Give the currency of this amount."))
    if errors:
        raise ValidationError(errors)


def _held_in_its_country(activity: Activity, countries: list) -> bool:
    """A national activity (online too: run for and from that country) takes place in its country unless
    told otherwise."""
    return activity.level == Activity.Level.NATIONAL and len(countries) == 1


def _check_recorder(actor, *, organiser, outputs) -> None:
    """Whoever records an activity must keep it one they manage: organised by their organisation, or
    serving a programme they manage (activities.access decides). Here, not in the pages and API, so that
    no caller skips it. No actor: the system (the command line, the demo)."""
    if actor is None:
        return
    if not access.activity_can_record(actor, organiser=organiser, outputs=outputs):
        raise ValidationError(
            {"organiser": _("Record activities organised by your own organisation, or serving a programme you manage.")}
        )


def _set_relations(activity: Activity, relations: dict) -> None:
    for name, values in relations.items():
        getattr(activity, name).set(values)


@transaction.atomic
def activity_create(*, actor, **fields) -> Activity:
    unknown_fields(fields, ACTIVITY_FIELDS + ACTIVITY_RELATIONS, "activity")
    relations = {name: list(fields.pop(name)) for name in ACTIVITY_RELATIONS if name in fields}
    relations.setdefault("countries", [])
    fields.setdefault("description", {})
    activity = Activity(**fields)
    if activity.venue_country_id is None and _held_in_its_country(activity, relations["countries"]):
        activity.venue_country = relations["countries"][0]
    if actor is not None and getattr(actor, "is_authenticated", False):
        activity.created_by = actor
    activity_validate(activity, relations)
    activity.full_clean()
    _check_recorder(actor, organiser=activity.organiser, outputs=relations.get("outputs", []))
    activity.save()
    _set_relations(activity, relations)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=activity)
    activities_changed(activities=[activity])
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, version: int | None = None, **fields) -> Activity:
    """Change an activity; `version` is the one the editor saw, refused if someone saved since."""
    relations = {name: list(fields.pop(name)) for name in ACTIVITY_RELATIONS if name in fields}
    served_before = programmes_served([activity]) if "outputs" in relations else set()
    dates_before = (activity.start_date, activity.end_date)

    def clean(current: Activity) -> None:
        checked = dict(relations)
        if "countries" not in checked:
            checked["countries"] = list(current.countries.all())
        activity_validate(current, checked)
        current.full_clean()
        outputs = relations["outputs"] if "outputs" in relations else list(current.outputs.all())
        _check_recorder(actor, organiser=current.organiser, outputs=outputs)

    current, changed = versioned_update(
        activity,
        actor=actor,
        version=version,
        fields=fields,
        allowed=ACTIVITY_FIELDS + ACTIVITY_RELATIONS,
        clean=clean,
        relations=relations,
    )
    if changed:
        activities_changed(activities=[current], programmes=served_before, dates=[dates_before])
        if "capacity" in fields:  # more places: the first waiting get them
            waiting_list_promote(actor=actor, activity=current)
    return current


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    """Delete an activity that nobody registered for; one with participants is cancelled instead, so
    that their history stays."""
    if activity.registrations.exists():
        raise ValidationError(
            _("People registered for this activity: cancel it (status) rather than delete it, to keep their history.")
        )
    for row in [*activity.sessions.all(), *activity.materials.all()]:
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=row, before=snapshot(row))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=activity, before=snapshot(activity))
    served = programmes_served([activity])
    dates = (activity.start_date, activity.end_date)
    activity.delete()
    activities_changed(programmes=served, dates=[dates])


# Sessions and materials ----------------------------------------------------------------------------------


def _session_validate(session: ActivitySession) -> None:
    activity = session.activity
    errors = {}
    if session.date and not (activity.start_date <= session.date <= activity.end_date):
        errors["date"] = _("The session's date is outside the activity's dates (%(start)s to %(end)s).") % {
            "start": activity.start_date.isoformat(),
            "end": activity.end_date.isoformat(),
        }
    if session.start_time and session.end_time and session.end_time < session.start_time:
        errors["end_time"] = _("The session ends before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(*, actor, activity: Activity, **fields) -> ActivitySession:
    unknown_fields(fields, SESSION_FIELDS, "session")
    session = ActivitySession(activity=activity, **fields)
    _session_validate(session)
    session.full_clean(exclude=["activity"])
    session.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=session)
    return session


@transaction.atomic
def session_update(*, actor, session: ActivitySession, **fields) -> ActivitySession:
    unknown_fields(fields, SESSION_FIELDS, "session")
    before = snapshot(session)
    for key, value in fields.items():
        setattr(session, key, value)
    _session_validate(session)
    session.full_clean(exclude=["activity"])
    if snapshot(session) == before:
        return session
    session.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=session, before=before)
    activities_changed(activities=[session.activity_id])
    return session


@transaction.atomic
def session_delete(*, actor, session: ActivitySession) -> None:
    for row in session.attendances.all():
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=row, before=snapshot(row))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=session, before=snapshot(session))
    session.delete()
    activities_changed(activities=[session.activity_id])


@transaction.atomic
def material_create(*, actor, activity: Activity, **fields) -> Material:
    unknown_fields(fields, MATERIAL_FIELDS, "material")
    material = Material(activity=activity, **fields)
    if not material.url and not material.file:
        raise ValidationError({"url": _("Give a link or a file.")})
    material.full_clean(exclude=["activity"])
    material.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=material)
    return material


@transaction.atomic
def material_update(*, actor, material: Material, **fields) -> Material:
    unknown = set(fields) - set(MATERIAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown material fields: {sorted(unknown)}")
    before = snapshot(material)
    for key, value in fields.items():
        setattr(material, key, value)
    if not material.url and not material.file:
        raise ValidationError({"url": _("Give a link or a file.")})
    material.full_clean(exclude=["activity"])
    if snapshot(material) == before:
        return material
    material.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=material, before=before)
    return material


@transaction.atomic
def material_delete(*, actor, material: Material) -> None:
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=material, before=snapshot(material))
    material.delete()


# Registrations --------------------------------------------------------------------------------------------


def organiser_check(actor, activity: Activity) -> None:
    """Participants, their attendance and evaluations are recorded by the activity's organisers (those who
    manage it: activities.access decides). Here, so that no caller skips it. No actor: the system (the
    command line, the demo)."""
    if actor is not None and not access.activity_can_manage(actor, activity):
        raise ValidationError(
            {
                "activity": _(
                    "Only the activity’s organisers may record its participants, their attendance and evaluations."
                )
            }
        )


def _person_details_validate(details: dict) -> None:
    if not (details.get("given_name") or "").strip() and not (details.get("family_name") or "").strip():
        raise ValidationError({"family_name": _("Give the participant's name.")})


@transaction.atomic
def person_find_or_create(*, actor, **details) -> tuple[Person, bool]:
    """The recorded person these details designate (see people.py) among those the actor may see, else a
    new record. Blank fields of a found person are filled from the details (never overwritten): a later
    registration may bring the email or the sex an earlier one lacked. Someone registering themselves on
    the public form sees nobody: they always make a new record, and nothing tells whether their address was
    known (the team merges duplicates)."""
    unknown_fields(details, PERSON_FIELDS, "person")
    details = {key: value.strip() if isinstance(value, str) else value for key, value in details.items()}
    _person_details_validate(details)
    organisation = details.get("organisation")
    found = person_find(
        email=details.get("email", ""),
        given_name=details.get("given_name", ""),
        family_name=details.get("family_name", ""),
        organisation_id=organisation.pk if organisation is not None else None,
        among=None if actor is None else access.people_matchable(actor),
    )
    if found is None:
        person = Person(**{key: value for key, value in details.items() if value is not None})
        person.full_clean()
        person.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=person)
        return person, True
    before = snapshot(found)
    for key, value in details.items():
        if value in (None, "") or key in ("given_name", "family_name"):
            continue
        current = getattr(found, key)
        if current in (None, ""):
            setattr(found, key, value)
    if snapshot(found) != before:
        found.full_clean()
        found.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=found, before=before)
    return found, False


@transaction.atomic
def participant_update(*, actor, person: Person, **fields) -> Person:
    """Correct a participant's details (the function included, which organisations' person_update lacks)."""
    unknown_fields(fields, PERSON_FIELDS, "person")
    if person.anonymised_at:
        raise ValidationError(_("This person's data were erased: the record cannot change."))
    before = snapshot(person)
    for key, value in fields.items():
        setattr(person, key, value.strip() if isinstance(value, str) else value)
    _person_details_validate({"given_name": person.given_name, "family_name": person.family_name})
    person.full_clean()
    if snapshot(person) == before:
        return person
    person.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=person, before=before)
    activities_changed(people=[person])
    return person


@transaction.atomic
def registration_create(
    *,
    actor,
    activity: Activity,
    person: Person | None = None,
    person_details: dict | None = None,
    waiting_list: bool = False,
    language: str = "",
    **fields,
) -> Registration:
    """Register a person (given, or found or created from `person_details`) for an activity. A cancelled
    registration of the same person is reopened; an active one is refused.

    Organisers register anyone; anyone else only themselves, through the public form of an open activity
    (`person_details`, source "form", nothing else)."""
    unknown_fields(fields, REGISTRATION_FIELDS, "registration")
    self_registration = (
        person is None
        and set(fields) <= {"source"}
        and fields.get("source") == Registration.Source.FORM
        and access.activity_can_register_self(actor, activity)
    )
    if not self_registration:
        organiser_check(actor, activity)
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity is cancelled: nobody can register for it."))
    if self_registration and registration_deadline_passed(activity):
        raise ValidationError(deadline_message(activity), code="deadline")
    if person is None:
        if not person_details:
            raise ValidationError({"person": _("Say who registers.")})
        person, _created = person_find_or_create(actor=actor, **person_details)
    elif person.anonymised_at:
        raise ValidationError({"person": _("This person's data were erased: register them afresh.")})
    existing = Registration.objects.select_for_update().filter(activity=activity, person=person).first()
    if existing is not None:
        if existing.status == Registration.Status.REGISTERED:
            raise ValidationError(
                {"person": _("%(person)s is already registered for this activity.") % {"person": person}}
            )
        if existing.status == Registration.Status.WAITING:
            raise ValidationError(
                {"person": _("%(person)s is already on the waiting list of this activity.") % {"person": person}}
            )
    # A status asked for (the API's "status"): "waiting" is the waiting list; "cancelled" takes no place.
    requested = fields.pop("status", None)
    status: str
    if requested == Registration.Status.CANCELLED:
        status = Registration.Status.CANCELLED
    else:
        status = _status_for_new(activity, waiting_list=waiting_list or requested == Registration.Status.WAITING)
    language = language if language in MESSAGE_LANGUAGES else ""
    if existing is not None:  # a cancelled registration, reopened (a place is needed as for a new one)
        reopened = _registration_update(actor=actor, registration=existing, status=status, **fields)
        if language and reopened.language != language:
            Registration.objects.filter(pk=reopened.pk).update(language=language)
            reopened.language = language
        _confirmation_after_commit(reopened)
        return reopened
    registration = Registration(activity=activity, person=person, status=status, language=language, **fields)
    _evaluation_validate(registration)
    registration.full_clean(exclude=["activity", "person"], validate_constraints=False)
    registration.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=registration)
    activities_changed(activities=[activity])
    _confirmation_after_commit(registration)
    return registration


MESSAGE_LANGUAGES = ("fr", "en")


def registration_deadline_passed(activity: Activity) -> bool:
    return activity.registration_deadline is not None and timezone.localdate() > activity.registration_deadline


def deadline_message(activity: Activity) -> str:
    return _("Registration closed on %(date)s.") % {
        "date": date_format(activity.registration_deadline, "SHORT_DATE_FORMAT")
        if activity.registration_deadline
        else ""
    }


def places_taken(activity: Activity) -> int:
    return activity.registrations.filter(status=Registration.Status.REGISTERED).count()


def activity_is_full(activity: Activity) -> bool:
    return activity.capacity is not None and places_taken(activity) >= activity.capacity


def _status_for_new(activity: Activity, *, waiting_list: bool) -> str:
    """Registered while there is a place; once full, on the waiting list if asked, else refused. The
    activity's row is locked first, so that two registrations at once cannot both take the last place."""
    if activity.capacity is not None:
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if not activity_is_full(activity):
        return Registration.Status.REGISTERED
    if waiting_list:
        return Registration.Status.WAITING
    raise ValidationError(
        _("This activity is full (%(places)s places): join the waiting list instead.") % {"places": activity.capacity},
        code="full",
    )


def _confirmation_after_commit(registration: Registration) -> None:
    """The confirmation (or waiting-list) e-mail, once the registration is saved for good."""
    from jalon.activities import mail

    pk = registration.pk
    transaction.on_commit(lambda: mail.registration_confirmation_send(pk))


@transaction.atomic
def waiting_list_promote(*, actor, activity: Activity) -> list[Registration]:
    """Give the places free to the first on the waiting list (by registration time), each audited and told by
    e-mail. Called when a registration is cancelled or removed and when the places grow."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    promoted: list[Registration] = []
    if activity.capacity is None:
        free = None
    else:
        free = activity.capacity - places_taken(activity)
        if free <= 0:
            return promoted
    waiting = Registration.objects.filter(activity=activity, status=Registration.Status.WAITING).order_by(
        "registered_at", "pk"
    )
    if free is not None:
        waiting = waiting[:free]
    from jalon.activities import mail

    for registration in list(waiting):
        current, _changed = versioned_update(
            registration,
            actor=actor,
            version=None,
            fields={"status": Registration.Status.REGISTERED},
            allowed=("status",),
            queryset=Registration.objects.select_related("person", "activity"),
        )
        promoted.append(current)
        transaction.on_commit(partial(mail.promotion_send, current.pk))
    if promoted:
        activities_changed(activities=[activity])
    return promoted


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    return (
        Registration.objects.filter(activity_id=registration.activity_id, status=Registration.Status.WAITING)
        .filter(
            models.Q(registered_at__lt=registration.registered_at)
            | models.Q(registered_at=registration.registered_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


@transaction.atomic
def registration_update(*, actor, registration: Registration, version: int | None = None, **fields) -> Registration:
    organiser_check(actor, registration.activity)
    return _registration_update(actor=actor, registration=registration, version=version, **fields)


def _registration_update(*, actor, registration: Registration, version: int | None = None, **fields) -> Registration:
    unknown_fields(fields, REGISTRATION_FIELDS + ("completed",), "registration")
    completed = fields.pop("completed", None)

    def clean(current: Registration) -> None:
        _evaluation_validate(current)
        current.full_clean(exclude=["activity", "person"], validate_constraints=False)

    # The person and activity come along: the audit entry names them (Registration.__str__).
    current, changed = versioned_update(
        registration,
        actor=actor,
        version=version,
        fields=fields,
        allowed=REGISTRATION_FIELDS,
        clean=clean,
        queryset=Registration.objects.select_related("person", "activity"),
    )
    if changed:
        activities_changed(activities=[current.activity_id])
    if completed is not None and completed != current.completed:
        current = _registration_complete(actor=actor, registration=current, completed=completed)
    return current


@transaction.atomic
def registration_cancel(*, actor, registration: Registration) -> Registration:
    """Cancel a registration (or a place on the waiting list): a place freed goes to the first waiting."""
    cancelled = registration_update(actor=actor, registration=registration, status=Registration.Status.CANCELLED)
    waiting_list_promote(actor=actor, activity=cancelled.activity)
    return cancelled


@transaction.atomic
def registration_delete(*, actor, registration: Registration) -> None:
    """Remove a registration recorded by mistake (with its attendance); to keep the history, cancel instead."""
    organiser_check(actor, registration.activity)
    for row in registration.attendances.all():
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=row, before=snapshot(row))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=registration, before=snapshot(registration))
    activity = registration.activity
    registration.delete()
    activities_changed(activities=[activity])
    waiting_list_promote(actor=actor, activity=activity)


def certificate_code_new() -> str:
    """80 random bits in Crockford-like base32, grouped for reading aloud: XXXX-XXXX-XXXX-XXXX."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
    return "-".join(raw[index : index + 4] for index in range(0, 16, 4))


def certificate_code_normalise(code: str) -> str:
    """What a person types ("abcd efgh-ijkl mnop") to the stored form."""
    compact = "".join(char for char in (code or "").upper() if char.isalnum())
    return "-".join(compact[index : index + 4] for index in range(0, len(compact), 4))


@transaction.atomic
def registration_complete(
    *, actor, registration: Registration, completed: bool = True, on: datetime.date | None = None
) -> Registration:
    """Mark a registration completed (and issue its certificate code), or not completed (the
    certificate is withdrawn: its code no longer verifies)."""
    organiser_check(actor, registration.activity)
    return _registration_complete(actor=actor, registration=registration, completed=completed, on=on)


def _registration_complete(
    *, actor, registration: Registration, completed: bool = True, on: datetime.date | None = None
) -> Registration:
    # The person and activity come along: the audit entry names them (Registration.__str__).
    current = locked(registration, None, queryset=Registration.objects.select_related("person", "activity"))
    if completed and current.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is cancelled: it cannot be completed."))
    if completed and current.status == Registration.Status.WAITING:
        raise ValidationError(_("This person is on the waiting list: they cannot complete the activity."))
    before = snapshot(current)
    current.completed = completed
    if completed:
        current.completed_on = current.completed_on or on or current.activity.end_date
    else:
        current.completed_on = None
        current.certificate_code = None
        current.certificate_issued_at = None
    if snapshot(current) == before:
        return current
    current = versioned_save(current, actor=actor, before=before)
    activities_changed(activities=[current.activity_id])
    if completed and not current.certificate_code:
        current = certificate_issue(actor=actor, registration=current)
    return current


@transaction.atomic
def certificate_issue(*, actor, registration: Registration) -> Registration:
    """Give a completed registration its certificate verification code (once: it is printed)."""
    if not registration.completed:
        raise ValidationError(_("A certificate is issued only when the participant has completed the activity."))
    if registration.certificate_code:
        return registration
    before = snapshot(registration)
    for _attempt in range(5):
        code = certificate_code_new()
        if not Registration.objects.filter(certificate_code=code).exists():
            break
    registration.certificate_code = code
    registration.certificate_issued_at = timezone.now()
    registration.save(update_fields=["certificate_code", "certificate_issued_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=registration, before=before)
    return registration


# Attendance and evaluations --------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, actor, session: ActivitySession, present: dict) -> int:
    """Record who was present at a session: {registration id: True/False}. Registrations of another
    activity are refused. Returns how many rows changed."""
    _attendance_check(actor, session, bool(present))
    wanted = {int(key): bool(value) for key, value in present.items()}
    rows = _attendance_rows(session, Registration.objects.filter(activity_id=session.activity_id, pk__in=list(wanted)))
    strangers = set(wanted) - set(rows)
    if strangers:
        raise ValidationError(
            {
                "present": _("Not registered for this activity: %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(strangers)))}
            }
        )
    return _attendance_write(actor, session, rows, wanted)


@transaction.atomic
def attendance_sheet_record(*, actor, session: ActivitySession, ticked: set[int]) -> tuple[int, int, int]:
    """A session's whole sheet, as its form posts it: everyone registered (not cancelled) for the activity is
    present if ticked, absent otherwise; other ids are ignored. Returns (rows changed, present, registered)."""
    registered = Registration.objects.filter(activity_id=session.activity_id, status=Registration.Status.REGISTERED)
    rows = _attendance_rows(session, registered)
    wanted = {pk: pk in ticked for pk in rows}
    _attendance_check(actor, session, bool(wanted))
    return _attendance_write(actor, session, rows, wanted), sum(wanted.values()), len(wanted)


def _attendance_check(actor, session: ActivitySession, marking: bool) -> None:
    organiser_check(actor, session.activity)
    if marking and session.date > timezone.localdate():
        raise ValidationError(
            {
                "present": _("This session takes place on %(date)s: attendance can be recorded from that day.")
                % {"date": date_format(session.date, "SHORT_DATE_FORMAT")}
            }
        )


def _attendance_rows(session: ActivitySession, registrations) -> dict[int, tuple]:
    """{registration id: (attendance id, present, recorded at)} of these registrations at the session (Nones
    where nothing is recorded yet): one query, numbers only (issue 21: a sheet of hundreds was read with
    every person and activity built, to audit the one row that changed)."""
    return {
        pk: (mark, present, recorded_at)
        for pk, mark, present, recorded_at in registrations.annotate(
            mark=models.FilteredRelation("attendances", condition=models.Q(attendances__session=session))
        )
        .order_by()
        .values_list("pk", "mark__pk", "mark__present", "mark__recorded_at")
    }


def _attendance_write(actor, session: ActivitySession, rows: dict[int, tuple], wanted: dict[int, bool]) -> int:
    """Write what changed among `wanted` ({registration id: present}), knowing what is recorded (`rows`): new
    rows in one insert, changed ones in one update per value, their audit entries in one insert each; then the
    computed indicators and the reach figures told (activities_changed). Returns how many rows changed."""
    created = [pk for pk, value in wanted.items() if rows[pk][0] is None]
    updated = [pk for pk, value in wanted.items() if rows[pk][0] is not None and rows[pk][1] != value]
    if not created and not updated:
        return 0
    # What the audit entries name: the changed rows' people (the activity is the session's).
    registrations = Registration.objects.filter(pk__in=created + updated).select_related("person").in_bulk()
    for registration in registrations.values():
        registration.activity = session.activity
    if created:
        new = Attendance.objects.bulk_create(
            [Attendance(session=session, registration=registrations[pk], present=wanted[pk]) for pk in created]
        )
        audit_records(actor=actor, action=AuditEntry.Action.CREATE, instances=new)
    if updated:
        now = timezone.now()
        for value in (True, False):
            marks = [rows[pk][0] for pk in updated if wanted[pk] is value]
            if marks:
                Attendance.objects.filter(pk__in=marks).update(present=value, recorded_at=now)

        def row(pk: int, present: bool, recorded_at) -> Attendance:
            registration = registrations[pk]
            return Attendance(
                pk=rows[pk][0], session=session, registration=registration, present=present, recorded_at=recorded_at
            )

        audit_records(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instances=[row(pk, wanted[pk], now) for pk in updated],
            befores=[snapshot(row(pk, rows[pk][1], rows[pk][2])) for pk in updated],
        )
    # Rows written without their models' signals: the reach cache and summary hear of it here (the activity).
    activities_changed(activities=[session.activity_id])
    return len(created) + len(updated)


def _evaluation_validate(registration: Registration) -> None:
    errors = {}
    for name in ("pre_test_score", "post_test_score"):
        value = getattr(registration, name)
        if value is not None:
            try:
                value = Decimal(value)
            except (ArithmeticError, TypeError, ValueError):
                errors[name] = _("A score is a number from 0 to 100.")
                continue
            if not value.is_finite() or not (0 <= value <= 100):
                errors[name] = _("A score is a number from 0 to 100.")
    satisfaction = registration.satisfaction
    if satisfaction is not None and (not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5):
        errors["satisfaction"] = _("Satisfaction is a whole number from 1 to 5.")
    if registration.followup_date and registration.followup_date < registration.activity.start_date:
        errors["followup_date"] = _("The follow-up cannot come before the activity.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evaluation_record(*, actor, registration: Registration, version: int | None = None, **fields) -> Registration:
    """Record the knowledge tests, the satisfaction survey and the follow-up survey (any of them)."""
    unknown_fields(fields, EVALUATION_FIELDS, "evaluation")
    if fields.get("followup_applied") and "followup_date" not in fields and not registration.followup_date:
        fields["followup_date"] = timezone.localdate()
    return registration_update(actor=actor, registration=registration, version=version, **fields)


# People: merge, export, erase ---------------------------------------------------------------------------------


def _fill_blanks(target, source, names) -> None:
    for name in names:
        if getattr(target, name) in (None, "") and getattr(source, name) not in (None, ""):
            setattr(target, name, getattr(source, name))


def _registration_absorb(*, actor, keep: Registration, other: Registration) -> None:
    """Both records of one person registered for the same activity: one registration remains with the
    best of both (completion, certificate, scores, surveys, attendance)."""
    before = snapshot(keep)
    if other.status == Registration.Status.REGISTERED:
        keep.status = Registration.Status.REGISTERED
    keep.registered_at = min(keep.registered_at, other.registered_at)
    if other.completed and not keep.completed:
        keep.completed, keep.completed_on = True, other.completed_on
    if not keep.certificate_code and other.certificate_code:
        # The other certificate is printed already: its code keeps verifying.
        code, issued = other.certificate_code, other.certificate_issued_at
        Registration.objects.filter(pk=other.pk).update(certificate_code=None)
        keep.certificate_code, keep.certificate_issued_at = code, issued
    _fill_blanks(keep, other, EVALUATION_FIELDS)
    kept_sessions = {row.session_id: row for row in keep.attendances.all()}
    for row in other.attendances.all():
        mine = kept_sessions.get(row.session_id)
        if mine is None:
            row_before = snapshot(row)
            row.registration = keep
            row.save(update_fields=["registration"])
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=row, before=row_before)
        else:
            if row.present and not mine.present:
                mine_before = snapshot(mine)
                mine.present = True
                mine.save(update_fields=["present", "recorded_at"])
                audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=mine, before=mine_before)
            audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=row, before=snapshot(row))
            row.delete()
    keep.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=keep, before=before)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=other, before=snapshot(other))
    other.delete()


@transaction.atomic
def person_merge(*, actor, keep: Person, duplicate: Person) -> Person:
    """Join two records of one person: everything that refers to `duplicate` (registrations with their
    attendance and evaluations, and any other record of any app) moves to `keep`; blank details of
    `keep` are filled from `duplicate`; `duplicate` is deleted. Each step is in the audit log, so the
    history of both records stays readable."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records to merge."))
    if keep.anonymised_at or duplicate.anonymised_at:
        raise ValidationError(_("An erased record cannot be merged."))
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    kept_by_activity = {row.activity_id: row for row in keep.registrations.all()}
    for registration in duplicate.registrations.select_related("activity"):
        mine = kept_by_activity.get(registration.activity_id)
        if mine is not None:
            _registration_absorb(actor=actor, keep=mine, other=registration)
            continue
        before = snapshot(registration)
        registration.person = keep
        registration.save(update_fields=["person", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=registration, before=before)
    _references_move(actor=actor, keep=keep, duplicate=duplicate)
    before = snapshot(keep)
    _fill_blanks(keep, duplicate, [name for name in PERSON_FIELDS if name not in ("given_name", "family_name")])
    _addresses_join(keep, duplicate)
    duplicate_before = snapshot(duplicate)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=duplicate, before=duplicate_before)
    duplicate.delete()
    # The kept record's audit entry names the record it absorbed.
    if snapshot(keep) != before:
        keep.save()
    entry = audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=keep, before=before)
    entry.after = {**(entry.after or {}), "merged_from": duplicate_before}
    entry.save(update_fields=["after"])
    activities_changed(people=[keep])
    return keep


@transaction.atomic
def people_merge(*, actor, keep: Person, duplicates) -> Person:
    """Join several records into `keep`, all or none: one refused join undoes the others."""
    for duplicate in duplicates:
        keep = person_merge(actor=actor, keep=keep, duplicate=duplicate)
    return keep


def _addresses_join(keep: Person, duplicate: Person) -> None:
    """The kept record remembers every address of the joined one, so that the next registration with either
    address finds it instead of making the duplicate again."""
    known = {normalised_email(keep.email), *keep.other_emails.values_list("email", flat=True)}
    for address in (normalised_email(duplicate.email), *duplicate.other_emails.values_list("email", flat=True)):
        if address and address not in known:
            PersonEmail.objects.create(person=keep, email=address)
            known.add(address)


def _references_move(*, actor, keep: Person, duplicate: Person) -> None:
    """Any other app's records pointing at the duplicate (committee roles, sponsorships...) move too:
    read from the model graph, so that a module added later is covered without changing this."""
    for relation in Person._meta.related_objects:
        model = relation.related_model
        # Registrations are joined one by one, addresses by _addresses_join.
        if model in (Registration, PersonEmail) or not isinstance(model, type):
            continue
        if relation.many_to_many:
            through = getattr(relation, "through", None)  # a ManyToManyRel's; the stubs type the base class
            if through is None:
                continue
            source = next(f for f in through._meta.fields if f.is_relation and f.related_model is Person)
            others = [f for f in through._meta.fields if f.is_relation and f is not source]
            for row in through.objects.filter(**{source.name: duplicate}):
                clash = {f.name: getattr(row, f.attname) for f in others}
                if through.objects.filter(**{source.name: keep}, **{f"{k}_id": v for k, v in clash.items()}).exists():
                    row.delete()
                else:
                    setattr(row, source.name, keep)
                    row.save()
            continue
        field = relation.field
        for row in model._default_manager.filter(**{field.name: duplicate}):
            before = snapshot(row)
            setattr(row, field.name, keep)
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError as exc:
                raise ValidationError(
                    _("Both records hold the same %(record)s: resolve it before merging.")
                    % {"record": model._meta.verbose_name}
                ) from exc
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=row, before=before)


def _json(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def person_export(*, actor, person: Person) -> dict:
    """Everything jalon holds about a person, JSON-ready (the right of access): their record, every
    registration with its attendance, tests, surveys and certificate. The export itself is audited."""
    person = Person.objects.select_related("organisation", "country").get(pk=person.pk)
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, instance=person)
    registrations_data: list[dict] = []
    data = {
        "person": {
            "id": person.pk,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "email": person.email,
            "other_emails": list(person.other_emails.values_list("email", flat=True)),
            "phone": person.phone,
            "job_title": person.job_title,
            "sex": person.sex,
            "function": person.function,
            "organisation": str(person.organisation.name) if person.organisation else None,
            "country": person.country.iso3 if person.country else None,
            "created_at": _json(person.created_at),
            "anonymised_at": _json(person.anonymised_at),
        },
        "registrations": registrations_data,
    }
    registrations = person.registrations.select_related("activity").prefetch_related("attendances__session")
    for registration in registrations.order_by("activity__start_date", "pk"):
        activity = registration.activity
        registrations_data.append(
            {
                "activity": {
                    "code": activity.code,
                    "title": activity.title,
                    "start_date": _json(activity.start_date),
                    "end_date": _json(activity.end_date),
                },
                "registered_at": _json(registration.registered_at),
                "status": registration.status,
                "completed": registration.completed,
                "completed_on": _json(registration.completed_on),
                "certificate_code": registration.certificate_code,
                **{name: _json(getattr(registration, name)) for name in EVALUATION_FIELDS},
                "attendance": [
                    {"session": _json(row.session.date), "title": row.session.title, "present": row.present}
                    for row in registration.attendances.all()
                ],
            }
        )
    return data


ERASED_FIELDS = ("given_name", "family_name", "email", "phone", "job_title")


@transaction.atomic
def person_erase(*, actor, person: Person) -> Person:
    """Anonymise a person on request: names, email, phone and job title are replaced everywhere jalon
    keeps them (the record and the audit log); sex, country, organisation and function stay, so that
    counts and disaggregations do not move. Their registrations, attendance and scores stay too."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return person
    erased = {
        "given_name": ERASED_GIVEN_NAME,
        "family_name": f"{ERASED_FAMILY_NAME} {person.pk}",
        "email": "",
        "phone": "",
        "job_title": "",
    }
    # The matching keys repeat the name and email (in the record and its audit snapshots): erased with them.
    erased["match_email"], erased["match_name"] = person_match_fields("", erased["given_name"], erased["family_name"])
    erased["match_name_reversed"] = person_match_reversed(erased["given_name"], erased["family_name"])
    old_repr = str(person)
    for key, value in erased.items():
        setattr(person, key, value)
    person.anonymised_at = timezone.now()
    person.save()
    person.other_emails.all().delete()
    # The log must not keep what was erased: scrub the person's own entries and the names in the
    # entries of their registrations.
    own = AuditEntry.objects.filter(model=Person._meta.label_lower, object_id=str(person.pk))
    # Records merged into this one carried the same person's details: their entries are scrubbed too.
    merged = {
        str(entry.after["merged_from"].get("id"))
        for entry in own
        if isinstance(entry.after, dict) and isinstance(entry.after.get("merged_from"), dict)
    }
    for entry in AuditEntry.objects.filter(model=Person._meta.label_lower, object_id__in={str(person.pk), *merged}):
        for side in ("before", "after"):
            values = getattr(entry, side)
            if values:
                values.update({key: value for key, value in erased.items() if key in values})
                merged = values.get("merged_from")
                if isinstance(merged, dict):
                    merged.update({key: value for key, value in erased.items() if key in merged})
        entry.object_repr = str(person)[:250]
        entry.save(update_fields=["before", "after", "object_repr"])
    registrations = [str(pk) for pk in person.registrations.values_list("pk", flat=True)]
    attendance = [str(pk) for pk in Attendance.objects.filter(registration__person=person).values_list("pk", flat=True)]
    for model, ids in ((Registration, registrations), (Attendance, attendance)):
        for entry in AuditEntry.objects.filter(model=model._meta.label_lower, object_id__in=ids):
            entry.object_repr = entry.object_repr.replace(old_repr, str(person))[:250]
            entry.save(update_fields=["object_repr"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=person,
        before={"anonymised_at": None, **dict.fromkeys(ERASED_FIELDS, "[erased]")},
    )
    activities_changed(people=[person])
    return person


# Bulk actions on an activity's participants -----------------------------------------------------------------

BULK_PRESENT = "present"
BULK_COMPLETE = "complete"
BULK_CERTIFICATES = "certificates"
BULK_SATISFACTION = "survey_satisfaction"
BULK_FOLLOWUP = "survey_followup"
BULK_ACTIONS = (BULK_PRESENT, BULK_COMPLETE, BULK_CERTIFICATES, BULK_SATISFACTION, BULK_FOLLOWUP)


def participants_bulk(
    *, actor, activity: Activity, action: str, registrations: list[Registration], session: ActivitySession | None = None
) -> dict[str, int]:
    """One action on the chosen registrations of an activity: mark them present at a session, complete them
    (which issues their certificates), send each their certificate link (completing those not yet), or a
    survey link. Returns {"done": n, "skipped": m} (skipped: cancelled or waiting, no e-mail address, or
    already sent). Each registration's change is its own audited service call; the e-mails go once."""
    from jalon.activities import links, mail

    organiser_check(actor, activity)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose an action.")})
    if not registrations:
        raise ValidationError({"registrations": _("Tick at least one participant.")})
    if any(registration.activity_id != activity.pk for registration in registrations):
        raise ValidationError({"registrations": _("Some of these registrations are not of this activity.")})
    active = [row for row in registrations if row.status == Registration.Status.REGISTERED]
    skipped = len(registrations) - len(active)
    done = 0
    if action == BULK_PRESENT:
        if session is None or session.activity_id != activity.pk:
            raise ValidationError({"session": _("Choose one of the activity's sessions.")})
        attendance_record(actor=actor, session=session, present={row.pk: True for row in active})
        return {"done": len(active), "skipped": skipped}
    if action == BULK_COMPLETE:
        with transaction.atomic():
            for row in active:
                if not row.completed:
                    registration_complete(actor=actor, registration=row)
                done += 1
        return {"done": done, "skipped": skipped}
    for row in active:
        if action == BULK_CERTIFICATES:
            if not row.completed or not row.certificate_code:
                row = registration_complete(actor=actor, registration=row)
            sent = mail.certificate_send(row)
        else:
            survey = links.SATISFACTION if action == BULK_SATISFACTION else links.FOLLOWUP
            sent = mail.survey_send(row, survey)
        done += sent
        skipped += not sent
    return {"done": done, "skipped": skipped}


# Answers to a survey link (no login) ---------------------------------------------------------------------------


@transaction.atomic
def survey_answer(*, registration: Registration, survey: str, **answers) -> Registration:
    """Save a participant's answer given through their personal link into the registration (audited, with
    no user: the participant). A survey is answered once: a second answer is refused."""
    from jalon.activities import links, mail

    current = locked(registration, None, queryset=Registration.objects.select_related("person", "activity"))
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration was cancelled: the survey is closed."))
    if mail.survey_answered(current, survey):
        raise ValidationError(_("This survey was answered already: thank you."), code="answered")
    if survey == links.SATISFACTION:
        fields = {"satisfaction": answers.get("satisfaction"), "satisfaction_comment": answers.get("comment", "")}
        if fields["satisfaction"] is None:
            raise ValidationError({"satisfaction": _("Choose a mark from 1 to 5.")})
    else:
        fields = {
            "followup_applied": answers.get("followup_applied", ""),
            "followup_comment": answers.get("comment", ""),
            "followup_date": timezone.localdate(),
        }
        if not fields["followup_applied"]:
            raise ValidationError({"followup_applied": _("Choose an answer.")})
    return _registration_update(actor=None, registration=current, version=None, **fields)


@transaction.atomic
def trainer_record(*, actor, activity: Activity, person: Person) -> ActivityTrainer:
    """A person trained in the activity: recorded by those who manage it (the expert roster reads it as
    engagement)."""
    if not access.activity_can_manage(actor, activity):
        raise PermissionDenied
    trainer, created = ActivityTrainer.objects.get_or_create(
        activity=activity, person=person, defaults={"recorded_by": actor}
    )
    if created:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=trainer)
    return trainer
