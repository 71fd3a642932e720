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


def test_an_attendance_save_costs_the_same_queries_for_2_or_40_participants(
    client_as, users, reach, django_assert_num_queries
):
    """Issue 21: the save read every registrant with their person and activity, and wrote each changed row
    with its own update, reach change and audit entry. Now: the sheet's marks in one query, the changed rows'
    people in one, one update per value, one audit insert per kind of change, whatever the sheet's size or the
    number changed. The 15: session, user, role grants; the activity, the session (access); the savepoint and
    its release; the marks; the changed people; the update; the audit entries; the reach change, the
    programmes served and their computed indicators, the stale marks (activities_changed). (The programme
    waits for a refresh already, since the sheets were first recorded: no flag set, nothing queued.)"""
    from jalon.results.models import Indicator

    Indicator.objects.create(
        result=reach.output,
        code="T1",
        title={"en": "Participants trained"},
        source=Indicator.Source.COMPUTED,
        computation="activities_participants_trained",
    )
    client = client_as("manager")
    small, large = activities(2, outputs=[reach.output])
    sheets = {small: participants(small, 2), large: participants(large, 40)}
    for activity, registrations in sheets.items():
        session = activity.sessions.order_by("pk").first()
        url = page_url("activities:attendance_record", code=activity.code, pk=session.pk)
        everyone = [str(registration.pk) for registration in registrations]
        for ticked in (everyone[1:], [], everyone):  # one changed, then all, then all again
            with django_assert_num_queries(15):
                response = client.post(url, {"present": ticked})
            assert response.status_code == 302
        marks = dict(session.attendances.values_list("registration_id", "present"))
        assert marks == {registration.pk: True for registration in registrations}
    with django_assert_num_queries(8):  # nothing changed: the marks read, nothing written
        client.post(url, {"present": everyone + ["nope", "999999"]})
    # A sheet recorded for the first time: the rows inserted in one query (+1 for their ids on SQLite).
    session = services.session_create(actor=None, activity=large, date=large.start_date, title="Late")
    url = page_url("activities:attendance_record", code=large.code, pk=session.pk)
    response = client.post(url, {"present": everyone[:10]})
    assert response.status_code == 302
    assert session.attendances.filter(present=True).count() == 10
    assert session.attendances.filter(present=False).count() == 30
