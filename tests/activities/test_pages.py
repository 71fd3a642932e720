"""The activity pages through HTTP: list and calendar with their filters, the activity page with its
results (small groups hidden from the public) and participants (organisers and the programme team only),
and the organisers' forms for activities, sessions and materials."""

import datetime
import html as html_module
import re

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.activities import services
from jalon.activities.models import Activity, ActivitySession, Material, Registration
from jalon.organisations.models import Organisation
from tests.activities.conftest import activity_build, country, register


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def visible_text(html: str) -> str:
    """The text a reader sees: tags stripped, entities decoded, spaces collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_text(response) -> str:
    """The visible text of the page's main region (the header and its navigation left out)."""
    return visible_text(response.content.decode().split('<main id="main">', 1)[1])


def people(activity, count: int, *, start: int = 0, **details):
    """`count` participants registered for `activity`, half of them women."""
    return [
        register(
            activity,
            given_name=f"Person{n}",
            family_name=f"Family{n}",
            email=f"p{n}@example.org",
            sex="female" if n % 2 else "male",
            **details,
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def workshop(db):
    return activity_build()


# List ------------------------------------------------------------------------------------------------------


def test_the_list_shows_published_activities_to_everyone_and_unpublished_ones_to_their_organisers(
    client_as, users, kebs
):
    activity_build(code="public-one", title={"en": "Public workshop", "fr": "Atelier public"})
    activity_build(code="hidden-one", title={"en": "Hidden workshop"}, published=False, organiser=kebs)
    anonymous = client_as(None).get(page_url("activities:activity_list"))
    assert anonymous.status_code == 200
    assert "Public workshop" in main_text(anonymous)
    assert "Hidden workshop" not in main_text(anonymous)
    # The focal point of ASN does not organise KEBS's activity: still hidden.
    assert "Hidden workshop" not in main_text(client_as("focal").get(page_url("activities:activity_list")))
    assert "Hidden workshop" in main_text(client_as("manager").get(page_url("activities:activity_list")))


def test_the_list_speaks_french_with_french_titles(client, db):
    activity_build(code="atelier", title={"en": "GSP workshop", "fr": "Atelier BPN"})
    response = client.get(page_url("activities:activity_list", "fr"))
    text = main_text(response)
    assert response.status_code == 200
    assert "Atelier BPN" in text and "GSP workshop" not in text
    with translation.override("fr"):
        assert translation.gettext("Workshop") in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=webinar", {"webinar-kenya"}),
        ("level=national", {"workshop-senegal", "webinar-kenya"}),
        ("level=regional", {"regional-africa"}),
        ("country=KEN", {"webinar-kenya"}),
        ("region=002", {"workshop-senegal", "webinar-kenya", "regional-africa"}),  # Africa: by region or country
        ("region=011", {"workshop-senegal", "regional-africa"}),  # Western Africa
        ("language=fr", {"workshop-senegal"}),
        ("programme=reach", {"regional-africa"}),
        ("status=completed", {"webinar-kenya"}),
        ("date_from=2026-10-06&date_to=2026-10-06", {"workshop-senegal"}),  # runs through that day
        ("date_from=2026-11-01", {"regional-africa"}),
        ("q=kenya", {"webinar-kenya"}),
        ("q=WEBINAIRE", {"webinar-kenya"}),  # the French title, whatever the case
    ],
)
def test_the_list_filters(client, reach, kebs, query, expected):
    from jalon.reference.models import Language, Region

    activity_build(code="workshop-senegal", languages=[Language.objects.get(code="fr")])
    activity_build(
        code="webinar-kenya",
        title={"en": "Webinar for Kenya", "fr": "Webinaire pour le Kenya"},
        type=Activity.Type.WEBINAR,
        modality=Activity.Modality.VIRTUAL,
        countries=[country("KEN")],
        organiser=kebs,
        status=Activity.Status.COMPLETED,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 1),
    )
    activity_build(
        code="regional-africa",
        title={"en": "Regional seminar"},
        type=Activity.Type.SEMINAR,
        level=Activity.Level.REGIONAL,
        countries=[],
        region=Region.objects.get(m49="011"),
        outputs=[reach.output],
        start_date=datetime.date(2026, 11, 10),
        end_date=datetime.date(2026, 11, 12),
    )
    response = client.get(page_url("activities:activity_list") + "?" + query)
    assert response.status_code == 200
    assert {activity.code for activity in response.context["activities"]} == expected


