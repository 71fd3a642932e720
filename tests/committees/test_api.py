"""The committees API: filters, delegates shown only to those who may see them, writes through the
services, clear 400s for bad input, constant query counts."""

import datetime
import json

import pytest

from jalon.committees.models import Committee, CommitteeMembership, Meeting, MeetingDelegate, ParticipationEvent
from jalon.organisations.models import Person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 10)


def post(client, url, data, method="post"):
    # Messages are asserted in English: ask for it, whatever the default language.
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def setting(make_committee, member_of, nsb, other_nsb):
    tc = make_committee("ISO/TC 951")
    sc = make_committee("ISO/TC 951/SC 1", kind=Committee.Kind.SC, parent=tc)
    itu = make_committee("ITU-T SG99", body=Committee.Body.ITU_T, kind=Committee.Kind.STUDY_GROUP)
    member_of(tc, nsb, "p")
    member_of(sc, other_nsb, "o")
    member_of(itu, other_nsb, "p", until=datetime.date(2024, 1, 1))
    meeting = Meeting.objects.create(committee=tc, title={"en": "Plenary"}, start_date=DAY, end_date=DAY, city="Dakar")
    for organisation in (nsb, other_nsb):
        person = Person.objects.create(given_name="Del", family_name=organisation.acronym, organisation=organisation)
        MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=organisation, present=True)
    return {"tc": tc, "sc": sc, "itu": itu, "meeting": meeting}


def references(response):
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def test_committees_filter_by_body_kind_member_and_country(client, setting, nsb, other_nsb):
    assert references(client.get("/api/v1/committees/?body=itu_t")) == ["ITU-T SG99"]
    assert references(client.get("/api/v1/committees/?kind=sc")) == ["ISO/TC 951/SC 1"]
    assert references(client.get(f"/api/v1/committees/?member={nsb.pk}")) == ["ISO/TC 951"]
    # KEBS left SG99 in 2024: only its membership in force today counts.
    assert references(client.get("/api/v1/committees/?country=ken")) == ["ISO/TC 951/SC 1"]
    row = client.get(f"/api/v1/committees/{setting['tc'].pk}/").json()
    assert (row["p_count"], row["o_count"]) == (1, 0)
    assert "ISO Open Data" in client.get("/api/v1/committees/")["X-Attribution"]


def test_the_committee_list_runs_a_fixed_number_of_queries(client, setting, make_committee, django_assert_num_queries):
    # The page and the count, and the sectors of the page's committees.
    with django_assert_num_queries(3):
        client.get("/api/v1/committees/")
    for number in range(10):
        make_committee(f"ISO/TC 96{number}")
    with django_assert_num_queries(3):
        client.get("/api/v1/committees/")


def test_meetings_show_delegates_only_to_those_who_may_see_them(client_as, setting, nsb):
    url = f"/api/v1/meetings/{setting['meeting'].pk}/"
    assert "delegates" not in client_as(None).get(url).json()
    assert "delegates" not in client_as("viewer").get(url).json()
    own = client_as("focal").get(url).json()["delegates"]
    assert [row["organisation_acronym"] for row in own] == ["ASN"]
    assert len(client_as("manager").get(url).json()["delegates"]) == 2


def test_a_focal_point_registers_its_own_delegates_only(client_as, setting, nsb, other_nsb):
    mine = Person.objects.create(given_name="New", family_name="Delegate", organisation=nsb)
    theirs = Person.objects.create(given_name="Other", family_name="Delegate", organisation=other_nsb)
    client = client_as("focal")
    answer = post(client, "/api/v1/meeting-delegates/", {"meeting": setting["meeting"].pk, "person": mine.pk})
    assert answer.status_code == 201 and answer.json()["sponsored"] is False
    answer = post(client, "/api/v1/meeting-delegates/", {"meeting": setting["meeting"].pk, "person": theirs.pk})
    assert answer.status_code == 403
    again = post(client, "/api/v1/meeting-delegates/", {"meeting": setting["meeting"].pk, "person": mine.pk})
    assert again.status_code == 400 and "already registered" in again.content.decode()


def test_a_manager_sets_a_membership_and_the_event_is_recorded(client_as, setting, other_nsb):
    client = client_as("manager")
    answer = post(
        client,
        "/api/v1/committee-memberships/",
        {"committee": setting["sc"].pk, "member": other_nsb.pk, "status": "p", "on": "2025-06-01"},
    )
    assert answer.status_code == 201, answer.content
    assert ParticipationEvent.objects.get().kind == "o_to_p"
    events = client.get(f"/api/v1/participation-events/?committee={setting['sc'].pk}&kind=o_to_p").json()
    assert [row["organisation_acronym"] for row in events["results"]] == ["KEBS"]
    membership = CommitteeMembership.objects.get(member=other_nsb, committee=setting["sc"], until=None)
    ended = post(client, f"/api/v1/committee-memberships/{membership.pk}/end/", {"on": "2025-12-31"})
    assert ended.status_code == 200 and ended.json()["until"] == "2025-12-31"


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/api/v1/committee-memberships/", {"committee": 0, "member": 0, "status": "x"}, "status"),
        ("/api/v1/committee-memberships/", {"committee": 0, "member": 0, "status": "p", "on": "2025-02-30"}, "on"),
        ("/api/v1/committees/", {"body": "iso", "kind": "tc", "reference": "X", "title": "not a dict"}, "title"),
        (
            "/api/v1/committees/",
            {"body": "iso", "kind": "tc", "reference": "ISO/TC 951", "title": {"en": "T"}},
            "reference",
        ),
        ("/api/v1/meetings/", {"committee": 0, "start_date": "2025-01-01"}, "committee"),
        ("/api/v1/leadership-roles/", {"committee": 0, "role": "king", "organisation": 0}, "role"),
    ],
)
def test_bad_input_answers_400_with_the_field_named(client_as, setting, url, data, field):
    answer = post(client_as("manager"), url, data)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()


def test_a_stale_committee_edit_answers_409(client_as, setting):
    client = client_as("manager")
    url = f"/api/v1/committees/{setting['tc'].pk}/"
    assert post(client, url, {"status": "suspended", "version": 1}, method="patch").status_code == 200
    assert post(client, url, {"status": "active", "version": 1}, method="patch").status_code == 409


def test_participation_measures_per_country_and_bad_parameters(client, setting):
    rows = client.get("/api/v1/participation/?group=country").json()
    assert {row["key"]: (row["p_count"], row["o_count"]) for row in rows} == {"SEN": (1, 0), "KEN": (0, 1)}
    assert client.get("/api/v1/participation/?group=region").status_code == 400
    assert client.get("/api/v1/participation/?on=2025-13-01").status_code == 400
    assert client.get("/api/v1/committees/?on=tomorrow").status_code == 400


def test_errors_are_given_in_the_users_language(client_as, setting):
    client = client_as("manager")
    french = client.post(
        "/api/v1/committee-memberships/", data="{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    english = client.post(
        "/api/v1/committee-memberships/", data="{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "obligatoire" in french.content.decode()
    assert "required" in english.content.decode()
