"""Value-dependent access decided in the services, so that no caller (page, API, command) skips it: an
activity is recorded only for an organiser or outputs the actor may record for, and its participants,
attendance and evaluations only by those who manage it. No actor (None) is the system: the command line
and the demo."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from jalon.accounts.models import AuditEntry
from jalon.activities import services
from jalon.activities.models import Activity, Attendance, Registration
from jalon.organisations.models import Person
from tests.activities.conftest import activity_build, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ORGANISER_REFUSED = "Record activities organised by your own organisation, or serving a programme you manage."
PARTICIPANTS_REFUSED = "Only the activity’s organisers may record its participants, their attendance and evaluations."


@pytest.fixture
def kebs_workshop(kebs):
    """An open workshop organised by KEBS: the ASN focal point and contributor do not manage it."""
    return activity_build(code="kebs-workshop", organiser=kebs)


def refusal(call, field: str) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict[field]


def test_a_focal_point_cannot_create_an_activity_for_another_organisation(users, kebs):
    messages = refusal(lambda: activity_build(actor=users["focal"], organiser=kebs), "organiser")
    assert messages == [ORGANISER_REFUSED]
    assert not Activity.objects.exists()


def test_an_activity_serving_a_programme_the_actor_manages_may_have_any_organiser(users, kebs, reach):
    activity = activity_build(actor=users["manager"], organiser=kebs, outputs=[reach.output])
    assert activity.organiser == kebs


def test_a_focal_point_cannot_move_their_activity_to_another_organisation(users, kebs):
    activity = activity_build(actor=users["focal"])
    messages = refusal(
        lambda: services.activity_update(actor=users["focal"], activity=activity, organiser=kebs), "organiser"
    )
    assert messages == [ORGANISER_REFUSED]
    activity.refresh_from_db()
    assert activity.organiser.acronym == "ASN" and activity.version == 1


def test_the_system_records_for_any_organiser(kebs):
    assert activity_build(actor=None, organiser=kebs).organiser == kebs


def test_only_the_organisers_register_someone_else(users, kebs_workshop):
    for name in ("focal", "contributor", "viewer", "plain"):
        messages = refusal(
            lambda name=name: register(kebs_workshop, users[name], given_name="Awa", family_name="Sow"), "activity"
        )
        assert messages == [PARTICIPANTS_REFUSED]
    assert not Registration.objects.exists() and not Person.objects.filter(family_name="Sow").exists()
    assert register(kebs_workshop, users["manager"], given_name="Awa", family_name="Sow").activity == kebs_workshop


def test_anyone_registers_themselves_through_the_form_of_an_open_published_activity(users, kebs_workshop):
    for actor in (AnonymousUser(), users["plain"]):
        registration = services.registration_create(
            actor=actor,
            activity=kebs_workshop,
            person_details={"given_name": "Omar", "family_name": f"Ba {actor.pk}", "email": f"o{actor.pk}@x.org"},
            source=Registration.Source.FORM,
        )
        assert registration.source == Registration.Source.FORM


def test_the_public_form_does_not_reach_a_closed_activity_nor_set_anything_else(users, kebs_workshop):
    details = {"given_name": "Omar", "family_name": "Ba"}
    # Self-registration sets nothing but the person: no scores, no other source, no existing record.
    for extra in ({"source": Registration.Source.MANUAL}, {"source": Registration.Source.FORM, "satisfaction": 5}):
        assert refusal(
            lambda extra=extra: services.registration_create(
                actor=AnonymousUser(), activity=kebs_workshop, person_details=details, **extra
            ),
            "activity",
        ) == [PARTICIPANTS_REFUSED]
    someone = Person.objects.create(given_name="Known", family_name="Person")
    assert refusal(
        lambda: services.registration_create(
            actor=AnonymousUser(), activity=kebs_workshop, person=someone, source=Registration.Source.FORM
        ),
        "activity",
    ) == [PARTICIPANTS_REFUSED]
    services.activity_update(actor=None, activity=kebs_workshop, status=Activity.Status.PLANNED)
    kebs_workshop.refresh_from_db()
    assert refusal(
        lambda: services.registration_create(
            actor=AnonymousUser(), activity=kebs_workshop, person_details=details, source=Registration.Source.FORM
        ),
        "activity",
    ) == [PARTICIPANTS_REFUSED]
    assert not Registration.objects.exists()


def test_the_form_never_takes_a_record_the_registrant_may_not_see(kebs_workshop):
    """A self-registration makes a new record even for a known address: the form must not hand over (or
    reveal) someone's record. An organiser who registers the same address again reopens their registration."""
    details = {"given_name": "Omar", "family_name": "Ba", "email": "omar@example.org"}
    registration = services.registration_create(
        actor=AnonymousUser(), activity=kebs_workshop, person_details=details, source=Registration.Source.FORM
    )
    services.registration_cancel(actor=None, registration=registration)
    again = services.registration_create(
        actor=AnonymousUser(), activity=kebs_workshop, person_details=details, source=Registration.Source.FORM
    )
    assert again.pk != registration.pk and again.person_id != registration.person_id
    reopened = services.registration_create(actor=None, activity=kebs_workshop, person=registration.person)
    assert reopened.pk == registration.pk and reopened.status == Registration.Status.REGISTERED


