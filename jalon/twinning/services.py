"""Writes to twinning: proposing and editing an arrangement, each step of its workflow, its meetings and
annual reviews, and the programme's twinning settings.

Each step is one service: it locks the arrangement, refuses a stale version, checks the step is allowed from
the current status and by this actor, checks what the step needs (the agreement and the date the committee's
manager was notified before "agreement signed"; both persons and the nominee's approval for the leadership
kinds), and audits the change. The computed indicators are refreshed after each change."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save
from jalon.committees.models import Committee, CommitteeMembership
from jalon.committees.priorities import priorities_seen, priority_sectors_of
from jalon.committees.selectors import membership_in_force, role_in_force
from jalon.reference.models import DevelopingCountryRule
from jalon.reference.selectors import country_is_developing
from jalon.results.access import programme_can_manage
from jalon.results.computations import computed_schedule_refresh, programme_rule
from jalon.results.hooks import support_changed
from jalon.twinning import access
from jalon.twinning.models import (
    LEAD_ROLES,
    OPEN_STATUSES,
    AnnualReview,
    Arrangement,
    Kind,
    Status,
    TwinningMeeting,
    TwinningSettings,
)

S = Status
# Each step and the statuses it starts from: services enforce it, pages offer a step only where it applies.
STEPS = {
    "identify": (S.PROPOSED,),
    "approve_nominee": (S.PARTNER_IDENTIFIED,),
    "sign": (S.PARTNER_IDENTIFIED, S.NOMINEE_APPROVED),
    "activate": (S.AGREEMENT_SIGNED,),
    "review": (S.ACTIVE,),
    "resume": (S.IN_REVIEW,),
    "complete": (S.ACTIVE, S.IN_REVIEW),
    "terminate": OPEN_STATUSES,
}
# Steps only the programme team takes (it records ISO's decision on the nominee; it ends an arrangement early).
TEAM_STEPS = frozenset({"approve_nominee", "terminate"})

ARRANGEMENT_FIELDS = (
    "programme",
    "kind",
    "committee",
    "twinned_member",
    "lead_member",
    "lead_person",
    "twinned_person",
    "objectives",
    "priority_sector",
    "priorities",
    "financial_support",
    "support_amount",
    "support_currency",
    "start_date",
    "end_date",
)
# What can still change once the agreement is signed: the objectives and the dates, not the parties.
SIGNED_EDITABLE = frozenset(
    {"objectives", "priority_sector", "priorities", "start_date", "end_date", "support_amount", "support_currency"}
)
MEETING_FIELDS = ("date", "mode", "minutes")
REVIEW_FIELDS = ("date", "rating", "narrative", "decisions")
SETTINGS_FIELDS = (
    "twinned_committees",
    "twinned_language",
    "twinned_region",
    "twinned_trade",
    "lead_interest",
    "lead_language",
    "lead_region",
    "lead_trade",
    "observer_bonus",
    "load_damping",
    "overdue_days",
    "follow_up_months",
)


def _refresh() -> None:
    computed_schedule_refresh(source="twinning")


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def programme_settings(programme) -> TwinningSettings:
    """The programme's settings, or the defaults (unsaved) when it has none."""
    found = TwinningSettings.objects.filter(programme=programme).first()
    return found if found is not None else TwinningSettings(programme=programme)


def developing_rule(programme) -> DevelopingCountryRule | None:
    """The programme's rule as the results engine reads it; None where even the default list is not loaded
    (then no member is refused for it)."""
    try:
        return programme_rule(programme)
    except DevelopingCountryRule.DoesNotExist:
        return None


# Checks -----------------------------------------------------------------------------------------------------


