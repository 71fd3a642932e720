"""Who sees and acts on applications, beyond the access table: programme-scoped managers, organisations."""

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.accounts.models import Role, RoleAssignment
from jalon.support import access, services
from jalon.support.models import Sponsorship
from tests.conftest import make_user
from tests.support.conftest import sponsorship_fields

pytestmark = pytest.mark.django_db


def page(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def test_a_manager_of_another_programme_neither_sees_nor_decides(client, world, make_sponsorship, users):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    outsider = make_user("itu-manager")
    RoleAssignment.objects.create(user=outsider, role=Role.PROGRAMME_MANAGER, programme=world.itu_programme)
    insider = make_user("iso-manager")
    RoleAssignment.objects.create(user=insider, role=Role.PROGRAMME_MANAGER, programme=world.iso_programme)
    assert not access.support_visible(outsider, Sponsorship.objects.all()).exists()
    assert not access.support_can_review(outsider, sponsorship)
    assert access.support_can_review(insider, sponsorship)
    client.force_login(outsider)
    assert client.get(page("support:sponsorship_detail", pk=sponsorship.pk)).status_code == 404
    assert client.get(page("support:review_queue")).context["page"].paginator.count == 0
    client.force_login(insider)
    assert client.get(page("support:review_queue")).context["page"].paginator.count == 1
    response = client.post(
        page("support:sponsorship_step", pk=sponsorship.pk, step="check"), {"check-version": sponsorship.version}
    )
    assert response.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CHECKED


def test_a_contributor_reads_but_does_not_submit(client_as, make_sponsorship):
    sponsorship = make_sponsorship()
    client = client_as("contributor")
    assert client.get(page("support:sponsorship_detail", pk=sponsorship.pk)).status_code == 200
    response = client.post(
        page("support:sponsorship_step", pk=sponsorship.pk, step="submit"), {"submit-version": sponsorship.version}
    )
    assert response.status_code == 403
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.DRAFT


def test_another_organisations_focal_point_gets_nothing(client, world, other_nsb, users):
    sponsorship = services.sponsorship_create(
        actor=users["manager"], **sponsorship_fields(world, organisation=other_nsb, person=world.kebs_expert)
    )
    client.force_login(users["focal"])
    assert client.get(page("support:sponsorship_detail", pk=sponsorship.pk)).status_code == 404
    assert client.get(page("support:sponsorship_edit", pk=sponsorship.pk)).status_code == 404
    kenyan_focal = make_user("kebs-focal", Role.FOCAL_POINT, other_nsb)
    client.force_login(kenyan_focal)
    assert client.get(page("support:sponsorship_detail", pk=sponsorship.pk)).status_code == 200
