"""Writes to organisations, their memberships of standards bodies, and people.

Each write checks that its actor may make it (jalon.organisations.access), here rather than in the pages and
API alone, so that no caller skips it. The actor None is the platform itself (the loaders, the demo, the
command line), never a request: it may write anything."""

import csv
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.deletion import delete_audited
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import unknown_fields, versioned_update
from jalon.lib.hooks import Hook
from jalon.organisations import access
from jalon.organisations.models import CATEGORIES_BY_BODY, Membership, Organisation, Person
from jalon.reference.models import Country

DATA_DIR = Path(__file__).resolve().parent / "data"
ISO_MEMBERS_FILE = DATA_DIR / "iso_members.csv"

ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "country",
    "website",
    "email",
    "description",
    "iso_member_id",
    "iati_identifier",
    "published",
)
PERSON_FIELDS = ("given_name", "family_name", "email", "phone", "job_title", "sex", "organisation", "country")


# Called after every change to organisations and memberships (computed indicators read them: the results
# app listens).
organisations_changed = Hook("organisations changed")


def _records_changed() -> None:
    organisations_changed()


def _save_validated(instance: Organisation | Membership | Person) -> None:
    instance.full_clean()
    instance.save()


def _check(actor, allowed: Callable[[], bool]) -> None:
    """Refuse a write to a record the actor may not change: the pages and API refuse it before (403), so
    only a caller that skipped their check gets here."""
    if actor is not None and not allowed():
        raise PermissionDenied


def _check_contact_organisation(actor, organisation: Organisation | None) -> None:
    """A contact is recorded for an organisation its author may write for (managers: any, or none)."""
    if actor is not None and not access.person_can_change(actor, organisation):
        raise ValidationError({"organisation": _("Record contacts of your own organisation.")})


@transaction.atomic
def organisation_create(*, actor, **fields) -> Organisation:
    unknown_fields(fields, ORGANISATION_FIELDS, "organisation")
    _check(actor, lambda: access.organisation_can_create(actor))
    organisation = Organisation(**fields)
    _save_validated(organisation)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=organisation)
    _records_changed()
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, version: int | None = None, **fields) -> Organisation:
    """Change an organisation; `version` is the one the editor saw, refused if someone saved since."""
    _check(actor, lambda: access.organisation_can_change(actor, organisation))
    _check_directory_fields(actor, organisation, fields)
    current, changed = versioned_update(
        organisation, actor=actor, version=version, fields=fields, allowed=ORGANISATION_FIELDS
    )
    if changed:
        _records_changed()
    return current


def _check_directory_fields(actor, organisation: Organisation, fields: dict) -> None:
    """A focal point sends the directory data back unchanged (a form, a PUT) or not at all: a change to it is
    refused beside the field, naming who keeps it."""
    if actor is None or access.organisation_directory_changeable(actor):
        return
    errors = {}
    for name in access.DIRECTORY_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        current = getattr(organisation, name)
        if name == "country":
            value, current = getattr(value, "pk", value), organisation.country_id
        if value != current and not (value in (None, "") and current in (None, "")):
            errors[name] = _(
                "The programme team keeps this in the directory (eligibility rules read it): ask them to change it."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    _check(actor, lambda: access.organisation_can_delete(actor, organisation))
    if organisation.members.exists():
        raise ValidationError(_("This organisation has members: remove their memberships first."))
    # The rows that go with it (its memberships, the roles users held for it) are audited one by one, so
    # the log says who lost which role, not only that the organisation went. Programmes it owns, values
    # reported for it...: refused before any row is deleted.
    delete_audited(
        organisation,
        actor=actor,
        cascaded=[*organisation.memberships.all(), *organisation.role_assignments.all()],
        refusal=_(
            "Other records still refer to this organisation (programmes it owns, values reported for it…): "
            "it cannot be deleted."
        ),
    )
    _records_changed()


def membership_validate(*, body: Organisation, category: str) -> None:
    allowed = CATEGORIES_BY_BODY.get(body.acronym.upper())
    if allowed is not None and category not in allowed:
        raise ValidationError(
            {
                "category": _("%(category)s is not a membership category of %(body)s.")
                % {"category": Membership.Category(category).label, "body": body.acronym}
            }
        )
    if allowed is None and category != Membership.Category.OTHER:
        raise ValidationError({"category": _("Use “Other” for the members of this body.")})


@transaction.atomic
def membership_create(
    *,
    actor,
    member: Organisation,
    body: Organisation,
    category: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    as_of: datetime.date | None = None,
    source: str = "",
) -> Membership:
    # The member's record says which bodies it belongs to: whoever may change it may record a membership.
    _check(actor, lambda: access.organisation_can_change(actor, member))
    membership_validate(body=body, category=category)
    membership = Membership(
        member=member,
        body=body,
        category=category,
        start_date=start_date,
        end_date=end_date,
        as_of=as_of,
        source=source,
    )
    _save_validated(membership)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=membership)
    _records_changed()
    return membership