def test_a_bad_filter_value_is_named_and_the_other_filters_still_apply(client, db, kebs):
    activity_build(code="senegal")
    activity_build(code="kenya", countries=[country("KEN")], organiser=kebs, type=Activity.Type.WEBINAR)
    response = client.get(page_url("activities:activity_list") + "?type=webinar&date_from=yesterday&country=XXX")
    assert response.status_code == 200
    assert {activity.code for activity in response.context["activities"]} == {"kenya"}
    assert response.context["form"].errors.keys() == {"date_from", "country"}


def test_a_reversed_date_range_is_refused_with_a_message(client, workshop):
    response = client.get(page_url("activities:activity_list") + "?date_from=2026-12-01&date_to=2026-01-01")
    assert "The end of the range is before its start." in main_text(response)


def test_the_list_sorts_by_title_and_by_date(client, db):
    for code, title, month in (("b", "Beta", 1), ("a", "alpha", 3), ("c", "Gamma", 2)):
        day = datetime.date(2026, month, 1)
        activity_build(code=code, title={"en": title}, start_date=day, end_date=day)

    def codes(query):
        return [a.code for a in client.get(page_url("activities:activity_list") + query).context["activities"]]

    assert codes("") == ["a", "c", "b"]  # newest first by default
    assert codes("?sort=title") == ["a", "b", "c"]  # case-insensitive
    assert codes("?sort=-title") == ["c", "b", "a"]
    assert codes("?sort=start") == ["b", "c", "a"]
    assert codes("?sort=nonsense") == ["a", "c", "b"]


def test_the_title_sort_ignores_accents_and_case_and_follows_an_edit(client, db):
    """Issue 21: the list sorts by a stored, indexed column (Activity.title_sort_*), set on every save."""
    zebra = activity_build(code="x1", title={"en": "zèbre", "fr": "Zèbre"})
    activity_build(code="x2", title={"en": "Élan", "fr": "Élan"})
    activity_build(code="x3", title={"en": "Ecole", "fr": "École"})

    def codes(query):
        return [a.code for a in client.get(page_url("activities:activity_list") + query).context["activities"]]

    assert codes("?sort=title") == ["x3", "x2", "x1"]
    services.activity_update(actor=None, activity=zebra, title={"en": "Abeille", "fr": "Abeille"})
    assert codes("?sort=title") == ["x1", "x3", "x2"]


def test_the_list_paginates(client, db):
    for n in range(30):
        activity_build(code=f"a{n:02}")
    first = client.get(page_url("activities:activity_list"))
    second = client.get(page_url("activities:activity_list") + "?page=2")
    assert len(first.context["activities"]) == 25
    assert len(second.context["activities"]) == 5
    assert "Page 1 of 2" in main_text(first)


def test_an_empty_list_says_so_and_offers_the_way_back(client, db):
    response = client.get(page_url("activities:activity_list") + "?type=webinar")
    assert "No activity matches these filters." in main_text(response)


def test_participant_counts_under_five_are_hidden_from_the_public_but_not_from_organisers(client_as, users, workshop):
    people(workshop, 3)
    public = client_as(None).get(page_url("activities:activity_list"))
    assert public.context["activities"][0].participants_shown is None
    assert "< 5" in main_text(public)
    organiser = client_as("focal").get(page_url("activities:activity_list"))
    assert organiser.context["activities"][0].participants_shown == 3


# Calendar --------------------------------------------------------------------------------------------------


def test_the_calendar_shows_the_month_with_its_activities_and_links_to_the_next_and_previous(client, workshop):
    response = client.get(page_url("activities:activity_calendar") + "?month=2026-10")
    assert response.status_code == 200
    text = main_text(response)
    assert "October 2026" in text
    cells = {cell["date"]: cell["entries"] for week in response.context["grid"] for cell in week}
    assert [activity.code for activity, _continued in cells[datetime.date(2026, 10, 5)]] == ["gsp-workshop"]
    assert cells[datetime.date(2026, 10, 6)] == []  # once per week row, on its first day
    html = response.content.decode()
    assert "?month=2026-09" in html and "?month=2026-11" in html
    # Across a year's end too.
    assert "?month=2027-01" in client.get(page_url("activities:activity_calendar") + "?month=2026-12").content.decode()


