"""The committee forms through HTTP: what the programme team and focal points record by hand, and the
messages a wrong entry gets, beside the input it is about, in French and in English."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.committees.models import Committee, LeadershipRole, Meeting, MeetingDelegate, ParticipationEvent
from jalon.organisations.models import Organisation, Person

LANGUAGES = pytest.mark.parametrize("language", ["fr", "en"])
DAY = datetime.date(2025, 3, 10)


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def message(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def errors_of(response, field: str) -> list[str]:
    assert response.status_code == 200, "the form was expected back with its errors"
    return list(response.context["form"].errors.get(field, []))


@pytest.fixture
def manager(client_as):
    return client_as("manager")


@pytest.fixture
def committee(db):
    return Committee.objects.create(
        body="other", kind="tc", reference="ARSO/TC 1", title={"en": "Regional", "fr": "Régional"}, sort_key="A"
    )


@pytest.fixture
def meeting(committee):
    return Meeting.objects.create(
        committee=committee, title={"en": "Plenary"}, start_date=DAY, end_date=DAY, city="Dakar"
    )


def committee_form(**changes) -> dict:
    return {
        "body": "other",
        "kind": "regional_group",
        "reference": "ARSO/RG 2",
        "title_en": "Regional group on conformity",
        "title_fr": "Groupe régional sur la conformité",
        "status": "active",
        **changes,
    }


@LANGUAGES
def test_the_team_adds_a_committee_of_another_body_and_sees_it_in_its_language(manager, committee, language):
    response = manager.post(page_url("committees:committee_create", language), committee_form(parent="arso/tc 1"))
    created = Committee.objects.get(reference="ARSO/RG 2")
    assert response.status_code == 302 and response["Location"].endswith(f"/committees/{created.pk}/")
    assert created.parent == committee
    assert created.title == {"en": "Regional group on conformity", "fr": "Groupe régional sur la conformité"}
    page = manager.get(page_url("committees:committee_detail", language, pk=created.pk)).content.decode()
    expected = "Groupe régional sur la conformité" if language == "fr" else "Regional group on conformity"
    assert expected in page


@LANGUAGES
def test_a_committee_needs_a_title_a_free_reference_a_known_parent_and_a_disbanding_date(manager, committee, language):
    url = page_url("committees:committee_create", language)
    response = manager.post(url, committee_form(title_en="", title_fr=""))
    assert errors_of(response, "title") == [message(language, "Give the committee's title in at least one language.")]
    response = manager.post(url, committee_form(reference="ARSO/TC 1", kind="tc"))
    assert errors_of(response, "reference") == [
        message(language, "A committee with this reference already exists in this body.")
    ]
    response = manager.post(url, committee_form(parent="ARSO/TC 404"))
    assert errors_of(response, "parent") == [
        message(language, "No committee has the reference %(reference)s.") % {"reference": "ARSO/TC 404"}
    ]
    response = manager.post(url, committee_form(status="disbanded"))
    assert errors_of(response, "disbanded_on") == [message(language, "Give the date the committee was disbanded.")]
    response = manager.post(url, committee_form(creation_date="31/02/2025", website="not a link"))
    assert errors_of(response, "creation_date") and errors_of(response, "website")
    assert not Committee.objects.filter(reference="ARSO/RG 2").exists()


def test_an_edit_from_a_stale_page_is_refused_with_a_message(manager, committee):
    url = page_url("committees:committee_edit", pk=committee.pk)
    form = manager.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title_en="First edit")
    assert manager.post(url, data).status_code == 302
    data.update(title_en="Second edit from the old page")
    response = manager.post(url, data)
    assert response.status_code == 200
    assert "Someone else changed this" in " ".join(response.context["form"].non_field_errors())
    committee.refresh_from_db()
    assert committee.title["en"] == "First edit"


@LANGUAGES
def test_a_change_of_member_status_is_dated_and_shown_in_the_history(manager, committee, language):
    kebs = Organisation.objects.get(acronym="KEBS")
    url = page_url("committees:membership_change", language, pk=committee.pk)
    assert manager.post(url, {"member": kebs.acronym, "status": "o", "on": "2025-01-01"}).status_code == 302
    assert manager.post(url, {"member": kebs.acronym, "status": "p", "on": "2025-06-01"}).status_code == 302
    kinds = list(ParticipationEvent.objects.filter(committee=committee).order_by("date").values_list("kind", flat=True))
    assert kinds == ["joined_o", "o_to_p"]
    page = manager.get(page_url("committees:committee_detail", language, pk=committee.pk)).content.decode()
    assert message(language, "Moved from O to P") in page
    # Dating a change before the current status began, or ending a membership that does not exist.
    response = manager.post(url, {"member": kebs.acronym, "status": "o", "on": "2025-02-01"})
    assert errors_of(response, "on") == [
        message(language, "The change cannot be dated before the current status began (%(date)s).")
        % {"date": "2025-06-01"}
    ]
    afnor = Organisation.objects.get(acronym="AFNOR")
    response = manager.post(url, {"member": afnor.acronym, "status": "left", "on": "2025-02-01"})
    assert errors_of(response, "__all__") == [message(language, "This organisation is not a member of this committee.")]


@LANGUAGES
def test_a_meeting_in_person_needs_a_place_and_ends_after_it_starts(manager, committee, language):
    url = page_url("committees:meeting_create", language, pk=committee.pk)
    response = manager.post(url, {"title_en": "Plenary", "start_date": "2025-05-01", "mode": "in_person"})
    assert errors_of(response, "city") == [message(language, "Give the place of an in-person or hybrid meeting.")]
    response = manager.post(
        url, {"start_date": "2025-05-03", "end_date": "2025-05-01", "mode": "virtual", "title_en": "Plenary"}
    )
    assert errors_of(response, "end_date") == [message(language, "The meeting ends before it starts.")]
    response = manager.post(url, {"start_date": "", "mode": "virtual"})
    assert errors_of(response, "start_date")
    assert not Meeting.objects.exists()
    response = manager.post(url, {"start_date": "2025-05-01", "mode": "virtual", "title_fr": "Plénière"})
    assert response.status_code == 302
    assert Meeting.objects.get().end_date == datetime.date(2025, 5, 1)


@LANGUAGES
def test_a_leadership_role_ends_after_it_starts_and_its_person_belongs_to_its_organisation(
    manager, committee, language
):
    asn, kebs = Organisation.objects.get(acronym="ASN"), Organisation.objects.get(acronym="KEBS")
    url = page_url("committees:role_create", language, pk=committee.pk)
    response = manager.post(
        url, {"role": "chair", "organisation": asn.acronym, "start_date": "2025-05-01", "end_date": "2025-01-01"}
    )
    assert errors_of(response, "end_date") == [message(language, "The end date is before the start date.")]
    Person.objects.create(given_name="Jo", family_name="Otieno", organisation=kebs)
    response = manager.post(url, {"role": "chair", "organisation": asn.acronym, "person": "Jo Otieno"})
    assert errors_of(response, "person") == [message(language, "This person belongs to another organisation.")]
    assert manager.post(url, {"role": "convenor", "organisation": asn.acronym}).status_code == 302
    assert LeadershipRole.objects.get().role == "convenor"


@LANGUAGES
def test_a_focal_point_registers_its_delegate_once_and_sees_it_on_the_committee_page(
    client_as, committee, meeting, nsb, language
):
    focal = client_as("focal")
    Person.objects.create(given_name="Awa", family_name="Ndiaye", organisation=nsb)
    url = page_url("committees:delegate_create", language, pk=meeting.pk)
    assert focal.post(url, {"person": "Awa Ndiaye", "role": "head"}).status_code == 302
    response = focal.post(url, {"person": "ndiaye awa", "role": "delegate"})
    assert errors_of(response, "person") == [message(language, "This person is already registered for this meeting.")]
    delegate = MeetingDelegate.objects.get()
    assert (delegate.organisation, delegate.role) == (nsb, "head")
    page = focal.get(page_url("committees:committee_detail", language, pk=committee.pk)).content.decode()
    assert "Ndiaye" in page
    assert (
        "Ndiaye"
        not in client_as(None).get(page_url("committees:committee_detail", language, pk=committee.pk)).content.decode()
    )


@LANGUAGES
def test_presence_is_recorded_only_once_a_meeting_has_started(client_as, committee, nsb, language):
    future = datetime.date.today() + datetime.timedelta(days=30)
    meeting = Meeting.objects.create(committee=committee, start_date=future, end_date=future, mode="virtual")
    person = Person.objects.create(given_name="Awa", family_name="Ndiaye", organisation=nsb)
    delegate = MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=nsb)
    focal = client_as("focal")
    response = focal.post(
        page_url("committees:delegate_edit", language, pk=delegate.pk),
        {"role": "delegate", "present": "on", "version": delegate.version},
    )
    assert errors_of(response, "present") == [
        message(language, "The meeting has not started yet: presence is recorded once it has.")
    ]
    delegate.refresh_from_db()
    assert not delegate.present


@LANGUAGES
def test_a_contribution_needs_a_title_and_a_date(client_as, meeting, nsb, language):
    url = page_url("committees:contribution_create", language, pk=meeting.pk)
    response = client_as("focal").post(url, {"organisation": nsb.pk, "title": "", "submitted_on": "not a date"})
    assert errors_of(response, "title") and errors_of(response, "submitted_on")
    response = client_as("focal").post(url, {"organisation": nsb.pk, "title": "Comments", "submitted_on": "2025-03-01"})
    assert response.status_code == 302


@LANGUAGES
def test_a_correspondent_member_made_a_p_member_is_recorded_with_a_warning(manager, language):
    iso_committee = Committee.objects.create(
        body="iso", kind="tc", reference="ISO/TC 9177", title={"en": "Test"}, sort_key="ISO/TC 9177"
    )
    anmc = Organisation.objects.get(acronym="ANMC")  # an ISO correspondent member (shipped directory)
    url = page_url("committees:membership_change", language, pk=iso_committee.pk)
    response = manager.post(url, {"member": anmc.acronym, "status": "o", "on": "2026-06-01"}, follow=True)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]
    response = manager.post(url, {"member": anmc.acronym, "status": "p", "on": "2026-07-01"}, follow=True)
    [warning] = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert message(language, "correspondent") in warning or "correspondant" in warning
    assert "ANMC" in warning
    assert ParticipationEvent.objects.filter(committee=iso_committee, kind="o_to_p").exists()


def test_the_api_returns_the_warning_with_the_membership(client_as, db):
    iso_committee = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 9178", title={"en": "T"})
    anmc = Organisation.objects.get(acronym="ANMC")
    kebs = Organisation.objects.get(acronym="KEBS")
    client = client_as("manager")
    for member, warned in ((anmc, True), (kebs, False)):
        response = client.post(
            "/api/v1/committee-memberships/",
            {"committee": iso_committee.pk, "member": member.pk, "status": "p", "on": "2026-06-01"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert bool(response.json()["warnings"]) is warned
