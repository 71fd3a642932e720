"""Reach figures: exact counts on small data, small groups hidden from whoever may not see participants,
filters, the threshold setting, and the dashboard and country pages (SVG, both languages, query counts)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.activities.reach import ReachFilters, reach_report, suppress
from jalon.activities.reach_cache import reach_changed
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Classification, Country, IncomeGroup, Scheme, Vintage
from tests.access.matrix import programme_build
from tests.factories import OrganisationFactory
from tests.test_weight_budget import CACHED_PAGE_BUDGET, FIRST_VISIT_BUDGET, page_weight

SVG = "{http://www.w3.org/2000/svg}"


def activity(actor, code, *, organiser, start, status=Activity.Status.COMPLETED, published=True, **fields):
    fields.setdefault("type", Activity.Type.WEBINAR)
    fields.setdefault("level", Activity.Level.GLOBAL)
    return services.activity_create(
        actor=actor,
        code=code,
        title={"en": f"Activity {code}", "fr": f"Activité {code}"},
        modality=Activity.Modality.VIRTUAL,
        start_date=start,
        end_date=start,
        organiser=organiser,
        status=status,
        published=published,
        **fields,
    )


def person(given, *, sex="", organisation=None, country=None):
    return Person.objects.create(
        given_name=given,
        family_name="Test",
        sex=sex,
        organisation=organisation,
        country=country,
        function=Person.Function.NSB_STAFF if organisation and organisation.kind == Organisation.Kind.NSB else "",
    )


def register(actor, activity, people, *, took_part="attended"):
    """Register people; "completed" marks each completed, "attended" records them present at a session,
    None leaves them registered only (they do not count as participants)."""
    registrations = [services.registration_create(actor=actor, activity=activity, person=someone) for someone in people]
    if took_part == "completed":
        for registration in registrations:
            services.registration_complete(actor=actor, registration=registration)
    elif took_part == "attended":
        session = services.session_create(actor=actor, activity=activity, date=activity.start_date)
        services.attendance_record(
            actor=actor, session=session, present={registration.pk: True for registration in registrations}
        )
    return registrations


@pytest.fixture
def world(users, nsb, other_nsb):
    """16 people in what the public sees, 17 for the programme team:

    A1, workshop in Senegal, March 2024, organised by ASN: 6 people of ASN (Senegal): 4 women, 2 men.
    A2, global webinar, May 2025, organised by ISO, serving a programme: 3 of those 6, 7 of KEBS (Kenya:
        5 men, 2 women; one present at the session without completing), 2 in France (1 woman, 1 man),
        1 in Brazil (sex not recorded); and, not counted, one cancelled and one registered who never came.
    A5, unpublished ISO webinar 2025: one more person of ASN. Planned (A3) and cancelled (A4) activities
    count nobody."""
    actor = users["manager"]
    iso = Organisation.objects.get(acronym="ISO")
    sen, ken, fra, bra = (Country.objects.get(iso3=code) for code in ("SEN", "KEN", "FRA", "BRA"))
    french_org = OrganisationFactory(name="Industrie française", country=fra, kind=Organisation.Kind.OTHER)
    programme, _period, indicator = programme_build("reach", owner=iso, published=True)
    a1 = activity(
        actor,
        "a1",
        organiser=nsb,
        start=datetime.date(2024, 3, 10),
        type=Activity.Type.WORKSHOP,
        level=Activity.Level.NATIONAL,
        countries=[sen],
    )
    a2 = activity(actor, "a2", organiser=iso, start=datetime.date(2025, 5, 1), outputs=[indicator.result])
    a3 = activity(
        actor,
        "a3",
        organiser=nsb,
        start=datetime.date(2026, 9, 1),
        status=Activity.Status.PLANNED,
        level=Activity.Level.NATIONAL,
        countries=[sen],
    )
    a4 = activity(actor, "a4", organiser=nsb, start=datetime.date(2025, 2, 1), status=Activity.Status.COMPLETED)
    a5 = activity(actor, "a5", organiser=iso, start=datetime.date(2025, 6, 1), published=False)
    senegalese = [person(f"sn{i}", sex="female" if i < 4 else "male", organisation=nsb, country=sen) for i in range(6)]
    kenyans = [person(f"ke{i}", sex="male" if i < 5 else "female", organisation=other_nsb) for i in range(7)]
    french = [person("fr0", sex="female", organisation=french_org), person("fr1", sex="male", organisation=french_org)]
    brazilian = person("br0", country=bra)
    register(actor, a1, senegalese, took_part="completed")
    register(actor, a2, senegalese[:3] + kenyans[:6] + french + [brazilian], took_part="completed")
    register(actor, a2, kenyans[6:], took_part="attended")  # present without completing: took part
    register(actor, a2, [person("absent", sex="male", organisation=other_nsb)], took_part=None)
    cancelled = person("cancelled", sex="female", organisation=nsb)
    register(actor, a2, [cancelled])
    services.registration_cancel(actor=actor, registration=a2.registrations.get(person=cancelled))
    register(actor, a3, [person("future", organisation=nsb)], took_part=None)
    register(actor, a4, [person("gone", organisation=nsb)])
    services.activity_update(actor=actor, activity=a4, status=Activity.Status.CANCELLED)
    register(actor, a5, [person("hidden", sex="female", organisation=nsb)])
    return {"programme": programme, "a1": a1, "a2": a2, "sen": sen, "ken": ken, "fra": fra, "bra": bra}


def values(report, dimension) -> dict:
    return {cell.key: cell.value for cell in report.breakdowns[dimension].cells}


# Exact figures --------------------------------------------------------------------------------------------


def test_the_programme_team_gets_exact_figures_over_every_activity(world, users):
    report = reach_report(user=users["manager"])
    assert report.exact
    assert (report.participants, report.countries, report.nsbs) == (17, 4, 2)
    assert values(report, "country") == {world["sen"].pk: 7, world["ken"].pk: 7, world["fra"].pk: 2, world["bra"].pk: 1}
    assert values(report, "sex") == {"female": 8, "male": 8, None: 1}
    assert values(report, "year") == {2024: 6, 2025: 14}
    assert values(report, "type") == {"workshop": 6, "webinar": 14}
    assert values(report, "level") == {"national": 6, "global": 14}
    assert values(report, "function") == {"nsb_staff": 14, None: 3}
    assert values(report, "nsb") == {
        Organisation.objects.get(acronym="ASN").pk: 7,
        Organisation.objects.get(acronym="KEBS").pk: 7,
    }


def test_regions_group_participants_by_their_country_or_else_their_organisations(world, users):
    report = reach_report(user=users["manager"])
    by_name = {cell.label: cell.value for cell in report.breakdowns["region"].cells}
    africa, europe, americas = (str(world[c].region.name) for c in ("sen", "fra", "bra"))
    assert by_name == {africa: 14, europe: 2, americas: 1}


def test_income_groups_are_those_of_the_country_when_the_activity_started(world, users):
    report = reach_report(user=users["manager"])
    # The loaded vintage (World Bank FY2027) starts after these activities: the next known one counts.
    # Senegal and Kenya are lower middle income (7 + 7 people), France high, Brazil upper middle.
    assert values(report, "income") == {IncomeGroup.LOWER_MIDDLE: 14, IncomeGroup.HIGH: 2, IncomeGroup.UPPER_MIDDLE: 1}


def test_an_income_group_in_force_on_the_activity_date_wins_over_a_later_one(world, users):
    vintage = Vintage.objects.create(key="test-fy2024", title="Test FY2024", as_of=datetime.date(2023, 7, 1))
    Classification.objects.create(
        country=world["sen"],
        scheme=Scheme.INCOME,
        value=IncomeGroup.LOW,
        valid_from=datetime.date(2023, 7, 1),
        valid_to=datetime.date(2024, 6, 30),
        vintage=vintage,
    )
    report = reach_report(user=users["manager"], filters=ReachFilters(country_id=world["sen"].pk))
    # A1 (March 2024): low income then; the 3 who came back in 2025 and the A5 person: lower middle.
    assert values(report, "income") == {IncomeGroup.LOW: 6, IncomeGroup.LOWER_MIDDLE: 4}


def test_cancelled_registrations_and_activities_not_held_count_nobody(world, users):
    report = reach_report(user=users["manager"], filters=ReachFilters(year=2026))
    assert report.participants == 0
    assert report.countries == 0


def test_filters_narrow_by_programme_year_dates_type_level_and_region(world, users):
    manager = users["manager"]

    def total(**filters):
        return reach_report(user=manager, filters=ReachFilters(**filters), dimensions=()).participants

    assert total(programme_id=world["programme"].pk) == 13
    assert total(year=2024) == 6
    assert total(date_from=datetime.date(2025, 1, 1)) == 14
    assert total(date_to=datetime.date(2024, 12, 31)) == 6
    assert total(type="workshop") == 6
    assert total(level="global") == 14
    assert total(region=world["sen"].region.m49) == 14
    assert total(region=world["sen"].sub_region.m49) == 14  # Sub-Saharan Africa: Senegal and Kenya
    assert total(region=world["sen"].intermediate_region.m49) == 7  # Western Africa: Senegal only
    assert total(country_id=world["fra"].pk) == 2


# Small groups ---------------------------------------------------------------------------------------------


def test_the_public_never_sees_a_group_under_five_nor_one_the_total_would_give_away(world):
    report = reach_report(user=None)
    assert not report.exact
    # Unpublished A5 is not counted for the public.
    assert (report.participants, report.countries, report.nsbs) == (16, 4, 2)
    # France (2) and Brazil (1) are hidden; Senegal (6) too, else 16 - 7 - 6 = 3 gives their sum away.
    assert values(report, "country") == {
        world["ken"].pk: 7,
        world["sen"].pk: None,
        world["fra"].pk: None,
        world["bra"].pk: None,
    }
    # One person has no sex recorded: hidden, and the women (7) with them, else 16 - 8 = 8 - 7 reveals it.
    assert values(report, "sex") == {"male": 8, "female": None, None: None}
    assert values(report, "year") == {2024: 6, 2025: 13}
    assert report.suppressed


def test_viewers_get_protected_figures_too(world, users):
    report = reach_report(user=users["viewer"])
    assert not report.exact
    assert report.participants == 17  # viewers see unpublished activities, in aggregate only
    assert values(report, "country")[world["bra"].pk] is None


def test_organisers_see_exact_small_numbers_only_where_they_see_the_participants(world, users):
    everything = reach_report(user=users["focal"])
    assert not everything.exact  # A2 is ISO's: the ASN focal point does not see its participants
    own = reach_report(user=users["focal"], filters=ReachFilters(year=2024))
    assert own.exact  # only A1, which ASN organised
    assert values(own, "sex") == {"female": 4, "male": 2}


def test_a_total_under_the_threshold_is_hidden_with_every_cell(world):
    report = reach_report(user=None, filters=ReachFilters(country_id=world["fra"].pk))
    assert report.participants is None
    assert all(value is None for value in values(report, "sex").values())


def test_suppression_hides_small_cells_and_enough_others_to_stop_differencing():
    assert suppress({"a": 10, "b": 8}, threshold=5) == set()
    assert suppress({"a": 10, "b": 8, "c": 0}, threshold=5) == set()  # an empty group reveals nobody
    assert suppress({"a": 10, "b": 8, "c": 2}, threshold=5) == {"c", "b"}
    assert suppress({"a": 10, "b": 3, "c": 4}, threshold=5) == {"b", "c"}  # two hidden, adding up to 7
    assert suppress({"a": 10, "b": 1, "c": 1, "d": 6}, threshold=5) == {"b", "c", "d"}  # 1 + 1 < 5
    assert suppress({"a": 3}, threshold=5) == {"a"}


def test_the_threshold_is_a_setting(world):
    with override_settings(JALON_REACH_MIN_GROUP=2):
        report = reach_report(user=None)
        assert report.threshold == 2
        assert values(report, "country") == {
            world["ken"].pk: 7,
            world["sen"].pk: 6,
            world["fra"].pk: None,
            world["bra"].pk: None,
        }
    with override_settings(JALON_REACH_MIN_GROUP=1):
        assert reach_report(user=None).suppressed is False
    for wrong in (0, "5", 2.5, True):
        with override_settings(JALON_REACH_MIN_GROUP=wrong), pytest.raises(ImproperlyConfigured):
            reach_report(user=None)


# Pages ----------------------------------------------------------------------------------------------------


def svgs(html: str) -> list[ET.Element]:
    """The page's drawings, outermost only (the map holds its inset as a nested <svg>)."""
    drawings, depth, start = [], 0, 0
    for tag in re.finditer(r"<svg\b|</svg>", html):
        if tag.group() == "</svg>":
            depth -= 1
            if depth == 0:
                drawings.append(ET.fromstring(html[start : tag.end()]))
        else:
            depth, start = depth + 1, start if depth else tag.start()
    return drawings