def _check(arrangement: Arrangement) -> None:
    errors: dict[str, str] = {}
    twinned, lead = arrangement.twinned_member, arrangement.lead_member
    if arrangement.lead_member_id and arrangement.lead_member_id == arrangement.twinned_member_id:
        errors["lead_member"] = _("The lead and the twinned member must be two different members.")
    for name, member in (("twinned_member", twinned), ("lead_member", lead)):
        if member is not None and member.iso_member_id is None:
            errors[name] = _("Choose an ISO member.")
    committee = arrangement.committee
    if committee.body not in (Committee.Body.ISO, Committee.Body.IEC_ISO):
        errors["committee"] = _("Twinning is for ISO committees.")
    elif committee.status != Committee.Status.ACTIVE:
        errors["committee"] = _("This committee is not active.")
    country = twinned.country if "twinned_member" not in errors else None
    if country is not None:
        rule = developing_rule(arrangement.programme)
        if rule is not None and not country_is_developing(country=country, rule=rule):
            errors["twinned_member"] = _(
                "The twinned member must be of a developing country under the programme's rule (%(rule)s)."
            ) % {"rule": rule}
    elif "twinned_member" not in errors:
        errors["twinned_member"] = _("The twinned member needs a country in the directory.")
    if arrangement.financial_support == Arrangement.Support.NONE:
        arrangement.support_amount, arrangement.support_currency = None, None
    elif arrangement.support_amount is None or arrangement.support_currency_id is None:
        errors["support_amount"] = _("Give the amount and currency the lead partner funds.")
    for name, person, member in (
        ("lead_person", arrangement.lead_person, lead),
        ("twinned_person", arrangement.twinned_person, twinned),
    ):
        if person is not None and (member is None or person.organisation_id != member.pk):
            errors[name] = _("Choose a person of that member.")
    if not arrangement.is_leadership:
        arrangement.lead_person, arrangement.twinned_person = None, None
    if errors:
        raise ValidationError(errors)


def _check_lead_role(arrangement: Arrangement, on: datetime.date) -> None:
    """The lead holds what the kind needs on the committee: P-membership (or the secretariat) for
    P-membership twinning, the role itself for the leadership kinds."""
    lead, committee = arrangement.lead_member, arrangement.committee
    if lead is None:
        raise ValidationError({"lead_member": _("Name the lead partner first.")})
    if arrangement.kind == Kind.P_MEMBER:
        ok = (
            committee.secretariat_id == lead.pk
            or CommitteeMembership.objects.filter(
                membership_in_force(on), committee=committee, member=lead, status=CommitteeMembership.Status.P
            ).exists()
        )
        message = _("%(lead)s is not a P-member of %(committee)s.")
    else:
        roles = LEAD_ROLES[Kind(arrangement.kind)]
        ok = committee.leadership_roles.filter(role_in_force(on), organisation=lead, role__in=roles).exists() or (
            arrangement.kind == Kind.SECRETARIAT and committee.secretariat_id == lead.pk
        )
        message = _("%(lead)s does not hold this role in %(committee)s.")
    if not ok:
        raise ValidationError({"lead_member": message % {"lead": lead.acronym or lead, "committee": committee}})


def _check_duplicate(arrangement: Arrangement) -> None:
    """One open arrangement per kind, committee and twinned member. Checked last, once the actor is known to
    propose for one of the parties and the lead to hold what the kind needs: whoever else asks learns nothing of
    another member's arrangements. A proposer so entitled who cannot see the open one (a lead offering to help
    another member) learns that one is open, not its lead, status or dates: the same words for everyone."""
    others = Arrangement.objects.filter(
        kind=arrangement.kind,
        committee=arrangement.committee,
        twinned_member=arrangement.twinned_member,
        status__in=OPEN_STATUSES,
    ).exclude(pk=arrangement.pk)
    if others.exists():
        raise ValidationError(
            {"committee": _("An arrangement of this kind is already open for this member on this committee.")}
        )


