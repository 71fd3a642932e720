"""What knowledge keeps "for members", role by role on every path that could show it: the lists and search on
the pages and the API, the expert's inbox and the routing e-mail. A member is a person of an organisation
that is a current member of a standards body, or is one (knowledge/access/members.py): the focal point and the
contributor act for ASN, an ISO member body; `plain` and the viewer act for none."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from jalon.accounts.services import role_assign
from jalon.knowledge import forum_selectors, forum_services, search
from jalon.knowledge.forum_mail import routing_send
from jalon.knowledge.models import Expert, Routing
from jalon.knowledge.tasks import routings_unsent_requeue
from jalon.organisations.models import Membership, Organisation
from tests.access.matrix import ROLES
from tests.conftest import make_user
from tests.factories import OrganisationFactory
from tests.knowledge.conftest import expert_make, roster  # noqa: F401 - the knowledge tests' roster fixture

MEMBERS = {"focal", "contributor", "manager", "admin"}
TITLE = "Zygomorphe réservé aux membres"


@pytest.fixture
def members_thread(users):
    return forum_services.thread_ask(
        actor=users["focal"],
        language="fr",
        title=TITLE,
        body="Question des membres.",
        tags=[("itu_t", "X.509")],
        visibility="members",
    )


def listed(client, path: str) -> bool:
    response = client.get(path)
    assert response.status_code == 200
    return "Zygomorphe" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_members_question_is_listed_and_found_by_members_only(role, members_thread, client_as):
    client = client_as(role)
    member = role in MEMBERS
    assert listed(client, "/fr/knowledge/questions/") is member
    assert listed(client, "/fr/knowledge/search/?q=zygomorphe") is member
    assert listed(client, "/api/v1/knowledge-threads/") is member
    assert listed(client, "/api/v1/knowledge-search/?q=zygomorphe") is member


@pytest.mark.parametrize("role", ROLES)
def test_a_members_expert_profile_is_listed_and_found_by_members_only(role, users, nsb, client_as):
    expert = expert_make(
        "zygo",
        "Zygomorphe",
        "Membre",
        organisation=nsb,
        country=None,
        sex="female",
        languages=[("fr", "native")],
        codes=[("itu_t", "X.509")],
        visibility="members",
    )
    search.index("expert", expert)
    client = client_as(role)
    member = role in MEMBERS
    assert listed(client, "/fr/knowledge/experts/") is member
    assert listed(client, "/fr/knowledge/search/?q=zygomorphe") is member
    assert listed(client, "/api/v1/knowledge-experts/") is member


def test_an_asker_of_no_member_organisation_still_reads_their_own_question(users, client_as):
    thread = forum_services.thread_ask(
        actor=users["plain"], language="fr", title=TITLE, body="Texte.", visibility="members"
    )
    assert client_as("plain").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 200
    assert listed(client_as("plain"), "/fr/knowledge/search/?q=zygomorphe")
    assert client_as("viewer").get(f"/fr/knowledge/questions/{thread.pk}/").status_code == 404


def test_membership_is_current_and_a_body_s_own_people_are_members(users, nsb, members_thread, client_as):
    path = f"/fr/knowledge/questions/{members_thread.pk}/"
    # ASN's ISO membership ended yesterday: its contributor is no longer a member.
    Membership.objects.filter(member=nsb).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    assert client_as("contributor").get(path).status_code == 404
    # Someone of the ISO secretariat (the body itself) is.
    iso_staff = make_user("iso-staff")
    role_assign(actor=None, user=iso_staff, role="contributor", organisation=Organisation.objects.get(acronym="ISO"))
    client = client_as(None)
    client.force_login(iso_staff)
    assert client.get(path).status_code == 200


def test_a_members_question_is_routed_and_mailed_to_member_experts_only(
    users,
    roster,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    outsider_org = OrganisationFactory(name="Not a member", kind=Organisation.Kind.OTHER)
    outsider = expert_make(
        "outsider",
        "Hors",
        "Membre",
        organisation=outsider_org,
        country=None,
        sex="male",
        languages=[("fr", "native")],
        codes=[("itu_t", "X")],
    )
    # An expert of no member organisation by their profile, but acting for one (ASN's contributor role).
    acting = expert_make(
        "acting",
        "Agit",
        "Pour",
        organisation=None,
        country=None,
        sex="female",
        languages=[("fr", "native")],
        codes=[("itu_t", "X")],
    )
    role_assign(actor=None, user=acting.user, role="contributor", organisation=Organisation.objects.get(acronym="ASN"))
    with django_capture_on_commit_callbacks(execute=True):
        public = forum_services.thread_ask(
            actor=users["focal"], language="fr", title="Publique", body="Texte.", tags=[("itu_t", "X.509")]
        )
    assert outsider.pk in set(Routing.objects.filter(thread=public).values_list("expert_id", flat=True))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        kept = forum_services.thread_ask(
            actor=users["focal"],
            language="fr",
            title=TITLE,
            body="Texte.",
            tags=[("itu_t", "X.509")],
            visibility="members",
        )
    routed = set(Routing.objects.filter(thread=kept).values_list("expert__person__family_name", flat=True))
    assert routed == {"Diop", "Morel", "Pour"}
    assert "outsider@example.org" not in {message.to[0] for message in mail.outbox}
    assert [r.thread_id for r in forum_selectors.expert_inbox(user=outsider.user).routings] == [public.pk]


def test_an_expert_who_is_no_longer_a_member_loses_the_question_from_inbox_and_mail(
    users,
    roster,  # noqa: F811 - the fixture imported above
    nsb,
):
    thread = forum_services.thread_ask(
        actor=users["focal"], language="fr", title=TITLE, body="Texte.", tags=[("itu_t", "X.509")], visibility="members"
    )
    awa = Expert.objects.get(pk=roster.awa.pk)
    routing = Routing.objects.get(thread=thread, expert=awa)
    # Awa's organisation (ASN) leaves ISO before the e-mail goes.
    Membership.objects.filter(member=nsb).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    mail.outbox.clear()
    assert routing_send(routing.pk) is False and not mail.outbox
    # Given up, not retried by the worker's recovery every minute for two days.
    Routing.objects.filter(pk=routing.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert Routing.objects.get(pk=routing.pk).mail_dropped_at is not None
    assert routings_unsent_requeue() == 0
    assert forum_selectors.expert_inbox(user=awa.user).routings == []
    assert forum_selectors.expert_inbox_unread(user=awa.user) == 0
