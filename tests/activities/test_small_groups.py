"""The small-group rule (jalon.lib.smallgroups), applied alike by the pages and the API, and the
defence against differencing: two published answers that differ by a filter never differ by a small group."""

import datetime
import pathlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.activities.reach import COARSENING, ReachFilters, _coarser_filters, reach_report
from jalon.lib.smallgroups import complement_small, count_shown, part_shown, suppress
from jalon.reference.models import Country
from tests.activities.test_reach import activity, person, register

THRESHOLD = 5


@pytest.fixture
def senegal(users, nsb):
    """Senegal's reach: 10 people (6 women, 4 men) at a 2025 workshop, and one more woman, alone, at a 2024
    one. Without a date: 11 people; from 2025: 10. The difference is that one woman."""
    actor = users["manager"]
    sen = Country.objects.get(iso3="SEN")
    early = activity(actor, "early", organiser=nsb, start=datetime.date(2024, 4, 1), countries=[sen])
    late = activity(actor, "late", organiser=nsb, start=datetime.date(2025, 4, 1), countries=[sen])
    people = [person(f"p{i}", sex="female" if i < 6 else "male", organisation=nsb, country=sen) for i in range(10)]
    register(actor, late, people, took_part="completed")
    register(actor, early, [person("alone", sex="female", organisation=nsb, country=sen)], took_part="completed")
    return {"sen": sen, "early": early, "late": late}


def _cells(report) -> dict:
    return {(dimension, cell.key): cell.value for dimension, item in report.breakdowns.items() for cell in item.cells}


def _revealed(narrow, wide) -> list:
    """Every figure of the narrower answer that, subtracted from the wider one, gives a small group."""
    found = []
    if complement_small(narrow.participants, wide.participants, threshold=THRESHOLD):
        found.append(("participants", narrow.participants, wide.participants))
    wide_cells = _cells(wide)
    for key, value in _cells(narrow).items():
        if complement_small(value, wide_cells.get(key), threshold=THRESHOLD):
            found.append((key, value, wide_cells[key]))
    return found


DIMENSIONS = ("year", "sex", "function", "type", "nsb")


def test_a_country_reach_with_and_without_a_start_date_no_longer_gives_one_person_away(senegal, users):
    public = AnonymousUser()
    sen = senegal["sen"]
    wide = reach_report(user=public, filters=ReachFilters(country_id=sen.pk), dimensions=DIMENSIONS)
    narrow_filters = ReachFilters(country_id=sen.pk, date_from=datetime.date(2025, 1, 1))
    narrow = reach_report(user=public, filters=narrow_filters, dimensions=DIMENSIONS)
    assert wide.participants == 11
    # Before: 11 - 10 = the woman of 2024, and the sex breakdown said she was a woman (7 - 6).
    assert narrow.participants is None
    assert _revealed(narrow, wide) == []
    sex = {cell.key: cell.value for cell in narrow.breakdowns["sex"].cells}
    assert sex["female"] is None
    # The cells hidden add up to the threshold at least: the total would not give them away either.
    assert sum(1 for value in sex.values() if value is None) >= 2 or narrow.participants is None
    # The team, who may see the people, gets the exact figures.
    exact = reach_report(user=users["manager"], filters=narrow_filters, dimensions=DIMENSIONS)
    assert exact.participants == 10 and {cell.key: cell.value for cell in exact.breakdowns["sex"].cells} == {
        "female": 6,
        "male": 4,
    }


def test_a_year_filter_is_guarded_as_the_dates_are(senegal):
    public = AnonymousUser()
    sen = senegal["sen"]
    wide = reach_report(user=public, filters=ReachFilters(country_id=sen.pk), dimensions=DIMENSIONS)
    narrow = reach_report(user=public, filters=ReachFilters(country_id=sen.pk, year=2025), dimensions=DIMENSIONS)
    assert narrow.participants is None and _revealed(narrow, wide) == []


def test_answers_that_differ_by_a_large_group_are_shown_as_they_are(senegal, users, nsb):
    """Five more people in 2024: the two answers now differ by six, and both are published."""
    sen = senegal["sen"]
    register(
        users["manager"],
        senegal["early"],
        [person(f"q{i}", sex="male", organisation=nsb, country=sen) for i in range(5)],
        took_part="completed",
    )
    public = AnonymousUser()
    narrow = reach_report(
        user=public, filters=ReachFilters(country_id=sen.pk, date_from=datetime.date(2025, 1, 1)), dimensions=("sex",)
    )
    assert narrow.participants == 10
    # But 6 women from 2025 and 7 in all: the women's figure (and another, so that the total does not
    # give it away) is hidden.
    assert {cell.key: cell.value for cell in narrow.breakdowns["sex"].cells} == {"female": None, "male": None}