def _check_actor(actor, arrangement: Arrangement, before: dict | None = None) -> None:
    def changed(field: str) -> bool:
        return before is None or before.get(field) != getattr(arrangement, field)

    if (
        changed("programme_id")
        and not access.twinning_programme_choices(actor).filter(pk=arrangement.programme_id).exists()
    ):
        raise ValidationError({"programme": _("Choose a programme you can see.")})
    if (changed("programme_id") or changed("twinned_member_id") or changed("lead_member_id")) and not (
        access.twinning_can_propose_for(
            actor, arrangement.programme, arrangement.twinned_member, arrangement.lead_member
        )
    ):
        raise ValidationError({"twinned_member": _("Propose arrangements for your own member.")})
    for name in ("lead_person", "twinned_person"):
        value = getattr(arrangement, f"{name}_id")
        if value and changed(f"{name}_id") and not access.twinning_person_choices(actor).filter(pk=value).exists():
            raise ValidationError({name: _("Unknown person.")})


def _check_priority_sector(actor, arrangement: Arrangement, before: dict | None = None) -> None:
    """The objectives serve a priority sector of the twinned member's current national strategy, one the actor
    may see (the same refusal whether the sector is another's, not current or not the actor's to see). Checked
    when the link or the member changes: a link made under an earlier strategy stays until someone changes it."""
    sector_id = arrangement.priority_sector_id
    if sector_id is None or (
        before is not None
        and before.get("priority_sector_id") == sector_id
        and before.get("twinned_member_id") == arrangement.twinned_member_id
    ):
        return
    member_id = arrangement.twinned_member_id
    sectors = priority_sectors_of([member_id], viewer=actor).get(member_id, ())
    if sector_id not in {sector.pk for sector in sectors}:
        raise ValidationError(
            {"priority_sector": _("Choose a priority sector of the twinned member's current national strategy.")}
        )


def _clean(arrangement: Arrangement) -> None:
    arrangement.full_clean(exclude=["created_by", "agreement"])


# The arrangement -------------------------------------------------------------------------------------------


@transaction.atomic
def arrangement_create(*, actor, is_demo: bool = False, **fields) -> Arrangement:
    """A proposal: a twinned member, a committee and a kind, with the lead if already known."""
    unknown_fields(fields, ARRANGEMENT_FIELDS, "arrangement")
    arrangement = Arrangement(**fields, is_demo=is_demo, created_by=_author(actor))
    _check(arrangement)
    _check_actor(actor, arrangement)
    if arrangement.lead_member_id:
        _check_lead_role(arrangement, timezone.localdate())
    _check_priority_sector(actor, arrangement)
    _check_duplicate(arrangement)
    _clean(arrangement)
    arrangement.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=arrangement)
    _refresh()
    return arrangement


@transaction.atomic
def arrangement_update(*, actor, arrangement: Arrangement, version: int | None = None, **fields) -> Arrangement:
    current = locked(arrangement, version)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(_("A closed arrangement cannot be edited."))
    if not access.arrangement_can_act(actor, current):
        raise PermissionDenied
    unknown_fields(fields, ARRANGEMENT_FIELDS, "arrangement")
    before = snapshot(current)
    signed = current.status not in (S.PROPOSED, S.PARTNER_IDENTIFIED, S.NOMINEE_APPROVED)
    fields = _priority_link_kept(actor, current, fields)
    for name, value in fields.items():
        if signed and name not in SIGNED_EDITABLE and getattr(current, name) != value:
            raise ValidationError({name: _("The agreement is signed: the parties and the kind no longer change.")})
        setattr(current, name, value)
    _check(current)
    _check_actor(actor, current, before)
    if current.lead_member_id and any(
        before.get(name) != getattr(current, name) for name in ("lead_member_id", "committee_id", "kind")
    ):
        _check_lead_role(current, timezone.localdate())
    _check_priority_sector(actor, current, before)
    _check_duplicate(current)
    return _done(actor, current, before)


def _priority_link_kept(actor, arrangement: Arrangement, fields: dict) -> dict:
    """The link to a priority sector is the twinned member's: an actor who may not see its priorities (the lead
    partner's people) leaves it as it is, and a new twinned member drops the previous one's unless a sector is
    named anew."""
    member = fields.get("twinned_member", arrangement.twinned_member)
    if getattr(member, "pk", member) != arrangement.twinned_member_id:
        return {"priority_sector": None, **fields}
    if "priority_sector" in fields and not priorities_seen([arrangement.twinned_member_id], viewer=actor):
        return {name: value for name, value in fields.items() if name != "priority_sector"}
    return fields


