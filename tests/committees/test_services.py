"""Writes by hand: committees, memberships with their events, leadership roles, meetings, delegates and
contributions; each audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.committees import services
from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole, Meeting, ParticipationEvent
from jalon.organisations.models import Person

D1, D2, D3 = datetime.date(2024, 1, 1), datetime.date(2024, 6, 1), datetime.date(2025, 3, 1)

# Messages are asserted in English, whatever the default language.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def committee(users):
    return services.committee_create(
        actor=users["manager"],
        body=Committee.Body.OTHER,
        kind=Committee.Kind.TC,
        reference="ARSO/TC 1",
        title={"en": "Quality", "fr": "Qualité"},
    )


def test_a_committee_created_by_hand_is_audited(committee, users):
    assert committee.sort_key == "ARSO/TC 1"
    assert AuditEntry.objects.filter(
        model="committees.committee", object_id=str(committee.pk), action="create"
    ).exists()


def test_a_committee_needs_a_title_and_a_unique_reference(committee, users):
    with pytest.raises(ValidationError, match="title"):
        services.committee_create(actor=users["manager"], body="other", kind="tc", reference="X 1", title={})
    with pytest.raises(ValidationError, match="already exists"):
        services.committee_create(
            actor=users["manager"], body="other", kind="tc", reference="ARSO/TC 1", title={"en": "Again"}
        )


def test_a_committee_edit_from_an_older_version_is_refused(committee, users):
    services.committee_update(actor=users["manager"], committee=committee, version=1, title={"en": "New"})
    with pytest.raises(ConflictError):
        services.committee_update(actor=users["admin"], committee=committee, version=1, title={"en": "Stale"})


def test_setting_a_status_records_the_history_and_the_event(committee, users, nsb):
    services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="o", on=D1)
    services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="p", on=D2)
    services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="p", on=D3)  # no change
    services.membership_end(actor=users["manager"], committee=committee, member=nsb, on=D3)

    history = list(
        CommitteeMembership.objects.filter(member=nsb).order_by("pk").values_list("status", "since", "until")
    )
    assert history == [("o", D1, D2), ("p", D2, D3)]
    events = list(ParticipationEvent.objects.order_by("date", "pk").values_list("kind", "date"))
    assert events == [("joined_o", D1), ("o_to_p", D2), ("left", D3)]
    assert AuditEntry.objects.filter(model="committees.participationevent").count() == 3


def test_a_change_dated_before_the_current_status_began_is_refused(committee, users, nsb, other_nsb):
    services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="o", on=D2)
    with pytest.raises(ValidationError, match="before the current status began"):
        services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="p", on=D1)
    with pytest.raises(ValidationError, match="not a member"):
        services.membership_end(actor=users["manager"], committee=committee, member=other_nsb, on=D3)


def test_a_disbanded_committee_keeps_its_membership_frozen(committee, users, nsb):
    services.committee_update(actor=users["manager"], committee=committee, status="disbanded", disbanded_on=D2)
    with pytest.raises(ValidationError, match="disbanded"):
        services.membership_set(actor=users["manager"], committee=committee, member=nsb, status="p", on=D3)


def test_leadership_roles_are_created_changed_and_ended(committee, users, nsb, other_nsb):
    person = Person.objects.create(given_name="Awa", family_name="Ndiaye", organisation=nsb)
    role = services.leadership_role_create(
        actor=users["manager"], committee=committee, role="chair", organisation=nsb, person=person, start_date=D1
    )
    role = services.leadership_role_update(actor=users["manager"], leadership_role=role, role="vice_chair")
    role = services.leadership_role_end(actor=users["manager"], leadership_role=role, end_date=D3)
    assert (role.role, role.end_date, role.version) == ("vice_chair", D3, 3)
    with pytest.raises(ValidationError, match="already ended"):
        services.leadership_role_end(actor=users["manager"], leadership_role=role, end_date=D3)
    with pytest.raises(ValidationError, match="another organisation"):
        services.leadership_role_create(
            actor=users["manager"], committee=committee, role="convenor", organisation=other_nsb, person=person
        )
    with pytest.raises(ValidationError, match="before the start"):
        services.leadership_role_create(
            actor=users["manager"], committee=committee, role="convenor", organisation=nsb, start_date=D3, end_date=D1
        )
    assert LeadershipRole.objects.count() == 1


def test_an_in_person_meeting_needs_a_place_and_a_virtual_one_does_not(committee, users):
    with pytest.raises(ValidationError, match="place"):
        services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, title={"en": "Plenary"})
    meeting = services.meeting_create(
        actor=users["manager"], committee=committee, start_date=D1, title={"en": "Plenary"}, mode=Meeting.Mode.VIRTUAL
    )
    assert meeting.end_date == D1
    with pytest.raises(ValidationError, match="ends before"):
        services.meeting_update(actor=users["manager"], meeting=meeting, end_date=datetime.date(2023, 1, 1))


def test_delegates_are_registered_once_marked_present_and_sponsored(committee, users, nsb):
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, city="Dakar")
    person = Person.objects.create(given_name="Moussa", family_name="Sarr", organisation=nsb)
    delegate = services.delegate_register(actor=users["focal"], meeting=meeting, person=person)
    assert delegate.organisation == nsb
    with pytest.raises(ValidationError, match="already registered"):
        services.delegate_register(actor=users["focal"], meeting=meeting, person=person)
    delegate = services.delegate_mark_present(actor=users["focal"], delegate=delegate)
    delegate = services.delegate_set_sponsored(actor=None, delegate=delegate, sponsored=True)
    assert (delegate.present, delegate.sponsored) == (True, True)
    with pytest.raises(ValidationError, match="sponsored"):
        services.delegate_remove(actor=users["focal"], delegate=delegate)


def test_presence_cannot_be_recorded_before_the_meeting(committee, users, nsb):
    future = datetime.date.today() + datetime.timedelta(days=30)
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=future, city="Dakar")
    person = Person.objects.create(given_name="Moussa", family_name="Sarr", organisation=nsb)
    delegate = services.delegate_register(actor=users["focal"], meeting=meeting, person=person)
    with pytest.raises(ValidationError, match="not started"):
        services.delegate_mark_present(actor=users["focal"], delegate=delegate)


def test_contributions_are_created_edited_and_deleted_with_an_audit_trail(committee, users, nsb):
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, city="Dakar")
    contribution = services.contribution_create(
        actor=users["focal"], meeting=meeting, organisation=nsb, title="Comments", submitted_on=D1
    )
    contribution = services.contribution_update(actor=users["focal"], contribution=contribution, title="Revised")
    services.contribution_delete(actor=users["focal"], contribution=contribution)
    actions = list(
        AuditEntry.objects.filter(model="committees.contribution").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_the_itu_study_groups_load_once_and_again_without_change():
    first = services.itu_study_groups_load()
    again = services.itu_study_groups_load()
    assert first == {"created": 17, "updated": 0, "unchanged": 0}
    assert again == {"created": 0, "updated": 0, "unchanged": 17}
    study_groups = Committee.objects.filter(body="itu_t", kind="study_group", study_period="2025-2028")
    assert sorted(int(ref.removeprefix("ITU-T SG")) for ref in study_groups.values_list("reference", flat=True)) == [
        2,
        3,
        5,
        11,
        12,
        13,
        15,
        17,
        20,
        21,
    ]
    regional = Committee.objects.get(reference="ITU-T SG20RG-AFR")
    assert (regional.kind, regional.parent.reference) == ("regional_group", "ITU-T SG20")
    assert regional.title["fr"].startswith("Groupe régional")


@pytest.mark.parametrize(
    "model",
    [
        "committee",
        "committeemembership",
        "participationevent",
        "leadershiprole",
        "meeting",
        "meetingdelegate",
        "contribution",
        "importrun",
    ],
)
def test_the_admin_lists_and_forms_open_for_the_platform_administrator(client_as, committee, model):
    client = client_as("admin")
    assert client.get(f"/en/admin/committees/{model}/").status_code == 200
    if model != "importrun":
        assert client.get(f"/en/admin/committees/{model}/add/").status_code == 200


def test_an_admin_edit_of_a_committee_is_audited(client_as, committee):
    client = client_as("admin")
    page = client.get(f"/en/admin/committees/committee/{committee.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "title": '{"en": "Renamed"}',
            "scope": "{}",
            "leadership_roles-TOTAL_FORMS": "0",
            "leadership_roles-INITIAL_FORMS": "0",
            "liaison_committees": [],
            "ics_fields": [],
        }
    )
    client.post(f"/en/admin/committees/committee/{committee.pk}/change/", data)
    assert AuditEntry.objects.filter(model="committees.committee", action="update", actor__username="admin").exists()


# Who registers for whom: decided here, whoever calls (page, API, a script) --------------------------------------


def test_a_focal_point_registers_delegates_of_its_own_organisation_only(committee, users, nsb, other_nsb):
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, city="Dakar")
    stranger = Person.objects.create(given_name="Jo", family_name="Otieno", organisation=other_nsb)
    with pytest.raises(ValidationError) as excinfo:
        services.delegate_register(actor=users["focal"], meeting=meeting, person=stranger)
    assert excinfo.value.message_dict == {
        "organisation": ["You may register delegates for your own organisation only."]
    }
    # Nor for its own organisation a person it may not see (another organisation's contact).
    with pytest.raises(ValidationError) as excinfo:
        services.delegate_register(actor=users["focal"], meeting=meeting, person=stranger, organisation=nsb)
    assert excinfo.value.message_dict == {"person": ["Unknown person."]}
    assert not meeting.delegates.exists()
    # The programme team registers anyone, for any organisation.
    assert (
        services.delegate_register(actor=users["manager"], meeting=meeting, person=stranger).organisation == other_nsb
    )


def test_an_award_registers_its_delegate_whoever_decided_it(committee, users, other_nsb):
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, city="Dakar")
    stranger = Person.objects.create(given_name="Jo", family_name="Otieno", organisation=other_nsb)
    delegate = services.delegate_sponsor(
        actor=users["viewer"], meeting=meeting, person=stranger, organisation=other_nsb, present=True
    )
    assert (delegate.organisation, delegate.sponsored, delegate.present) == (other_nsb, True, True)
    # A second award for the same person and meeting finds the registration.
    again = services.delegate_sponsor(actor=users["viewer"], meeting=meeting, person=stranger, organisation=other_nsb)
    assert again.pk == delegate.pk


def test_a_focal_point_records_contributions_of_its_own_organisation_only(committee, users, nsb, other_nsb):
    meeting = services.meeting_create(actor=users["manager"], committee=committee, start_date=D1, city="Dakar")
    with pytest.raises(ValidationError) as excinfo:
        services.contribution_create(
            actor=users["focal"], meeting=meeting, organisation=other_nsb, title="Not ours", submitted_on=D1
        )
    assert excinfo.value.message_dict == {
        "organisation": ["You may record contributions of your own organisation only."]
    }
    own = services.contribution_create(
        actor=users["focal"], meeting=meeting, organisation=nsb, title="Ours", submitted_on=D1
    )
    with pytest.raises(ValidationError, match="own organisation only"):
        services.contribution_update(actor=users["focal"], contribution=own, organisation=other_nsb)
    own.refresh_from_db()
    assert (own.organisation, own.version) == (nsb, 1)
    # Moving it is the programme team's to do.
    moved = services.contribution_update(actor=users["manager"], contribution=own, organisation=other_nsb)
    assert moved.organisation == other_nsb
