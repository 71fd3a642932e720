"""Writes to sponsorships and fellowships: creating and editing drafts, and each step of their workflows.

Every transition is one service: it locks the record, refuses a stale version (optimistic locking: two
reviewers acting on the same application), checks the step is allowed from the current status, and audits
the change. Eligibility rules run at submission (a failing rule that refuses stops it, naming the rule), at
the check (a refusing failure refuses the application with the rules as reasons) and again at approval
(data may have changed since the check: another award may have filled a quota)."""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save
from jalon.committees import services as committee_services
from jalon.committees.models import Committee, Meeting, MeetingDelegate
from jalon.organisations.models import Organisation, Person
from jalon.results.computations import computed_schedule_refresh
from jalon.support import access, mail
from jalon.support.models import (
    FELLOWSHIP_AWARDED,
    SPONSORSHIP_AWARDED,
    Application,
    Fellowship,
    FellowshipEligibility,
    Sponsorship,
)
from jalon.support.rules import evaluate

# Each workflow step and the statuses it starts from: the services enforce it, the pages offer a step's
# button only where it applies.
S, F_ = Sponsorship.Status, Fellowship.Status
SPONSORSHIP_STEPS = {
    "submit": (S.DRAFT,),
    "check": (S.SUBMITTED,),
    "approve": (S.CHECKED,),
    "refuse": (S.SUBMITTED, S.CHECKED),
    "travel": (S.APPROVED,),
    "attend": (S.TRAVEL_ARRANGED,),
    "report": (S.ATTENDED,),
    "costs": SPONSORSHIP_AWARDED,
}
FELLOWSHIP_STEPS = {
    "submit": (F_.DRAFT,),
    "approve": (F_.SUBMITTED,),
    "refuse": (F_.SUBMITTED,),
    "costs": FELLOWSHIP_AWARDED,
}

COST_FIELDS = ("estimated_travel", "estimated_allowance", "estimated_other", "currency")
ACTUAL_FIELDS = ("actual_travel", "actual_allowance", "actual_other")
SPONSORSHIP_FIELDS = (
    "programme",
    "organisation",
    "person",
    "committee",
    "meeting",
    "mirror_committee",
    "mirror_role",
    "training",
    "motivation",
    *COST_FIELDS,
)
FELLOWSHIP_FIELDS = (
    "programme",
    "organisation",
    "person",
    "meeting",
    "kind",
    "partial_part",
    "financial_year",
    "motivation",
    *COST_FIELDS,
)


# Shared steps ----------------------------------------------------------------------------------------------


def _require_status(current, allowed: tuple, message: str) -> None:
    if current.status not in allowed:
        raise ValidationError(message % {"status": current.get_status_display()})


def _clean(instance, exclude: tuple = ()) -> None:
    instance.full_clean(exclude=["created_by", "reviewer", "delegate", *exclude])


def _check_people(instance: Application) -> None:
    """The candidate is one of the applicant organisation's contacts."""
    if instance.person_id and instance.organisation_id and instance.person.organisation_id != instance.organisation_id:
        raise ValidationError({"person": _("Choose a person of the applicant organisation.")})


def _check_applicant(actor, instance: Application, before: dict | None = None) -> None:
    """Whoever files or edits an application may apply in its programme for its organisation, for that
    candidate (support.access decides, as the pages and API offer). Here, not in the pages and API, so that
    no caller skips it. An edit is checked on what it changes."""

    def changed(field: str) -> bool:
        return before is None or before.get(field) != getattr(instance, field)

    if (
        changed("programme_id")
        and not access.support_programme_choices(actor).filter(pk=instance.programme_id).exists()
    ):
        raise ValidationError({"programme": _("Choose a programme you can see.")})
    if changed("programme_id") and instance.programme.owner.acronym != access.SCHEME_BODIES[instance.scheme]:
        raise ValidationError(
            {
                "programme": _("Choose a programme of %(body)s: it awards this support.")
                % {"body": access.SCHEME_BODIES[instance.scheme]}
            }
        )
    if (changed("programme_id") or changed("organisation_id")) and not access.support_can_apply_for(
        actor, instance.programme, instance.organisation
    ):
        raise ValidationError({"organisation": _("Apply for your own organisation.")})
    if changed("person_id"):
        candidates = access.support_candidate_choices(actor, scheme=instance.scheme)
        if not candidates.filter(pk=instance.person_id).exists():
            raise ValidationError({"person": _("Unknown person.")})


