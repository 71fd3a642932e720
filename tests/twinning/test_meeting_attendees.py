"""A quarterly meeting's attendees (issue 21): typed one a line (a name, its start, the family name alone or an
e-mail address), found among the two partners' people only; a line that finds several people comes back with
a select of them; the page never lists the partners' people: the same queries and bytes at 5 as at 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jalon.organisations.models import Person
from jalon.twinning.models import TwinningMeeting
from tests.twinning.conftest import days, make_active

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize("language", ["fr", "en"])
NONE = (
    "No person you may choose is called “%(text)s”. Type their e-mail address, their family name, or the start of "
    "their name."
)
SEVERAL = "Several people match “%(text)s”: choose one in the list below."


def message(language: str, wording: str, **params) -> str:
    with translation.override(language):
        return translation.gettext(wording) % params


@pytest.fixture
def arrangement(world, users):
    return make_active(world, users["manager"])


def url(arrangement, language: str = "en") -> str:
    return f"/{language}/twinning/{arrangement.pk}/meetings/new/"


def meeting(attendees: str, **more) -> dict:
    return {"date": days(-1).isoformat(), "mode": "virtual", "attendees": attendees, **more}


def test_attendees_are_typed_one_a_line_by_name_start_family_name_or_address(world, arrangement, client_as):
    martin = Person.objects.create(
        given_name="Luc", family_name="Martin", email="luc@afnor.org", organisation=world.afnor
    )
    typed = "awa diop\n  LUC@afnor.org \n\nclaire m\nAwa Diop\n"  # a repeated line counts once
    response = client_as("manager").post(url(arrangement), meeting(typed))
    assert response.status_code == 302, response.context["form"].errors
    attendees = TwinningMeeting.objects.get().attendees.order_by("pk")
    assert list(attendees) == [world.lead_person, world.nominee, martin]


@LANGUAGES
def test_a_line_that_finds_nobody_among_the_partners_says_so_in_the_users_language(
    world, arrangement, client_as, language
):
    Person.objects.create(given_name="Jo", family_name="Otieno", email="jo@kebs.org", organisation=world.kebs)
    response = client_as("manager").post(url(arrangement, language), meeting("Awa Diop\njo@kebs.org\nOtieno"))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        message(language, NONE, text="jo@kebs.org"),
        message(language, NONE, text="Otieno"),
    ]
    assert not TwinningMeeting.objects.exists()


@LANGUAGES
def test_namesakes_come_back_with_a_select_and_the_one_picked_is_recorded(world, arrangement, client_as, language):
    other_awa = Person.objects.create(given_name="Awa", family_name="Diop", email="awa2@asn.sn", organisation=world.asn)
    client = client_as("manager")
    response = client.post(url(arrangement, language), meeting("Claire Martin\ndiop"))
    assert response.context["form"].errors["attendees"] == [message(language, SEVERAL, text="diop")]
    page = response.content.decode()
    assert '<input type="hidden" name="attendees_shown" value="diop">' in page
    assert '<select name="attendees_pick" id="id_attendees_pick_2">' in page
    assert f'<option value="{world.nominee.pk}">Awa Diop (ASN)</option>' in page
    assert f'<option value="{other_awa.pk}">Awa Diop (awa2@asn.sn, ASN)</option>' in page
    # The line that found one person says whom: the same select, of one.
    assert '<label for="id_attendees_pick_1">' in page
    assert f'<option value="{world.lead_person.pk}" selected>Claire Martin (AFNOR)</option>' in page
    # The pick applies while its line reads as it did; a pick of someone outside the partners is not taken.
    data = meeting(
        "Claire Martin\n diop ",
        attendees_shown=["Claire Martin", "diop"],
        attendees_pick=[str(world.lead_person.pk), str(other_awa.pk)],
    )
    assert client.post(url(arrangement, language), data).status_code == 302
    assert set(TwinningMeeting.objects.get().attendees.all()) == {world.lead_person, other_awa}
    data = meeting("Awa Diop", attendees_shown=["Awa Diop"], attendees_pick=[str(world.lead_person.pk + 1000)])
    response = client.post(url(arrangement, language), data)
    assert response.context["form"].errors["attendees"] == [message(language, SEVERAL, text="Awa Diop")]


def measured(client, method: str, address: str, data=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(address, data) if method == "post" else client.get(address)
    assert response.status_code == 200, response.status_code
    return len(queries), len(response.content)


def people_make(count: int, organisation, given: str) -> None:
    for n in range(count):
        Person.objects.create(given_name=f"{given}{n}", family_name="Sall", organisation=organisation)


def test_the_meeting_form_costs_the_same_queries_and_bytes_at_5_people_as_at_60(
    world, arrangement, client_as, django_assert_num_queries
):
    client = client_as("manager")
    typed = meeting("Claire Martin\nsall")  # one line found, one the family name of too many (at 60)
    people_make(5, world.asn, "Moussa")
    small_get, small_post = measured(client, "get", url(arrangement)), measured(client, "post", url(arrangement), typed)
    people_make(55, world.afnor, "Marie")
    # session, user, grants, the arrangement; sent, the two lines' searches (one query for the full name, two
    # for the family name: the full name first, then the family name).
    with django_assert_num_queries(4):
        page = client.get(url(arrangement))
    assert small_get == (4, len(page.content))
    assert "Moussa" not in page.content.decode() and "attendees_pick" not in page.content.decode()
    with django_assert_num_queries(7):
        sent = client.post(url(arrangement), typed)
    assert small_post[0] == 7
    # At 5 a select of the 5 Salls; at 60, "more than 25: type more", without a select.
    assert len(sent.content) < small_post[1]
