"""Who may file an application for what is decided by the services, whoever calls them (page, API, a
script), and the pages and the API offer the same choices: programmes, applicant organisations, candidates,
meetings and trainings come from the same functions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from jalon.accounts.models import Role, RoleAssignment
from jalon.committees.models import MeetingDelegate
from jalon.organisations.models import Person
from jalon.results.models import Programme
from jalon.support import services
from jalon.support.api import FellowshipSerializer, SponsorshipSerializer
from jalon.support.forms import FellowshipForm, SponsorshipForm
from tests.conftest import make_user
from tests.support.conftest import fellowship_fields, make_meeting, sponsorship_fields

pytestmark = pytest.mark.django_db


def refused(service, **arguments) -> dict:
    """What `service` refuses, in English."""
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        service(**arguments)
    return excinfo.value.message_dict


# The services refuse what the pages and the API refuse -------------------------------------------------------


def test_a_focal_point_cannot_file_a_sponsorship_for_another_organisation(world, users, other_nsb):
    assert refused(
        services.sponsorship_create,
        actor=users["focal"],
        **sponsorship_fields(world, organisation=other_nsb, person=world.kebs_expert),
    ) == {"organisation": ["Apply for your own organisation."]}


def test_a_focal_point_cannot_move_its_draft_to_another_organisation(world, users, other_nsb, make_sponsorship):
    draft = make_sponsorship()
    assert refused(
        services.sponsorship_update,
        actor=users["focal"],
        sponsorship=draft,
        organisation=other_nsb,
        person=world.kebs_expert,
    ) == {"organisation": ["Apply for your own organisation."]}
    draft.refresh_from_db()
    assert draft.organisation_id == world.expert.organisation_id and draft.version == 1


def test_a_focal_point_cannot_request_a_fellowship_for_another_administration(world, users):
    # The ministry is not the focal point's organisation: only the programme team files for it.
    assert refused(services.fellowship_create, actor=users["focal"], **fellowship_fields(world)) == {
        "organisation": ["Apply for your own organisation."]
    }
    own = services.fellowship_create(
        actor=users["focal"], **fellowship_fields(world, organisation=world.expert.organisation, person=world.expert)
    )
    assert refused(
        services.fellowship_update,
        actor=users["focal"],
        fellowship=own,
        organisation=world.ministry,
        person=world.delegate,
    ) == {"organisation": ["Apply for your own organisation."]}


def test_an_unpublished_programme_is_not_one_a_focal_point_applies_in(world, users):
    Programme.objects.filter(pk=world.iso_programme.pk).update(published=False)
    world.iso_programme.refresh_from_db()
    assert refused(services.sponsorship_create, actor=users["focal"], **sponsorship_fields(world)) == {
        "programme": ["Choose a programme you can see."]
    }
    # The programme team still files in it.
    assert services.sponsorship_create(actor=users["manager"], **sponsorship_fields(world)).pk


def test_a_manager_of_one_programme_cannot_pick_people_they_may_not_see(world):
    scoped = make_user("iso-only-manager")
    RoleAssignment.objects.create(user=scoped, role=Role.PROGRAMME_MANAGER, programme=world.iso_programme)
    assert refused(services.sponsorship_create, actor=scoped, **sponsorship_fields(world)) == {
        "person": ["Unknown person."]
    }


def test_an_edit_that_changes_nothing_of_the_applicant_is_not_asked_again(world, users, make_sponsorship):
    # A draft the programme team filed for an NSB stays editable by that NSB's focal point.
    draft = make_sponsorship(actor=users["manager"])
    changed = services.sponsorship_update(actor=users["focal"], sponsorship=draft, estimated_other=5)
    assert changed.estimated_other == 5


def test_a_manager_of_one_programme_approves_and_the_delegate_list_says_sponsored(world, users, make_sponsorship):
    # The delegate is registered by the award, not by a registrar: the committees services take the award's
    # word for it even though this manager may not register delegates on the committee pages.
    scoped = make_user("iso-reviewer")
    RoleAssignment.objects.create(user=scoped, role=Role.PROGRAMME_MANAGER, programme=world.iso_programme)
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    sponsorship = services.sponsorship_check(actor=scoped, sponsorship=sponsorship)
    services.sponsorship_approve(actor=scoped, sponsorship=sponsorship)
    delegate = MeetingDelegate.objects.get(meeting=world.meeting, person=world.expert)
    assert delegate.sponsored and delegate.organisation_id == world.expert.organisation_id


# The pages and the API offer the same choices ----------------------------------------------------------------


def _api_choices(serializer_class, user, instance=None) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    serializer = serializer_class(instance, context={"request": request})
    return {name: field.queryset for name, field in serializer.fields.items() if hasattr(field, "queryset")}


def _page_choices(form_class, user, instance=None) -> dict:
    form = form_class(instance=instance, user=user)
    return {name: field.queryset for name, field in form.fields.items() if hasattr(field, "queryset")}


def _ids(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["focal", "manager", "contributor"])
@pytest.mark.parametrize(
    ("form_class", "serializer_class"),
    [(SponsorshipForm, SponsorshipSerializer), (FellowshipForm, FellowshipSerializer)],
)
def test_the_application_form_and_the_api_offer_the_same_choices(world, users, role, form_class, serializer_class):
    # An old meeting (ended two months ago) is offered by neither; a recent one by both.
    make_meeting(world.committee, datetime.date.today() - datetime.timedelta(days=60))
    make_meeting(world.study_group, datetime.date.today() - datetime.timedelta(days=10))
    Person.objects.create(given_name="Other", family_name="Contact", organisation=world.ministry)
    user = users[role]
    page, api = _page_choices(form_class, user), _api_choices(serializer_class, user)
    for name in ("programme", "organisation", "person", "meeting", "training"):
        if name in page or name in api:
            assert _ids(page[name]) == _ids(api[name]), name


def test_a_draft_keeps_offering_its_own_meeting_once_past(world, users, make_sponsorship):
    old = make_meeting(world.committee, datetime.date.today() - datetime.timedelta(days=90))
    draft = make_sponsorship(actor=users["manager"], meeting=old)
    page = _page_choices(SponsorshipForm, users["focal"], draft)["meeting"]
    api = _api_choices(SponsorshipSerializer, users["focal"], draft)["meeting"]
    assert old.pk in _ids(page) and _ids(page) == _ids(api)
    assert old.pk not in _ids(_page_choices(SponsorshipForm, users["focal"])["meeting"])
