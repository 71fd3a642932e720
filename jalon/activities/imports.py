"""Importing an activity's participants, their attendance and evaluations from a CSV or XLSX file.

One row per participant: who they are (names, email, sex, organisation, country, function), one column
per session of the activity for attendance, and optionally the test scores, satisfaction, completion and
the follow-up survey.

Decisions:
- All or nothing. Every row is parsed and checked first; any problem and nothing is saved, the report
  names each row, column and reason. Then one transaction saves everything with bulk inserts and
  updates in batches, against lookups loaded once (organisations, countries, people, the activity's
  registrations and attendance): a constant number of queries per batch, never per row.
- People are recognised with the one-person-one-record rule (jalon.activities.people): the same email,
  else the same name in the same organisation; a person with another email is another person. A
  recognised person's blank details are filled from the file, never overwritten (the record may have
  been corrected since); names are never changed.
- The same person twice in one file is reported, not merged: the two rows may disagree (attendance,
  scores) and only the organiser knows which is right; merging silently could also hide a typo that
  made two people look like one.
- The file is the organiser's record of the activity: on a registration it fills or replaces what it
  gives (scores, satisfaction, completion, attendance) and leaves alone what it leaves blank. A
  cancelled registration listed in the file is reopened. The activity's capacity is not enforced: the
  file records who came.
- Completion issues the certificate code, and "no" withdraws it, as registration_complete does.
- One audit entry summarises the import (the job, with its counts), not one per row; computed
  indicators are refreshed once, after the commit.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.activities import access
from jalon.activities.models import Activity, ActivitySession, Attendance, FollowUp, Registration
from jalon.activities.people import normalised_email, normalised_name, person_match_key, person_name_key
from jalon.activities.services import activities_changed, certificate_code_new, organiser_check
from jalon.interop.spreadsheets import FileRejected, sheet_read
from jalon.interop.tabular import (
    Choice,
    Column,
    Date,
    Email,
    Integer,
    Lookup,
    Number,
    Report,
    Text,
    YesNo,
    normalise,
    table_parse,
)
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, Progress, job_start
from jalon.lib import bulk
from jalon.organisations.models import Organisation, Person, person_match_fields, person_match_reversed
from jalon.reference.lookups import country_lookup

BATCH = 1000
# Emails and names of a file's rows asked of the index at a time (SQLite's parameter limit).
MATCH_BATCH = 400
# The parser reports its progress every this many rows (written at most once a second).
PROGRESS_EVERY = 200


def max_rows() -> int:
    from django.conf import settings

    return getattr(settings, "JALON_IMPORT_MAX_ROWS", 200_000)


SEX_ALIASES = {
    "f": Person.Sex.FEMALE,
    "femme": Person.Sex.FEMALE,
    "feminin": Person.Sex.FEMALE,
    "woman": Person.Sex.FEMALE,
    "w": Person.Sex.FEMALE,
    "m": Person.Sex.MALE,
    "h": Person.Sex.MALE,
    "homme": Person.Sex.MALE,
    "masculin": Person.Sex.MALE,
    "man": Person.Sex.MALE,
    "autre": Person.Sex.OTHER,
    "non precise": Person.Sex.UNDISCLOSED,
    "ne souhaite pas le dire": Person.Sex.UNDISCLOSED,
}
FUNCTION_ALIASES = {
    "chair": Person.Function.COMMITTEE_CHAIR,
    "chairperson": Person.Function.COMMITTEE_CHAIR,
    "president": Person.Function.COMMITTEE_CHAIR,
    "presidente": Person.Function.COMMITTEE_CHAIR,
    "president de comite": Person.Function.COMMITTEE_CHAIR,
    "convener": Person.Function.CONVENOR,
    "animateur": Person.Function.CONVENOR,
    "secretaire": Person.Function.SECRETARY,
    "personnel d onn": Person.Function.NSB_STAFF,
    "personnel de l onn": Person.Function.NSB_STAFF,
    "regulateur": Person.Function.REGULATOR,
    "industrie": Person.Function.INDUSTRY,
    "universite": Person.Function.ACADEMIA,
    "milieu universitaire": Person.Function.ACADEMIA,
    "autre": Person.Function.OTHER,
}
FOLLOWUP_ALIASES = {
    "oui": FollowUp.YES,
    "en partie": FollowUp.PARTLY,
    "partiellement": FollowUp.PARTLY,
    "non": FollowUp.NO,
}


def organisation_lookup() -> tuple[Lookup, dict[int, int | None]]:
    rows = list(Organisation.objects.values_list("pk", "acronym", "name", "country_id"))
    lookup = Lookup(
        (((acronym, *(name or {}).values()), pk) for pk, acronym, name, _country in rows),
        unknown=gettext_lazy(
            "No organisation with this acronym or name in the directory: check the spelling, or ask a programme "
            "manager to add it."
        ),
        ambiguous=gettext_lazy("Several organisations have this acronym or name: write the full name."),
        expected=gettext_lazy("The acronym (ASN) or the name of an organisation of the directory."),
    )
    return lookup, {pk: country for pk, _a, _n, country in rows}


def person_columns(*, organisations: Lookup | None = None, countries: Lookup | None = None) -> list[Column]:
    return [
        Column("given_name", {"en": "Given name", "fr": "Prénom"}, Text(100), True, ("first name", "prenoms")),
        Column(
            "family_name",
            {"en": "Family name", "fr": "Nom"},
            Text(100),
            True,
            ("last name", "surname", "nom de famille"),
        ),
        Column(
            "email",
            {"en": "Email", "fr": "Courriel"},
            Email(),
            False,
            ("e-mail", "mail", "email address", "adresse électronique", "adresse e-mail", "adresse courriel"),
            gettext_lazy("Recognises people already recorded: give it whenever you can."),
        ),
        Column(
            "sex",
            {"en": "Sex", "fr": "Sexe"},
            Choice(Person.Sex.choices, SEX_ALIASES),
            False,
            ("gender", "genre"),
            gettext_lazy("F or M are understood too."),
        ),
        Column(
            "organisation",
            {"en": "Organisation", "fr": "Organisation"},
            organisations or Lookup((), unknown="", ambiguous="", expected=gettext_lazy("Acronym or name")),
            False,
            ("organization", "organisme", "institution", "structure"),
            gettext_lazy("As recorded in the directory; leave blank if it is not there."),
        ),
        Column(
            "country",
            {"en": "Country", "fr": "Pays"},
            countries or Lookup((), unknown="", ambiguous="", expected=gettext_lazy("ISO code or name")),
            False,
            ("country code", "code pays"),
            gettext_lazy("If blank, the organisation's country."),
        ),
        Column(
            "function",
            # "Profil" as on the registration form; "Fonction", the earlier template's header, still reads.
            {"en": "Function", "fr": "Profil"},
            Choice(Person.Function.choices, FUNCTION_ALIASES),
            False,
            ("role", "rôle", "fonction"),
        ),
    ]


def session_columns(sessions: list[ActivitySession]) -> list[Column]:
    """One column per session, found by "Session 2" / "Séance 2" (its rank), by its date (ISO or
    day/month/year) or by its title, when those are unique in the activity."""
    dates: defaultdict[object, int] = defaultdict(int)
    titles: defaultdict[str, int] = defaultdict(int)
    for session in sessions:
        dates[session.date] += 1
        titles[normalise(session.title)] += 1
    columns = []
    parser = YesNo()
    for rank, session in enumerate(sessions, start=1):
        aliases = [f"Session {rank}", f"Séance {rank}", f"Day {rank}", f"Jour {rank}", str(session)]
        if dates[session.date] == 1:
            day = session.date
            aliases += [day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}"]
            aliases += [f"{word} {day.isoformat()}" for word in ("Session", "Séance", "Attendance", "Présence")]
            aliases += [f"{word} {day:%d/%m/%Y}" for word in ("Session", "Séance", "Attendance", "Présence")]
        if session.title and titles[normalise(session.title)] == 1:
            aliases.append(session.title)
        columns.append(
            Column(
                f"session:{session.pk}",
                {"en": f"Session {rank} ({session.date:%Y-%m-%d})", "fr": f"Séance {rank} ({session.date:%d/%m/%Y})"},
                parser,
                False,
                tuple(aliases),
                gettext_lazy("Attendance: yes (present) or no (absent); blank: not recorded."),
            )
        )
    return columns


def placeholder_session_columns(count: int = 3) -> list[Column]:
    """For the generic template: "Session 1".. columns, matched to an activity's sessions by rank."""
    parser = YesNo()
    return [
        Column(
            f"session:{rank}",
            {"en": f"Session {rank}", "fr": f"Séance {rank}"},
            parser,
            False,
            (),
            gettext_lazy(
                "Attendance at the activity's session of this rank: yes or no. Add or delete columns to match the "
                "sessions; a column may also be headed with the session's date."
            ),
        )
        for rank in range(1, count + 1)
    ]


