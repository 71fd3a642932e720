"""The reach summary (issue 21): the cells the worker maintains from what each write touched equal the ones
built from every record, after any write, deletion or merge of people, change of the programmes an activity
serves; the reports read from them equal the reports computed from the rows, small groups hidden the same way;
only the views it answers read it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from jalon.activities import services
from jalon.activities.models import Activity, ReachCell, ReachChange, ReachFact, ReachPerson, ReachSummaryState
from jalon.activities.reach import ReachFilters, activities_reaching, reach_report, summary_audience
from jalon.activities.reach_summary import reach_summary_rebuild, reach_summary_update
from jalon.organisations.models import Organisation, Person
from jalon.organisations.services import person_update
from jalon.reference.models import Country
from jalon.results.services import result_delete
from tests.access.matrix import programme_build
from tests.activities.test_reach import activity, person, register, world  # noqa: F401 - the fixture

DIMENSIONS = ("sex", "function", "country", "region", "income", "type", "level", "year", "nsb")


@pytest.fixture
def second(world, users):  # noqa: F811
    """A second programme, served by A1 and A2; A5 (unpublished) serves the world's programme too: programme
    views where people overlap (three of A1's people are in A2) and where the public's and the team's differ."""
    actor = users["manager"]
    programme, _period, indicator = programme_build(
        "reach2", owner=Organisation.objects.get(acronym="ISO"), published=True
    )
    first = world["a2"].outputs.get()
    services.activity_update(actor=actor, activity=world["a1"], outputs=[indicator.result])
    services.activity_update(actor=actor, activity=world["a2"], outputs=[first, indicator.result])
    services.activity_update(actor=actor, activity=Activity.objects.get(code="a5"), outputs=[first])
    return programme


def cells() -> set:
    return set(
        ReachCell.objects.values_list("audience", "programme_id", "year", "country_id", "dimension", "key", "people")
    )


def facts() -> list:
    return sorted(ReachFact.objects.values_list(*(f.attname for f in ReachFact._meta.fields if f.name != "id")))


def fact_views(data) -> list[ReachFilters]:
    """Views the cells do not key, counted in the facts: dates (a day, within a year, across years, open on either
    side), a type, a level, alone and with a year, a programme, a participants' country or region."""
    programme = data["programme"].pk
    dates = [
        {"date_from": datetime.date(2024, 3, 10), "date_to": datetime.date(2024, 3, 10)},
        {"date_from": datetime.date(2025, 5, 2)},
        {"date_to": datetime.date(2025, 5, 1)},
        {"date_from": datetime.date(2024, 1, 1), "date_to": datetime.date(2025, 12, 31)},
        {"date_from": datetime.date(2025, 1, 1), "date_to": datetime.date(2025, 5, 31)},
    ]
    narrower = [
        {"type": "workshop"},
        {"type": "webinar"},
        {"type": "seminar"},
        {"level": "global"},
        {"level": "national"},
        {"type": "webinar", "level": "global"},
    ]
    others = [{}, {"year": 2025}, {"programme_id": programme}, {"country_id": data["sen"].pk}, {"region": "002"}]
    return [ReachFilters(**view, **other) for view in dates + narrower for other in others]


def views(data) -> list[ReachFilters]:
    years = [None, 2024, 2025]
    countries = [None, *(data[code].pk for code in ("sen", "ken", "fra", "bra"))]
    # Africa (Senegal and Kenya), West Africa (Senegal), Eastern Africa (Kenya), Europe, Asia (nobody).
    regions = ["", "002", "011", "014", "150", "142"]
    # The programmes: fewer combinations (each costs two reports per user).
    programmes = Activity.outputs.through.objects.values_list("result__programme_id", flat=True).distinct()
    return [
        ReachFilters(year=year, country_id=country, region=region)
        for year in years
        for country in countries
        for region in regions
    ] + [
        ReachFilters(programme_id=programme, year=year, country_id=country, region=region)
        for programme in sorted(programmes)
        for year in (None, 2025)
        for country in (None, data["sen"].pk, data["ken"].pk)
        for region in ("", "002")
    ]


def reports(user, data, chosen=views) -> list:
    return [reach_report(user=user, filters=filters, dimensions=DIMENSIONS) for filters in chosen(data)]


def from_rows(user, data, chosen=views) -> list:
    """The same reports with the summary set aside: computed from the rows."""
    ReachSummaryState.objects.update(built_at=None)
    try:
        return reports(user, data, chosen)
    finally:
        ReachSummaryState.objects.update(built_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def updated_equals_rebuilt() -> None:
    """The incremental update leaves the cells and the facts a build from every record gives."""
    reach_summary_update()
    assert not ReachChange.objects.filter(summarised=False).exists()
    incremental = cells(), facts()
    reach_summary_rebuild()
    assert incremental == (cells(), facts())


@pytest.mark.parametrize("who", [None, "manager", "viewer", "plain"])
def test_reports_read_from_the_summary_equal_those_computed_from_the_rows(world, users, second, who):  # noqa: F811
    user = users[who] if who else AnonymousUser()
    reach_summary_rebuild()
    assert summary_audience(user=user) == ("all" if who in ("manager", "viewer") else "public")
    assert reports(user, world) == from_rows(user, world)
    mine = reach_report(user=user, filters=ReachFilters(programme_id=second.pk))
    if who == "manager":  # A1's 6 and A2's 13, three of them in both
        assert mine.participants == 16
    public = reach_report(user=user, filters=ReachFilters())
    assert public.exact == (who == "manager")
    if who is None:
        # The public's figures: A5 is unpublished; the small groups hidden as from the rows.
        assert (public.participants, public.countries) == (16, 4)
        assert public.breakdowns["country"].suppressed


@pytest.mark.parametrize("who", [None, "manager", "viewer", "plain"])
def test_reports_counted_in_the_facts_equal_those_computed_from_the_rows(world, users, second, who):  # noqa: F811
    """Dates, a type, a level: every figure, and every small group hidden (the public's dates in whole years, the
    coarser views compared), as from the rows."""
    user = users[who] if who else AnonymousUser()
    reach_summary_rebuild()
    counted = reports(user, world, fact_views)
    assert counted == from_rows(user, world, fact_views)
    assert any(report.participants for report in counted)
    if who is None:
        assert any(report.dates_rounded for report in counted)


@pytest.fixture
def own_viewers(world, users, nsb, second):  # noqa: F811
    """Who sees some activities' participants or unpublished activities, not all: ASN's focal point (A1, and A6:
    unpublished, ASN's, two more people of ASN, one of them in A1 too), a manager of the world's programme (A2, and
    A5: unpublished), a viewer of it (A2 and A5 seen, no participant)."""
    from jalon.accounts.models import Role
    from jalon.accounts.services import role_assign
    from tests.conftest import make_user

    actor = users["manager"]
    a6 = activity(actor, "a6", organiser=nsb, start=datetime.date(2025, 7, 1), published=False)
    register(actor, a6, [Person.objects.get(given_name="sn0"), person("asn-only", sex="male", organisation=nsb)])
    team = make_user("reach-team")
    role_assign(actor=None, user=team, role=Role.PROGRAMME_MANAGER, programme=world["programme"])
    viewer = make_user("reach-viewer")
    role_assign(actor=None, user=viewer, role=Role.VIEWER, programme=world["programme"])
    return {"focal": users["focal"], "team": team, "viewer": viewer}


def own_views(data) -> list[ReachFilters]:
    return views(data) + fact_views(data)


@pytest.mark.parametrize("who", ["focal", "team", "viewer"])
def test_organisers_and_programme_teams_own_views_from_the_facts_equal_the_rows(world, own_viewers, who):  # noqa: F811
    """What they see is theirs: the published activities and their own (not the public's cells, nor the team's),
    counted in the facts: every figure, whether exact, and every small group hidden, as from the rows."""
    user = own_viewers[who]
    reach_summary_rebuild()
    assert summary_audience(user=user) == "own"
    counted = reports(user, world, own_views)
    assert counted == from_rows(user, world, own_views)
    everything = reach_report(user=user, filters=ReachFilters())
    assert not everything.exact  # others' participants are counted
    # Published (16) and A6's one more for ASN; A5's one more for the programme's manager and viewer.
    assert everything.participants == 17
    mine = reach_report(user=user, filters=ReachFilters(programme_id=world["programme"].pk))
    assert mine.exact == (who == "team")  # A2 and A5: all theirs


def test_views_are_computed_from_the_rows_until_the_summary_is_built(world, users):  # noqa: F811
    ReachSummaryState.objects.all().delete()
    assert summary_audience(user=AnonymousUser()) is None
    assert summary_audience(user=users["focal"]) is None


def test_the_country_page_lists_the_same_activities_from_the_summary(world, users, own_viewers):  # noqa: F811
    # With a type or dates too: the people from the country in an activity do not depend on them.
    chosen = (ReachFilters(), ReachFilters(type="webinar"), ReachFilters(date_from=datetime.date(2025, 1, 1)))
    viewers = [(AnonymousUser(), False), (users["manager"], True), (own_viewers["focal"], False)]
    viewers += [(own_viewers["team"], exact) for exact in (False, True)]  # their programme's page: exact
    for user, exact in viewers:
        for code in ("sen", "ken", "fra"):
            country = world[code]
            for filters in chosen:
                ReachSummaryState.objects.all().delete()
                rows = list(activities_reaching(user=user, country=country, filters=filters, exact=exact))
                reach_summary_rebuild()
                found = list(activities_reaching(user=user, country=country, filters=filters, exact=exact))
                assert found == rows, (code, exact, filters)


def test_the_summary_follows_writes_deletions_and_merges_of_people(world, users, nsb, second):  # noqa: F811
    actor = users["manager"]
    reach_summary_rebuild()
    before = cells()
    # Attendance: one more person present at A2's session.
    a2 = world["a2"]
    absent = a2.registrations.get(person__given_name="absent")
    services.attendance_record(actor=actor, session=a2.sessions.first(), present={absent.pk: True})
    updated_equals_rebuilt()
    assert cells() != before
    # A person's sex and country change; a registration is cancelled; an activity is unpublished.
    brazilian = Person.objects.get(given_name="br0")
    person_update(actor=actor, person=brazilian, sex="female", country=world["ken"])
    services.registration_cancel(actor=actor, registration=a2.registrations.get(person__given_name="fr0"))
    services.activity_update(actor=actor, activity=world["a1"], published=False)
    updated_equals_rebuilt()
    # An organisation stops being a national standards body (its people's "nsb" facts change).
    Organisation.objects.filter(pk=nsb.pk).update(kind=Organisation.Kind.OTHER)
    nsb.refresh_from_db()
    nsb.save()
    updated_equals_rebuilt()
    # Two records of one person merged (the duplicate, trained in A1, is deleted); a registration deleted.
    keep, duplicate = Person.objects.get(given_name="sn0"), Person.objects.get(given_name="ke0")
    services.person_merge(actor=actor, keep=keep, duplicate=duplicate)
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    updated_equals_rebuilt()
    assert not ReachPerson.objects.filter(person_id=duplicate.pk).exists()
    late = activity(actor, "late", organiser=nsb, start=datetime.date(2025, 9, 1))
    [registration] = register(actor, late, [Person.objects.get(given_name="ke1")], took_part=None)
    services.registration_delete(actor=actor, registration=registration)
    updated_equals_rebuilt()
    # The programmes activities serve: a result's activities changed from its side, then the result deleted.
    result = second.results.get()
    result.activities.remove(world["a2"])
    updated_equals_rebuilt()
    assert ReachCell.objects.filter(programme_id=second.pk).exists()
    result.activities.clear()
    updated_equals_rebuilt()
    assert not ReachCell.objects.filter(programme_id=second.pk).exists()
    result.activities.add(world["a1"], world["a2"])
    updated_equals_rebuilt()
    result_delete(actor=actor, result=result)
    updated_equals_rebuilt()
    assert not ReachCell.objects.filter(programme_id=second.pk).exists()
    # Reference data: everything read again.
    Country.objects.get(pk=world["sen"].pk).save()
    assert ReachChange.objects.filter(summarised=False, everything=True).exists()
    updated_equals_rebuilt()
    for user in (AnonymousUser(), users["manager"]):
        assert reports(user, world) == from_rows(user, world)


def test_an_update_with_nothing_changed_reads_nobody(world, users, django_assert_num_queries):  # noqa: F811
    reach_summary_rebuild()
    with django_assert_num_queries(2):  # is it built, is anything waiting
        assert reach_summary_update() == 0
    person_update(actor=users["manager"], person=Person.objects.get(given_name="sn1"), sex="male")
    assert reach_summary_update() == 1


def test_pages_from_the_summary_cost_constant_queries(client, world, users, django_assert_num_queries):  # noqa: F811
    from django.urls import reverse

    from jalon.activities.reach_cache import reach_changed

    dashboard = reverse("activities:reach_dashboard")
    country = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    # ASN's unpublished activity: what its focal point sees besides the published ones.
    draft = activity(
        users["manager"], "draft", organiser=world["a1"].organiser, start=datetime.date(2025, 7, 1), published=False
    )
    register(users["manager"], draft, [person("draft-0", country=world["sen"])])
    reach_summary_rebuild()
    client.get(dashboard)
    client.get(country)
    for round_ in range(2):
        reach_changed()  # what every write does: the cache is cold
        # The stamp; built?; the cells; the names of bodies, countries, regions; the form's choices (the map's
        # shapes are files).
        with django_assert_num_queries(7):
            client.get(dashboard)
        # A participants' region: the same, + the figures without it, which the public's must not differ from by
        # a small group (the cells).
        with django_assert_num_queries(8):
            client.get(dashboard + "?region=002")
        # A programme: the same, + its figures without the programme (the programmes of the form are read first).
        with django_assert_num_queries(8):
            client.get(dashboard + "?programme=reach")
        # A type, a level or dates (the public's in whole years), counted in the facts: the stamp, the form's
        # programmes, built?, the people's groups, one count per activity breakdown (type, level, year, income), the
        # countries' regions, the names of bodies, countries and regions; + the coarser views (the cells, or the
        # facts again for dates open on one side).
        reach_changed()
        with django_assert_num_queries(13):
            client.get(dashboard + "?type=webinar")
        reach_changed()
        with django_assert_num_queries(19):
            client.get(dashboard + "?level=global&year=2025")
        reach_changed()
        with django_assert_num_queries(24):
            client.get(dashboard + "?date_from=2024-03-10&date_to=2025-05-01")
        reach_changed()
        with django_assert_num_queries(11):  # + the country, its activities (held there or reaching it)
            client.get(country)
        # An organiser's own view: the session, the user, the grants, the form's programmes, the stamp, built?,
        # whether exact (a fact of an activity not theirs), the public's cells, the people of their unpublished
        # activities in the view and these people's published facts in it, the countries' regions, the names of
        # bodies, countries and regions.
        client.force_login(users["focal"])
        reach_changed()
        with django_assert_num_queries(14):
            client.get(dashboard)
        reach_changed()
        # + the same without the year (small groups): the cells, their bodies' names, the facts of their activities.
        with django_assert_num_queries(18):
            client.get(dashboard + "?year=2025")
        reach_changed()
        with django_assert_num_queries(17):  # + the country, its activities (from the rows: the cells are not theirs)
            client.get(country)
        client.logout()
        more = activity(
            users["manager"], f"more{round_}", organiser=world["a1"].organiser, start=datetime.date(2023, 1, 5)
        )
        register(users["manager"], more, [person(f"m{round_}-{i}", country=world["sen"]) for i in range(6)])
        reach_summary_update()