def test_an_organiser_registering_an_address_known_only_elsewhere_gets_a_new_record(users, kebs_workshop, nsb):
    """The takeover the penetration test found: the same e-mail as a participant of another organisation's
    activity must not link that person (their name, their details) to whoever registers it."""
    theirs = register(kebs_workshop, given_name="Grace", family_name="Wanjiru", email="grace@kebs.example")
    ours = activity_build(actor=users["manager"], code="asn-own", organiser=nsb)
    registration = services.registration_create(
        actor=users["focal"],
        activity=ours,
        person_details={"given_name": "G.", "family_name": "W.", "email": "grace@kebs.example", "organisation": nsb},
    )
    assert registration.person_id != theirs.person_id
    assert registration.person.given_name == "G."
    assert Person.objects.get(pk=theirs.person_id).organisation_id != nsb.pk  # untouched
    # The platform-wide team sees everyone: registering the address there recognises the person.
    again = services.registration_create(
        actor=users["manager"], activity=ours, person_details={"given_name": "Grace", "email": "GRACE@kebs.example"}
    )
    assert again.person_id in (theirs.person_id, registration.person_id)


def test_only_the_organisers_record_evaluations_completion_cancelling_and_deletion(users, kebs_workshop):
    registration = register(kebs_workshop, given_name="Awa", family_name="Sow")
    focal = users["focal"]
    calls = [
        lambda: services.evaluation_record(actor=focal, registration=registration, satisfaction=5),
        lambda: services.registration_update(actor=focal, registration=registration, pre_test_score=50),
        lambda: services.registration_complete(actor=focal, registration=registration),
        lambda: services.registration_cancel(actor=focal, registration=registration),
        lambda: services.registration_delete(actor=focal, registration=registration),
    ]
    for call in calls:
        assert refusal(call, "activity") == [PARTICIPANTS_REFUSED]
    registration.refresh_from_db()
    assert registration.version == 1 and registration.satisfaction is None and not registration.completed
    assert registration.status == Registration.Status.REGISTERED
    done = services.registration_complete(actor=users["manager"], registration=registration)
    assert done.completed and done.certificate_code


def test_only_the_organisers_record_attendance(users, kebs_workshop):
    registration = register(kebs_workshop, given_name="Awa", family_name="Sow")
    session = services.session_create(actor=None, activity=kebs_workshop, date=kebs_workshop.start_date)
    messages = refusal(
        lambda: services.attendance_record(actor=users["focal"], session=session, present={registration.pk: True}),
        "activity",
    )
    assert messages == [PARTICIPANTS_REFUSED]
    assert not Attendance.objects.exists()
    assert services.attendance_record(actor=users["manager"], session=session, present={registration.pk: True}) == 1


def test_only_the_organisers_import_participants_from_a_file(users, kebs_workshop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jalon.activities.imports import participants_import_start, participants_import_work
    from jalon.jobs.models import Job
    from jalon.jobs.services import job_run

    def upload():
        return SimpleUploadedFile("p.csv", b"Given name,Family name\nAwa,Sow\n")

    messages = refusal(
        lambda: participants_import_start(actor=users["focal"], activity=kebs_workshop, upload=upload(), language="en"),
        "activity",
    )
    assert messages == [PARTICIPANTS_REFUSED]
    assert not Job.objects.exists()
    job = participants_import_start(
        actor=users["manager"], activity=kebs_workshop, upload=upload(), language="en", enqueue=False
    )
    job_run(job.pk, participants_import_work)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and Registration.objects.get().person.family_name == "Sow"


def test_an_update_names_the_person_and_activity_it_was_locked_with_without_asking_again(
    users, kebs_workshop, django_assert_num_queries
):
    """The versioned save's refresh kept the related records fetched with the locked row (accounts.versioning):
    the audit entry's label reads them from there, not with two more queries."""
    registration = register(kebs_workshop, given_name="Awa", family_name="Sow")
    updated = services.registration_update(actor=users["manager"], registration=registration, pre_test_score=50)
    assert updated.version == 2 and updated.pre_test_score == 50
    label = f"Awa Sow - {kebs_workshop}"
    with django_assert_num_queries(0):
        assert str(updated) == label
    entry = AuditEntry.objects.filter(model="activities.registration", object_id=str(registration.pk)).latest("pk")
    assert entry.object_repr == label