def evaluation_columns() -> list[Column]:
    score = Number(Decimal(0), Decimal(100), 2)
    return [
        Column(
            "pre_test_score",
            {"en": "Pre-test score", "fr": "Note au test initial"},
            score,
            False,
            ("pre test", "pre-test", "test initial", "pré-test", "score avant"),
            gettext_lazy("Knowledge test before the activity, out of 100."),
        ),
        Column(
            "post_test_score",
            {"en": "Post-test score", "fr": "Note au test final"},
            score,
            False,
            ("post test", "post-test", "test final", "post-test", "score après"),
            gettext_lazy("Knowledge test after the activity, out of 100."),
        ),
        Column(
            "satisfaction",
            {"en": "Satisfaction (1-5)", "fr": "Satisfaction (1-5)"},
            Integer(1, 5),
            False,
            ("satisfaction",),
            gettext_lazy("1 (very dissatisfied) to 5 (very satisfied)."),
        ),
        Column(
            "satisfaction_comment",
            {"en": "Comments", "fr": "Commentaires"},
            Text(2000),
            False,
            ("comment", "commentaire", "satisfaction comment"),
        ),
        Column(
            "completed",
            {"en": "Completed", "fr": "Terminé"},
            YesNo(),
            False,
            ("completion", "achevé", "termine", "certificate", "certificat"),
            gettext_lazy("yes issues the certificate; no withdraws it."),
        ),
        Column(
            "followup_applied",
            {"en": "Applied what was learned", "fr": "A appliqué les acquis"},
            Choice(FollowUp.choices, FOLLOWUP_ALIASES),
            False,
            ("follow-up", "suivi", "applied", "application des acquis"),
            gettext_lazy("The follow-up survey, months later: yes, partly or no."),
        ),
        Column(
            "followup_date",
            {"en": "Follow-up date", "fr": "Date du suivi"},
            Date(),
            False,
            ("date of follow-up", "date de suivi"),
        ),
    ]


