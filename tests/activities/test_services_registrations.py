"""Registrations, attendance, evaluations, completion and certificates through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.activities import services
from jalon.activities.models import Activity, Attendance, Registration
from jalon.activities.selectors import activity_summary, certificate_lookup
from jalon.organisations.models import Person
from tests.activities.conftest import activity_build, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(users):
    return activity_build(actor=users["focal"])


def test_registering_creates_the_person_once_and_audits_both(workshop, users, asn):
    registration = register(workshop, users["focal"], given_name="Awa", family_name="Sow", organisation=asn)
    assert registration.status == Registration.Status.REGISTERED and registration.person.organisation == asn
    assert AuditEntry.objects.filter(model="organisations.person", action="create").count() == 1
    assert AuditEntry.objects.filter(model="activities.registration", action="create").count() == 1


def test_registering_twice_for_the_same_activity_is_refused_with_the_persons_name(workshop, asn):
    register(workshop, given_name="Awa", family_name="Sow", organisation=asn)
    with pytest.raises(ValidationError) as excinfo:
        register(workshop, given_name="AWA", family_name="Sow", organisation=asn)
    assert "Awa Sow" in excinfo.value.message_dict["person"][0]


def test_the_database_also_refuses_two_registrations_of_one_person(workshop):
    person = Person.objects.create(given_name="Awa", family_name="Sow")
    Registration.objects.create(activity=workshop, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(activity=workshop, person=person)


def test_a_cancelled_registration_is_reopened_rather_than_duplicated(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    services.registration_cancel(actor=users["focal"], registration=registration)
    again = register(workshop, given_name="Awa", family_name="Sow")
    assert again.pk == registration.pk and again.status == Registration.Status.REGISTERED


def test_nobody_registers_for_a_cancelled_or_full_activity(users):
    cancelled = activity_build(code="cancelled", status=Activity.Status.CANCELLED)
    with pytest.raises(ValidationError):
        register(cancelled, given_name="Awa", family_name="Sow")
    full = activity_build(code="full", capacity=1)
    register(full, given_name="Awa", family_name="Sow")
    with pytest.raises(ValidationError):
        register(full, given_name="Omar", family_name="Sow")


def test_a_participant_needs_a_name(workshop):
    with pytest.raises(ValidationError) as excinfo:
        register(workshop, given_name=" ", family_name="", email="x@example.org")
    assert "family_name" in excinfo.value.message_dict


def test_attendance_is_recorded_for_a_whole_session_and_only_changes_are_audited(workshop, users):
    day = services.session_create(actor=None, activity=workshop, date=datetime.date(2026, 10, 5))
    awa = register(workshop, given_name="Awa", family_name="Sow")
    omar = register(workshop, given_name="Omar", family_name="Sow")
    assert services.attendance_record(actor=users["focal"], session=day, present={awa.pk: True, omar.pk: False}) == 2
    assert services.attendance_record(actor=users["focal"], session=day, present={awa.pk: True, omar.pk: True}) == 1
    assert dict(Attendance.objects.values_list("registration_id", "present")) == {awa.pk: True, omar.pk: True}
    assert AuditEntry.objects.filter(model="activities.attendance").count() == 3
    # Written in bulk (issue 21), each change still audited with what it was and became, and what it names.
    changed = AuditEntry.objects.get(model="activities.attendance", action=AuditEntry.Action.UPDATE)
    row = Attendance.objects.get(registration=omar)
    assert changed.object_id == str(row.pk) and changed.actor == users["focal"]
    assert changed.before["present"] is False and changed.after["present"] is True
    assert changed.before["recorded_at"] != changed.after["recorded_at"]
    assert changed.object_repr.startswith("Omar Sow - Atelier BPN 2026-10-05")


def test_attendance_of_someone_registered_elsewhere_is_refused(workshop, users):
    day = services.session_create(actor=None, activity=workshop, date=datetime.date(2026, 10, 5))
    stranger = register(activity_build(code="other"), given_name="Awa", family_name="Sow")
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(actor=users["focal"], session=day, present={stranger.pk: True})
    assert str(stranger.pk) in excinfo.value.message_dict["present"][0]
    assert not Attendance.objects.exists()


def test_evaluations_are_recorded_and_validated(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    registration = services.evaluation_record(
        actor=users["focal"],
        registration=registration,
        pre_test_score=Decimal("45.5"),
        post_test_score=Decimal("80"),
        satisfaction=4,
        satisfaction_comment="Très utile",
        followup_applied="partly",
    )
    assert registration.knowledge_gain == Decimal("34.5") and registration.followup_date is not None
    for bad in ({"pre_test_score": Decimal(101)}, {"post_test_score": Decimal(-1)}, {"satisfaction": 6}):
        with pytest.raises(ValidationError) as excinfo:
            services.evaluation_record(actor=users["focal"], registration=registration, **bad)
        assert set(excinfo.value.message_dict) == set(bad)
    with pytest.raises(ValidationError):
        services.evaluation_record(
            actor=users["focal"], registration=registration, followup_date=datetime.date(2020, 1, 1)
        )


def test_an_evaluation_from_an_older_version_is_refused(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    services.evaluation_record(actor=users["focal"], registration=registration, version=1, satisfaction=4)
    with pytest.raises(ConflictError):
        services.evaluation_record(actor=users["focal"], registration=registration, version=1, satisfaction=2)
    assert Registration.objects.get(pk=registration.pk).satisfaction == 4


def test_completion_issues_an_unguessable_certificate_code_that_the_check_finds(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    done = services.registration_complete(actor=users["focal"], registration=registration)
    other = services.registration_complete(
        actor=users["focal"], registration=register(workshop, given_name="Omar", family_name="Sow")
    )
    code = done.certificate_code
    assert done.completed and done.completed_on == workshop.end_date and len(code) == 19
    assert code != other.certificate_code
    assert certificate_lookup(code=code.replace("-", " ").lower()) == done
    assert certificate_lookup(code="AAAA-BBBB-CCCC-DDDD") is None
    assert certificate_lookup(code="x" * 200) is None


def test_withdrawing_completion_withdraws_the_certificate(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    code = services.registration_complete(actor=users["focal"], registration=registration).certificate_code
    services.registration_complete(actor=users["focal"], registration=registration, completed=False)
    assert certificate_lookup(code=code) is None


def test_a_certificate_is_only_for_a_completed_registration(workshop, users):
    registration = register(workshop, given_name="Awa", family_name="Sow")
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=users["focal"], registration=registration)
    services.registration_cancel(actor=users["focal"], registration=registration)
    with pytest.raises(ValidationError):
        services.registration_complete(actor=users["focal"], registration=registration)


def test_a_registration_recorded_by_mistake_is_deleted_with_its_attendance(workshop, users):
    day = services.session_create(actor=None, activity=workshop, date=datetime.date(2026, 10, 5))
    registration = register(workshop, given_name="Awa", family_name="Sow")
    services.attendance_record(actor=None, session=day, present={registration.pk: True})
    services.registration_delete(actor=users["focal"], registration=registration)
    assert not Registration.objects.exists() and not Attendance.objects.exists()
    assert Person.objects.filter(given_name="Awa").exists()


def test_the_activity_summary_counts_without_naming_anyone(workshop, users, asn, kebs):
    awa = register(workshop, given_name="Awa", family_name="Sow", sex="female", organisation=asn)
    omar = register(workshop, given_name="Omar", family_name="Sow", sex="male", organisation=kebs)
    register(workshop, given_name="Zoé", family_name="Fall")
    services.evaluation_record(
        actor=None, registration=awa, pre_test_score=Decimal(40), post_test_score=Decimal(60), satisfaction=5
    )
    services.evaluation_record(actor=None, registration=omar, satisfaction=2, followup_applied="yes")
    services.registration_complete(actor=None, registration=awa)
    summary = activity_summary(activity=workshop)
    assert (summary.registered, summary.completed, summary.countries, summary.organisations) == (3, 1, 2, 2)
    assert (summary.women_percent, summary.average_gain) == (Decimal("50.00"), Decimal("20.00"))
    assert (summary.satisfied_percent, summary.applied_percent) == (Decimal("50.00"), Decimal("100.00"))


def test_attendance_at_a_session_that_has_not_taken_place_is_refused(workshop, users, english):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    type(workshop).objects.filter(pk=workshop.pk).update(end_date=tomorrow)
    workshop.refresh_from_db()
    later = services.session_create(actor=None, activity=workshop, date=tomorrow)
    awa = register(workshop, given_name="Awa", family_name="Sow")
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(actor=users["focal"], session=later, present={awa.pk: True})
    assert "attendance can be recorded from that day" in excinfo.value.message_dict["present"][0]
    assert not Attendance.objects.exists()
    today = services.session_create(actor=None, activity=workshop, date=timezone.localdate())
    assert services.attendance_record(actor=users["focal"], session=today, present={awa.pk: True}) == 1
