"""A person chosen by searching (issue 21, organisations.forms.PersonSearchField): the forms that name a person
(a leadership role, a delegate, a trainer) take a name or an e-mail address, resolved on the indexed match keys
among the people the user may see, offer a short select when several match, and never list every person: the
page costs the same queries and the same bytes at 5 people as at 60."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from jalon.committees.models import Committee, LeadershipRole, Meeting, MeetingDelegate
from jalon.organisations.models import Organisation, Person, PersonEmail, person_match_fields, person_match_reversed
from jalon.organisations.selectors import PEOPLE_FOUND_SHOWN, people_named

LANGUAGES = pytest.mark.parametrize("language", ["fr", "en"])
DAY = datetime.date(2025, 3, 10)


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def message(language: str, wording: str, **params) -> str:
    with translation.override(language):
        return translation.gettext(wording) % params if params else translation.gettext(wording)


def errors_of(response, field: str) -> list[str]:
    assert response.status_code == 200, "the form was expected back with its errors"
    return list(response.context["form"].errors.get(field, []))


NONE = (
    "No person you may choose is called “%(text)s”. Type their e-mail address, their family name, or the start of "
    "their name."
)
SEVERAL = "Several people match “%(text)s”: choose one in the list below."
TOO_MANY = "More than %(count)s people match “%(text)s”: type more of their name, or their e-mail address."


def people_make(count: int, organisation, *, given="Given", family="Family", email=True) -> list[Person]:
    """`count` people in one insert, with the match keys save() would set (bulk_create does not call it)."""
    made = []
    for n in range(count):
        details = {
            "given_name": f"{given}{n}" if given == "Given" else given,
            "family_name": f"{family}{n}" if family == "Family" else family,
            "email": f"{given}.{family}.{n}@example.org".lower() if email else "",
        }
        match_email, match_name = person_match_fields(details["email"], details["given_name"], details["family_name"])
        reversed_name = person_match_reversed(details["given_name"], details["family_name"])
        made.append(
            Person(
                organisation=organisation,
                match_email=match_email,
                match_name=match_name,
                match_name_reversed=reversed_name,
                **details,
            )
        )
    return Person.objects.bulk_create(made)


@pytest.fixture
def committee(db):
    return Committee.objects.create(
        body="other", kind="tc", reference="ARSO/TC 1", title={"en": "Regional", "fr": "Régional"}, sort_key="A"
    )


@pytest.fixture
def manager_client(client_as):
    return client_as("manager")


@pytest.fixture
def asn(db):
    return Organisation.objects.get(acronym="ASN")


@pytest.fixture
def known(asn):
    """Zoé N'Diaye (with an address), and two namesakes called Awa Diop (one without an address)."""
    zoe = Person.objects.create(given_name="Zoé", family_name="N'Diaye", email="zoe@asn.sn", organisation=asn)
    awa_one = Person.objects.create(given_name="Awa", family_name="Diop", email="awa@asn.sn", organisation=asn)
    awa_two = Person.objects.create(given_name="Awa", family_name="Diop", organisation=asn)
    return zoe, awa_one, awa_two


def role_form(asn, person: str, **more) -> dict:
    return {"role": "chair", "organisation": asn.acronym, "person": person, **more}


def test_a_role_names_its_person_by_name_in_either_order_or_by_email(manager_client, committee, asn, known):
    zoe = known[0]
    url = page_url("committees:role_create", pk=committee.pk)
    assert manager_client.post(url, role_form(asn, "  n'DIAYE   zoe ")).status_code == 302
    assert manager_client.post(url, role_form(asn, "ZOE@asn.sn")).status_code == 302
    # The address of a record joined into hers finds her too.
    PersonEmail.objects.create(person=zoe, email="z.ndiaye@old.example.org")
    assert manager_client.post(url, role_form(asn, "Z.Ndiaye@old.example.org")).status_code == 302
    assert [role.person for role in LeadershipRole.objects.order_by("pk")] == [zoe, zoe, zoe]