def participant_columns(
    *, sessions: list[ActivitySession] | None = None, organisations=None, countries=None
) -> list[Column]:
    session_part = session_columns(sessions) if sessions is not None else placeholder_session_columns()
    return [
        *person_columns(organisations=organisations, countries=countries),
        *session_part,
        *evaluation_columns(),
    ]


EXAMPLE_ROW = {
    "given_name": "Awa",
    "family_name": "Diop",
    "email": "awa.diop@example.org",
    "sex": "F",
    "organisation": "ASN",
    "country": "SEN",
    "session:1": "oui",
    "session:2": "oui",
    "pre_test_score": 45,
    "post_test_score": 80,
    "satisfaction": 5,
    "completed": "oui",
}


def template_instructions() -> list[str]:
    return [
        _("Participants of an activity: one row per person. Keep the header row; the columns may be in any order."),
        _("Required columns are marked with *. Blank cells leave what is already recorded unchanged."),
        _(
            "People already recorded are recognised by their email, or else by their name and organisation: "
            "give the email whenever you can."
        ),
        _(
            "The import is all or nothing: if a row has a problem, nothing is saved and a report names each row, "
            "column and reason."
        ),
        _("Delete the example row before importing."),
    ]


# The import itself -----------------------------------------------------------------------------------------

# The job kind of a participant import (jalon.jobs): its subject is the activity.
PARTICIPANTS = "participants"


