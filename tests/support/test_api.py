"""The support API: applications with every rule's result, workflow actions, validation and access."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.organisations.models import Person
from jalon.support import services
from jalon.support.models import Fellowship, Sponsorship
from tests.support.conftest import fellowship_fields, sponsorship_fields

pytestmark = pytest.mark.django_db


def api_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path, body, language="en"):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def sponsorship_body(world, **changes) -> dict:
    body = {
        "programme": world.iso_programme.code,
        "organisation": world.expert.organisation_id,
        "person": world.expert.pk,
        "meeting": world.meeting.pk,
        "mirror_committee": "exists",
        "mirror_role": "expert",
        "currency": "CHF",
        "estimated_travel": "1200.00",
        "estimated_allowance": "900.00",
    }
    body.update(changes)
    return body


def test_a_focal_point_creates_and_submits_a_sponsorship_with_every_rule_in_the_answer(client_as, world):
    client = client_as("focal")
    response = post(client, api_url("sponsorship-list"), sponsorship_body(world))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft" and created["committee"] == "ISO/TC 34"
    assert [rule["kind"] for rule in created["rules"]][:3] == [
        "developing_country_list",
        "oecd_dac_list",
        "p_member_of_committee",
    ]
    assert all(rule["status"] in ("passed", "not_applicable") for rule in created["rules"])
    detail = api_url("sponsorship-detail", pk=created["id"])
    changed = patch(client, detail, {"estimated_other": "20.00", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = patch(client, detail, {"estimated_other": "30.00", "version": 1})
    assert stale.status_code == 409
    response = post(client, api_url("sponsorship-submit", pk=created["id"]), {"version": 2})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    # Submitted, it is no longer the focal point's to change or submit.
    assert post(client, api_url("sponsorship-submit", pk=created["id"]), {}).status_code == 403


def test_a_refused_submission_answers_400_with_the_rule_named_in_the_requests_language(client_as, world):
    client = client_as("focal")
    created = post(client, api_url("sponsorship-list"), sponsorship_body(world, mirror_committee="none")).json()
    response = post(client, api_url("sponsorship-submit", pk=created["id"]), {})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["National mirror committee: There is no national mirror committee, existing or planned."]
    }
    french = client.get(api_url("sponsorship-detail", pk=created["id"]), HTTP_ACCEPT_LANGUAGE="fr").json()
    with translation.override("fr"):
        from jalon.support.rules import evaluate

        expected = [result.reason for result in evaluate(Sponsorship.objects.get(pk=created["id"])).results]
    assert [rule["reason"] for rule in french["rules"]] == expected
    assert "Sénégal" in french["rules"][0]["reason"]


def test_a_third_partial_fellowship_is_refused_by_the_api_naming_the_rule(client_as, world, users):
    manager = users["manager"]
    people = [Person.objects.create(given_name=n, family_name="Ba", organisation=world.ministry) for n in "ABC"]
    for person, part in zip(people[:2], ("ticket", "allowance"), strict=True):
        fields = fellowship_fields(world, person=person, partial_part=part)
        fellowship = services.fellowship_create(actor=manager, **fields)
        services.fellowship_submit(actor=manager, fellowship=fellowship)
    client = client_as("manager")
    body = {
        "programme": world.itu_programme.code,
        "organisation": world.ministry.pk,
        "person": people[2].pk,
        "meeting": world.itu_meeting.pk,
        "kind": "partial",
        "partial_part": "ticket",
        "currency": "CHF",
        "estimated_travel": "800.00",
    }
    created = post(client, api_url("fellowship-list"), body)
    assert created.status_code == 201, created.json()
    assert created.json()["country"] == "SEN"
    failing = [rule for rule in created.json()["rules"] if rule["status"] == "failed"]
    assert [rule["kind"] for rule in failing] == ["itu_one_full_or_two_partial_per_state_per_meeting"]
    response = post(client, api_url("fellowship-submit", pk=created.json()["id"]), {})
    assert response.status_code == 400
    assert "One full or two partial fellowships per Member State per meeting" in response.json()["non_field_errors"][0]


def test_the_team_takes_a_sponsorship_through_its_steps(client_as, world, make_sponsorship, users):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    client = client_as("manager")
    for step, body in (("check", {}), ("approve", {"note": ""}), ("costs", {"actual_travel": "1000.50"})):
        response = post(client, api_url(f"sponsorship-{step}", pk=sponsorship.pk), body)
        assert response.status_code == 200, (step, response.json())
    assert response.json()["status"] == "approved" and response.json()["actual_travel"] == "1000.50"
    assert post(client, api_url("sponsorship-attend", pk=sponsorship.pk), {}).status_code == 400


@pytest.mark.parametrize(
    "changes",
    [
        {"estimated_travel": "-1"},
        {"estimated_travel": "1e309"},
        {"estimated_travel": "abc"},
        {"currency": "XXX"},
        {"programme": "nope"},
        {"meeting": 10**12},
        {"meeting": "x"},
        {"person": None},
        {"mirror_committee": "maybe"},
        {"training": -1},
        {"organisation": [1, 2]},
    ],
)
def test_bad_input_answers_400_with_a_message(client_as, world, changes):
    response = post(client_as("focal"), api_url("sponsorship-list"), sponsorship_body(world, **changes))
    assert response.status_code == 400
    assert response.json()


def test_bad_step_input_answers_400(client_as, make_sponsorship, users):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    client = client_as("manager")
    for body in ({"reasons": ""}, {"reasons": "x", "version": "abc"}, {}):
        assert post(client, api_url("sponsorship-refuse", pk=sponsorship.pk), body).status_code == 400
    response = client.post(api_url("sponsorship-refuse", pk=sponsorship.pk), "{", content_type="application/json")
    assert response.status_code == 400


def test_a_focal_point_cannot_apply_for_another_organisation_or_pick_its_people(client_as, world, other_nsb):
    body = sponsorship_body(world, organisation=other_nsb.pk, person=world.kebs_expert.pk)
    response = post(client_as("focal"), api_url("sponsorship-list"), body)
    assert response.status_code == 400
    assert set(response.json()) >= {"organisation", "person"}
    assert not Sponsorship.objects.exists()


def test_applications_of_other_organisations_are_invisible(client_as, world, users, other_nsb):
    services.sponsorship_create(
        actor=users["manager"], **sponsorship_fields(world, organisation=other_nsb, person=world.kebs_expert)
    )
    assert client_as("focal").get(api_url("sponsorship-list")).json()["count"] == 0
    assert client_as("manager").get(api_url("sponsorship-list")).json()["count"] == 1
    assert client_as(None).get(api_url("sponsorship-list")).status_code in (401, 403)
    assert client_as("viewer").get(api_url("fellowship-list")).json()["count"] == 0


@pytest.mark.parametrize("count", [3, 25])
def test_the_lists_cost_a_fixed_number_of_queries(client_as, world, users, count, django_assert_num_queries):
    manager = users["manager"]
    nsb = world.expert.organisation
    for n in range(count):
        person = Person.objects.create(given_name=f"E{n}", family_name="Bench", organisation=nsb)
        services.sponsorship_submit(
            actor=manager,
            sponsorship=services.sponsorship_create(actor=manager, **sponsorship_fields(world, person=person)),
        )
        delegate = Person.objects.create(given_name=f"D{n}", family_name="Bench", organisation=world.ministry)
        Fellowship.objects.create(
            **fellowship_fields(world, person=delegate), country=world.ministry.country, financial_year=2030
        )
    client = client_as("manager")
    for name in ("sponsorship-list", "fellowship-list"):
        with django_assert_num_queries(5):
            assert client.get(api_url(name)).status_code == 200


def test_deleting_a_meeting_that_a_sponsorship_is_for_answers_409_and_deletes_nothing(
    client_as, world, make_sponsorship
):
    """Was a server error (an unhandled ProtectedError): the sponsorship's history needs its meeting."""
    from jalon.committees.models import Meeting

    make_sponsorship()
    client = client_as("admin")
    response = client.delete(api_url("meeting-detail", pk=world.meeting.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "protected" and "Sponsorships" in body["detail"]
    assert Meeting.objects.filter(pk=world.meeting.pk).exists()
    # A meeting nothing refers to is deleted as before.
    spare = Meeting.objects.create(
        committee=world.meeting.committee,
        title={"en": "Spare"},
        start_date=world.meeting.start_date,
        end_date=world.meeting.end_date,
    )
    assert client.delete(api_url("meeting-detail", pk=spare.pk)).status_code == 204