def dashboard(client, language="en", query=""):
    with translation.override(language):
        url = reverse("activities:reach_dashboard")
    return client.get(f"{url}{query}")


def test_the_dashboard_shows_the_seed_headline_in_english(client, world):
    response = dashboard(client, "en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "16 participants from 4 countries from 2024 to 2025" in html
    assert dashboard(client, "en", "?year=2024").content.decode().count("6 participants from 1 country in 2024") == 1


def test_the_dashboard_speaks_french(client, world):
    html = dashboard(client, "fr").content.decode()
    assert '<html lang="fr">' in html
    assert "Sénégal" in html and "Kenya" in html  # country names in French
    assert "2024" in html


def test_the_dashboard_map_and_charts_are_well_formed_svg_with_small_groups_hidden(client, world):
    html = dashboard(client, "en").content.decode()
    drawings = svgs(html)
    assert len(drawings) == 7  # the map and six charts
    # The choropleth: each country reached is a shape titled with its figure (twice for Senegal: on the world
    # and in West Africa's inset); a small group says so and gives no number.
    titles = [shape.find(f"{SVG}title").text for shape in drawings[0].iter(f"{SVG}path") if len(shape)]
    assert sorted(title.split(":")[0] for title in titles) == ["Brazil", "France", "Kenya", "Senegal", "Senegal"]
    assert "Kenya: 7 participants" in titles
    assert any(title.startswith("Brazil: fewer than 5") for title in titles)
    assert not any(re.search(r"Brazil: \d", title) for title in titles)
    assert drawings[0].find(f"{SVG}title").text == "Map of the countries reached"
    # The table alternative under the map says the same.
    assert re.search(r"Kenya</a></td><td class=\"num\">7</td>", html)
    assert re.search(r"Brazil</a></td><td class=\"num\">not shown</td>", html)
    assert "Groups of fewer than 5 people are not shown" in html


def test_the_team_sees_exact_figures_on_the_dashboard(client_as, world):
    html = dashboard(client_as("manager"), "en").content.decode()
    assert "17 participants from 4 countries" in html
    assert re.search(r"Brazil</a></td><td class=\"num\">1</td>", html)
    assert "not shown" not in html


def test_bad_filters_are_explained_not_a_server_error(client, world):
    response = dashboard(client, "en", "?year=soon&date_from=yesterday&programme=nope&region=%C3&type=x&level=y")
    assert response.status_code == 200
    assert dashboard(client, "en", "?region=%00").status_code == 400  # NUL: refused before any view
    html = response.content.decode()
    assert "Enter a whole number." in html
    assert "16 participants" in html  # the figures ignore the filters that did not validate
    later = dashboard(client, "en", "?date_from=2025-06-01&date_to=2025-01-01").content.decode()
    assert "The end date must not be before the start date." in later


def test_the_rendered_dashboard_is_cached_with_the_filters_as_typed_and_the_programmes_of_today(client, world, users):
    """The rendered page is kept under the reach stamp (issue 21); what it does not cover is in its key."""
    assert 'name="year" value="2024"' in dashboard(client, "en", "?year=2024").content.decode()
    # The same figures asked another way: the form shows what was typed, not the first spelling cached.
    assert 'name="year" value="02024"' in dashboard(client, "en", "?year=02024").content.decode()
    for _ in range(2):  # a form with errors is rendered each time, never cached
        assert "Enter a whole number." in dashboard(client, "en", "?year=soon").content.decode()
    # A programme published since does not renew the reach stamp: the filter's choices are part of the key.
    assert "reach-new" not in dashboard(client, "en").content.decode()
    programme_build("reach-new", owner=Organisation.objects.get(acronym="ISO"), published=True)
    assert 'value="reach-new"' in dashboard(client, "en").content.decode()
    # Another viewer, another language: another page.
    assert "17 participants" in dashboard(client_as_user(client, users["manager"]), "en").content.decode()
    assert "16 participants" in dashboard(type(client)(), "en").content.decode()
    assert "16 participants de 4 pays" in dashboard(type(client)(), "fr").content.decode()


def client_as_user(client, user):
    client.force_login(user)
    return client


def test_the_dashboard_costs_the_same_queries_whatever_the_data(client, world, users, django_assert_num_queries):
    dashboard(client, "en")  # warm caches (content types, translations)
    # Served rendered from the reach cache until a write (issue 21): the stamp, the form's programme choices.
    # No map, chart or table is drawn again (the regions of the form are read when it is rendered; the map's
    # shapes are files, read once per process).
    with django_assert_num_queries(2):
        dashboard(client, "en")
    reach_changed()  # what every write does
    # The stamp, then the figures: whether the reach summary is built (not here), one pass over the participations.
    with django_assert_num_queries(1 + 9):
        before = dashboard(client, "en").context["participants"]
    sen = world["sen"]
    more = activity(
        users["manager"],
        "more",
        organiser=world["a1"].organiser,
        start=datetime.date(2023, 1, 5),
        type=Activity.Type.SEMINAR,
        level=Activity.Level.REGIONAL,
        region=sen.region,
    )
    register(
        users["manager"],
        more,
        [
            person(f"x{i}", country=country, sex="male")
            for i, country in enumerate(Country.objects.exclude(latitude=None)[:40])
        ],
    )
    with django_assert_num_queries(1 + 9):
        after = dashboard(client, "en").context["participants"]
    assert after == before + 40  # the write renewed the stamp: not the cached figures
    with django_assert_num_queries(2):
        assert dashboard(client, "en").context["participants"] == after
    client_as_manager = client
    client_as_manager.force_login(users["manager"])
    dashboard(client_as_manager, "en")
    reach_changed()
    # + session, user, role grants; no exact-figures check for whoever sees every participant.
    with django_assert_num_queries(1 + 12):
        dashboard(client_as_manager, "en")
    with django_assert_num_queries(2 + 3):  # + session, user, role grants
        dashboard(client_as_manager, "en")


def test_the_country_page_shows_the_reach_in_that_country(client, world):
    with translation.override("en"):
        url = reverse("activities:country_reach", kwargs={"iso3": "sen"})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "6 participants from Senegal from 2024 to 2025" in html
    assert "Activity a1" in html and "Activity a3" in html  # held there (A3 is planned)
    assert "Activity a4" not in html and "Activity a5" not in html  # cancelled, unpublished
    # A2 was held elsewhere and reached 3 Senegalese: listing it would disclose that small group.
    assert "Activity a2" not in html
    assert re.search(r">ASN</a></td><td class=\"num\">6</td>", html)
    # 4 women and 2 men: the men are a small group, and the women would give them away.
    assert html.count("not shown") >= 2
    for drawing in svgs(html):
        assert drawing.tag == f"{SVG}svg"
    # The country on the world map (and in West Africa's inset), its figure in the table under the map.
    titles = {shape.find(f"{SVG}title").text for shape in svgs(html)[0].iter(f"{SVG}path") if len(shape)}
    assert titles == {"Senegal: 6 participants"}
    assert re.search(r"<td>Senegal</td><td class=\"num\">6</td>", html)


def test_activities_reaching_a_country_are_listed_from_the_threshold_or_for_those_who_see_participants(
    client, client_as, world
):
    with translation.override("en"):
        kenya = reverse("activities:country_reach", kwargs={"iso3": "KEN"})
        senegal = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    assert "Activity a2" in client.get(kenya).content.decode()  # 7 Kenyans took part
    team = client_as("manager").get(senegal).content.decode()
    assert "Activity a2" in team and "Activity a5" in team
    assert "7 participants from Senegal" in team


def test_the_country_page_in_french_and_unknown_codes(client, world):
    with translation.override("fr"):
        url = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    html = client.get(url).content.decode()
    assert '<html lang="fr">' in html and "Sénégal" in html and "Activité a1" in html
    for code in ("ZZZ", "S1N", "SENE"):
        assert client.get(url.replace("SEN", code)).status_code == 404


def test_the_country_page_links_back_and_the_country_detail_links_to_it(client, world):
    with translation.override("en"):
        detail = reverse("web:country_detail", kwargs={"iso3": "SEN"})
        reach = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    assert reach in client.get(detail).content.decode()


def test_the_navigation_links_to_the_dashboard(client, db):
    with translation.override("en"):
        assert reverse("activities:reach_dashboard") in client.get(reverse("web:home")).content.decode()


def test_a_dashboard_reaching_many_countries_stays_inside_the_weight_budget(client, users, nsb):
    iso = Organisation.objects.get(acronym="ISO")
    countries = list(Country.objects.exclude(latitude=None))
    big = activity(users["manager"], "big", organiser=iso, start=datetime.date(2025, 3, 3))
    people = [
        person(f"p{i}", country=country, sex="female" if i % 2 else "male") for i, country in enumerate(countries * 3)
    ]
    register(users["manager"], big, people)
    for language in ("fr", "en"):
        with translation.override(language):
            url = reverse("activities:reach_dashboard")
        weight = page_weight(client, url)
        print(f"\n{url}, {len(countries)} countries: HTML {weight['html']} B, in all {weight['total']} B compressed")
        assert weight["html"] <= CACHED_PAGE_BUDGET
        # Every country reached is findable: shaded with its title on the map, and a row of the table.
        html = client.get(url).content.decode()
        [world] = [drawing for drawing in svgs(html) if drawing.get("aria-labelledby") == "map-t map-d"]
        shapes = [shape for tag in ("path", "circle") for shape in world.iter(f"{SVG}{tag}") if len(shape)]
        named = {shape.find(f"{SVG}title").text.rsplit(":", 1)[0].rstrip(" \xa0\u202f") for shape in shapes}
        table = html[html.index('aria-labelledby="map-heading"') :]
        with translation.override(language):
            reached = {str(country.name) for country in countries}
        assert reached <= named
        for name in reached:
            assert f">{escape(name)}</a></td>" in table, name
        assert weight["total"] <= FIRST_VISIT_BUDGET / 2, weight  # "well under" the first-visit budget


def test_the_country_page_costs_the_same_queries_whatever_the_data(client, world, users, django_assert_num_queries):
    with translation.override("en"):
        url = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    client.get(url)
    # Served rendered from the reach cache until a write (issue 21): the stamp, the country, the form's
    # programme choices, the page of activities (count, rows) and which of them were held there.
    with django_assert_num_queries(6):
        client.get(url)
    reach_changed()  # what every write does
    # The figures, and the list of the activities reaching the country (each asking whether the summary is built),
    # cached together under one stamp.
    with django_assert_num_queries(12):
        client.get(url)
    for index in range(3):
        extra = activity(
            users["manager"],
            f"extra{index}",
            organiser=world["a1"].organiser,
            start=datetime.date(2023, 2, 1 + index),
            level=Activity.Level.NATIONAL,
            countries=[world["sen"]],
        )
        register(users["manager"], extra, [person(f"e{index}-{i}", country=world["sen"]) for i in range(4)])
    with django_assert_num_queries(12):
        client.get(url)
    with django_assert_num_queries(6):
        client.get(url)


def test_the_public_gets_dates_in_whole_years_so_two_answers_cannot_be_subtracted(world, users):
    """A country's reach asked from 2 May and from 1 January would, by their difference, tell about the
    people of those four months: published figures count dates in whole years."""
    from django.contrib.auth.models import AnonymousUser

    public = AnonymousUser()

    def report(user, **dates):
        return reach_report(user=user, filters=ReachFilters(**dates), dimensions=("country", "sex"))

    mid_year = report(public, date_from=datetime.date(2025, 5, 2), date_to=datetime.date(2025, 8, 30))
    whole_year = report(public, date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31))
    assert mid_year.dates_rounded and not whole_year.dates_rounded
    assert (mid_year.participants, mid_year.breakdowns) == (whole_year.participants, whole_year.breakdowns)
    # Whoever may see the participants gets the dates as asked.
    manager = report(users["manager"], date_from=datetime.date(2025, 5, 2), date_to=datetime.date(2025, 8, 30))
    assert not manager.dates_rounded
    assert manager.participants != report(users["manager"], date_from=datetime.date(2025, 1, 1)).participants


