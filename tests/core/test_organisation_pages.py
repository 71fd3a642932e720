"""Organisation create, edit and delete pages, in French and English, role by role."""

import pytest

from jalon.accounts.models import AuditEntry
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from tests.factories import OrganisationFactory


def form_data(**overrides) -> dict:
    data = {
        "name_fr": "",
        "name_en": "Agence de normalisation du Togo",
        "acronym": "TGNA",
        "kind": "nsb",
        "country": str(Country.objects.get(iso3="TGO").pk),
        "website": "https://tgna.example.org",
        "email": "contact@tgna.example.org",
        "description_en": "",
        "description_fr": "",
        "iso_member_id": "",
        "iati_identifier": "",
        "published": "on",
    }
    if "name" in overrides:  # the official name, typed in the English input
        overrides["name_en"] = overrides.pop("name")
    data.update(overrides)
    return data


def edit_data(organisation: Organisation, **overrides) -> dict:
    data = form_data(
        name_en=organisation.name.given("en"),
        name_fr=organisation.name.given("fr"),
        acronym=organisation.acronym,
        kind=organisation.kind,
        country=str(organisation.country_id or ""),
        website=organisation.website,
        email=organisation.email,
        iso_member_id=str(organisation.iso_member_id or ""),
        version=str(organisation.version),
    )
    if "name" in overrides:
        overrides["name_en"] = overrides.pop("name")
    data.update(overrides)
    return data


# Create --------------------------------------------------------------------------------------------------


def test_a_programme_manager_creates_an_organisation(client_as):
    client = client_as("manager")
    assert client.get("/en/organisations/new/").status_code == 200
    response = client.post("/en/organisations/new/", form_data())
    organisation = Organisation.objects.get(acronym="TGNA")
    assert response.status_code == 302
    assert response["Location"] == f"/en/organisations/{organisation.pk}/"
    assert (organisation.name, organisation.country.iso3, organisation.kind, organisation.published) == (
        {"en": "Agence de normalisation du Togo"},
        "TGO",
        "nsb",
        True,
    )
    entry = AuditEntry.objects.get(model="organisations.organisation", object_id=str(organisation.pk))
    assert (entry.action, entry.actor_name) == ("create", "manager")
    page = client.get(response["Location"]).content.decode()
    assert "Organisation created." in page
    assert "Agence de normalisation du Togo" in page


