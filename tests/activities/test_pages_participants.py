"""Participants through HTTP: the public registration form and the organisers' one, attendance for a
session, evaluations and completion, a person's history, and the personal-data tools (export, erase,
merge duplicates)."""

import datetime
import json

import pytest
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.activities import services
from jalon.activities.models import Activity, Attendance, Registration
from jalon.organisations.models import Organisation, Person
from tests.activities.conftest import activity_build, country, register
from tests.activities.test_pages import main_text, page_url


@pytest.fixture
def workshop(db):
    return activity_build()


def registration_form(**changes) -> dict:
    data = {
        "given_name": "Awa",
        "family_name": "Diop",
        "email": "awa.diop@example.sn",
        "sex": "female",
        "organisation": Organisation.objects.get(acronym="ASN").pk,
        "country": country("SEN").pk,
        "function": "nsb_staff",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Registration -----------------------------------------------------------------------------------------------


def test_anyone_registers_for_an_open_activity_and_gets_a_confirmation_page(client, workshop):
    response = client.post(page_url("activities:registration_create", code=workshop.code), registration_form())
    assert response["Location"] == page_url("activities:registration_done", code=workshop.code)
    registration = Registration.objects.get(activity=workshop)
    person = registration.person
    assert (person.given_name, person.family_name, person.email, person.sex, person.function) == (
        "Awa",
        "Diop",
        "awa.diop@example.sn",
        "female",
        "nsb_staff",
    )
    assert registration.source == Registration.Source.FORM
    done = client.get(response["Location"])
    assert "Your registration for “GSP workshop” is recorded." in main_text(done)


def test_the_registration_form_works_in_french(client, workshop):
    page = client.get(page_url("activities:registration_create", "fr", code=workshop.code))
    with translation.override("fr"):
        assert translation.gettext("Register for this activity") in main_text(page)
    response = client.post(
        page_url("activities:registration_create", "fr", code=workshop.code), registration_form(), follow=True
    )
    assert "Atelier BPN" in main_text(response)


def test_sex_is_optional_and_missing_fields_are_named(client, workshop):
    response = client.post(
        page_url("activities:registration_create", code=workshop.code),
        registration_form(sex=None, email="not-an-address", given_name="", function="wizard"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "given_name", "function"}
    assert "Please correct the fields marked below." in main_text(response)
    assert not Registration.objects.exists()
    ok = client.post(page_url("activities:registration_create", code=workshop.code), registration_form(sex=None))
    assert ok.status_code == 302
    assert Person.objects.get(email="awa.diop@example.sn").sex == ""


def test_the_public_form_says_nothing_of_known_addresses_and_the_team_merges_the_records(client, workshop):
    """Whoever types an address on the public form learns nothing about it (is it known? whose is it?) and
    takes no existing record: each registration makes a new one, which the team's duplicates tool lists."""
    from jalon.activities.people import people_duplicates

    url = page_url("activities:registration_create", code=workshop.code)
    first = client.post(url, registration_form())
    again = client.post(url, registration_form(given_name="A.", email="AWA.DIOP@example.sn"))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert "Diop" not in main_text(client.get(again["Location"]))
    people = Person.objects.filter(email__iexact="awa.diop@example.sn")
    assert people.count() == 2 and {p.given_name for p in people} == {"Awa", "A."}
    assert any({p.pk for p in group.people} == {p.pk for p in people} for group in people_duplicates())


def test_registration_is_closed_unless_the_activity_is_open(client, workshop):
    Activity.objects.filter(pk=workshop.pk).update(status=Activity.Status.PLANNED)
    page = client.get(page_url("activities:registration_create", code=workshop.code))
    assert page.status_code == 403
    assert "Registration is not open" in main_text(page)
    refused = client.post(page_url("activities:registration_create", code=workshop.code), registration_form())
    assert refused.status_code == 403
    assert not Registration.objects.exists()


def test_a_full_activity_says_so(client, workshop):
    Activity.objects.filter(pk=workshop.pk).update(capacity=1)
    client.post(page_url("activities:registration_create", code=workshop.code), registration_form())
    response = client.post(
        page_url("activities:registration_create", code=workshop.code),
        registration_form(email="other@example.sn", given_name="Other"),
    )
    assert "This activity is full (1 places)." in main_text(response)


def test_an_organiser_registers_someone_even_before_registration_opens(client_as, users, workshop):
    Activity.objects.filter(pk=workshop.pk).update(status=Activity.Status.PLANNED)
    client = client_as("focal")
    response = client.post(
        page_url("activities:registration_create", code=workshop.code),
        registration_form(email="", country="", function=""),
    )
    assert response["Location"] == page_url("activities:activity_detail", code=workshop.code)
    registration = Registration.objects.get()
    assert registration.source == Registration.Source.MANUAL
    again = client.post(page_url("activities:registration_create", code=workshop.code), registration_form(email=""))
    # Organisers may know who: the message names the person.
    assert "Awa Diop is already registered for this activity." in main_text(again)


# Attendance -------------------------------------------------------------------------------------------------


def test_attendance_is_recorded_for_all_registrants_in_one_form(client_as, users, workshop):
    session = services.session_create(actor=None, activity=workshop, date=workshop.start_date)
    first, second, third = (
        register(workshop, given_name=name, family_name="Test", email=f"{name}@example.org")
        for name in ("Ana", "Ben", "Cheikh")
    )
    client = client_as("focal")
    url = page_url("activities:attendance_record", code=workshop.code, pk=session.pk)
    form = client.get(url)
    html = form.content.decode()
    assert html.count('type="checkbox" name="present"') == 3
    assert f'<label for="present-{first.pk}">Ana Test</label>' in html
    response = client.post(url, {"present": [first.pk, third.pk]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("registration_id", "present")) == {
        first.pk: True,
        second.pk: False,
        third.pk: True,
    }
    # The form shows what was recorded; unticking one records them absent.
    assert f'value="{first.pk}" id="present-{first.pk}" checked' in client.get(url).content.decode()
    client.post(url, {"present": [third.pk]})
    assert not Attendance.objects.get(registration=first).present


def test_attendance_ignores_what_is_not_a_registrant_of_this_activity(client_as, users, workshop):
    session = services.session_create(actor=None, activity=workshop, date=workshop.start_date)
    mine = register(workshop, given_name="Ana", family_name="Test")
    elsewhere = register(activity_build(code="other"), given_name="Ben", family_name="Test")
    client_as("focal").post(
        page_url("activities:attendance_record", code=workshop.code, pk=session.pk),
        {"present": [mine.pk, elsewhere.pk, "garbage"]},
    )
    assert list(Attendance.objects.values_list("registration_id", "present")) == [(mine.pk, True)]


def test_a_session_of_another_activity_is_not_found(client_as, users, workshop):
    other = activity_build(code="other")
    session = services.session_create(actor=None, activity=other, date=other.start_date)
    response = client_as("focal").get(page_url("activities:attendance_record", code=workshop.code, pk=session.pk))
    assert response.status_code == 404


# Evaluations and completion ----------------------------------------------------------------------------------


def evaluation_form(registration, **changes) -> dict:
    data = {
        "version": registration.version,
        "pre_test_score": "45",
        "post_test_score": "80.5",
        "satisfaction": "4",
        "satisfaction_comment": "Useful",
        "followup_applied": "partly",
        "followup_comment": "",
        "followup_date": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_organiser_records_evaluations_and_completion_which_issues_a_certificate(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test")
    url = page_url("activities:evaluation_record", code=workshop.code, pk=registration.pk)
    response = client_as("focal").post(url, evaluation_form(registration, completed="on"))
    assert response["Location"] == page_url("activities:activity_detail", code=workshop.code)
    registration.refresh_from_db()
    assert (registration.pre_test_score, registration.post_test_score, registration.satisfaction) == (45, 80.5, 4)
    assert registration.followup_applied == "partly"
    assert registration.followup_date == datetime.date.today()
    assert registration.completed and registration.certificate_code
    page = client_as("focal").get(page_url("activities:activity_detail", code=workshop.code))
    assert page.context["results"]["average_gain"] == 35.5
    assert registration.certificate_code in page.content.decode()


def test_evaluation_mistakes_are_named_and_nothing_is_saved(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test")
    url = page_url("activities:evaluation_record", code=workshop.code, pk=registration.pk)
    response = client_as("focal").post(
        url,
        evaluation_form(
            registration, pre_test_score="140", satisfaction="9", followup_date="2020-01-01", completed="on"
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"pre_test_score", "satisfaction"}
    response = client_as("focal").post(url, evaluation_form(registration, followup_date="2020-01-01", completed="on"))
    assert "The follow-up cannot come before the activity." in main_text(response)
    registration.refresh_from_db()
    assert registration.pre_test_score is None and not registration.completed


def test_an_evaluation_from_a_stale_page_is_refused(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test")
    stale = registration.version
    services.evaluation_record(actor=None, registration=registration, satisfaction=2)
    response = client_as("focal").post(
        page_url("activities:evaluation_record", code=workshop.code, pk=registration.pk),
        evaluation_form(registration, version=stale),
    )
    assert "Someone else changed this record while you were editing it." in main_text(response)
    registration.refresh_from_db()
    assert registration.satisfaction == 2


def test_unticking_completed_withdraws_the_certificate(client_as, users, workshop):
    registration = services.registration_complete(
        actor=None, registration=register(workshop, given_name="Ana", family_name="Test")
    )
    client_as("focal").post(
        page_url("activities:evaluation_record", code=workshop.code, pk=registration.pk),
        evaluation_form(registration),
    )
    registration.refresh_from_db()
    assert not registration.completed and registration.certificate_code is None


def test_a_registration_is_cancelled_by_its_organiser(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test")
    client_as("focal").post(page_url("activities:registration_cancel", code=workshop.code, pk=registration.pk))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


# A person's history --------------------------------------------------------------------------------------------


def test_a_persons_history_lists_their_activities_attendance_evaluations_and_certificates(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test", email="ana@example.org")
    session = services.session_create(actor=None, activity=workshop, date=workshop.start_date)
    services.attendance_record(actor=None, session=session, present={registration.pk: True})
    services.evaluation_record(actor=None, registration=registration, pre_test_score=40, post_test_score=90)
    registration = services.registration_complete(actor=None, registration=registration)
    response = client_as("focal").get(page_url("activities:person_detail", pk=registration.person_id))
    text = main_text(response)
    for expected in ("Ana Test", "ana@example.org", "GSP workshop", "40", "90", registration.certificate_code):
        assert expected in text
    assert response.context["registrations"][0].sessions_attended == 1
    # The focal point is not the programme team: no export, erase or merge.
    assert "Export this person's data" not in text and "Erase this person's data" not in text


def test_a_focal_point_sees_only_the_history_in_their_own_activities(client_as, users, workshop, kebs):
    person_registration = register(workshop, given_name="Ana", family_name="Test", email="ana@example.org")
    elsewhere = activity_build(code="kenya", organiser=kebs, countries=[country("KEN")], title={"en": "Kenyan course"})
    services.registration_create(actor=None, activity=elsewhere, person=person_registration.person)
    focal = client_as("focal").get(page_url("activities:person_detail", pk=person_registration.person_id))
    assert "GSP workshop" in main_text(focal) and "Kenyan course" not in main_text(focal)
    manager = client_as("manager").get(page_url("activities:person_detail", pk=person_registration.person_id))
    assert "Kenyan course" in main_text(manager)


def test_a_person_is_hidden_from_who_does_not_organise_their_activities(client_as, users, workshop, kebs):
    registration = register(workshop, given_name="Ana", family_name="Test")
    Activity.objects.filter(pk=workshop.pk).update(organiser=kebs)
    for role in ("focal", "viewer", "plain"):
        assert client_as(role).get(page_url("activities:person_detail", pk=registration.person_id)).status_code == 404


def test_the_programme_team_exports_a_persons_data_as_json(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test", email="ana@example.org")
    response = client_as("manager").get(page_url("activities:person_export", pk=registration.person_id))
    assert response["Content-Type"].startswith("application/json")
    assert 'attachment; filename="person-' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == "ana@example.org"
    assert data["registrations"][0]["activity"]["code"] == workshop.code


def test_erasing_asks_first_then_anonymises_and_keeps_the_participation(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test", email="ana@example.org", sex="female")
    client = client_as("manager")
    url = page_url("activities:person_erase", pk=registration.person_id)
    confirm = client.get(url)
    assert "Erase the personal data of Ana Test?" in main_text(confirm)
    assert Person.objects.get(pk=registration.person_id).email == "ana@example.org"
    response = client.post(url, follow=True)
    person = Person.objects.get(pk=registration.person_id)
    assert person.anonymised_at and person.email == "" and person.sex == "female"
    assert "Ana" not in main_text(response) and "Personal data erased." in main_text(response)
    assert Registration.objects.filter(pk=registration.pk).exists()
    # Erased already: the page says so rather than offering it again.
    assert client.get(url, follow=True).context["can_erase"] is False


def test_the_merge_tool_lists_duplicates_shows_the_join_and_joins_them(client_as, users, workshop):
    asn = Organisation.objects.get(acronym="ASN")
    first = Person.objects.create(given_name="Awa", family_name="Diop", organisation=asn)
    second = Person.objects.create(given_name="AWA", family_name="Diop", organisation=asn, email="awa@example.sn")
    services.registration_create(actor=None, activity=workshop, person=first)
    other = activity_build(code="other", title={"en": "Second workshop"})
    services.registration_create(actor=None, activity=other, person=second)
    client = client_as("manager")
    listing = client.get(page_url("activities:person_merge"))
    assert "Same name in the same organisation" in main_text(listing)
    [group] = listing.context["groups"]
    assert [person.activities_count for person in group.people] == [1, 1]
    query = f"?keep={first.pk}&duplicates={second.pk}"
    confirm = client.get(page_url("activities:person_merge_confirm") + query)
    text = main_text(confirm)
    assert "Join these records?" in text and "GSP workshop" in text and "Second workshop" in text
    assert Person.objects.filter(pk=second.pk).exists()
    response = client.post(page_url("activities:person_merge_confirm"), {"keep": first.pk, "duplicates": [second.pk]})
    assert response["Location"] == page_url("activities:person_detail", pk=first.pk)
    assert not Person.objects.filter(pk=second.pk).exists()
    first.refresh_from_db()
    assert first.email == "awa@example.sn"
    assert first.registrations.count() == 2
    assert AuditEntry.objects.filter(model="organisations.person", object_id=str(second.pk), action="delete").exists()
    assert client.get(page_url("activities:person_merge")).context["groups"] == []


def test_the_merge_confirmation_refuses_nonsense_with_a_message(client_as, users, db):
    person = Person.objects.create(given_name="Awa", family_name="Diop")
    client = client_as("manager")
    for query in ("", f"?keep={person.pk}&duplicates={person.pk}", "?keep=abc&duplicates=999999"):
        response = client.get(page_url("activities:person_merge_confirm") + query, follow=True)
        assert response.redirect_chain[-1][0] == page_url("activities:person_merge")
        assert response.context["messages"]
    assert Person.objects.filter(pk=person.pk).exists()


def test_only_the_platform_wide_team_may_merge_export_or_erase(client_as, users, workshop):
    registration = register(workshop, given_name="Ana", family_name="Test")
    for role in ("focal", "contributor", "viewer"):
        client = client_as(role)
        assert client.get(page_url("activities:person_merge")).status_code == 403
        assert client.get(page_url("activities:person_export", pk=registration.person_id)).status_code in (403, 404)
        assert client.post(page_url("activities:person_erase", pk=registration.person_id)).status_code in (403, 404)
    assert Person.objects.get(pk=registration.person_id).anonymised_at is None


def test_a_second_address_of_the_same_name_in_one_activity_is_flagged_with_the_join_to_review(client_as, workshop):
    client = client_as("manager")
    url = page_url("activities:registration_create", code=workshop.code)
    client.post(url, registration_form(email="awa.diop@example.sn"))
    response = client.post(
        url, registration_form(given_name="Awa", family_name="DIOP", email="awa@other.sn"), follow=True
    )
    [first, second] = Person.objects.filter(family_name__iexact="diop").order_by("pk")
    warning = [str(message) for message in response.context["messages"] if message.level_tag == "warning"]
    assert len(warning) == 1 and "already registered with the same name and organisation" in warning[0]
    assert f"keep={first.pk}&amp;duplicates={second.pk}" in response.content.decode()
    # The duplicates page suggests them too, without ticking the join: the team checks first.
    listing = client.get(page_url("activities:person_merge"))
    [group] = listing.context["groups"]
    assert group.reason == "name_emails" and [p.pk for p in group.people] == [first.pk, second.pk]
    assert "different emails" in main_text(listing)


def test_any_two_records_can_be_found_and_joined_from_the_duplicates_page(client_as, db):
    asn = Organisation.objects.get(acronym="ASN")
    first = Person.objects.create(given_name="Séydou", family_name="Bâ", organisation=asn, email="s.ba@asn.sn")
    second = Person.objects.create(given_name="Seydou", family_name="Ba Diallo", email="seydou@gmail.com")
    client = client_as("manager")
    listing = client.get(page_url("activities:person_merge"), {"q": "seydou ba"})
    assert [person.pk for person in listing.context["found"]] == [first.pk, second.pk]
    assert listing.context["groups"] == []
    confirm = client.get(page_url("activities:person_merge_confirm"), {"keep": first.pk, "duplicates": second.pk})
    assert f"(#{first.pk})" in main_text(confirm) and "(#)" not in main_text(confirm)
    assert client.get(page_url("activities:person_merge"), {"q": "nobody-here"}).context["found"] == []
