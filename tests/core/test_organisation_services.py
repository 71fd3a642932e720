"""Writes to organisations, memberships and people: validation, optimistic locking, the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.organisations import services
from jalon.organisations.models import Membership, Organisation, Person
from jalon.reference.models import Country
from tests.factories import OrganisationFactory, PersonFactory


def audit_entries(instance) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk)).order_by("id"))


@pytest.fixture
def organisation(db, users):
    return services.organisation_create(
        actor=users["manager"],
        name={"fr": "Agence de normalisation du Togo"},
        acronym="TGNA",
        kind=Organisation.Kind.NSB,
        country=Country.objects.get(iso3="TGO"),
        website="https://tgna.example.org",
    )


# Organisations -------------------------------------------------------------------------------------------


def test_creating_an_organisation_writes_an_audit_entry_with_its_values(organisation, users):
    [entry] = audit_entries(organisation)
    assert (entry.action, entry.actor, entry.actor_name, entry.object_repr) == (
        "create",
        users["manager"],
        "manager",
        "TGNA (Agence de normalisation du Togo)",
    )
    assert entry.before is None
    assert (entry.after["name"], entry.after["kind"], entry.after["country_id"], entry.after["version"]) == (
        {"fr": "Agence de normalisation du Togo"},
        "nsb",
        Country.objects.get(iso3="TGO").pk,
        1,
    )


def test_creating_an_organisation_with_a_bad_website_is_refused_and_nothing_is_written(db, users, english):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=users["manager"], name={"en": "Bad site"}, website="not a website")
    assert caught.value.message_dict == {"website": ["Enter a valid URL."]}
    assert not Organisation.objects.filter(name__en="Bad site").exists()
    assert AuditEntry.objects.count() == before


def test_updating_an_organisation_bumps_its_version_and_audits_before_and_after(organisation, users):
    updated = services.organisation_update(
        actor=users["admin"], organisation=organisation, version=1, name={"fr": "Agence togolaise de normalisation"}
    )
    assert (updated.name, updated.version) == ({"fr": "Agence togolaise de normalisation"}, 2)
    created, entry = audit_entries(organisation)
    assert (entry.action, entry.actor_name) == ("update", "admin")
    assert (entry.before["name"], entry.after["name"]) == (
        {"fr": "Agence de normalisation du Togo"},
        {"fr": "Agence togolaise de normalisation"},
    )
    assert (entry.before["version"], entry.after["version"]) == (1, 2)
    assert [field for field, _before, _after in entry.changes()] == ["name", "updated_at", "version"]


def test_an_update_based_on_a_stale_version_is_refused_and_changes_nothing(organisation, users, english):
    services.organisation_update(actor=users["manager"], organisation=organisation, version=1, acronym="TGNA-2")
    entries = AuditEntry.objects.count()
    with pytest.raises(ConflictError) as caught:
        services.organisation_update(
            actor=users["admin"], organisation=organisation, version=1, name={"en": "Overwritten"}
        )
    assert caught.value.messages == [
        "Someone else changed this record while you were editing it. Reload the page to see their changes, "
        "then apply yours again: nothing was saved."
    ]
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym, organisation.version) == (
        {"fr": "Agence de normalisation du Togo"},
        "TGNA-2",
        2,
    )
    assert AuditEntry.objects.count() == entries


def test_an_update_that_changes_nothing_writes_no_audit_entry(organisation, users):
    same = services.organisation_update(
        actor=users["manager"],
        organisation=organisation,
        version=1,
        name={"fr": "Agence de normalisation du Togo"},
        acronym="TGNA",
    )
    assert same.version == 1
    assert len(audit_entries(organisation)) == 1


def test_an_invalid_update_is_refused_and_changes_nothing(organisation, users, english):
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=users["manager"], organisation=organisation, name={}, email="nope")
    assert caught.value.message_dict == {
        "name": ["Give this text in at least one language."],
        "email": ["Enter a valid email address."],
    }
    organisation.refresh_from_db()
    assert (organisation.name, organisation.email, organisation.version) == (
        {"fr": "Agence de normalisation du Togo"},
        "",
        1,
    )
    assert len(audit_entries(organisation)) == 1


def test_an_unknown_field_is_a_programming_error(organisation, users):
    with pytest.raises(TypeError):
        services.organisation_update(actor=users["manager"], organisation=organisation, version=1, colour="red")
    with pytest.raises(TypeError):
        services.organisation_create(actor=users["manager"], name={"en": "X"}, colour="red")


def test_deleting_an_organisation_keeps_its_last_values_in_the_audit_log(organisation, users):
    pk = organisation.pk
    services.organisation_delete(actor=users["admin"], organisation=organisation)
    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(model="organisations.organisation", object_id=str(pk), action="delete")
    assert (entry.actor_name, entry.before["name"], entry.before["acronym"], entry.after) == (
        "admin",
        {"fr": "Agence de normalisation du Togo"},
        "TGNA",
        None,
    )


def test_an_organisation_with_members_cannot_be_deleted(db, users, english):
    iso = Organisation.objects.get(acronym="ISO")
    with pytest.raises(ValidationError) as caught:
        services.organisation_delete(actor=users["admin"], organisation=iso)
    assert caught.value.messages == ["This organisation has members: remove their memberships first."]
    assert Organisation.objects.filter(acronym="ISO").exists()
    assert Membership.objects.filter(body=iso).count() == 163


def test_deleting_an_organisation_audits_the_memberships_and_roles_that_go_with_it(organisation, users):
    from jalon.accounts.models import Role
    from jalon.accounts.services import role_assign

    membership = services.membership_create(
        actor=users["manager"],
        member=organisation,
        body=Organisation.objects.get(acronym="ISO"),
        category=Membership.Category.ISO_MEMBER_BODY,
    )
    assignment = role_assign(
        actor=users["admin"], user=users["plain"], role=Role.FOCAL_POINT, organisation=organisation
    )
    services.organisation_delete(actor=users["admin"], organisation=organisation)
    deleted = AuditEntry.objects.filter(action="delete", actor=users["admin"])
    assert deleted.filter(model="organisations.membership", object_id=str(membership.pk)).exists()
    assert deleted.filter(model="accounts.roleassignment", object_id=str(assignment.pk)).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()


# Memberships ---------------------------------------------------------------------------------------------


def test_an_itu_category_on_iso_is_refused_with_a_message(organisation, users, english):
    iso = Organisation.objects.get(acronym="ISO")
    with pytest.raises(ValidationError) as caught:
        services.membership_create(
            actor=users["manager"], member=organisation, body=iso, category=Membership.Category.ITU_MEMBER_STATE
        )
    assert caught.value.message_dict == {"category": ["ITU Member State is not a membership category of ISO."]}
    assert organisation.memberships.count() == 0


def test_each_body_takes_its_own_categories(organisation, users):
    itu = OrganisationFactory(acronym="ITU", name="International Telecommunication Union")
    membership = services.membership_create(
        actor=users["manager"], member=organisation, body=itu, category=Membership.Category.ITU_MEMBER_STATE
    )
    assert (membership.body.acronym, membership.category) == ("ITU", "itu_member_state")
    [entry] = audit_entries(membership)
    assert (entry.action, entry.after["category"], entry.after["body_id"]) == ("create", "itu_member_state", itu.pk)


def test_a_body_jalon_does_not_know_takes_only_the_other_category(organisation, users, english):
    arso = OrganisationFactory(acronym="ARSO", name="African Organisation for Standardisation")
    with pytest.raises(ValidationError) as caught:
        services.membership_create(
            actor=users["manager"], member=organisation, body=arso, category=Membership.Category.ISO_MEMBER_BODY
        )
    assert caught.value.message_dict == {"category": ["Use “Other” for the members of this body."]}
    membership = services.membership_create(
        actor=users["manager"], member=organisation, body=arso, category=Membership.Category.OTHER
    )
    assert membership.category == "other"


# People --------------------------------------------------------------------------------------------------


def test_creating_a_person_is_audited_and_sex_is_optional(organisation, users):
    person = services.person_create(
        actor=users["manager"], given_name="Awa", family_name="Diop", organisation=organisation
    )
    assert person.sex == ""
    [entry] = audit_entries(person)
    assert (entry.action, entry.actor_name, entry.after["given_name"], entry.after["sex"]) == (
        "create",
        "manager",
        "Awa",
        "",
    )


def test_a_person_may_prefer_not_to_say_their_sex(organisation, users):
    person = services.person_create(
        actor=users["manager"], given_name="Kodjo", family_name="Mensah", sex=Person.Sex.UNDISCLOSED
    )
    person.refresh_from_db()
    assert person.sex == "undisclosed"


def test_an_unknown_sex_value_is_refused(db, users, english):
    with pytest.raises(ValidationError) as caught:
        services.person_create(actor=users["manager"], given_name="A", family_name="B", sex="unknown")
    assert caught.value.message_dict == {"sex": ["Value 'unknown' is not a valid choice."]}
    assert not Person.objects.filter(given_name="A", family_name="B").exists()


def test_updating_a_person_audits_before_and_after(db, users, nsb):
    person = PersonFactory(given_name="Awa", family_name="Diop", job_title="", organisation=nsb)
    services.person_update(actor=users["focal"], person=person, job_title="Director", sex=Person.Sex.FEMALE)
    [entry] = audit_entries(person)
    assert entry.action == "update"
    assert (entry.before["job_title"], entry.after["job_title"]) == ("", "Director")
    assert (entry.before["sex"], entry.after["sex"]) == ("", "female")


def test_a_person_update_that_changes_nothing_writes_no_audit_entry(db, users):
    person = PersonFactory(given_name="Awa", family_name="Diop")
    services.person_update(actor=users["manager"], person=person, given_name="Awa")
    assert audit_entries(person) == []


def test_deleting_a_person_keeps_their_last_values_in_the_audit_log(db, users):
    person = PersonFactory(given_name="Awa", family_name="Diop", email="awa@example.org")
    pk = person.pk
    services.person_delete(actor=users["manager"], person=person)
    assert not Person.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(model="organisations.person", object_id=str(pk))
    assert (entry.action, entry.before["email"], entry.after, entry.object_repr) == (
        "delete",
        "awa@example.org",
        None,
        "Awa Diop",
    )


def test_a_person_with_a_history_is_not_deleted_but_told_to_be_erased(db, users):
    from tests.activities.conftest import activity_build, register

    registration = register(activity_build(), given_name="Awa", family_name="Diop", email="awa@example.org")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.person_delete(actor=users["manager"], person=registration.person)
    assert caught.value.messages == [
        "This person has a history (registrations, meetings…): erase their personal data instead."
    ]
    assert Person.objects.filter(pk=registration.person.pk).exists()
    assert not AuditEntry.objects.filter(model="organisations.person", action="delete").exists()


# Who may write: checked in the services, so that no caller skips it --------------------------------------


def test_a_focal_point_records_contacts_of_their_own_organisation_only(db, users, nsb, other_nsb, english):
    own = services.person_create(actor=users["focal"], given_name="Awa", family_name="Diop", organisation=nsb)
    assert own.organisation == nsb
    for organisation in (other_nsb, None):
        with pytest.raises(ValidationError) as caught:
            services.person_create(
                actor=users["focal"], given_name="Wanjiru", family_name="Kamau", organisation=organisation
            )
        assert caught.value.message_dict == {"organisation": ["Record contacts of your own organisation."]}
    assert not Person.objects.filter(family_name="Kamau").exists()


@pytest.mark.parametrize("role", ["contributor", "viewer", "plain"])
def test_users_who_do_not_run_an_organisation_record_no_contact(db, users, nsb, role):
    with pytest.raises(ValidationError):
        services.person_create(actor=users[role], given_name="A", family_name="B", organisation=nsb)


def test_a_focal_point_may_not_move_their_contact_to_another_organisation(db, users, nsb, other_nsb, english):
    person = PersonFactory(given_name="Awa", family_name="Diop", organisation=nsb)
    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=users["focal"], person=person, organisation=other_nsb)
    assert caught.value.message_dict == {"organisation": ["Record contacts of your own organisation."]}
    person.refresh_from_db()
    assert person.organisation == nsb
    assert audit_entries(person) == []


def test_a_focal_point_may_not_change_or_delete_another_organisations_contact(db, users, other_nsb):
    person = PersonFactory(given_name="Wanjiru", family_name="Kamau", organisation=other_nsb)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=users["focal"], person=person, job_title="Director")
    with pytest.raises(PermissionDenied):
        services.person_delete(actor=users["focal"], person=person)
    person.refresh_from_db()
    assert person.job_title == ""
    assert audit_entries(person) == []


def test_a_manager_moves_a_contact_between_organisations(db, users, nsb, other_nsb):
    person = PersonFactory(given_name="Awa", family_name="Diop", organisation=nsb)
    services.person_update(actor=users["manager"], person=person, organisation=other_nsb)
    person.refresh_from_db()
    assert person.organisation == other_nsb


def test_only_the_programme_team_creates_organisations(db, users):
    for role in ("focal", "contributor", "viewer", "plain"):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=users[role], name={"en": f"Made by {role}"})
    assert not Organisation.objects.filter(name__en__startswith="Made by").exists()


def test_a_focal_point_changes_their_own_organisation_only(db, users, nsb, other_nsb):
    services.organisation_update(actor=users["focal"], organisation=nsb, website="https://asn.sn")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=users["focal"], organisation=other_nsb, website="https://kebs.example")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=users["contributor"], organisation=nsb, website="https://x.example")
    nsb.refresh_from_db()
    other_nsb.refresh_from_db()
    assert (nsb.website, other_nsb.website) == ("https://asn.sn", "")


def test_a_focal_point_may_not_move_its_organisation_to_another_country_nor_change_its_standing(db, users, nsb):
    """The eligibility rules read these: a Senegalese body moved to Switzerland would change its sponsorship
    rules. The programme team keeps them."""
    switzerland = Country.objects.get(iso3="CHE")
    changes = {
        "country": switzerland,
        "kind": "other",
        "iso_member_id": 999999,
        "iati_identifier": "XM-1",
        "published": False,
    }
    for field, value in changes.items():
        with pytest.raises(ValidationError) as refused:
            services.organisation_update(actor=users["focal"], organisation=nsb, **{field: value})
        assert set(refused.value.message_dict) == {field}
    nsb.refresh_from_db()
    assert nsb.country.iso3 == "SEN" and nsb.published
    services.organisation_update(actor=users["manager"], organisation=nsb, country=switzerland)
    nsb.refresh_from_db()
    assert nsb.country == switzerland


@pytest.mark.parametrize("role", ["manager", "focal", "viewer"])
def test_only_an_admin_deletes_an_organisation(organisation, users, role):
    with pytest.raises(PermissionDenied):
        services.organisation_delete(actor=users[role], organisation=organisation)
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_a_membership_is_recorded_by_whoever_may_change_the_member(db, users, nsb, other_nsb):
    iso = Organisation.objects.get(acronym="ISO")
    arso = OrganisationFactory(acronym="ARSO", name="African Organisation for Standardisation")
    with pytest.raises(PermissionDenied):
        services.membership_create(actor=users["focal"], member=other_nsb, body=arso, category="other")
    services.membership_create(actor=users["focal"], member=nsb, body=arso, category="other")
    assert set(nsb.memberships.values_list("body__acronym", flat=True)) == {iso.acronym, "ARSO"}


def test_the_platform_itself_writes_without_a_user(db):
    organisation = services.organisation_create(actor=None, name={"en": "Loaded from a file"})
    person = services.person_create(actor=None, given_name="A", family_name="B", organisation=organisation)
    services.person_update(actor=None, person=person, job_title="Loaded")
    services.organisation_update(actor=None, organisation=organisation, acronym="LFF")