def participants_import_start(
    *, actor, activity: Activity, upload, language: str | None = None, enqueue: bool = True
) -> Job:
    """Store the file and queue its import into the activity for the worker (`enqueue` False: the caller
    runs it now with `job_run`, as the command line does). Only the activity's organisers import its
    participants, as only they register them one by one."""
    organiser_check(actor, activity)
    return job_start(
        actor=actor, kind=PARTICIPANTS, subject_id=activity.pk, upload=upload, language=language, enqueue=enqueue
    )


def participants_import_work(job: Job, progress: Progress) -> dict:
    """The job's work: read and check every row, then save them all in one transaction, or refuse the file
    with the report of its problems (JobRefused) and save nothing."""
    activity = Activity.objects.filter(pk=job.subject_id or 0).first()
    if activity is None:
        raise JobRefused(_("The activity of this import no longer exists."))
    if activity.status == Activity.Status.CANCELLED:
        raise JobRefused(_("This activity is cancelled: participants cannot be imported."))
    sessions = list(activity.sessions.order_by("date", "start_time", "id"))
    organisations, organisation_countries = organisation_lookup()
    columns = participant_columns(sessions=sessions, organisations=organisations, countries=country_lookup())
    report = Report()
    try:
        with job.upload.open("rb") as upload:
            sheet = sheet_read(upload, name=job.upload_name)
            estimate = max(sheet.rows_estimate - 1, 0) if sheet.rows_estimate else None
            progress.step(_("Reading and checking the rows"), total=estimate)
            header, rows = table_parse(
                sheet, columns, report=report, max_rows=max_rows(), progress=progress.advance, every=PROGRESS_EVERY
            )
    except FileRejected as rejected:
        raise JobRefused(rejected.message) from rejected
    if report.count == 0:
        duplicates_check(rows, header.written, report)
        future_sessions_check(rows, sessions, header.written, report)
        for row in rows:
            followup = row.values.get("followup_date")
            if followup and followup < activity.start_date:
                report.add(
                    row.number,
                    header.written["followup_date"],
                    followup,
                    _("The follow-up cannot come before the activity (%(start)s).")
                    % {"start": activity.start_date.isoformat()},
                )
    if report:
        raise JobRefused(
            ngettext(
                "The file has %(count)s problem. Nothing was saved: correct the file and import it again.",
                "The file has %(count)s problems. Nothing was saved: correct the file and import it again.",
                report.count,
            )
            % {"count": report.count},
            result={
                "errors": [error.as_dict() for error in report.errors],
                "error_count": report.count,
                "rows": len(rows),
            },
        )
    progress.step(
        ngettext("Every row is valid: saving %(count)s row…", "Every row is valid: saving %(count)s rows…", len(rows))
        % {"count": len(rows)}
    )
    return participants_save(
        job=job,
        progress=progress,
        activity=activity,
        rows=rows,
        sessions=sessions,
        organisation_countries=organisation_countries,
    )


def duplicates_check(rows, written: dict, report: Report) -> None:
    """The same person on two rows (by the one-person-one-record rule) is a problem on the later row."""
    seen: dict[tuple, int] = {}
    emailed_names: dict[tuple, tuple[int, str]] = {}
    for row in rows:
        values = row.values
        details = {
            "given_name": values.get("given_name"),
            "family_name": values.get("family_name"),
            "organisation_id": values.get("organisation"),
        }
        key = person_match_key(email=values.get("email"), **details)
        # Kept on the row for the save, which needs it again (normalising names is the costly part).
        name_key = row.name_key = person_name_key(**details)
        earlier = seen.get(key)
        if earlier is None and key[0] == "name":
            # Without an email, a row with the same name and organisation and an email is the same person.
            earlier = emailed_names.get(name_key, (None, ""))[0]
        if earlier is not None:
            reason = (
                _("Same person as row %(row)s (same email): give each participant one row.")
                if key[0] == "email"
                else _("Same person as row %(row)s (same name and organisation): give each participant one row.")
            )
            column = written.get("email") if key[0] == "email" else written.get("family_name")
            shown = values.get("email") or values.get("family_name")
            report.add(row.number, column or "", shown, reason % {"row": earlier})
            continue
        seen[key] = row.number
        if key[0] == "email":
            emailed_names.setdefault(name_key, (row.number, key[1]))