def test_a_long_activity_shows_again_at_the_start_of_each_week_marked_as_continued(client, db):
    activity_build(code="course", start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 10, 20))
    response = client.get(page_url("activities:activity_calendar") + "?month=2026-10")
    marked = {
        cell["date"]: continued
        for week in response.context["grid"]
        for cell in week
        for _activity, continued in cell["entries"]
    }
    assert marked == {
        datetime.date(2026, 10, 1): False,
        datetime.date(2026, 10, 5): True,
        datetime.date(2026, 10, 12): True,
        datetime.date(2026, 10, 19): True,
    }


def test_the_calendar_filters_and_keeps_them_in_its_month_links(client, workshop, kebs):
    activity_build(code="kenya", countries=[country("KEN")], organiser=kebs, type=Activity.Type.WEBINAR)
    response = client.get(page_url("activities:activity_calendar") + "?month=2026-10&type=webinar")
    assert response.context["count"] == 1
    assert "month=2026-11&amp;type=webinar" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "0-1", ""])
def test_a_bad_month_shows_the_current_month(client, db, month):
    response = client.get(page_url("activities:activity_calendar") + f"?month={month}")
    assert response.status_code == 200
    assert response.context["month"] == datetime.date.today().replace(day=1)


def test_the_calendar_speaks_french(client, workshop):
    response = client.get(page_url("activities:activity_calendar", "fr") + "?month=2026-10")
    assert "octobre 2026" in main_text(response)


# Activity page ----------------------------------------------------------------------------------------------


def evaluated(activity, count: int):
    """`count` participants, all present at the one session, tested (+20 points), satisfied, applied."""
    session = services.session_create(actor=None, activity=activity, date=activity.start_date, title="Day 1")
    registrations = people(activity, count)
    services.attendance_record(actor=None, session=session, present={r.pk: True for r in registrations})
    for registration in registrations:
        services.evaluation_record(
            actor=None,
            registration=registration,
            pre_test_score=50,
            post_test_score=70,
            satisfaction=5,
            followup_applied="yes",
        )
        services.registration_complete(actor=None, registration=registration)
    return registrations


def test_the_activity_page_shows_its_details_sessions_materials_and_outputs(client, reach, kebs, english):
    from jalon.reference.models import Currency, Language

    activity = activity_build(
        outputs=[reach.output],
        partners=[kebs],
        languages=[Language.objects.get(code="fr")],
        venue="Dakar",
        planned_budget=12500,
        planned_budget_currency=Currency.objects.get(code="CHF"),
        description={"en": "Three days on good practice.", "fr": "Trois jours sur les bonnes pratiques."},
    )
    services.session_create(actor=None, activity=activity, date=activity.start_date, title="Opening")
    services.material_create(actor=None, activity=activity, title="Slides", url="https://example.org/slides.pdf")
    response = client.get(page_url("activities:activity_detail", code=activity.code))
    text = main_text(response)
    for expected in (
        "GSP workshop",
        "Three days on good practice.",
        "Workshop",
        "In person",
        "National",
        "Senegal",
        "Dakar",
        "ASN",
        "KEBS",
        "12,500 CHF",
        "Opening",
        "Slides",
        "OP1 Skills acquired",
    ):
        assert expected in text, expected
    assert reach.programme.get_absolute_url() in response.content.decode()
    french = main_text(client.get(page_url("activities:activity_detail", "fr", code=activity.code)))
    assert "Trois jours sur les bonnes pratiques." in french and "Atelier BPN" in french


def test_the_public_sees_the_results_of_a_large_group_but_no_participant(client, workshop):
    evaluated(workshop, 6)
    response = client.get(page_url("activities:activity_detail", code=workshop.code))
    results = response.context["results"]
    assert (results["registered"], results["attended"], results["completed"]) == (6, 6, 6)
    assert results["average_gain"] == 20
    assert results["satisfied_percent"] == 100
    assert results["applied_percent"] == 100
    assert "Person1" not in response.content.decode()
    assert "page" not in response.context