def _step(actor, arrangement: Arrangement, name: str, version: int | None) -> tuple[Arrangement, dict]:
    current = locked(arrangement, version)
    allowed = access.arrangement_can_approve if name in TEAM_STEPS else access.arrangement_can_act
    if not allowed(actor, current):
        raise PermissionDenied
    if current.status not in STEPS[name]:
        raise ValidationError(
            _("This step is not open while the arrangement is %(status)s.") % {"status": current.get_status_display()}
        )
    return current, snapshot(current)


def _done(actor, current: Arrangement, before: dict) -> Arrangement:
    _clean(current)
    saved = versioned_save(current, actor=actor, before=before)
    support_changed(actor=actor, arrangement=saved)
    _refresh()
    return saved


@transaction.atomic
def arrangement_identify_partner(
    *, actor, arrangement: Arrangement, lead_member=None, version: int | None = None
) -> Arrangement:
    """Step 2: the lead partner agreed. It must hold the role the kind needs on the committee."""
    current, before = _step(actor, arrangement, "identify", version)
    if lead_member is not None:
        current.lead_member = lead_member
    _check(current)
    _check_lead_role(current, timezone.localdate())
    _check_actor(actor, current, before)
    current.status = S.PARTNER_IDENTIFIED
    return _done(actor, current, before)


@transaction.atomic
def arrangement_approve_nominee(
    *, actor, arrangement: Arrangement, approved_on: datetime.date | None = None, version: int | None = None
) -> Arrangement:
    """Step 3, leadership kinds: the nominated persons are approved (by the committee or the TMB)."""
    current, before = _step(actor, arrangement, "approve_nominee", version)
    if not current.is_leadership:
        raise ValidationError(_("Only the leadership kinds have a nominee to approve."))
    errors = {}
    if current.lead_person_id is None:
        errors["lead_person"] = _("Name the lead's person before the nominee is approved.")
    if current.twinned_person_id is None:
        errors["twinned_person"] = _("Name the twinned member's nominee before approving it.")
    if errors:
        raise ValidationError(errors)
    current.nominee_approved_on = approved_on or timezone.localdate()
    current.status = S.NOMINEE_APPROVED
    return _done(actor, current, before)


@transaction.atomic
def arrangement_sign(
    *,
    actor,
    arrangement: Arrangement,
    agreement=None,
    signed_on: datetime.date | None = None,
    manager_notified_on: datetime.date | None = None,
    version: int | None = None,
) -> Arrangement:
    """Step 4: the agreement is signed; its signed copy is attached and the date the lead sent it to the
    committee's manager is given."""
    current, before = _step(actor, arrangement, "sign", version)
    if current.is_leadership and current.status != S.NOMINEE_APPROVED:
        raise ValidationError(_("The nominee of a leadership twinning is approved before the agreement is signed."))
    errors = {}
    if not agreement and not current.agreement:
        errors["agreement"] = _("Attach the signed agreement.")
    if manager_notified_on is None:
        errors["manager_notified_on"] = _("Give the date the committee's manager was sent the signed copy.")
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The signature date cannot be in the future.")
    if manager_notified_on is not None and manager_notified_on < signed_on:
        errors["manager_notified_on"] = _("The manager is notified of a signed agreement: on or after the signature.")
    if errors:
        raise ValidationError(errors)
    if agreement:
        current.agreement = agreement
    current.signed_on, current.manager_notified_on = signed_on, manager_notified_on
    current.status = S.AGREEMENT_SIGNED
    return _done(actor, current, before)


@transaction.atomic
def arrangement_activate(
    *, actor, arrangement: Arrangement, start_date: datetime.date | None = None, version: int | None = None
) -> Arrangement:
    current, before = _step(actor, arrangement, "activate", version)
    current.start_date = start_date or current.start_date or timezone.localdate()
    if current.signed_on and current.start_date < current.signed_on:
        raise ValidationError({"start_date": _("The arrangement starts on or after the agreement's signature.")})
    current.status = S.ACTIVE
    return _done(actor, current, before)