def test_the_country_page_does_not_give_the_difference_away_either(client, senegal):
    with translation.override("en"):
        url = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    wide = client.get(url).content.decode()
    narrow = client.get(url + "?date_from=2025-01-01").content.decode()
    assert "11 participants" in wide
    assert "10 participants" not in narrow and "Fewer than 5 participants" in narrow


def test_every_filter_has_its_coarser_query():
    filters = ReachFilters(programme_id=1, year=2025, type="webinar", level="global", region="002", country_id=3)
    coarser = _coarser_filters(filters)
    assert len(coarser) == 5  # programme, year, type, level, region
    assert all(item.country_id == 3 for item in coarser)  # the country of a country page stays
    assert _coarser_filters(ReachFilters(country_id=3)) == []
    assert set(COARSENING) <= set(ReachFilters.__dataclass_fields__)


def test_the_rule_itself():
    assert count_shown(0, exact=False) == 0 and count_shown(4, exact=False) is None and count_shown(5, exact=False)
    assert count_shown(1, exact=True) == 1
    assert not part_shown(8, 10, exact=False)  # 2 did not complete
    assert not part_shown(3, 10, exact=False)
    assert part_shown(5, 10, exact=False) and part_shown(0, 10, exact=False) and part_shown(10, 10, exact=False)
    assert not part_shown(4, 4, exact=False) and part_shown(1, 4, exact=True)
    assert suppress({"a": 20, "b": 30, "c": 6}, threshold=5, forced={"c"}) == {"c", "a"}
    assert suppress({"a": 20, "b": 30}, threshold=5, forced={"zz"}) == set()


# Pages and API alike ------------------------------------------------------------------------------------------


@pytest.fixture
def course(users, nsb):
    """A published course: 10 registered, 8 completed (so 2 did not), one session with 9 present."""
    actor = users["manager"]
    course = activity(actor, "course", organiser=nsb, start=datetime.date(2025, 3, 1), status=Activity.Status.COMPLETED)
    people = [person(f"c{i}", sex="female", organisation=nsb) for i in range(10)]
    registrations = register(actor, course, people, took_part=None)
    for registration in registrations[:8]:
        services.registration_complete(actor=actor, registration=registration)
    session = services.session_create(actor=actor, activity=course, date=course.start_date)
    services.attendance_record(
        actor=actor, session=session, present={registration.pk: True for registration in registrations[:9]}
    )
    return course


def test_the_api_hides_a_small_rest_as_the_page_does(client_as, course):
    public = client_as(None)
    detail = public.get("/api/v1/activities/course/").json()
    assert detail["registered_count"] == 10
    assert detail["completed_count"] is None  # 10 - 8: two who did not complete
    listed = {row["code"]: row for row in public.get("/api/v1/activities/").json()["results"]}
    assert listed["course"]["completed_count"] is None
    sessions = public.get("/api/v1/activity-sessions/?activity__code=course").json()["results"]
    assert [row["present_count"] for row in sessions] == [None]  # one absent
    page = public.get(reverse("activities:activity_detail", kwargs={"code": "course"})).content.decode()
    assert "<strong>8</strong>" not in page and ">9<" not in page
    # The organisers see the exact figures, on both.
    focal = client_as("focal")
    assert focal.get("/api/v1/activities/course/").json()["completed_count"] == 8
    assert [
        row["present_count"] for row in focal.get("/api/v1/activity-sessions/?activity__code=course").json()["results"]
    ] == [9]


def test_the_api_hides_a_small_group_in_every_count(client_as, users, nsb):
    actor = users["manager"]
    small = activity(actor, "small", organiser=nsb, start=datetime.date(2025, 3, 1))
    register(actor, small, [person(f"s{i}", organisation=nsb) for i in range(3)], took_part="attended")
    public = client_as(None)
    detail = public.get("/api/v1/activities/small/").json()
    assert (detail["registered_count"], detail["completed_count"]) == (None, None)
    assert [
        row["present_count"] for row in public.get("/api/v1/activity-sessions/?activity__code=small").json()["results"]
    ] == [None]
    assert client_as("viewer").get("/api/v1/activities/small/").json()["registered_count"] is None


def test_the_threshold_is_read_in_one_place():
    """Pages, API and reach figures ask jalon.lib.smallgroups; nothing else reads the setting."""
    root = pathlib.Path(__file__).resolve().parents[2] / "jalon"
    readers = [
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if '"JALON_REACH_MIN_GROUP"' in path.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == ["lib/smallgroups.py", "settings.py"]
