import csv
import datetime

import pytest
from django.db import transaction

from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import Committee, CommitteeMembership
from jalon.organisations.models import Organisation

DAY = datetime.date(2025, 1, 1)
FIRST = datetime.date(2026, 5, 1)


@pytest.fixture(scope="module")
def first_imported(django_db_setup, django_db_blocker):
    """The real ISO file imported as of FIRST, once per module (796 committees, 35,000 memberships: seconds
    each time), in a transaction rolled back at the module's end; each test runs in a savepoint inside it.
    A module that uses it uses it for every test: one that did not would find the committees anyway."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=FIRST)
        transaction.set_rollback(True)


@pytest.fixture
def org():
    """org("ASN") -> the ISO member with that acronym (loaded for the session)."""
    return lambda acronym: Organisation.objects.get(acronym=acronym, iso_member_id__isnull=False)


@pytest.fixture
def make_committee(db):
    def make(reference: str, *, body=Committee.Body.ISO, kind=Committee.Kind.TC, **fields) -> Committee:
        fields.setdefault("title", {"en": f"{reference} title", "fr": f"Titre {reference}"})
        return Committee.objects.create(body=body, kind=kind, reference=reference, sort_key=reference, **fields)

    return make


@pytest.fixture
def member_of(db):
    def add(committee, organisation, status, since=None, until=None):
        return CommitteeMembership.objects.create(
            committee=committee, member=organisation, status=status, since=since, until=until
        )

    return add


def read_rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
