"""Writes to committees and participation: committees by hand, memberships, leadership roles, meetings,
delegates and contributions. Every write is audited and refreshes the computed indicators that read
committee data (source "committees"). The ISO file import lives in iso_import.py."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.deletion import delete_audited
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import unknown_fields, versioned_update
from jalon.committees import access
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.organisations.models import Organisation, Person
from jalon.results.computations import computed_schedule_refresh

SOURCE = "committees"
ITU_STUDY_GROUPS_FILE = Path(__file__).resolve().parent / "data" / "itu_t_study_groups_2025_2028.json"

COMMITTEE_FIELDS = (
    "body",
    "kind",
    "reference",
    "iso_id",
    "title",
    "scope",
    "parent",
    "secretariat",
    "status",
    "creation_date",
    "disbanded_on",
    "sort_key",
    "study_period",
    "website",
    "source",
)
# Written through the many-to-many relation, beside COMMITTEE_FIELDS.
COMMITTEE_RELATIONS = ("ics_fields",)
ROLE_FIELDS = ("role", "person", "organisation", "start_date", "end_date", "note", "is_demo")
MEETING_FIELDS = ("title", "start_date", "end_date", "mode", "place", "city", "country", "host")
DELEGATE_FIELDS = ("role", "registered_on", "present", "remote")
CONTRIBUTION_FIELDS = ("organisation", "title", "document_reference", "url", "submitted_on")


def _changed() -> None:
    computed_schedule_refresh(source=SOURCE)


def _create(instance, actor):
    instance.full_clean()
    instance.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=instance)
    return instance


def _update(record, *, actor, version, allowed, fields: dict, check=None, relations=None):
    """The shared versioned write, with this domain's own rules (`check`) run on the new values."""

    def clean(current) -> None:
        if check is not None:
            check(current)
        current.full_clean()

    current, changed = versioned_update(
        record, actor=actor, version=version, fields=fields, allowed=allowed, clean=clean, relations=relations
    )
    if changed:
        _changed()
    return current


def _delete(instance, *, actor, cascaded=()) -> None:
    delete_audited(instance, actor=actor, cascaded=cascaded)
    _changed()


# Committees -----------------------------------------------------------------------------------------------


def _check_committee(committee: Committee) -> None:
    if not any((committee.title or {}).values()):
        raise ValidationError({"title": _("Give the committee's title in at least one language.")})
    if committee.parent_id and committee.pk and committee.parent_id == committee.pk:
        raise ValidationError({"parent": _("A committee cannot be its own parent.")})
    if committee.status == Committee.Status.DISBANDED and not committee.disbanded_on:
        raise ValidationError({"disbanded_on": _("Give the date the committee was disbanded.")})
    duplicate = Committee.objects.filter(
        body=committee.body, reference=committee.reference, study_period=committee.study_period
    ).exclude(pk=committee.pk)
    if duplicate.exists():
        raise ValidationError({"reference": _("A committee with this reference already exists in this body.")})


@transaction.atomic
def committee_create(*, actor, body: str, kind: str, reference: str, title: dict, ics_fields=(), **fields) -> Committee:
    """A committee; `ics_fields`: its sectors (IcsField records)."""
    unknown_fields(fields, COMMITTEE_FIELDS, "committee")
    committee = Committee(body=body, kind=kind, reference=(reference or "").strip(), title=title, **fields)
    _check_committee(committee)
    committee.sort_key = committee.sort_key or committee.reference
    _create(committee, actor)
    committee.ics_fields.set(ics_fields)
    _changed()
    return committee


@transaction.atomic
def committee_update(*, actor, committee: Committee, version: int | None = None, **fields) -> Committee:
    """Change a committee's fields; `ics_fields` (its sectors, IcsField records), when given, replace its own."""
    relations = {"ics_fields": list(fields.pop("ics_fields"))} if "ics_fields" in fields else None
    return _update(
        committee,
        actor=actor,
        version=version,
        allowed=(*COMMITTEE_FIELDS, *COMMITTEE_RELATIONS),
        fields=fields,
        check=_check_committee,
        relations=relations,
    )