def _serialise_quota(current) -> None:
    """Lock the rows the quota rules count by, so that two decisions taken at the same moment cannot both
    pass a limit only one of them fits in (per member and year; per Member State and meeting; per person)."""
    if isinstance(current, Sponsorship):
        list(Organisation.objects.select_for_update().filter(pk=current.organisation_id).values_list("pk"))
    else:
        list(Meeting.objects.select_for_update().filter(pk=current.meeting_id).values_list("pk"))
        list(Person.objects.select_for_update().filter(pk=current.person_id).values_list("pk"))


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _decision_notify(current: Application) -> None:
    """The candidate and the applicant's focal points are told of the decision once it is committed."""
    transaction.on_commit(partial(mail.decision_send, type(current), current.pk))


def _evaluate_and_store(current):
    evaluation = evaluate(current)
    current.rule_results, current.evaluated_at = evaluation.as_json(), timezone.now()
    return evaluation


def _delegate_sponsored(*, actor, application: Application, present: bool = False) -> MeetingDelegate:
    """The award pays for the delegate's participation: the meeting's delegate list says so (through the
    committees services, which refresh the computed indicators that count sponsored delegates)."""
    delegate = committee_services.delegate_sponsor(
        actor=actor,
        meeting=application.meeting,
        person=application.person,
        organisation=application.organisation,
        present=present,
    )
    # The committees services refresh on their own; said here too so this app's contract does not rest on it.
    computed_schedule_refresh(source="committees")
    return delegate


def _record_actuals(current, values: dict) -> None:
    for name in ACTUAL_FIELDS:
        if name in values and values[name] is not None:
            setattr(current, name, values[name])


# Sponsorships ----------------------------------------------------------------------------------------------


def _check_sponsorship(instance: Sponsorship) -> None:
    if instance.meeting_id and not instance.committee_id:
        # The form asks for the meeting only: its committee is the one applied for.
        instance.committee_id = instance.meeting.committee_id
    errors = {}
    if instance.organisation_id and instance.organisation.kind != Organisation.Kind.NSB:
        errors["organisation"] = _("Sponsorships are for national standards bodies.")
    if instance.committee_id and instance.committee.body not in (Committee.Body.ISO, Committee.Body.IEC_ISO):
        errors["committee"] = _("Sponsorships are for ISO committee meetings.")
    if instance.meeting_id and instance.committee_id and instance.meeting.committee_id != instance.committee_id:
        errors["meeting"] = _("Choose a meeting of the chosen committee.")
    if errors:
        raise ValidationError(errors)
    _check_people(instance)


@transaction.atomic
def sponsorship_create(*, actor, is_demo: bool = False, **fields) -> Sponsorship:
    """A draft application; nothing is checked against the rules until it is submitted."""
    unknown_fields(fields, SPONSORSHIP_FIELDS, "sponsorship")
    sponsorship = Sponsorship(**fields, is_demo=is_demo, created_by=_author(actor))
    _check_sponsorship(sponsorship)
    _check_applicant(actor, sponsorship)
    _clean(sponsorship)
    sponsorship.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=sponsorship)
    return sponsorship