def test_the_create_form_shows_field_errors_in_french_on_french_pages(client_as):
    count = Organisation.objects.count()
    response = client_as("manager").post("/fr/organisations/new/", form_data(name="", website="pas une adresse"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Indiquez ce texte dans au moins une langue."],
        "website": ["Saisissez une URL valide."],
    }
    page = response.content.decode()
    assert '<span class="error">Indiquez ce texte dans au moins une langue.</span>' in page
    assert '<span class="error">Saisissez une URL valide.</span>' in page
    assert Organisation.objects.count() == count


def test_the_create_form_shows_field_errors_in_english_on_english_pages(client_as, english):
    response = client_as("manager").post("/en/organisations/new/", form_data(name="", website="not a website"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Give this text in at least one language."],
        "website": ["Enter a valid URL."],
    }
    page = response.content.decode()
    assert '<span class="error">Give this text in at least one language.</span>' in page
    assert '<span class="error">Enter a valid URL.</span>' in page


def test_the_create_form_refuses_an_unknown_kind_and_a_country_that_does_not_exist(client_as, english):
    response = client_as("manager").post("/en/organisations/new/", form_data(kind="embassy", country="999999"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "kind": ["Select a valid choice. embassy is not one of the available choices."],
        "country": ["Select a valid choice. That choice is not one of the available choices."],
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("plain", 403),
        ("viewer", 403),
        ("contributor", 403),
        ("focal", 403),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_only_the_programme_team_may_open_the_create_form(client_as, role, status):
    response = client_as(role).get("/en/organisations/new/")
    assert response.status_code == status
    if role is None:
        assert response["Location"] == "/en/accounts/login/?next=/en/organisations/new/"


def test_a_refused_user_cannot_create_by_posting_either(client_as):
    count = Organisation.objects.count()
    assert client_as("viewer").post("/en/organisations/new/", form_data()).status_code == 403
    assert Organisation.objects.count() == count


# Edit ----------------------------------------------------------------------------------------------------


def test_a_programme_manager_edits_an_organisation(client_as, other_nsb):
    client = client_as("manager")
    page = client.get(f"/en/organisations/{other_nsb.pk}/edit/").content.decode()
    assert '<input type="hidden" name="version" value="1" id="id_version">' in page
    response = client.post(
        f"/en/organisations/{other_nsb.pk}/edit/", edit_data(other_nsb, name="Kenya Bureau of Standards (KEBS)")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/organisations/{other_nsb.pk}/"
    other_nsb.refresh_from_db()
    assert (other_nsb.name, other_nsb.version) == ({"en": "Kenya Bureau of Standards (KEBS)"}, 2)
    entry = AuditEntry.objects.get(model="organisations.organisation", object_id=str(other_nsb.pk), action="update")
    assert (entry.actor_name, entry.after["name"]) == ("manager", {"en": "Kenya Bureau of Standards (KEBS)"})


def test_the_edit_form_refuses_a_stale_version_with_a_conflict_message(client_as, other_nsb):
    client = client_as("manager")
    stale = edit_data(other_nsb, name="Stale edit")
    first = client.post(f"/en/organisations/{other_nsb.pk}/edit/", edit_data(other_nsb, name="First edit"))
    assert first.status_code == 302
    response = client.post(f"/en/organisations/{other_nsb.pk}/edit/", stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this record while you were editing it. Reload the page to see their changes, "
        "then apply yours again: nothing was saved."
    ]
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    other_nsb.refresh_from_db()
    assert (other_nsb.name, other_nsb.version) == ({"en": "First edit"}, 2)


def test_the_edit_form_shows_field_errors_in_french(client_as, other_nsb):
    response = client_as("manager").post(
        f"/fr/organisations/{other_nsb.pk}/edit/", edit_data(other_nsb, name="", website="pas une adresse")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Indiquez ce texte dans au moins une langue."],
        "website": ["Saisissez une URL valide."],
    }
    other_nsb.refresh_from_db()
    assert (other_nsb.name, other_nsb.version) == ({"en": "Kenya Bureau of Standards"}, 1)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("plain", 403),
        ("viewer", 403),
        ("contributor", 403),
        ("focal", 200),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_the_focal_point_and_the_programme_team_may_edit_the_focal_points_organisation(client_as, nsb, role, status):
    assert client_as(role).get(f"/en/organisations/{nsb.pk}/edit/").status_code == status


def test_a_focal_point_may_not_edit_another_organisation(client_as, other_nsb):
    client = client_as("focal")
    assert client.get(f"/en/organisations/{other_nsb.pk}/edit/").status_code == 403
    assert client.post(f"/en/organisations/{other_nsb.pk}/edit/", edit_data(other_nsb, name="X")).status_code == 403
    other_nsb.refresh_from_db()
    assert other_nsb.name == {"en": "Kenya Bureau of Standards"}


def test_an_unpublished_organisation_is_not_found_by_those_who_cannot_see_it(client_as, hidden_org):
    assert client_as("focal").get(f"/en/organisations/{hidden_org.pk}/edit/").status_code == 404
    assert client_as(None).get(f"/en/organisations/{hidden_org.pk}/").status_code == 404
    assert client_as("viewer").get(f"/en/organisations/{hidden_org.pk}/").status_code == 200


# Delete --------------------------------------------------------------------------------------------------


def test_an_admin_deletes_an_organisation_after_confirming(client_as, users):
    organisation = OrganisationFactory(name="Short-lived agency", acronym="SLA")
    pk = organisation.pk
    client = client_as("admin")
    confirmation = client.get(f"/en/organisations/{pk}/delete/")
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Delete SLA (Short-lived agency)?" in page
    assert "The audit log keeps a copy of what is deleted." in page
    assert Organisation.objects.filter(pk=pk).exists()

    response = client.post(f"/en/organisations/{pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/en/organisations/"
    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(model="organisations.organisation", object_id=str(pk), action="delete")
    assert (entry.actor_name, entry.before["name"], entry.before["acronym"]) == (
        "admin",
        {"en": "Short-lived agency"},
        "SLA",
    )
    assert "Organisation deleted." in client.get("/en/organisations/").content.decode()


def test_deleting_an_organisation_with_members_is_refused_with_a_message(client_as):
    iso = Organisation.objects.get(acronym="ISO")
    response = client_as("admin").post(f"/en/organisations/{iso.pk}/delete/", follow=True)
    assert response.redirect_chain == [(f"/en/organisations/{iso.pk}/", 302)]
    assert "This organisation has members: remove their memberships first." in response.content.decode()
    assert Organisation.objects.filter(pk=iso.pk).exists()


@pytest.mark.parametrize("role", ["manager", "focal", "viewer", "plain"])
def test_only_an_admin_may_delete(client_as, nsb, role):
    client = client_as(role)
    assert client.get(f"/en/organisations/{nsb.pk}/delete/").status_code == 403
    assert client.post(f"/en/organisations/{nsb.pk}/delete/").status_code == 403
    assert Organisation.objects.filter(pk=nsb.pk).exists()


# Contacts ------------------------------------------------------------------------------------------------


def test_a_focal_point_adds_a_contact_to_their_organisation_without_giving_a_sex(client_as, nsb):
    response = client_as("focal").post(
        f"/en/organisations/{nsb.pk}/people/new/",
        {
            "given_name": "Awa",
            "family_name": "Diop",
            "email": "awa@example.org",
            "phone": "",
            "job_title": "",
            "sex": "",
            "organisation": str(nsb.pk),
            "country": "",
        },
    )
    assert response.status_code == 302
    person = nsb.people.get()
    assert (person.given_name, person.sex) == ("Awa", "")
    entry = AuditEntry.objects.get(model="organisations.person", object_id=str(person.pk))
    assert (entry.action, entry.actor_name) == ("create", "focal")


def test_a_focal_point_is_offered_their_own_organisation_only_and_cannot_post_another(client_as, nsb, other_nsb):
    client = client_as("focal")
    form = client.get(f"/en/organisations/{nsb.pk}/people/new/").context["form"]
    assert list(form.fields["organisation"].queryset) == [nsb]
    response = client.post(
        f"/en/organisations/{nsb.pk}/people/new/",
        {"given_name": "Wanjiru", "family_name": "Kamau", "organisation": str(other_nsb.pk)},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not other_nsb.people.exists()


def test_contacts_of_an_unpublished_organisation_are_not_found_by_those_who_cannot_see_it(client_as, hidden_org):
    assert client_as("focal").get(f"/en/organisations/{hidden_org.pk}/people/new/").status_code == 404
    assert client_as("manager").get(f"/en/organisations/{hidden_org.pk}/people/new/").status_code == 200


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("manager", False), ("focal", False)])
def test_the_delete_button_shows_to_those_who_may_delete(client_as, nsb, role, shown):
    page = client_as(role).get(f"/en/organisations/{nsb.pk}/").content.decode()
    assert (f"/en/organisations/{nsb.pk}/delete/" in page) == shown


def test_the_focal_point_sees_the_directory_data_fixed_on_its_organisations_form(client_as, nsb):
    form = client_as("focal").get(f"/fr/organisations/{nsb.pk}/edit/").context["form"]
    fixed = {name for name, field in form.fields.items() if field.disabled}
    assert fixed == {"name", "acronym", "kind", "country", "iso_member_id", "iati_identifier", "published"}
    assert not any(
        field.disabled
        for field in client_as("manager").get(f"/fr/organisations/{nsb.pk}/edit/").context["form"].fields.values()
    )


def test_an_edit_form_posted_without_its_version_is_refused_and_changes_nothing(client_as, nsb):
    """A forged or truncated post must not overwrite what someone saved meanwhile."""
    response = client_as("manager").post(
        f"/en/organisations/{nsb.pk}/edit/",
        {"name_en": "Overwritten", "kind": nsb.kind, "country": nsb.country_id, "published": "on"},
    )
    assert response.status_code == 200
    assert "envoyé sans la version" in " ".join(response.context["form"].non_field_errors())
    nsb.refresh_from_db()
    assert nsb.name.given("en") != "Overwritten"