def future_sessions_check(rows, sessions, written: dict, report: Report) -> None:
    """Attendance cannot be known before a session takes place: a cell filled for a session after today is a
    problem of its row (an empty cell is fine)."""
    today = timezone.localdate()
    for session in sessions:
        if session.date <= today:
            continue
        key = f"session:{session.pk}"
        column = written.get(key)
        if column is None:
            continue
        for row in rows:
            if row.values.get(key) is not None:
                report.add(
                    row.number,
                    column,
                    row.values[key],
                    _("This session takes place on %(date)s: attendance can be recorded from that day.")
                    % {"date": date_format(session.date, "SHORT_DATE_FORMAT")},
                )


PERSON_FILLED = ("email", "sex", "function", "country_id", "organisation_id")
REGISTRATION_SET = (
    "pre_test_score",
    "post_test_score",
    "satisfaction",
    "satisfaction_comment",
    "followup_applied",
    "followup_date",
)


@transaction.atomic
def participants_save(*, job: Job, progress: Progress, activity, rows, sessions, organisation_countries) -> dict:
    """One transaction: the people, registrations and attendance, the audit entry and the job marked done,
    all saved together or not at all. A cancel asked meanwhile is seen between the steps and rolls it back."""
    now = timezone.now()
    counts: defaultdict[str, int] = defaultdict(int)
    # The command line (no owner) is the operator's: it recognises anyone, as the platform team does.
    among = Person.objects.all() if job.owner is None else access.people_matchable(job.owner)
    person_ids = _people_save(rows, organisation_countries, counts, among=among)
    progress.check()
    registrations = _registrations_save(job, activity, rows, person_ids, now, counts)
    progress.check()
    _attendance_save(rows, sessions, registrations, person_ids, now, counts)
    progress.check()
    result = {"rows": len(rows), **{key: counts[key] for key in sorted(counts)}}
    # One entry for the whole import, not one per row: the job, with the activity, the file name and the counts.
    job.status, job.result, job.finished_at = Job.Status.SUCCEEDED, result, timezone.now()
    audit_record(actor=job.owner, action=AuditEntry.Action.UPDATE, instance=job)
    progress.succeeded(result)
    # The activity's programmes, and those of its people's other activities (their blank details filled).
    activities_changed(activities=[activity], people=Registration.objects.filter(activity=activity).values("person_id"))
    return result