@transaction.atomic
def sponsorship_update(*, actor, sponsorship: Sponsorship, version: int | None = None, **fields) -> Sponsorship:
    current = locked(sponsorship, version)
    _require_status(current, (Sponsorship.Status.DRAFT,), _("Only a draft can be edited; this one is %(status)s."))
    unknown_fields(fields, SPONSORSHIP_FIELDS, "sponsorship")
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _check_sponsorship(current)
    _check_applicant(actor, current, before)
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_submit(*, actor, sponsorship: Sponsorship, version: int | None = None) -> Sponsorship:
    """Send a draft to the programme team. A rule that refuses stops it here, with its reason."""
    current = locked(sponsorship, version)
    _require_status(current, SPONSORSHIP_STEPS["submit"], _("Only a draft can be submitted; this one is %(status)s."))
    _serialise_quota(current)
    evaluation = evaluate(current)
    if not evaluation.eligible:
        raise evaluation.refusal_error()
    before = snapshot(current)
    current.rule_results, current.evaluated_at = evaluation.as_json(), timezone.now()
    current.status, current.submitted_at = Sponsorship.Status.SUBMITTED, timezone.now()
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_check(*, actor, sponsorship: Sponsorship, version: int | None = None) -> Sponsorship:
    """The programme team checks a submitted application: the rules run again on today's data; if one that
    refuses fails, the application is refused with the rules' reasons, otherwise it is ready for a decision."""
    current = locked(sponsorship, version)
    _require_status(
        current, SPONSORSHIP_STEPS["check"], _("Only a submitted application can be checked; this one is %(status)s.")
    )
    before = snapshot(current)
    _serialise_quota(current)
    evaluation = _evaluate_and_store(current)
    current.checked_at, current.reviewer = timezone.now(), actor
    if evaluation.eligible:
        current.status = Sponsorship.Status.CHECKED
    else:
        current.status, current.decided_at = Sponsorship.Status.REFUSED, timezone.now()
        _decision_notify(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_approve(*, actor, sponsorship: Sponsorship, note: str = "", version: int | None = None) -> Sponsorship:
    current = locked(sponsorship, version)
    _require_status(
        current, SPONSORSHIP_STEPS["approve"], _("Only a checked application can be approved; this one is %(status)s.")
    )
    before = snapshot(current)
    _serialise_quota(current)
    evaluation = _evaluate_and_store(current)
    if not evaluation.eligible:
        raise evaluation.refusal_error()
    if evaluation.flags and not note.strip():
        raise ValidationError({"note": _("Some rules flag this application: say why you approve it anyway.")})
    current.status, current.decided_at, current.reviewer = Sponsorship.Status.APPROVED, timezone.now(), actor
    current.review_note = note.strip()
    current.delegate = _delegate_sponsored(actor=actor, application=current)
    _decision_notify(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_refuse(*, actor, sponsorship: Sponsorship, reasons: str, version: int | None = None) -> Sponsorship:
    current = locked(sponsorship, version)
    _require_status(
        current,
        SPONSORSHIP_STEPS["refuse"],
        _("Only a submitted or checked application can be refused; this one is %(status)s."),
    )
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the refusal: the applicant will read them.")})
    before = snapshot(current)
    current.status, current.decided_at, current.reviewer = Sponsorship.Status.REFUSED, timezone.now(), actor
    current.refusal_reasons = reasons.strip()
    _decision_notify(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_arrange_travel(
    *, actor, sponsorship: Sponsorship, actual_travel=None, version: int | None = None
) -> Sponsorship:
    current = locked(sponsorship, version)
    _require_status(
        current,
        SPONSORSHIP_STEPS["travel"],
        _("Travel is arranged for an approved sponsorship only; this one is %(status)s."),
    )
    before = snapshot(current)
    _record_actuals(current, {"actual_travel": actual_travel})
    current.status = Sponsorship.Status.TRAVEL_ARRANGED
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_attend(
    *, actor, sponsorship: Sponsorship, actual_allowance=None, actual_other=None, version: int | None = None
) -> Sponsorship:
    """The delegate attended: the meeting's delegate list marks them present and sponsored."""
    current = locked(sponsorship, version)
    _require_status(
        current,
        SPONSORSHIP_STEPS["attend"],
        _("Attendance is confirmed once travel is arranged; this sponsorship is %(status)s."),
    )
    if current.meeting.start_date > timezone.localdate():
        raise ValidationError(_("The meeting has not started yet: attendance is confirmed once it has."))
    before = snapshot(current)
    _record_actuals(current, {"actual_allowance": actual_allowance, "actual_other": actual_other})
    current.status = Sponsorship.Status.ATTENDED
    current.delegate = _delegate_sponsored(actor=actor, application=current, present=True)
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_report(
    *, actor, sponsorship: Sponsorship, text: str = "", file=None, version: int | None = None
) -> Sponsorship:
    """The delegate's report back after the meeting: a text, a file, or both."""
    current = locked(sponsorship, version)
    _require_status(
        current,
        SPONSORSHIP_STEPS["report"],
        _("The report is submitted after the meeting was attended; this sponsorship is %(status)s."),
    )
    if not (text or "").strip() and not file:
        raise ValidationError({"report_text": _("Write the report or attach it as a file.")})
    before = snapshot(current)
    current.report_text = (text or "").strip()
    if file:
        current.report_file = file
    current.status, current.report_submitted_at = Sponsorship.Status.REPORT_SUBMITTED, timezone.now()
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


def _record_costs(*, actor, application, version, values: dict, allowed: tuple):
    current = locked(application, version)
    _require_status(current, allowed, _("Actual costs are recorded for awards only; this application is %(status)s."))
    before = snapshot(current)
    for name in ACTUAL_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def sponsorship_record_costs(*, actor, sponsorship: Sponsorship, version: int | None = None, **values) -> Sponsorship:
    return _record_costs(
        actor=actor, application=sponsorship, version=version, values=values, allowed=SPONSORSHIP_STEPS["costs"]
    )


# Fellowships -----------------------------------------------------------------------------------------------


def _prepare_fellowship(instance: Fellowship) -> None:
    """Derive the Member State and the financial year, and check what the form cannot."""
    errors = {}
    if instance.organisation_id:
        if instance.organisation.country_id is None:
            errors["organisation"] = _("The Member State organisation needs a country in the directory.")
        else:
            instance.country_id = instance.organisation.country_id
    if instance.meeting_id:
        if instance.meeting.committee.body != Committee.Body.ITU_T:
            errors["meeting"] = _("ITU fellowships are for ITU-T meetings.")
        if not instance.financial_year:
            # ITU's financial year is the calendar year.
            instance.financial_year = instance.meeting.start_date.year
    if instance.kind == Fellowship.Kind.FULL:
        instance.partial_part = ""
    elif not instance.partial_part:
        errors["partial_part"] = _("Say what the partial fellowship covers: the air ticket or the daily allowance.")
    if errors:
        raise ValidationError(errors)
    _check_people(instance)


@transaction.atomic
def fellowship_create(*, actor, is_demo: bool = False, **fields) -> Fellowship:
    unknown_fields(fields, FELLOWSHIP_FIELDS, "fellowship")
    fellowship = Fellowship(**fields, is_demo=is_demo, created_by=_author(actor))
    _prepare_fellowship(fellowship)
    _check_applicant(actor, fellowship)
    _clean(fellowship)
    fellowship.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=fellowship)
    return fellowship


@transaction.atomic
def fellowship_update(*, actor, fellowship: Fellowship, version: int | None = None, **fields) -> Fellowship:
    current = locked(fellowship, version)
    _require_status(current, (Fellowship.Status.DRAFT,), _("Only a draft can be edited; this one is %(status)s."))
    unknown_fields(fields, FELLOWSHIP_FIELDS, "fellowship")
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _prepare_fellowship(current)
    _check_applicant(actor, current, before)
    _clean(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def fellowship_submit(*, actor, fellowship: Fellowship, version: int | None = None) -> Fellowship:
    """Send a request to the programme team. A rule that refuses (a third partial fellowship for the
    Member State at this meeting, say) stops it here, naming the rule."""
    current = locked(fellowship, version)
    _require_status(current, FELLOWSHIP_STEPS["submit"], _("Only a draft can be submitted; this one is %(status)s."))
    _serialise_quota(current)
    evaluation = evaluate(current)
    if not evaluation.eligible:
        raise evaluation.refusal_error()
    before = snapshot(current)
    current.rule_results, current.evaluated_at = evaluation.as_json(), timezone.now()
    current.status, current.submitted_at = Fellowship.Status.SUBMITTED, timezone.now()
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def fellowship_approve(*, actor, fellowship: Fellowship, note: str = "", version: int | None = None) -> Fellowship:
    current = locked(fellowship, version)
    _require_status(
        current, FELLOWSHIP_STEPS["approve"], _("Only a submitted request can be awarded; this one is %(status)s.")
    )
    before = snapshot(current)
    _serialise_quota(current)
    evaluation = _evaluate_and_store(current)
    if not evaluation.eligible:
        raise evaluation.refusal_error()
    if evaluation.flags and not note.strip():
        raise ValidationError({"note": _("Some rules flag this request: say why you award it anyway.")})
    current.status, current.decided_at, current.reviewer = Fellowship.Status.APPROVED, timezone.now(), actor
    current.review_note = note.strip()
    _delegate_sponsored(actor=actor, application=current)
    _decision_notify(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def fellowship_refuse(*, actor, fellowship: Fellowship, reasons: str, version: int | None = None) -> Fellowship:
    current = locked(fellowship, version)
    _require_status(
        current, FELLOWSHIP_STEPS["refuse"], _("Only a submitted request can be refused; this one is %(status)s.")
    )
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the refusal: the applicant will read them.")})
    before = snapshot(current)
    current.status, current.decided_at, current.reviewer = Fellowship.Status.REFUSED, timezone.now(), actor
    current.refusal_reasons = reasons.strip()
    _decision_notify(current)
    return versioned_save(current, actor=actor, before=before)


@transaction.atomic
def fellowship_record_costs(*, actor, fellowship: Fellowship, version: int | None = None, **values) -> Fellowship:
    return _record_costs(
        actor=actor, application=fellowship, version=version, values=values, allowed=FELLOWSHIP_STEPS["costs"]
    )


# The eligibility list --------------------------------------------------------------------------------------


@transaction.atomic
def fellowship_eligibility_load(*, actor, year: int, countries, source: str, is_demo: bool = False) -> int:
    """Replace the list of Member States eligible in `year` by `countries` (all-or-nothing)."""
    if not 1990 <= int(year) <= datetime.date.today().year + 5:
        raise ValidationError({"year": _("%(year)s is not a plausible year for the list.") % {"year": year}})
    existing = {entry.country_id: entry for entry in FellowshipEligibility.objects.filter(year=year)}
    wanted = {country.pk: country for country in countries}
    for country_id, entry in existing.items():
        if country_id not in wanted:
            audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=entry, before=snapshot(entry))
            entry.delete()
    for country_id, country in wanted.items():
        found = existing.get(country_id)
        if found is None:
            created = FellowshipEligibility.objects.create(year=year, country=country, source=source, is_demo=is_demo)
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=created)
        elif (found.source, found.is_demo) != (source, is_demo):
            before = snapshot(found)
            found.source, found.is_demo = source, is_demo
            found.save()
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=found, before=before)
    return len(wanted)