@LANGUAGES
def test_namesakes_are_offered_in_a_short_select_and_the_one_picked_is_saved(
    manager_client, committee, asn, known, language
):
    _, awa_one, awa_two = known
    url = page_url("committees:role_create", language, pk=committee.pk)
    response = manager_client.post(url, role_form(asn, "Awa Diop"))
    assert errors_of(response, "person") == [message(language, SEVERAL, text="Awa Diop")]
    page = response.content.decode()
    assert '<select name="person_pick" id="id_person_pick">' in page
    assert f'<option value="{awa_one.pk}">Awa Diop (awa@asn.sn, ASN)</option>' in page
    assert f'<option value="{awa_two.pk}">Awa Diop (ASN)</option>' in page
    assert '<input type="hidden" name="person_shown" value="Awa Diop">' in page
    assert '<label for="id_person_pick">' in page
    # Picked without changing the text: that one; the text changed meanwhile: the text is searched again.
    response = manager_client.post(url, role_form(asn, "Awa Diop", person_shown="Awa Diop", person_pick=awa_two.pk))
    assert response.status_code == 302
    response = manager_client.post(url, role_form(asn, "awa@asn.sn", person_shown="Awa Diop", person_pick=awa_two.pk))
    assert response.status_code == 302
    assert [role.person for role in LeadershipRole.objects.order_by("pk")] == [awa_two, awa_one]


@LANGUAGES
def test_no_match_and_too_many_matches_say_what_to_type(manager_client, committee, asn, known, language):
    url = page_url("committees:role_create", language, pk=committee.pk)
    response = manager_client.post(url, role_form(asn, "Nobody Here"))
    assert errors_of(response, "person") == [message(language, NONE, text="Nobody Here")]
    people_make(PEOPLE_FOUND_SHOWN + 1, asn, given="Fatou", family="Sow", email=False)
    response = manager_client.post(url, role_form(asn, "Fatou Sow"))
    assert errors_of(response, "person") == [message(language, TOO_MANY, text="Fatou Sow", count=PEOPLE_FOUND_SHOWN)]
    assert "person_pick" not in response.content.decode()
    # A picked id the user may not choose is not taken either: the text decides.
    response = manager_client.post(
        url, role_form(asn, "Nobody Here", person_shown="Nobody Here", person_pick="99999999")
    )
    assert errors_of(response, "person") == [message(language, NONE, text="Nobody Here")]
    assert not LeadershipRole.objects.exists()


def test_the_edit_form_shows_the_current_person_and_keeps_them_even_with_a_namesake(
    manager_client, committee, asn, known
):
    awa_two = known[2]
    role = LeadershipRole.objects.create(committee=committee, role="chair", organisation=asn, person=awa_two)
    url = page_url("committees:role_edit", pk=role.pk)
    page = manager_client.get(url).content.decode()
    assert 'name="person" value="Awa Diop"' in page
    assert f'<option value="{awa_two.pk}" selected>Awa Diop (ASN)</option>' in page
    form = role_form(asn, "Awa Diop", person_shown="Awa Diop", person_pick=awa_two.pk, version=role.version)
    assert manager_client.post(url, {**form, "note": "Re-elected"}).status_code == 302
    role.refresh_from_db()
    assert (role.person, role.note) == (awa_two, "Re-elected")
    # Emptied: no person (the field is optional on this form).
    response = manager_client.post(url, {**form, "person": "", "version": role.version})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.person is None


@LANGUAGES
def test_a_focal_point_finds_only_the_people_of_its_organisation_as_delegates(client_as, committee, asn, language):
    meeting = Meeting.objects.create(committee=committee, title={"en": "Plenary"}, start_date=DAY, end_date=DAY)
    own = Person.objects.create(given_name="Awa", family_name="Ndiaye", email="awa@asn.sn", organisation=asn)
    Person.objects.create(
        given_name="Jo",
        family_name="Otieno",
        email="jo@kebs.org",
        organisation=Organisation.objects.get(acronym="KEBS"),
    )
    focal = client_as("focal")
    url = page_url("committees:delegate_create", language, pk=meeting.pk)
    response = focal.post(url, {"person": "jo@kebs.org", "role": "delegate"})
    assert errors_of(response, "person") == [message(language, NONE, text="jo@kebs.org")]
    assert focal.post(url, {"person": "Awa@ASN.sn", "role": "delegate"}).status_code == 302
    assert MeetingDelegate.objects.get().person == own


def test_the_organiser_records_a_trainer_by_email(client_as, asn, known, users):
    from tests.activities.conftest import activity_build

    activity = activity_build(actor=users["focal"], code="search-trainer")
    client = client_as("focal")
    url = f"/en/activities/{activity.code}/trainers/"
    response = client.post(url, {"person": "Awa Diop"})
    assert errors_of(response, "person") == [message("en", SEVERAL, text="Awa Diop")]
    assert client.post(url, {"person": "awa@asn.sn"}).status_code == 302
    assert "Awa Diop" in client.get(url).content.decode()


# Constant cost: the page does not read the people ----------------------------------------------------------