@transaction.atomic
def itu_study_groups_load(*, actor=None, path: Path = ITU_STUDY_GROUPS_FILE) -> dict:
    """Create or update the ITU-T study groups and regional groups of the shipped file (idempotent)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    period = data["study_period"]
    source = data["source"]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    groups: dict[int, Committee] = {}

    def upsert(reference: str, values: dict) -> Committee:
        committee = Committee.objects.filter(
            body=Committee.Body.ITU_T, reference=reference, study_period=period
        ).first()
        if committee is None:
            committee = Committee(body=Committee.Body.ITU_T, reference=reference, study_period=period, **values)
            _create(committee, actor)
            counts["created"] += 1
            return committee
        before = snapshot(committee)
        for key, value in values.items():
            setattr(committee, key, value)
        if snapshot(committee) == before:
            counts["unchanged"] += 1
            return committee
        committee.full_clean()
        committee.version += 1
        committee.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=committee, before=before)
        counts["updated"] += 1
        return committee

    for group in data["study_groups"]:
        number = group["number"]
        groups[number] = upsert(
            f"ITU-T SG{number}",
            {
                "kind": Committee.Kind.STUDY_GROUP,
                "title": {
                    "en": f"Study Group {number}: {group['title_en']}",
                    "fr": f"Commission d'études {number} de l'UIT-T",
                },
                "sort_key": f"ITU-T SG{number:02d}",
                "status": Committee.Status.ACTIVE,
                "website": f"https://www.itu.int/en/ITU-T/studygroups/{period}/{number:02d}/",
                "source": f"{source}; {group['source']}",
            },
        )
    for regional in data["regional_groups"]:
        number = regional["study_group"]
        upsert(
            f"ITU-T {regional['code']}",
            {
                "kind": Committee.Kind.REGIONAL_GROUP,
                "parent": groups[number],
                "title": {
                    "en": f"SG{number} Regional Group for {regional['region_en']}",
                    "fr": f"Groupe régional de la CE {number} pour {regional['region_fr']}",
                },
                "sort_key": f"ITU-T SG{number:02d} {regional['code']}",
                "status": Committee.Status.ACTIVE,
                "source": f"{source}; {regional['source']}",
            },
        )
    if counts["created"] or counts["updated"]:
        _changed()
    return counts


# Memberships ----------------------------------------------------------------------------------------------


def _membership_event(status_before: str | None, status_after: str | None) -> str | None:
    P, O = CommitteeMembership.Status.P, CommitteeMembership.Status.O  # noqa: N806, E741
    kinds = ParticipationEvent.Kind
    if status_after is None:
        return kinds.LEFT if status_before in (P, O) else None
    if status_before == O and status_after == P:
        return kinds.MOVED_O_TO_P
    if status_before == P and status_after == O:
        return kinds.MOVED_P_TO_O
    if status_after == P:
        return kinds.JOINED_P
    if status_after == O:
        return kinds.JOINED_O
    return None


def _current_membership(committee: Committee, member: Organisation) -> CommitteeMembership | None:
    return (
        CommitteeMembership.objects.select_for_update()
        .filter(committee=committee, member=member, until__isnull=True)
        .first()
    )


def _record_event(*, actor, committee, organisation, kind, on, previous=None, note=""):
    event = ParticipationEvent.objects.create(
        committee=committee, organisation=organisation, previous_organisation=previous, kind=kind, date=on, note=note
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=event)
    return event


@transaction.atomic
def membership_set(
    *, actor, committee: Committee, member: Organisation, status: str, on: datetime.date, note: str = ""
) -> CommitteeMembership:
    """Make `member` a P-, O- or liaison member from `on`: closes the current interval, opens a new one and
    records the event (joined, moved O->P or P->O). Setting the status it already has changes nothing."""
    if status not in CommitteeMembership.Status.values:
        raise ValidationError({"status": _("Choose P-member, O-member or liaison.")})
    if Committee.objects.filter(pk=committee.pk, status=Committee.Status.DISBANDED).exists():
        raise ValidationError(_("This committee is disbanded: its membership can no longer change."))
    current = _current_membership(committee, member)
    if current is not None and current.status == status:
        return current
    if current is not None:
        if current.since and on < current.since:
            raise ValidationError(
                {
                    "on": _("The change cannot be dated before the current status began (%(date)s).")
                    % {"date": current.since.isoformat()}
                }
            )
        before = snapshot(current)
        current.until = on
        current.save(update_fields=["until"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
    membership = _create(CommitteeMembership(committee=committee, member=member, status=status, since=on), actor)
    kind = _membership_event(current.status if current else None, status)
    if kind:
        _record_event(actor=actor, committee=committee, organisation=member, kind=kind, on=on, note=note)
    _changed()
    return membership


@transaction.atomic
def membership_end(*, actor, committee: Committee, member: Organisation, on: datetime.date, note: str = "") -> None:
    current = _current_membership(committee, member)
    if current is None:
        raise ValidationError(_("This organisation is not a member of this committee."))
    if current.since and on < current.since:
        raise ValidationError(
            {
                "on": _("The end cannot be dated before the membership began (%(date)s).")
                % {"date": current.since.isoformat()}
            }
        )
    before = snapshot(current)
    current.until = on
    current.save(update_fields=["until"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
    kind = _membership_event(current.status, None)
    if kind:
        _record_event(actor=actor, committee=committee, organisation=member, kind=kind, on=on, note=note)
    _changed()


# Leadership roles -----------------------------------------------------------------------------------------


def _check_role(role: LeadershipRole) -> None:
    person = role.person if role.person_id else None
    if person is not None and person.organisation_id and person.organisation_id != role.organisation_id:
        raise ValidationError({"person": _("This person belongs to another organisation.")})
    if role.start_date and role.end_date and role.end_date < role.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})


@transaction.atomic
def leadership_role_create(
    *, actor, committee: Committee, role: str, organisation: Organisation, person: Person | None = None, **fields
) -> LeadershipRole:
    unknown_fields(fields, ROLE_FIELDS, "leadership role")
    instance = LeadershipRole(committee=committee, role=role, organisation=organisation, person=person, **fields)
    _check_role(instance)
    _create(instance, actor)
    _changed()
    return instance


@transaction.atomic
def leadership_role_update(
    *, actor, leadership_role: LeadershipRole, version: int | None = None, **fields
) -> LeadershipRole:
    return _update(leadership_role, actor=actor, version=version, allowed=ROLE_FIELDS, fields=fields, check=_check_role)


@transaction.atomic
def leadership_role_end(*, actor, leadership_role: LeadershipRole, end_date: datetime.date) -> LeadershipRole:
    if leadership_role.end_date is not None:
        raise ValidationError(_("This role has already ended."))
    return leadership_role_update(actor=actor, leadership_role=leadership_role, end_date=end_date)


@transaction.atomic
def leadership_role_delete(*, actor, leadership_role: LeadershipRole) -> None:
    _delete(leadership_role, actor=actor)


# Meetings -------------------------------------------------------------------------------------------------


def _check_meeting(meeting: Meeting) -> None:
    if meeting.start_date and meeting.end_date and meeting.end_date < meeting.start_date:
        raise ValidationError({"end_date": _("The meeting ends before it starts.")})
    if meeting.mode != Meeting.Mode.VIRTUAL and not (meeting.city or meeting.place or meeting.country_id):
        raise ValidationError({"city": _("Give the place of an in-person or hybrid meeting.")})


@transaction.atomic
def meeting_create(*, actor, committee: Committee, start_date, end_date=None, **fields) -> Meeting:
    unknown_fields(fields, MEETING_FIELDS, "meeting")
    if not any((fields.get("title") or {}).values()):
        # A meeting is often known only by its committee and date: name it after them.
        fields["title"] = {"en": f"{committee.reference} meeting", "fr": f"Réunion {committee.reference}"}
    meeting = Meeting(committee=committee, start_date=start_date, end_date=end_date or start_date, **fields)
    _check_meeting(meeting)
    _create(meeting, actor)
    _changed()
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, version: int | None = None, **fields) -> Meeting:
    return _update(meeting, actor=actor, version=version, allowed=MEETING_FIELDS, fields=fields, check=_check_meeting)


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    """Refused while sponsorships or fellowships are for this meeting (their history needs it)."""
    _delete(meeting, actor=actor, cascaded=[*meeting.delegates.all(), *meeting.contributions.all()])


# Delegates ------------------------------------------------------------------------------------------------


def _check_registrar(actor, organisation: Organisation, person: Person | None = None) -> None:
    """Whoever registers a delegate or records a contribution may do so for its organisation, and may pick
    that person (committees.access decides). Here, not in the pages and API, so that no caller skips it."""
    if not access.delegate_can_register(actor, organisation):
        raise ValidationError({"organisation": _("You may register delegates for your own organisation only.")})
    if person is not None and not access.delegate_person_choices(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Unknown person.")})


def _delegate_create(
    *, actor, meeting: Meeting, person: Person, organisation: Organisation, role: str, registered_on
) -> MeetingDelegate:
    if MeetingDelegate.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError({"person": _("This person is already registered for this meeting.")})
    delegate = MeetingDelegate(
        meeting=meeting,
        person=person,
        organisation=organisation,
        role=role,
        registered_on=registered_on or datetime.date.today(),
    )
    _create(delegate, actor)
    _changed()
    return delegate


@transaction.atomic
def delegate_register(
    *,
    actor,
    meeting: Meeting,
    person: Person,
    organisation: Organisation | None = None,
    role: str = MeetingDelegate.Role.DELEGATE,
    registered_on: datetime.date | None = None,
) -> MeetingDelegate:
    """Register `person` for `meeting` on behalf of `organisation` (default: the person's own)."""
    organisation = organisation or person.organisation
    if organisation is None:
        raise ValidationError({"organisation": _("Give the organisation the delegate represents.")})
    _check_registrar(actor, organisation, person)
    return _delegate_create(
        actor=actor, meeting=meeting, person=person, organisation=organisation, role=role, registered_on=registered_on
    )


@transaction.atomic
def delegate_sponsor(
    *, actor, meeting: Meeting, person: Person, organisation: Organisation, present: bool = False
) -> MeetingDelegate:
    """For the support app: an award (sponsorship, fellowship) pays for this person's participation. The
    meeting's delegate list says so, registering them if they are not yet. Who may decide the award is the
    support app's decision (its reviewers may manage one programme only), so no registrar check here."""
    delegate = MeetingDelegate.objects.filter(meeting=meeting, person=person).first()
    if delegate is None:
        delegate = _delegate_create(
            actor=actor,
            meeting=meeting,
            person=person,
            organisation=organisation,
            role=MeetingDelegate.Role.DELEGATE,
            registered_on=None,
        )
    delegate = delegate_set_sponsored(actor=actor, delegate=delegate, sponsored=True)
    if present and not delegate.present:
        delegate = delegate_mark_present(actor=actor, delegate=delegate)
    return delegate


@transaction.atomic
def delegate_update(*, actor, delegate: MeetingDelegate, version: int | None = None, **fields) -> MeetingDelegate:
    if fields.get("present") and delegate.meeting.start_date > datetime.date.today():
        raise ValidationError({"present": _("The meeting has not started yet: presence is recorded once it has.")})
    return _update(delegate, actor=actor, version=version, allowed=DELEGATE_FIELDS, fields=fields)


@transaction.atomic
def delegate_mark_present(*, actor, delegate: MeetingDelegate, present: bool = True, remote: bool = False):
    return delegate_update(actor=actor, delegate=delegate, present=present, remote=remote and present)


@transaction.atomic
def delegate_set_sponsored(*, actor, delegate: MeetingDelegate, sponsored: bool) -> MeetingDelegate:
    """For the support app: an award (sponsorship, fellowship) pays for this delegate's participation."""
    return _update(delegate, actor=actor, version=None, allowed=("sponsored",), fields={"sponsored": sponsored})


@transaction.atomic
def delegate_remove(*, actor, delegate: MeetingDelegate) -> None:
    if delegate.sponsored:
        raise ValidationError(_("This delegate is sponsored: withdraw the award before removing the registration."))
    _delete(delegate, actor=actor)


# Contributions --------------------------------------------------------------------------------------------


def _check_contributor(actor, organisation: Organisation) -> None:
    """As for delegates: a contribution is recorded for an organisation its author may register for."""
    if not access.contribution_can_create(actor, organisation):
        raise ValidationError({"organisation": _("You may record contributions of your own organisation only.")})


@transaction.atomic
def contribution_create(
    *, actor, meeting: Meeting, organisation: Organisation, title: str, submitted_on: datetime.date, **fields
) -> Contribution:
    unknown_fields(fields, CONTRIBUTION_FIELDS, "contribution")
    _check_contributor(actor, organisation)
    contribution = Contribution(
        meeting=meeting, organisation=organisation, title=(title or "").strip(), submitted_on=submitted_on, **fields
    )
    _create(contribution, actor)
    _changed()
    return contribution


@transaction.atomic
def contribution_update(*, actor, contribution: Contribution, version: int | None = None, **fields) -> Contribution:
    def check(current: Contribution) -> None:
        if current.organisation_id != contribution.organisation_id:
            _check_contributor(actor, current.organisation)

    return _update(contribution, actor=actor, version=version, allowed=CONTRIBUTION_FIELDS, fields=fields, check=check)


@transaction.atomic
def contribution_delete(*, actor, contribution: Contribution) -> None:
    _delete(contribution, actor=actor)