def test_an_activity_concerning_a_country_but_held_elsewhere_is_not_said_held_there(client, world, users, english):
    from jalon.activities.selectors import activities_held_in

    tgo = Country.objects.get(iso3="TGO")
    regional = services.activity_create(
        actor=users["manager"],
        code="lome-2025",
        title={"en": "Regional workshop in Lomé"},
        type=Activity.Type.WORKSHOP,
        modality=Activity.Modality.IN_PERSON,
        level=Activity.Level.REGIONAL,
        countries=[world["sen"], tgo],
        venue="Lomé",
        venue_country=tgo,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2025, 4, 2),
        organiser=Organisation.objects.get(acronym="ISO"),
        published=True,
    )
    # A national activity in person is held in its country unless told otherwise.
    assert world["a1"].venue_country == world["sen"]
    assert activities_held_in(world["sen"], [world["a1"], regional]) == {world["a1"].pk}
    assert activities_held_in(tgo, [regional]) == {regional.pk}
    url = reverse("activities:country_reach", kwargs={"iso3": "SEN"})
    rows = {
        cells[0]: cells[-1]
        for cells in (
            re.findall(r"<td>(.*?)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", client.get(url).content.decode(), re.S)
        )
        if cells
    }
    held = {re.sub(r"<[^>]+>", "", title): where for title, where in rows.items()}
    assert held["Regional workshop in Lomé"] == "No: in Togo" and held["Activity a1"] == "Yes"
