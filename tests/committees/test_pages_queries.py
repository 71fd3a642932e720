"""The committee list, the committee page and the participation profiles cost a fixed number of queries,
whatever the number of committees, members, meetings, delegates and events they show. A signed-in manager
adds three (session, user, role assignments) and sees the delegates (one more)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

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

ROLES = pytest.mark.parametrize("role", [None, "manager"], ids=["anonymous", "manager"])
DAY = datetime.date(datetime.date.today().year - 1, 6, 1)


def page_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def get_counted(client, path: str, expected: int, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200, path
    return response


def members():
    return list(Organisation.objects.filter(iso_member_id__isnull=False).select_related("country").order_by("pk"))


def committees_build(count: int, start: int = 0) -> list[Committee]:
    """Committees with a secretariat and a few P and O members each, and a parent for every second one."""
    organisations = members()
    made = []
    for n in range(start, start + count):
        parent = made[-1] if made and n % 2 else None
        committee = Committee.objects.create(
            body="iso",
            kind="sc" if parent else "tc",
            reference=f"ISO/TC {9000 + n}",
            sort_key=f"ISO/TC {9000 + n:05}",
            title={"en": f"Bench {n}", "fr": f"Banc {n}"},
            secretariat=organisations[n % len(organisations)],
            parent=parent,
        )
        CommitteeMembership.objects.bulk_create(
            CommitteeMembership(
                committee=committee,
                member=organisations[(n + k) % len(organisations)],
                status="p" if k % 3 else "o",
                since=DAY,
            )
            for k in range(4)
        )
        made.append(committee)
    return made


def committee_activity(committee: Committee, size: int) -> None:
    """`size` members, events, roles and meetings, each meeting with delegates and contributions."""
    taken = set(committee.memberships.values_list("member_id", flat=True))
    organisations = [o for o in members() if o.pk not in taken][:size]
    CommitteeMembership.objects.bulk_create(
        CommitteeMembership(committee=committee, member=o, status="p" if i % 2 else "o", since=DAY)
        for i, o in enumerate(organisations)
    )
    CommitteeMembership.objects.create(committee=committee, liaison_name=f"Liaison {size}", status="liaison")
    ParticipationEvent.objects.bulk_create(
        ParticipationEvent(committee=committee, organisation=o, kind="joined_p", date=DAY) for o in organisations
    )
    for i, organisation in enumerate(organisations[:size]):
        person = Person.objects.create(given_name="P", family_name=f"{size}-{i}", organisation=organisation)
        LeadershipRole.objects.create(
            committee=committee, role="convenor", organisation=organisation, person=person, start_date=DAY
        )
        meeting = Meeting.objects.create(
            committee=committee, title={"en": f"M{i}"}, start_date=DAY, end_date=DAY, city="Dakar", country=None
        )
        MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=organisation, present=True)
        Contribution.objects.create(meeting=meeting, organisation=organisation, title="Doc", submitted_on=DAY)


@ROLES
def test_the_committee_list_costs_the_same_queries_for_10_or_100_committees(
    client_as, users, role, django_assert_num_queries
):
    # The sector filter's choices are one of them.
    expected = {None: 6, "manager": 9}[role]
    client = client_as(role)
    path = page_url("committees:committee_list") + "?q=ISO%2FTC+9&size=100"
    committees_build(10)
    few = get_counted(client, path, expected, django_assert_num_queries)
    committees_build(90, start=10)
    many = get_counted(client, path, expected, django_assert_num_queries)
    assert len(few.context["page"].object_list) == 10
    assert len(many.context["page"].object_list) == 100
    filtered = path + "&developing_secretariat=on&min_developing_p=1&country=KEN&member=KEBS&sort=-p"
    get_counted(client, filtered, expected, django_assert_num_queries)


@ROLES
def test_the_committee_page_costs_the_same_queries_for_a_small_or_large_committee(
    client_as, users, role, django_assert_num_queries
):
    # The committee's sectors are one of them.
    expected = {None: 11, "manager": 16}[role]
    client = client_as(role)
    small, large = committees_build(2)
    committee_activity(small, 2)
    committee_activity(large, 40)
    get_counted(client, page_url("committees:committee_detail", pk=small.pk), expected, django_assert_num_queries)
    many = get_counted(
        client, page_url("committees:committee_detail", pk=large.pk), expected, django_assert_num_queries
    )
    assert len(many.context["history"].object_list) == 25
    assert len(many.context["by_status"][0][2]) >= 20


@ROLES
def test_the_profiles_cost_the_same_queries_for_little_or_much_participation(
    client_as, users, role, django_assert_num_queries
):
    expected_country = {None: 25, "manager": 28}[role]
    expected_member = {None: 22, "manager": 25}[role]
    client = client_as(role)
    kebs = Organisation.objects.get(acronym="KEBS")
    country_path = page_url("committees:country_profile", iso3="KEN")
    member_path = page_url("committees:member_profile", pk=kebs.pk)
    get_counted(client, country_path, expected_country, django_assert_num_queries)
    get_counted(client, member_path, expected_member, django_assert_num_queries)
    for committee in committees_build(30):
        CommitteeMembership.objects.filter(committee=committee, member=kebs).delete()
        committee_activity(committee, 1)
        CommitteeMembership.objects.create(committee=committee, member=kebs, status="p", since=DAY)
        ParticipationEvent.objects.create(committee=committee, organisation=kebs, kind="o_to_p", date=DAY)
        meeting = committee.meetings.first()
        person = Person.objects.create(given_name="K", family_name=committee.reference, organisation=kebs)
        MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=kebs, present=True)
        Contribution.objects.create(meeting=meeting, organisation=kebs, title="Doc", submitted_on=DAY)
        LeadershipRole.objects.create(committee=committee, role="chair", organisation=kebs, start_date=DAY)
    many = get_counted(client, country_path, expected_country, django_assert_num_queries)
    assert many.context["series"][-1]["p_count"] >= 30
    get_counted(client, member_path, expected_member, django_assert_num_queries)


@ROLES
def test_the_overview_costs_the_same_queries_whatever_the_data(client_as, users, role, django_assert_num_queries):
    expected = {None: 17, "manager": 20}[role]
    client = client_as(role)
    path = page_url("committees:participation_overview")
    get_counted(client, path, expected, django_assert_num_queries)
    for committee in committees_build(20):
        committee_activity(committee, 3)
    get_counted(client, path, expected, django_assert_num_queries)