def _people_save(rows, organisation_countries, counts, *, among) -> list[int]:
    """The person id of each row: recognised among the people the importer may see (`among`:
    access.people_matchable), or created. Blank details of recognised people are filled."""
    by_email: dict[str, int] = {}
    people: dict[int, list] = {}
    names: list[tuple] = []
    # Only the recorded people the file's rows can designate: same email or same name, asked of the indexed
    # keys (Person.match_email, match_name), a batch of rows at a time (issue 21: not every person read).
    addresses = sorted({normalised_email(row.values.get("email")) for row in rows} - {""})
    wanted = sorted(
        {normalised_name(row.values.get("given_name"), row.values.get("family_name")) for row in rows} - {""}
    )
    live = among.filter(anonymised_at__isnull=True)
    recorded = []
    for start in range(0, max(len(addresses), len(wanted)), MATCH_BATCH):
        batch = Q(match_email__in=addresses[start : start + MATCH_BATCH]) | Q(
            match_name__in=wanted[start : start + MATCH_BATCH]
        )
        recorded += live.filter(batch).values_list(
            "pk", "email", "given_name", "family_name", "organisation_id", "sex", "function", "country_id"
        )
    for known, email, given, family, organisation_id, sex, function, country_id in sorted(set(recorded)):
        people[known] = [email, sex, function, country_id, organisation_id]
        address = normalised_email(email)
        if address:
            by_email.setdefault(address, known)
        names.append((known, given, family, organisation_id))
    by_name: dict[tuple, list[int]] | None = None
    ids: list[int | None] = []
    new: list[tuple] = []
    changed: dict[int, dict] = {}
    for row in rows:
        values = row.values
        organisation_id = values.get("organisation")
        country_id = values.get("country") or organisation_countries.get(organisation_id)
        address = normalised_email(values.get("email"))
        pk: int | None = by_email.get(address) if address else None
        if pk is None:
            name_key = getattr(row, "name_key", None) or person_name_key(
                given_name=values["given_name"], family_name=values["family_name"], organisation_id=organisation_id
            )
            if by_name is None:
                # Built on first need only: normalising every recorded name is the costly part, and a file
                # whose people all have known emails never needs it.
                by_name = defaultdict(list)
                for pk_, given, family, organisation_ in names:
                    key = person_name_key(given_name=given, family_name=family, organisation_id=organisation_)
                    by_name[key].append(pk_)
            for candidate in by_name.get(name_key, ()):
                # Two different addresses are two people, even with the same name.
                if not address or not people[candidate][0] or normalised_email(people[candidate][0]) == address:
                    pk = candidate
                    break
        if pk is None:
            new.append(
                (
                    values["given_name"],
                    values["family_name"],
                    values.get("email", ""),
                    values.get("sex", ""),
                    values.get("function", ""),
                    organisation_id,
                    country_id,
                )
            )
            ids.append(None)
            continue
        ids.append(pk)
        counts["people_recognised"] += 1
        current = people[pk]
        offered = [values.get("email", ""), values.get("sex", ""), values.get("function", "")]
        offered += [country_id, organisation_id]
        for index, name in enumerate(PERSON_FILLED):
            if current[index] in (None, "") and offered[index] not in (None, ""):
                current[index] = offered[index]
                changed.setdefault(pk, {})[name] = offered[index]
    created = iter(
        records_insert(
            Person,
            (
                "given_name",
                "family_name",
                "email",
                "sex",
                "function",
                "organisation_id",
                "country_id",
                "match_email",
                "match_name",
                "match_name_reversed",
            ),
            [
                (*row, *person_match_fields(row[2], row[0], row[1]), person_match_reversed(row[0], row[1]))
                for row in new
            ],
        )
    )
    counts["people_created"] = len(new)
    found = [pk if pk is not None else next(created) for pk in ids]
    if changed:
        now = timezone.now()
        objects = []
        for pk in changed:
            person = Person(pk=pk, updated_at=now)
            current = people[pk]
            for index, name in enumerate(PERSON_FILLED):
                setattr(person, name, current[index])
            person.match_email = normalised_email(person.email)  # a blank email filled: its key too
            objects.append(person)
        Person.objects.bulk_update(objects, [*PERSON_FILLED, "match_email", "updated_at"], batch_size=BATCH)
        counts["people_completed"] = len(objects)
    return found


def _registrations_save(job, activity, rows, person_ids, now, counts) -> dict[int, int]:
    """Registration id by person id, after creating or updating one per row."""
    existing = {registration.person_id: registration for registration in Registration.objects.filter(activity=activity)}
    new: list[tuple] = []
    new_people: list[int] = []
    changed: list[Registration] = []
    codes = _certificate_codes()
    reference = f"import {job.pk}"
    for row, person_id in zip(rows, person_ids, strict=True):
        values = row.values
        registration = existing.get(person_id)
        if registration is None:
            completed = bool(values.get("completed"))
            new.append(
                (
                    activity.pk,
                    person_id,
                    now,
                    Registration.Source.IMPORT.value,
                    reference,
                    values.get("pre_test_score"),
                    values.get("post_test_score"),
                    values.get("satisfaction"),
                    values.get("satisfaction_comment", ""),
                    values.get("followup_applied", ""),
                    values.get("followup_date"),
                    completed,
                    activity.end_date if completed else None,
                    next(codes) if completed else None,
                    now if completed else None,
                )
            )
            new_people.append(person_id)
            counts["certificates_issued"] += completed
            continue
        before = _registration_state(registration)
        registration.status = Registration.Status.REGISTERED
        for name in REGISTRATION_SET:
            if name in values:
                setattr(registration, name, values[name])
        completed = values.get("completed")
        if completed is True and not registration.completed:
            registration.completed = True
            registration.completed_on = registration.completed_on or activity.end_date
        elif completed is False and registration.completed:
            registration.completed, registration.completed_on = False, None
            registration.certificate_code = registration.certificate_issued_at = None
            counts["certificates_withdrawn"] += 1
        if registration.completed and not registration.certificate_code:
            registration.certificate_code, registration.certificate_issued_at = next(codes), now
            counts["certificates_issued"] += 1
        if _registration_state(registration) != before:
            registration.version += 1
            registration.updated_at = now
            changed.append(registration)
    created = records_insert(Registration, NEW_REGISTRATION, new)
    counts["registrations_created"] = len(new)
    if changed:
        Registration.objects.bulk_update(
            changed,
            [
                "status",
                *REGISTRATION_SET,
                "completed",
                "completed_on",
                "certificate_code",
                "certificate_issued_at",
                "version",
                "updated_at",
            ],
            batch_size=BATCH,
        )
    counts["registrations_updated"] = len(changed)
    ids = {registration.person_id: registration.pk for registration in existing.values()}
    ids.update(zip(new_people, created, strict=True))
    return ids


