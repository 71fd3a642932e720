"""The access fetchers the pages and the API share: the record asked for, or the same 404 for "not there"
and "not yours" where existence is private, and 403 where the record is visible but not the user's to
change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jalon.activities import access, services
from jalon.activities.selectors import certificate_lookup
from jalon.jobs.access import access_job
from jalon.lib.ids import MAX_ID
from tests.activities.conftest import activity_build, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(users):
    return activity_build(actor=users["focal"], code="hidden", published=False)


def test_an_unpublished_activity_is_the_same_404_as_a_missing_one_for_those_who_cannot_see_it(users, hidden):
    for user in (AnonymousUser(), users["plain"]):
        with pytest.raises(Http404):
            access.access_activity(user, "hidden")
        with pytest.raises(Http404):
            access.access_activity(user, "no-such-activity")
    assert access.access_activity(users["focal"], "hidden", manage=True) == hidden


def test_a_visible_activity_the_user_does_not_manage_is_refused_for_managing(users, kebs):
    activity_build(code="kebs-open", organiser=kebs)
    assert access.access_activity(users["focal"], "kebs-open").code == "kebs-open"
    with pytest.raises(PermissionDenied):
        access.access_activity(users["focal"], "kebs-open", manage=True)


def test_a_registration_is_found_only_under_its_own_activity_and_changed_only_by_its_organisers(users, kebs):
    ours = activity_build(actor=users["focal"], code="ours")
    theirs = activity_build(code="theirs", organiser=kebs)
    registration = register(theirs, given_name="Awa", family_name="Sow")
    with pytest.raises(Http404):
        access.access_registration(users["manager"], ours.code, registration.pk)
    with pytest.raises(PermissionDenied):
        access.access_registration(users["focal"], theirs.code, registration.pk)
    assert access.access_registration(users["manager"], theirs.code, registration.pk) == registration


def test_ids_the_database_cannot_hold_are_not_found_rather_than_a_server_error(users):
    activity = activity_build(actor=users["focal"])
    for fetch in (
        lambda: access.access_person(users["manager"], MAX_ID + 1),
        lambda: access.access_session(users["manager"], activity.code, MAX_ID + 1),
        lambda: access.access_material(users["manager"], activity.code, MAX_ID + 1),
        lambda: access.access_registration(users["manager"], activity.code, MAX_ID + 1),
        lambda: access_job(users["manager"], MAX_ID + 1, kind="participants"),
    ):
        with pytest.raises(Http404):
            fetch()


def test_the_personal_data_tools_need_the_platform_wide_team(users):
    activity = activity_build(actor=users["focal"])
    person = register(activity, given_name="Awa", family_name="Sow").person
    assert access.access_person(users["focal"], person.pk) == person
    with pytest.raises(PermissionDenied):
        access.access_person(users["focal"], person.pk, manage=True)
    assert access.access_person(users["manager"], person.pk, manage=True) == person
    with pytest.raises(Http404):
        access.access_person(users["plain"], person.pk)


def test_a_cancelled_registrations_certificate_no_longer_verifies_on_the_page_nor_in_the_api(users, client_as):
    activity = activity_build(actor=users["focal"])
    registration = register(activity, given_name="Awa", family_name="Sow")
    code = services.registration_complete(actor=None, registration=registration).certificate_code
    assert certificate_lookup(code=code) == registration
    services.registration_cancel(actor=None, registration=registration)
    assert certificate_lookup(code=code) is None
    assert client_as(None).get(f"/api/v1/certificates/{code}/").status_code == 404