def measured(client, method: str, url: str, data=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


@pytest.mark.parametrize(
    "page", ["role_create", "delegate_create", "trainers"], ids=["new role", "new delegate", "trainers"]
)
def test_the_forms_cost_the_same_queries_and_bytes_at_5_people_as_at_60(
    client_as, users, committee, asn, page, django_assert_num_queries
):
    meeting = Meeting.objects.create(committee=committee, title={"en": "Plenary"}, start_date=DAY, end_date=DAY)
    if page == "trainers":
        from tests.activities.conftest import activity_build

        activity = activity_build(actor=users["focal"], code="search-weight")
        client, url = client_as("focal"), f"/en/activities/{activity.code}/trainers/"
        expected = (5, 6)
    elif page == "delegate_create":
        client, url = client_as("focal"), page_url("committees:delegate_create", pk=meeting.pk)
        expected = (5, 6)
    else:
        client, url = client_as("manager"), page_url("committees:role_create", pk=committee.pk)
        expected = (4, 5)  # its organisation is typed too: no choices to read
    # The page: session, user, grants, the record it is about and its form's other choices; sent with a name,
    # one query more (the namesakes).
    people_make(5, asn)
    people_make(3, asn, given="Awa", family="Diop")
    small = measured(client, "get", url), measured(client, "post", url, {"person": "Awa Diop", "role": "delegate"})
    people_make(55, asn, given="Other", family="Family")
    people_make(3, asn, given="Awa", family="Diop")
    with django_assert_num_queries(expected[0]):
        get = client.get(url)
    with django_assert_num_queries(expected[1]):
        post = client.post(url, {"person": "Awa Diop", "role": "delegate"})
    assert (small[0][0], small[1][0]) == expected
    assert small[0][1] == len(get.content) < 6_000  # no list of every person, nor of every organisation
    # The select of namesakes grows with them (three more here), never with everyone else.
    assert len(post.content) < small[1][1] + 3 * 200


def test_the_team_invites_an_expert_found_by_email_or_picked_among_namesakes(manager_client, known):
    from jalon.knowledge.models import Expert

    _, _, awa_two = known
    url = page_url("knowledge:expert_invite")
    response = manager_client.post(url, {"person": "Awa Diop"})
    assert errors_of(response, "person") == [message("en", SEVERAL, text="Awa Diop")]
    response = manager_client.post(url, {"person": "Awa Diop", "person_shown": "Awa Diop", "person_pick": awa_two.pk})
    assert response.status_code == 302
    assert manager_client.post(url, {"person": "zoe@asn.sn"}).status_code == 302
    assert sorted(str(expert.person) for expert in Expert.objects.all()) == ["Awa Diop", "Zoé N'Diaye"]


# The search: the full name, the family name alone, the start of a name -------------------------------------


def named(text: str) -> list[str]:
    return [f"{person} <{person.email}>" for person in people_named(people=Person.objects.all(), text=text)]


def test_a_search_finds_the_full_name_else_the_family_name_else_the_start_of_a_name(
    asn, known, django_assert_num_queries
):
    Person.objects.create(given_name="Awa", family_name="Diopp", email="awa@diopp.sn", organisation=asn)
    both_diops = ["Awa Diop <awa@asn.sn>", "Awa Diop <>"]  # namesakes: the oldest record first
    # The full name, in either order, accents and case ignored: one query, and never the longer names.
    with django_assert_num_queries(1):
        assert named(" AWA   diop") == both_diops
    assert named("n'diaye ZOE") == named("Zoé N'Diaye") == ["Zoé N'Diaye <zoe@asn.sn>"]
    # The family name alone: every person of that family name, for the user to choose (a second query).
    with django_assert_num_queries(2):
        assert named("DIOP") == both_diops
    assert named("n'diayé") == named("NDIAYE") == named("n’diaye") == ["Zoé N'Diaye <zoe@asn.sn>"]
    # The start of the name, given name first or family name first (a third query).
    with django_assert_num_queries(3):
        assert named("awa di") == [*both_diops, "Awa Diopp <awa@diopp.sn>"]
    assert named("Dio") == [*both_diops, "Awa Diopp <awa@diopp.sn>"]
    assert named("diopp a") == ["Awa Diopp <awa@diopp.sn>"]
    assert named("ZO") == named("zoé n") == named("n'd") == named("ndi") == ["Zoé N'Diaye <zoe@asn.sn>"]
    # One letter designates too many people to ask; a name nobody starts with finds nobody.
    assert named("z") == named("awa x") == named("%") == named("_wa") == []


def test_a_search_returns_one_more_than_it_shows_so_that_the_form_says_type_more(asn):
    people_make(PEOPLE_FOUND_SHOWN + 5, asn, given="Mariama", family="Ba", email=False)
    assert len(named("mari")) == len(named("ba")) == PEOPLE_FOUND_SHOWN + 1


@LANGUAGES
def test_a_family_name_alone_offers_the_choice_of_that_family(manager_client, committee, asn, known, language):
    _, awa_one, awa_two = known
    url = page_url("committees:role_create", language, pk=committee.pk)
    response = manager_client.post(url, role_form(asn, "diop"))
    assert errors_of(response, "person") == [message(language, SEVERAL, text="diop")]
    page = response.content.decode()
    assert f'<option value="{awa_one.pk}">Awa Diop (awa@asn.sn, ASN)</option>' in page
    assert f'<option value="{awa_two.pk}">Awa Diop (ASN)</option>' in page
    # A start that one person has is theirs.
    assert manager_client.post(url, role_form(asn, "Zo")).status_code == 302
    assert LeadershipRole.objects.get().person == known[0]


def test_every_search_is_answered_from_an_index_of_the_keys(db, asn, known):
    """The plans of the searches' queries name the key's index: a prefix on PostgreSQL needs the pattern
    operator class (a default-collation index cannot serve LIKE), on SQLite a range (its LIKE never uses one).
    PostgreSQL prefers a scan of a table this small: sequential scans are priced out for the check."""
    with CaptureQueriesContext(connection) as captured:
        for text in ("awa diop", "diop", "awa d", "zoe@asn.sn"):
            people_named(people=Person.objects.all(), text=text)
    searches = [query["sql"] for query in captured if 'FROM "organisations_person" ' in query["sql"]]
    assert len(searches) == 7  # 1 + 2 + 3 + the address (a person's own)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql in searches:
            cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    for sql, plan in zip(searches, plans, strict=True):
        assert "person_match_" in plan, (sql, plan)
        assert "SCAN organisations_person" not in plan and "Seq Scan" not in plan, (sql, plan)


# An organisation chosen by searching (the leadership role form) ----------------------------------------------

ORGANISATION_NONE = "No organisation you may choose is called “%(text)s”. Type its acronym or part of its name."
ORGANISATION_SEVERAL = "Several organisations match “%(text)s”: choose one in the list below."


@LANGUAGES
def test_a_role_names_its_organisation_by_acronym_or_part_of_its_name(manager_client, committee, asn, language):
    url = page_url("committees:role_create", language, pk=committee.pk)
    page = manager_client.get(url).content.decode()
    assert "KEBS" not in page and 'name="organisation"' in page  # no list of every organisation
    response = manager_client.post(url, {"role": "chair", "organisation": "Nowhere Standards"})
    assert errors_of(response, "organisation") == [message(language, ORGANISATION_NONE, text="Nowhere Standards")]
    # Part of a name that several bodies share: a choice, not a guess.
    Organisation.objects.create(name={"en": "Association Sénégalaise des Normes"}, acronym="ASDN")
    response = manager_client.post(url, {"role": "chair", "organisation": "association senegalaise"})
    assert errors_of(response, "organisation") == [
        message(language, ORGANISATION_SEVERAL, text="association senegalaise")
    ]
    assert f'<option value="{asn.pk}">ASN (' in response.content.decode()
    data = {"role": "chair", "organisation": "association senegalaise", "organisation_shown": "association senegalaise"}
    assert manager_client.post(url, {**data, "organisation_pick": asn.pk}).status_code == 302
    # The acronym in any case finds it alone, even though another acronym contains it (ASN in ASNOR).
    Organisation.objects.create(name={"en": "Another body"}, acronym="ASNOR")
    assert manager_client.post(url, {"role": "secretariat", "organisation": "asn"}).status_code == 302
    assert [role.organisation for role in LeadershipRole.objects.order_by("pk")] == [asn, asn]
    # The edit form shows the current organisation, chosen.
    role = LeadershipRole.objects.order_by("pk").first()
    page = manager_client.get(page_url("committees:role_edit", language, pk=role.pk)).content.decode()
    assert 'name="organisation" value="ASN"' in page and f'<option value="{asn.pk}" selected>ASN (' in page


def test_a_committees_secretariat_is_typed_and_its_edit_page_shows_it_chosen(manager_client, asn):
    from jalon.committees.models import Committee

    data = {"body": "other", "kind": "tc", "reference": "ARSO/TC 9", "title_en": "Nine", "status": "active"}
    response = manager_client.post(page_url("committees:committee_create"), {**data, "secretariat": "asn"})
    assert response.status_code == 302
    committee = Committee.objects.get(reference="ARSO/TC 9")
    assert committee.secretariat == asn
    page = manager_client.get(page_url("committees:committee_edit", pk=committee.pk)).content.decode()
    assert 'name="secretariat" value="ASN"' in page and "KEBS" not in page