NEW_REGISTRATION = (
    "activity_id",
    "person_id",
    "registered_at",
    "source",
    "import_reference",
    "pre_test_score",
    "post_test_score",
    "satisfaction",
    "satisfaction_comment",
    "followup_applied",
    "followup_date",
    "completed",
    "completed_on",
    "certificate_code",
    "certificate_issued_at",
)


def _registration_state(registration: Registration) -> tuple:
    return (
        registration.status,
        *(getattr(registration, name) for name in REGISTRATION_SET),
        registration.completed,
        registration.completed_on,
        registration.certificate_code,
    )


def _certificate_codes():
    """Fresh verification codes, never one already issued (80 random bits: a clash is a curiosity, but the
    unique constraint would abort the whole import)."""
    issued = set(Registration.objects.exclude(certificate_code=None).values_list("certificate_code", flat=True))
    while True:
        code = certificate_code_new()
        if code not in issued:
            issued.add(code)
            yield code


def _attendance_save(rows, sessions, registrations, person_ids, now, counts) -> None:
    session_ids = [session.pk for session in sessions]
    if not session_ids:
        return
    recorded_rows = Attendance.objects.filter(session_id__in=session_ids).values_list(
        "pk", "registration_id", "session_id", "present"
    )
    existing = {(registration, session): (pk, present) for pk, registration, session, present in recorded_rows}
    new: list[tuple] = []
    changed: list[Attendance] = []
    for row, person_id in zip(rows, person_ids, strict=True):
        registration_id = registrations[person_id]
        for session_id in session_ids:
            present = row.values.get(f"session:{session_id}")
            if present is None:
                continue
            recorded = existing.get((registration_id, session_id))
            if recorded is None:
                new.append((registration_id, session_id, present))
            elif recorded[1] != present:
                changed.append(Attendance(pk=recorded[0], present=present, recorded_at=now))
    records_insert(Attendance, ("registration_id", "session_id", "present"), new)
    if changed:
        Attendance.objects.bulk_update(changed, ["present", "recorded_at"], batch_size=BATCH)
    counts["attendance_created"] = len(new)
    counts["attendance_updated"] = len(changed)


def activity_template_columns(activity: Activity | None) -> list[Column]:
    """The template's columns: the activity's own sessions when there is one, else "Session 1".."3"."""
    sessions = list(activity.sessions.order_by("date", "start_time", "id")) if activity is not None else None
    return participant_columns(sessions=sessions)


def example_row(columns: list[Column], language: str = "fr") -> dict:
    """The example row in the template's language, with the first two sessions ticked."""
    yes = "oui" if language == "fr" else "yes"
    example = {
        key: yes if value == "oui" else value for key, value in EXAMPLE_ROW.items() if not key.startswith("session:")
    }
    sessions = [column.key for column in columns if column.key.startswith("session:")]
    for key in sessions[:2]:
        example[key] = yes
    return example


def records_insert(model, fields: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert rows of `fields` values; their new ids, in order (jalon.lib.bulk, else bulk_create)."""
    if not bulk.fast():
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH)
        return [item.pk for item in objects]
    ids = bulk.ids_reserve(model, len(rows))
    bulk.rows_insert(model, ("id", *fields), ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
    return ids