def test_the_public_never_sees_a_group_under_five(client, workshop):
    evaluated(workshop, 3)
    response = client.get(page_url("activities:activity_detail", code=workshop.code))
    results = response.context["results"]
    assert results["registered"] is None
    assert results["attended"] is results["completed"] is results["average_gain"] is None
    assert results["satisfied_percent"] is results["applied_percent"] is None
    assert "< 5" in main_text(response)
    assert "Figures about fewer than 5 people are not shown" in main_text(response)
    assert response.context["sessions"][0].present_shown is None


def test_a_small_rest_of_a_group_is_hidden_too(client, workshop):
    """8 registered, 6 completed: the 2 who did not would be given away by the difference."""
    registrations = people(workshop, 8)
    for registration in registrations[:6]:
        services.registration_complete(actor=None, registration=registration)
    results = client.get(page_url("activities:activity_detail", code=workshop.code)).context["results"]
    assert results["registered"] == 8
    assert results["completed"] is None


def test_organisers_see_exact_small_figures_and_the_participants(client_as, users, workshop, english):
    registrations = evaluated(workshop, 3)
    response = client_as("focal").get(page_url("activities:activity_detail", code=workshop.code))
    results = response.context["results"]
    assert (results["registered"], results["completed"], results["average_gain"]) == (3, 3, 20)
    text = main_text(response)
    assert "Participants" in text and "Person1 Family1" in text
    assert reverse("activities:evaluation_record", kwargs={"code": workshop.code, "pk": registrations[0].pk}) in (
        response.content.decode()
    )
    assert registrations[0].person.pk in [r.person_id for r in response.context["registrations"]]
    # With a second session, each row shows who was at which one.
    second = services.session_create(actor=None, activity=workshop, date=workshop.end_date, title="Day 2")
    services.attendance_record(actor=None, session=second, present={registrations[0].pk: False})
    rows = client_as("focal").get(page_url("activities:activity_detail", code=workshop.code)).context["registrations"]
    assert [present for _session, present in rows[0].marks] == [True, False]
    assert [present for _session, present in rows[1].marks] == [True, None]


@pytest.mark.parametrize("role", ["viewer", "contributor", "plain"])
def test_who_does_not_organise_sees_no_participant(client_as, users, workshop, kebs, role):
    if role == "contributor":  # the contributor acts for ASN: make it another organiser's activity
        Activity.objects.filter(pk=workshop.pk).update(organiser=kebs)
    people(workshop, 6)
    response = client_as(role).get(page_url("activities:activity_detail", code=workshop.code))
    assert response.status_code == 200
    assert not response.context["can_see_people"]
    assert "Person1" not in response.content.decode()


def test_the_participant_list_is_paginated(client_as, users, workshop):
    people(workshop, 30)
    first = client_as("manager").get(page_url("activities:activity_detail", code=workshop.code))
    second = client_as("manager").get(page_url("activities:activity_detail", code=workshop.code) + "?page=2")
    assert len(first.context["registrations"]) == 25
    assert len(second.context["registrations"]) == 5


def test_an_unpublished_or_unknown_activity_is_not_found(client, kebs, db):
    activity_build(code="secret", published=False, organiser=kebs)
    assert client.get(page_url("activities:activity_detail", code="secret")).status_code == 404
    assert client.get(page_url("activities:activity_detail", code="nothing")).status_code == 404


# Organisers' forms ------------------------------------------------------------------------------------------