@transaction.atomic
def arrangement_start_review(*, actor, arrangement: Arrangement, version: int | None = None) -> Arrangement:
    current, before = _step(actor, arrangement, "review", version)
    current.status = S.IN_REVIEW
    return _done(actor, current, before)


@transaction.atomic
def arrangement_resume(*, actor, arrangement: Arrangement, version: int | None = None) -> Arrangement:
    current, before = _step(actor, arrangement, "resume", version)
    current.status = S.ACTIVE
    return _done(actor, current, before)


def _close(actor, arrangement, name, status, on, note, version) -> Arrangement:
    current, before = _step(actor, arrangement, name, version)
    on = on or timezone.localdate()
    if current.start_date and on < current.start_date:
        raise ValidationError({"closed_on": _("An arrangement closes on or after its start.")})
    current.status, current.closed_on, current.closing_note = status, on, (note or "").strip()
    if current.start_date and (current.end_date is None or current.end_date > on):
        current.end_date = on
    return _done(actor, current, before)


@transaction.atomic
def arrangement_complete(
    *, actor, arrangement: Arrangement, closed_on: datetime.date | None = None, note: str = "", version=None
) -> Arrangement:
    return _close(actor, arrangement, "complete", S.COMPLETED, closed_on, note, version)


@transaction.atomic
def arrangement_terminate(
    *, actor, arrangement: Arrangement, note: str = "", closed_on: datetime.date | None = None, version=None
) -> Arrangement:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the arrangement is terminated.")})
    return _close(actor, arrangement, "terminate", S.TERMINATED, closed_on, note, version)


# Meetings and reviews ----------------------------------------------------------------------------------------


def _check_child(actor, arrangement: Arrangement, date: datetime.date | None, what: str) -> None:
    if not access.arrangement_can_act(actor, arrangement):
        raise PermissionDenied
    if arrangement.status not in (S.AGREEMENT_SIGNED, S.ACTIVE, S.IN_REVIEW, S.COMPLETED):
        raise ValidationError(_("%(what)s are recorded once the agreement is signed.") % {"what": what})
    if date is None or date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})


@transaction.atomic
def meeting_record(*, actor, arrangement: Arrangement, attendees=(), **fields) -> TwinningMeeting:
    """One of the quarterly meetings: an overdue communication flag clears with it."""
    unknown_fields(fields, MEETING_FIELDS, "meeting")
    _check_child(actor, arrangement, fields.get("date"), _("Meetings"))
    people = list(attendees)
    parties = {arrangement.twinned_member_id, arrangement.lead_member_id}
    if any(person.organisation_id not in parties for person in people):
        raise ValidationError({"attendees": _("Attendees are people of the two partners.")})
    meeting = TwinningMeeting(arrangement=arrangement, **fields)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(people)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=meeting)
    _refresh()
    return meeting


@transaction.atomic
def review_record(*, actor, arrangement: Arrangement, **fields) -> AnnualReview:
    unknown_fields(fields, REVIEW_FIELDS, "review")
    _check_child(actor, arrangement, fields.get("date"), _("Reviews"))
    review = AnnualReview(arrangement=arrangement, **fields)
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=review)
    _refresh()
    return review


# Settings ------------------------------------------------------------------------------------------------


@transaction.atomic
def settings_save(*, actor, programme, **fields) -> TwinningSettings:
    """The programme's recommender weights and follow-up rules (the programme's managers)."""
    if not programme_can_manage(actor, programme):
        raise PermissionDenied
    unknown_fields(fields, SETTINGS_FIELDS, "twinning settings")
    current = TwinningSettings.objects.select_for_update().filter(programme=programme).first()
    created = current is None
    current = current or TwinningSettings(programme=programme)
    before = None if created else snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        instance=current,
        before=before,
    )
    return current
