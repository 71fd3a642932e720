"""The activity list, calendar and activity page cost a fixed number of queries, whatever their size: the
same with 3 activities or 60, with 2 participants or 40. Pinned for an anonymous visitor and for a
platform-wide manager, who adds the session, user and role queries, and reads which listed activities they
manage (list) or the participants with their count and attendance (activity page)."""

import datetime

import pytest

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.organisations.models import Organisation
from jalon.reference.models import Language
from tests.activities.conftest import activity_build, country
from tests.activities.test_pages import page_url

ROLES = pytest.mark.parametrize("role", [None, "manager"], ids=["anonymous", "manager"])


def activities(count: int, *, outputs=(), prefix="a"):
    french, english = Language.objects.get(code="fr"), Language.objects.get(code="en")
    places = [country(iso3) for iso3 in ("SEN", "KEN", "BRA", "FJI")]
    organisers = list(Organisation.objects.filter(acronym__in=["ASN", "KEBS", "ABNT"]))
    return [
        activity_build(
            code=f"{prefix}{n:03}",
            countries=[places[n % 4], places[(n + 1) % 4]],
            languages=[french, english][: 1 + n % 2],
            organiser=organisers[n % len(organisers)],
            outputs=outputs,
            start_date=datetime.date(2026, 10, 1 + n % 28),
            end_date=datetime.date(2026, 10, 1 + n % 28),
        )
        for n in range(count)
    ]


def participants(activity, count: int):
    sessions = [
        services.session_create(actor=None, activity=activity, date=activity.start_date, title=f"S{n}")
        for n in range(2)
    ]
    registrations = [
        services.registration_create(
            actor=None,
            activity=activity,
            person_details={"given_name": f"P{n}", "family_name": "Q", "email": f"p{n}@example.org"},
        )
        for n in range(count)
    ]
    for session in sessions:
        services.attendance_record(actor=None, session=session, present={r.pk: True for r in registrations})
    services.material_create(actor=None, activity=activity, title="Slides", url="https://example.org/s")
    return registrations


def counted(client, path: str, django_assert_num_queries, expected: int):
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200
    return response


@ROLES
def test_the_activity_list_costs_the_same_queries_for_3_or_60_activities(
    client_as, users, reach, role, django_assert_num_queries
):
    # The number registered is counted for the page's rows only, in one query (issue 21).
    expected = {None: 8, "manager": 12}[role]
    client = client_as(role)
    activities(3, outputs=[reach.output])
    few = counted(client, page_url("activities:activity_list") + "?size=100", django_assert_num_queries, expected)
    assert len(few.context["activities"]) == 3
    for activity in activities(60, outputs=[reach.output], prefix="b")[:5]:
        participants(activity, 6)
    many = counted(
        client,
        page_url("activities:activity_list") + "?size=100&sort=title&language=fr",
        django_assert_num_queries,
        expected,
    )
    assert len(many.context["activities"]) > 30
    shown = {activity.code: activity.participants_shown for activity in many.context["activities"]}
    assert shown["b000"] == 6 and shown["b010"] == 0


@ROLES
def test_the_calendar_costs_the_same_queries_for_3_or_60_activities(client_as, users, role, django_assert_num_queries):
    expected = {None: 5, "manager": 8}[role]
    client = client_as(role)
    activities(3)
    few = counted(
        client, page_url("activities:activity_calendar") + "?month=2026-10", django_assert_num_queries, expected
    )
    assert few.context["count"] == 3
    Activity.objects.all().delete()
    activities(60)
    many = counted(
        client,
        page_url("activities:activity_calendar") + "?month=2026-10&type=workshop",
        django_assert_num_queries,
        expected,
    )
    assert many.context["count"] == 60


@ROLES
def test_the_activity_page_costs_the_same_queries_for_2_or_40_participants(
    client_as, users, reach, role, django_assert_num_queries
):
    # 4 of them: the sections other apps add (knowledge's validated lessons of the same outcomes and countries).
    expected = {None: 15, "manager": 21}[role]
    client = client_as(role)
    small, large = activities(2, outputs=[reach.output, reach.other_output])
    participants(small, 2)
    participants(large, 40)
    url = page_url("activities:activity_detail", code=small.code) + "?size=100"
    few = counted(client, url, django_assert_num_queries, expected)
    many = counted(
        client,
        page_url("activities:activity_detail", code=large.code) + "?size=100",
        django_assert_num_queries,
        expected,
    )
    if role == "manager":
        assert len(few.context["registrations"]) == 2
        assert len(many.context["registrations"]) == 40