def activity_form(**changes) -> dict:
    asn = Organisation.objects.get(acronym="ASN")
    data = {
        "code": "new-workshop",
        "title_en": "Standards for SMEs",
        "title_fr": "Les normes pour les PME",
        "type": "workshop",
        "modality": "in_person",
        "level": "national",
        "countries": [country("SEN").pk],
        "start_date": "2026-11-02",
        "end_date": "2026-11-03",
        "organiser": asn.pk,
        "status": "planned",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_focal_point_creates_an_activity_for_their_organisation(client_as, users, reach):
    response = client_as("focal").post(page_url("activities:activity_create"), activity_form(outputs=[reach.output.pk]))
    assert response.status_code == 302
    activity = Activity.objects.get(code="new-workshop")
    assert response["Location"] == page_url("activities:activity_detail", code="new-workshop")
    assert activity.title == {"en": "Standards for SMEs", "fr": "Les normes pour les PME"}
    assert list(activity.outputs.all()) == [reach.output]
    assert activity.created_by == users["focal"]


def test_the_activity_form_names_each_mistake(client_as, users, db):
    response = client_as("focal").post(
        page_url("activities:activity_create"),
        activity_form(title_en="", title_fr="", end_date="2026-10-01", countries=None, planned_budget="100"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Give a title in French or in English." in errors["title"]
    assert "The end date is before the start date." in errors["end_date"]
    assert "A national activity needs its country." in errors["countries"]
    assert "Give the currency of this amount." in errors["planned_budget_currency"]
    assert not Activity.objects.exists()


def test_the_activity_form_refuses_an_existing_code_and_garbage_with_messages(client_as, users, workshop):
    response = client_as("manager").post(
        page_url("activities:activity_create"),
        activity_form(code=workshop.code, start_date="not a date", capacity="-3", type="juggling"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"start_date", "capacity", "type"}
    response = client_as("manager").post(page_url("activities:activity_create"), activity_form(code=workshop.code))
    assert "code" in response.context["form"].errors
    response = client_as("manager").post(page_url("activities:activity_create"), activity_form(code="calendar"))
    assert response.context["form"].errors["code"] == [
        "“calendar” is a reserved word of the site’s addresses: choose another code."
    ]


def test_a_focal_point_cannot_organise_for_another_organisation(client_as, users, kebs):
    response = client_as("focal").post(page_url("activities:activity_create"), activity_form(organiser=kebs.pk))
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_editing_from_a_stale_page_is_refused_with_the_conflict_message(client_as, users, workshop):
    client = client_as("focal")
    stale_version = workshop.version
    services.activity_update(actor=users["manager"], activity=workshop, venue="Thiès")
    response = client.post(
        page_url("activities:activity_edit", code=workshop.code),
        activity_form(code=workshop.code, title_en="Changed", venue="Dakar", version=stale_version, status="open"),
    )
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing it." in main_text(response)
    workshop.refresh_from_db()
    assert workshop.venue == "Thiès"
    fresh = client.post(
        page_url("activities:activity_edit", code=workshop.code),
        activity_form(code=workshop.code, title_en="Changed", venue="Dakar", version=workshop.version, status="open"),
    )
    assert fresh.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.venue, workshop.title["en"]) == ("Dakar", "Changed")
    # The French title, not in the form's English field, is kept as it was.
    assert workshop.title["fr"] == "Les normes pour les PME"


def test_the_edit_form_shows_the_current_values(client_as, users, workshop):
    response = client_as("focal").get(page_url("activities:activity_edit", code=workshop.code))
    html = response.content.decode()
    assert 'value="GSP workshop"' in html and 'value="Atelier BPN"' in html and 'value="2026-10-05"' in html


def test_deleting_asks_first_then_deletes(client_as, users, workshop):
    client = client_as("focal")
    confirm = client.get(page_url("activities:activity_delete", code=workshop.code))
    assert "This cannot be undone." in main_text(confirm)
    assert Activity.objects.filter(pk=workshop.pk).exists()
    response = client.post(page_url("activities:activity_delete", code=workshop.code))
    assert response["Location"] == page_url("activities:activity_list")
    assert not Activity.objects.filter(pk=workshop.pk).exists()


def test_an_activity_with_participants_is_not_deleted_and_the_page_says_why(client_as, users, workshop):
    people(workshop, 1)
    client = client_as("focal")
    response = client.post(page_url("activities:activity_delete", code=workshop.code), follow=True)
    assert "cancel it (status) rather than delete it" in main_text(response)
    assert Activity.objects.filter(pk=workshop.pk).exists()


def test_sessions_are_added_edited_and_deleted(client_as, users, workshop):
    client = client_as("focal")
    response = client.post(
        page_url("activities:session_create", code=workshop.code),
        {"date": "2026-10-05", "start_time": "09:00", "end_time": "12:30", "title": "Morning"},
    )
    assert response.status_code == 302
    session = ActivitySession.objects.get(activity=workshop)
    outside = client.post(
        page_url("activities:session_edit", code=workshop.code, pk=session.pk), {"date": "2026-12-01", "title": "x"}
    )
    assert "outside the activity's dates" in main_text(outside)
    backwards = client.post(
        page_url("activities:session_edit", code=workshop.code, pk=session.pk),
        {"date": "2026-10-06", "start_time": "14:00", "end_time": "13:00"},
    )
    assert "The session ends before it starts." in main_text(backwards)
    client.post(page_url("activities:session_edit", code=workshop.code, pk=session.pk), {"date": "2026-10-06"})
    session.refresh_from_db()
    assert session.date == datetime.date(2026, 10, 6)
    client.post(page_url("activities:session_delete", code=workshop.code, pk=session.pk))
    assert not ActivitySession.objects.filter(pk=session.pk).exists()


def test_materials_are_added_as_links_or_files_and_deleted(client_as, users, workshop, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_as("focal")
    empty = client.post(page_url("activities:material_create", code=workshop.code), {"title": "Nothing", "order": 0})
    assert "Give a link or a file." in main_text(empty)
    client.post(
        page_url("activities:material_create", code=workshop.code),
        {"title": "Handbook", "url": "https://example.org/handbook", "order": 0},
    )
    client.post(
        page_url("activities:material_create", code=workshop.code),
        {"title": "Slides", "order": 1, "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 test")},
    )
    assert [m.title for m in workshop.materials.all()] == ["Handbook", "Slides"]
    slides = Material.objects.get(title="Slides")
    assert slides.file.name.endswith(".pdf")
    # Editing keeps the uploaded file unless another is given; a material needs a link or a file.
    client.post(
        page_url("activities:material_edit", code=workshop.code, pk=slides.pk), {"title": "Day 1 slides", "order": 1}
    )
    slides.refresh_from_db()
    assert slides.title == "Day 1 slides" and slides.file.name.endswith(".pdf")
    handbook = Material.objects.get(title="Handbook")
    emptied = client.post(
        page_url("activities:material_edit", code=workshop.code, pk=handbook.pk), {"title": "Handbook", "order": 0}
    )
    assert "Give a link or a file." in main_text(emptied)
    assert Material.objects.get(pk=handbook.pk).url == "https://example.org/handbook"
    client.post(page_url("activities:material_delete", code=workshop.code, pk=slides.pk))
    assert [m.title for m in workshop.materials.all()] == ["Handbook"]


def test_another_organisations_focal_point_cannot_open_the_forms(client_as, users, workshop, kebs):
    Activity.objects.filter(pk=workshop.pk).update(organiser=kebs)
    client = client_as("focal")
    for name in ("activities:activity_edit", "activities:activity_delete", "activities:session_create"):
        assert client.get(page_url(name, code=workshop.code)).status_code == 403


def test_registration_counts_come_from_registrations_not_cancelled(client_as, users, workshop):
    registrations = people(workshop, 6)
    services.registration_cancel(actor=None, registration=registrations[0])
    response = client_as("focal").get(page_url("activities:activity_detail", code=workshop.code))
    assert response.context["results"]["registered"] == 5
    assert Registration.objects.filter(activity=workshop).count() == 6


def test_french_months_are_written_in_full_or_as_french_abbreviations(client, db):
    from tests.activities.conftest import activity_build

    june = activity_build(
        code="juin", start_date=datetime.date(2026, 6, 3), end_date=datetime.date(2026, 7, 2), published=True
    )
    text = main_text(client.get(page_url("activities:activity_detail", "fr", code=june.code)))
    assert "3 juin 2026" in text and "2 juil. 2026" in text
    assert "jui 2026" not in text and "jul 2026" not in text


def test_french_labels_take_a_space_before_their_colon(client_as, db):
    from jalon.activities import services
    from tests.activities.conftest import activity_build

    activity = activity_build(code="colon")
    session = services.session_create(actor=None, activity=activity, date=activity.start_date)
    html = (
        client_as("manager")
        .get(page_url("activities:attendance_record", "fr", code=activity.code, pk=session.pk))
        .content.decode()
    )
    assert "Présence\u00a0:" in html or "Présence&nbsp;:" in html
