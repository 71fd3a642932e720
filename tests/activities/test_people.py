"""One person, one record: matching, duplicates, merge (history kept), export and erase (aggregates kept)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.accounts.models import AuditEntry
from jalon.activities import services
from jalon.activities.models import Attendance, Registration
from jalon.activities.people import (
    normalised_name,
    people_duplicates,
    people_match_index,
    person_find,
    person_match_key,
)
from jalon.organisations.models import Person, PersonEmail
from jalon.results.computations import REGISTRY
from tests.activities.conftest import activity_build, country, register

pytestmark = pytest.mark.django_db


def test_the_same_email_in_any_case_is_the_same_person():
    assert person_match_key(email=" Aminata.Diallo@ASN.sn ") == person_match_key(email="aminata.diallo@asn.sn")


def test_without_email_the_name_is_compared_without_case_accents_marks_or_extra_spaces():
    assert normalised_name("  Zoé ", "N'DIAYE   Fall") == "zoe ndiaye fall"
    # Apostrophes of any kind go; hyphens and dots part words, as many files write the same names.
    assert normalised_name("Zoé", "N’Diaye") == normalised_name("zoe", "ndiaye") == "zoe ndiaye"
    assert (
        normalised_name("Jean-Pierre", "St. John") == normalised_name("jean pierre", "st john") == "jean pierre st john"
    )
    assert person_match_key(given_name="Zoé", family_name="Ndiaye", organisation_id=3) == person_match_key(
        given_name="ZOE", family_name=" ndiayé ", organisation_id=3
    )


def test_the_same_name_in_another_organisation_is_another_person():
    assert person_match_key(given_name="Awa", family_name="Sow", organisation_id=1) != person_match_key(
        given_name="Awa", family_name="Sow", organisation_id=2
    )


def test_registering_the_same_person_twice_finds_the_first_record(users, asn):
    first = activity_build(code="first")
    second = activity_build(code="second")
    one = register(first, given_name="Aminata", family_name="Diallo", email="aminata@asn.sn", organisation=asn)
    two = register(second, given_name="AMINATA", family_name="DIALLO", email="Aminata@ASN.sn")
    three = register(activity_build(code="third"), given_name="Aminata", family_name="Diallo", organisation=asn)
    assert one.person_id == two.person_id == three.person_id
    assert Person.objects.filter(family_name__iexact="diallo").count() == 1


def test_a_later_registration_fills_details_the_record_lacked_but_never_overwrites(asn):
    one = register(activity_build(code="first"), given_name="Moussa", family_name="Ndiaye", organisation=asn)
    two = register(
        activity_build(code="second"),
        given_name="Moussa",
        family_name="Ndiaye",
        organisation=asn,
        sex="male",
        function=Person.Function.CONVENOR,
    )
    person = Person.objects.get(pk=one.person_id)
    assert two.person_id == person.pk and person.sex == "male" and person.function == "convenor"


def test_same_name_with_two_different_emails_is_two_people(asn):
    one = register(activity_build(code="first"), given_name="Awa", family_name="Sow", email="a@x.sn", organisation=asn)
    two = register(activity_build(code="second"), given_name="Awa", family_name="Sow", email="b@x.sn", organisation=asn)
    assert one.person_id != two.person_id


def test_duplicates_are_grouped_by_email_and_by_name_and_organisation(asn, kebs):
    Person.objects.create(given_name="Grace", family_name="Wanjiru", email="grace@kebs.org", organisation=kebs)
    Person.objects.create(given_name="Gracie", family_name="W.", email="GRACE@kebs.org")
    Person.objects.create(given_name="Awa", family_name="Sow", organisation=asn)
    Person.objects.create(given_name="AWA", family_name="Sów", organisation=asn)
    Person.objects.create(given_name="Awa", family_name="Sow", organisation=kebs)
    groups = people_duplicates()
    found = {(group.reason, tuple(sorted(p.given_name for p in group.people))) for group in groups}
    assert ("email", ("Grace", "Gracie")) in found
    assert ("name", ("AWA", "Awa")) in found
    assert len(groups) == 2


def test_the_match_index_serves_imports_in_two_queries(asn, django_assert_num_queries):
    person = Person.objects.create(given_name="Kofi", family_name="Asante", email="kofi@gsa.gh", organisation=asn)
    with django_assert_num_queries(2):  # the records, and the other addresses of joined records
        index = people_match_index()
    assert index[person_match_key(email="KOFI@gsa.gh")] == person.pk
    assert index[("name", "kofi asante", asn.pk)] == person.pk


def test_an_address_is_found_on_the_index_of_its_own_or_of_the_joined_records(asn, django_assert_num_queries):
    """One query for a person's own address, a second for a joined record's: asked together, across the join,
    PostgreSQL read every person (issue 21)."""
    kofi = Person.objects.create(given_name="Kofi", family_name="Asante", email="kofi@gsa.gh", organisation=asn)
    ama = Person.objects.create(given_name="Ama", family_name="Owusu", email="ama@gsa.gh", organisation=asn)
    PersonEmail.objects.create(person=ama, email="a.owusu@old.gh")
    with django_assert_num_queries(1):
        assert person_find(email=" KOFI@gsa.gh") == kofi
    with django_assert_num_queries(2):
        assert person_find(email="A.Owusu@old.gh") == ama
    # Not the caller's to take: outside `among`, neither address finds anyone.
    others = Person.objects.exclude(pk__in=[kofi.pk, ama.pk])
    assert person_find(email="kofi@gsa.gh", among=others) is person_find(email="a.owusu@old.gh", among=others) is None


@pytest.fixture
def twins(users, asn):
    """One person recorded twice: as "Aminata Diallo" (with email) and "AMINATA DIALLO" (ASN, no email), both
    registered for the same workshop (with different attendance and evaluations) and each for another."""
    actor = users["manager"]
    shared = activity_build(actor=actor, code="shared")
    day1 = services.session_create(actor=actor, activity=shared, date=datetime.date(2026, 10, 5))
    day2 = services.session_create(actor=actor, activity=shared, date=datetime.date(2026, 10, 6))
    keep = Person.objects.create(given_name="Aminata", family_name="Diallo", email="aminata@asn.sn")
    duplicate = Person.objects.create(
        given_name="AMINATA", family_name="DIALLO", organisation=asn, sex="female", phone="+221 33 000"
    )
    mine = services.registration_create(actor=actor, activity=shared, person=keep)
    theirs = services.registration_create(actor=actor, activity=shared, person=duplicate)
    services.attendance_record(actor=actor, session=day1, present={mine.pk: False, theirs.pk: True})
    services.attendance_record(actor=actor, session=day2, present={theirs.pk: True})
    services.evaluation_record(
        actor=actor, registration=theirs, pre_test_score=Decimal(40), post_test_score=Decimal(80)
    )
    services.evaluation_record(actor=actor, registration=mine, satisfaction=5)
    theirs = services.registration_complete(actor=actor, registration=theirs)
    own = services.registration_create(actor=actor, activity=activity_build(actor=actor, code="own"), person=keep)
    other = services.registration_create(
        actor=actor, activity=activity_build(actor=actor, code="other"), person=duplicate
    )
    return {
        "keep": keep,
        "duplicate": duplicate,
        "shared": shared,
        "day1": day1,
        "day2": day2,
        "code": theirs.certificate_code,
        "own": own,
        "other": other,
    }


def test_merging_moves_every_registration_to_the_kept_record(twins, users):
    keep = services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    assert not Person.objects.filter(pk=twins["duplicate"].pk).exists()
    assert set(keep.registrations.values_list("activity__code", flat=True)) == {"shared", "own", "other"}


def test_merging_two_registrations_to_one_activity_keeps_the_best_of_both(twins, users):
    keep = services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    registration = keep.registrations.get(activity=twins["shared"])
    assert registration.completed and registration.certificate_code == twins["code"]
    assert (registration.pre_test_score, registration.post_test_score, registration.satisfaction) == (
        Decimal(40),
        Decimal(80),
        5,
    )
    presence = dict(Attendance.objects.filter(registration=registration).values_list("session_id", "present"))
    assert presence == {twins["day1"].pk: True, twins["day2"].pk: True}
    assert Registration.objects.filter(activity=twins["shared"]).count() == 1


def test_merging_fills_the_kept_records_blank_details(twins, users, asn):
    keep = services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    keep.refresh_from_db()
    assert (keep.email, keep.sex, keep.phone, keep.organisation_id) == (
        "aminata@asn.sn",
        "female",
        "+221 33 000",
        asn.pk,
    )
    assert keep.given_name == "Aminata"


def test_merging_is_audited_so_that_the_duplicates_history_stays_readable(twins, users):
    duplicate_pk = twins["duplicate"].pk
    services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    deleted = AuditEntry.objects.get(model="organisations.person", object_id=str(duplicate_pk), action="delete")
    assert deleted.before["family_name"] == "DIALLO" and deleted.actor == users["manager"]
    moved = AuditEntry.objects.get(model="activities.registration", object_id=str(twins["other"].pk), action="update")
    assert moved.before["person_id"] == duplicate_pk and moved.after["person_id"] == twins["keep"].pk
    kept = AuditEntry.objects.filter(model="organisations.person", object_id=str(twins["keep"].pk)).first()
    assert kept.after["merged_from"]["id"] == duplicate_pk


def test_a_certificate_keeps_verifying_after_a_merge(twins, users):
    from jalon.activities.selectors import certificate_lookup

    services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    assert certificate_lookup(code=twins["code"].lower()).person_id == twins["keep"].pk


def test_a_record_cannot_be_merged_into_itself(twins, users):
    with pytest.raises(ValidationError):
        services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["keep"])


def test_export_gives_everything_held_about_the_person_as_json(twins, users):
    data = services.person_export(actor=users["manager"], person=twins["duplicate"])
    json.dumps(data)  # JSON-ready as it is
    assert data["person"]["family_name"] == "DIALLO" and data["person"]["organisation"]
    shared = next(item for item in data["registrations"] if item["activity"]["code"] == "shared")
    assert shared["completed"] and shared["pre_test_score"] == "40.00"
    assert {row["present"] for row in shared["attendance"]} == {True}
    assert {item["activity"]["code"] for item in data["registrations"]} == {"shared", "other"}
    entry = AuditEntry.objects.get(action="export", object_id=str(twins["duplicate"].pk))
    assert (entry.actor, entry.model, entry.after) == (users["manager"], "organisations.person", None)


def test_erasing_replaces_names_and_contacts_and_keeps_what_aggregates_need(twins, users, asn):
    person = services.person_erase(actor=users["manager"], person=twins["duplicate"])
    person.refresh_from_db()
    assert (person.email, person.phone) == ("", "")
    assert "DIALLO" not in str(person) and person.anonymised_at is not None
    assert (person.sex, person.organisation_id) == ("female", asn.pk)
    assert person.registrations.count() == 2


def test_erasing_scrubs_the_name_from_the_audit_log(twins, users):
    pk = twins["duplicate"].pk
    services.person_erase(actor=users["manager"], person=twins["duplicate"])
    for entry in AuditEntry.objects.filter(model="organisations.person", object_id=str(pk)):
        assert "DIALLO" not in json.dumps([entry.before, entry.after, entry.object_repr])
    for entry in AuditEntry.objects.filter(model="activities.registration"):
        assert "DIALLO" not in entry.object_repr


def test_erasing_leaves_the_computed_counts_unchanged(reach, users, asn):
    activity = activity_build(actor=users["manager"], outputs=[reach.output])
    for given, sex in (("Awa", "female"), ("Omar", "male")):
        registration = register(activity, given_name=given, family_name="Sow", sex=sex, organisation=asn)
        services.registration_complete(actor=users["manager"], registration=registration)
    compute = REGISTRY["activities_participants_trained"].compute
    before = compute(reach.programme, reach.p2026)
    services.person_erase(actor=users["manager"], person=Person.objects.get(given_name="Awa"))
    assert compute(reach.programme, reach.p2026) == before


def test_an_erased_record_never_absorbs_a_new_registration(users, asn):
    first = register(activity_build(code="first"), given_name="Awa", family_name="Sow", email="awa@asn.sn")
    services.person_erase(actor=users["manager"], person=first.person)
    again = register(activity_build(code="second"), given_name="Awa", family_name="Sow", email="awa@asn.sn")
    assert again.person_id != first.person_id


def test_erasing_twice_changes_nothing_more(twins, users):
    services.person_erase(actor=users["manager"], person=twins["duplicate"])
    count = AuditEntry.objects.count()
    services.person_erase(actor=users["manager"], person=twins["duplicate"])
    assert AuditEntry.objects.count() == count


def test_people_of_a_country_keep_their_country_after_erase(users):
    registration = register(
        activity_build(code="first"), given_name="Kofi", family_name="Asante", country=country("GHA")
    )
    person = services.person_erase(actor=users["manager"], person=registration.person)
    assert person.country.iso3 == "GHA"


def test_erasing_a_merged_person_also_scrubs_the_record_merged_into_it(twins, users):
    duplicate_pk = twins["duplicate"].pk
    keep = services.person_merge(actor=users["manager"], keep=twins["keep"], duplicate=twins["duplicate"])
    services.person_erase(actor=users["manager"], person=keep)
    for entry in AuditEntry.objects.filter(
        model="organisations.person", object_id__in=[str(duplicate_pk), str(keep.pk)]
    ):
        text = json.dumps([entry.before, entry.after, entry.object_repr])
        assert "DIALLO" not in text and "Diallo" not in text and "aminata@asn.sn" not in text


def test_same_name_and_organisation_with_two_emails_is_suggested_for_the_team_to_check(asn):
    one = Person.objects.create(given_name="Awa", family_name="Sow", email="a@x.sn", organisation=asn)
    two = Person.objects.create(given_name="AWA", family_name="Sów", email="b@x.sn", organisation=asn)
    [group] = people_duplicates()
    assert group.reason == "name_emails" and [p.pk for p in group.people] == [one.pk, two.pk]


def test_a_joined_record_keeps_every_address_and_the_next_registration_finds_it(users, asn):
    one = register(activity_build(code="first"), given_name="Awa", family_name="Sow", email="a@x.sn", organisation=asn)
    two = register(activity_build(code="second"), given_name="Awa", family_name="Sow", email="B@x.sn", organisation=asn)
    keep = services.person_merge(actor=users["manager"], keep=one.person, duplicate=two.person)
    assert list(keep.other_emails.values_list("email", flat=True)) == ["b@x.sn"]
    again = register(activity_build(code="third"), given_name="Awa", family_name="Sow", email="b@X.sn")
    assert again.person_id == keep.pk
    assert people_match_index()[person_match_key(email="b@x.sn")] == keep.pk
    # A third record with the old address is grouped with the kept one by that address.
    Person.objects.create(given_name="A.", family_name="Sow", email="b@x.sn")
    assert [group.reason for group in people_duplicates()] == ["email"]
    assert services.person_export(actor=users["manager"], person=keep)["person"]["other_emails"] == ["b@x.sn"]
    services.person_erase(actor=users["manager"], person=keep)
    assert not keep.other_emails.exists()


def test_the_migration_makes_the_keys_of_names_with_marks_again_and_back(asn):
    """organisations/0008: the people recorded with "N'Diaye" get the keys Person.save now writes; back, the old."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("jalon.organisations.migrations.0008_person_match_marks")
    zoe = Person.objects.create(given_name="Zoé", family_name="N'Diaye-Sène", organisation=asn)
    awa = Person.objects.create(given_name="Awa", family_name="Diop", organisation=asn)
    migration.keys_with_marks(apps, None)
    keys = (
        Person.objects.order_by("pk").filter(pk__in=[zoe.pk, awa.pk]).values_list("match_name", "match_name_reversed")
    )
    assert list(keys) == [("zoe n'diaye-sene", "n'diaye-sene zoe"), ("awa diop", "diop awa")]
    migration.keys_without_marks(apps, None)
    assert list(keys.all()) == [("zoe ndiaye sene", "ndiaye sene zoe"), ("awa diop", "diop awa")]