@transaction.atomic
def person_create(*, actor, **fields) -> Person:
    unknown_fields(fields, PERSON_FIELDS, "person")
    _check_contact_organisation(actor, fields.get("organisation"))
    person = Person(**fields)
    _save_validated(person)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    unknown_fields(fields, PERSON_FIELDS, "person")
    _check(actor, lambda: access.person_can_change(actor, person.organisation))
    if "organisation" in fields and fields["organisation"] != person.organisation:
        _check_contact_organisation(actor, fields["organisation"])
    before = snapshot(person)
    for key, value in fields.items():
        setattr(person, key, value)
    person.full_clean()
    # Compare before saving: saving moves `updated_at`, which would make every update look like a change.
    if snapshot(person) == before:
        return person
    person.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=person, before=before)
    return person


@transaction.atomic
def person_delete(*, actor, person: Person) -> None:
    _check(actor, lambda: access.person_can_change(actor, person.organisation))
    # Registrations, delegations...: their history must stay; erasing (anonymising) is the way out.
    delete_audited(
        person,
        actor=actor,
        refusal=_("This person has a history (registrations, meetings…): erase their personal data instead."),
    )


ISO_CATEGORIES = {
    "member_body": Membership.Category.ISO_MEMBER_BODY,
    "correspondent": Membership.Category.ISO_CORRESPONDENT,
    "subscriber": Membership.Category.ISO_SUBSCRIBER,
}


def _iso_body(actor) -> Organisation:
    iso = Organisation.objects.filter(acronym="ISO", kind=Organisation.Kind.INTERNATIONAL_SDO).first()
    if iso is None:
        iso = organisation_create(
            actor=actor,
            name={
                "en": "International Organization for Standardization",
                "fr": "Organisation internationale de normalisation",
            },
            acronym="ISO",
            kind=Organisation.Kind.INTERNATIONAL_SDO,
            website="https://www.iso.org",
        )
    return iso


@transaction.atomic
def iso_members_load(*, actor=None, path: Path = ISO_MEMBERS_FILE) -> dict[str, int]:
    """Create or update the ISO members of the curated file, each with its ISO membership. Idempotent."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    countries = {country.iso2: country for country in Country.objects.all()}
    iso = _iso_body(actor)
    existing = {org.acronym: org for org in Organisation.objects.filter(kind=Organisation.Kind.NSB)}
    memberships = {m.member_id: m for m in Membership.objects.filter(body=iso)}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for line, row in enumerate(rows, start=2):
        # A member the curators could not place yet has no country; one that names an unknown code is an error.
        country = countries.get(row["country_iso2"]) if row["country_iso2"] else None
        if row["country_iso2"] and country is None:
            raise ValidationError(
                _("%(file)s line %(line)d: unknown country %(code)s")
                % {"file": path.name, "line": line, "code": row["country_iso2"]}
            )
        organisation = existing.get(row["acronym"])
        fields: dict[str, Any] = {
            # The file gives the official name; a French name typed since is kept.
            "name": {**(organisation.name if organisation else {}), "en": row["name"] or row["acronym"]},
            "acronym": row["acronym"],
            "kind": Organisation.Kind.NSB,
            "country": country,
            "iso_member_id": int(row["iso_member_id"]) if row["iso_member_id"] else None,
        }
        if organisation is None:
            organisation = organisation_create(actor=actor, **fields)
            counts["created"] += 1
        elif any(getattr(organisation, key) != value for key, value in fields.items()):
            organisation = organisation_update(actor=actor, organisation=organisation, **fields)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        category = ISO_CATEGORIES[row["category"]]
        as_of = datetime.date.fromisoformat(row["as_of"])
        membership = memberships.get(organisation.pk)
        if membership is None:
            membership_create(
                actor=actor, member=organisation, body=iso, category=category, as_of=as_of, source=row["source"]
            )
        elif (membership.category, membership.as_of, membership.source) != (category, as_of, row["source"]):
            before = snapshot(membership)
            membership.category, membership.as_of, membership.source = category, as_of, row["source"]
            membership.save()
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=membership, before=before)
            _records_changed()
    return counts
