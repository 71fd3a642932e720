"""Log in, log out, reset a forgotten password; the audit log pages."""

import re

import pytest
from django.core import mail

from jalon.accounts.models import AuditEntry
from jalon.organisations import services
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-42"


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# Log in and out ------------------------------------------------------------------------------------------


def test_a_user_logs_in_and_lands_on_the_home_page(client, users):
    assert client.get("/en/accounts/login/").status_code == 200
    response = client.post("/en/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert logged_in_user_id(client) == str(users["manager"].pk)
    assert '<span class="who">manager</span>' in client.get("/en/").content.decode()


def test_logging_in_follows_the_next_parameter(client, users):
    response = client.post(
        "/en/accounts/login/?next=/en/audit/", {"username": "admin", "password": PASSWORD, "next": "/en/audit/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/audit/"


def test_a_wrong_password_is_refused_with_a_message(client, users, english):
    response = client.post("/en/accounts/login/", {"username": "manager", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]
    assert logged_in_user_id(client) is None


def test_logging_out_is_a_post(client_as, users):
    client = client_as("manager")
    assert client.get("/en/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(users["manager"].pk)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert logged_in_user_id(client) is None


# Password reset ------------------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, users):
    response = client.post("/en/accounts/password-reset/", {"email": "focal@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password-reset/sent/"
    # jalon's own pages, not the ones django.contrib.admin ships under the same template names.
    assert "a link to reset its password is on its way." in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["focal@example.org"], "Reset your jalon password")
    links = re.findall(r"http://testserver(/en/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert len(links) == 1
    link = links[0]

    # Django swaps the token for a session key, then shows the form at a token-free address.
    landing = client.get(link)
    assert landing.status_code == 302
    form_url = landing["Location"]
    assert form_url.endswith("/set-password/")
    form_page = client.get(form_url)
    assert form_page.context["validlink"] is True
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/en/accounts/password-reset/done/"
    assert "<h1>Password changed</h1>" in client.get(done["Location"]).content.decode()

    assert client.post("/en/accounts/login/", {"username": "focal", "password": PASSWORD}).status_code == 200
    assert logged_in_user_id(client) is None
    assert client.post("/en/accounts/login/", {"username": "focal", "password": NEW_PASSWORD}).status_code == 302
    assert logged_in_user_id(client) == str(users["focal"].pk)

    # The link works once.
    client.post("/en/accounts/logout/")
    reused = client.get(link, follow=True)
    assert reused.context["validlink"] is False
    assert "This link is no longer valid" in reused.content.decode()


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, users):
    response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_mismatched_new_passwords_are_refused(client, users, english):
    client.post("/en/accounts/password-reset/", {"email": "viewer@example.org"})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": ["The two password fields didn’t match."]}


# Audit log pages -----------------------------------------------------------------------------------------


@pytest.fixture
def renamed(db, users, other_nsb):
    services.organisation_update(
        actor=users["manager"], organisation=other_nsb, version=1, name={"en": "Kenya Bureau of Standards (renamed)"}
    )
    return AuditEntry.objects.get(model="organisations.organisation", object_id=str(other_nsb.pk), action="update")


def test_the_audit_log_lists_entries_for_an_admin(client_as, renamed):
    response = client_as("admin").get("/en/audit/")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.object_list[0] == renamed
    assert page.paginator.count == AuditEntry.objects.count()
    assert "KEBS (Kenya Bureau of Standards (renamed))" in response.content.decode()


def test_the_audit_log_filters_by_record_type_action_and_who(client_as, renamed):
    response = client_as("admin").get("/en/audit/?model=organisations.organisation&action=update&actor=manag")
    assert list(response.context["page"].object_list) == [renamed]
    empty = client_as("admin").get("/en/audit/?model=nothing-like-this")
    assert list(empty.context["page"].object_list) == []
    assert "Nothing recorded yet." in empty.content.decode()


def test_the_audit_entry_page_shows_before_and_after(client_as, renamed):
    response = client_as("admin").get(f"/en/audit/{renamed.pk}/")
    assert response.status_code == 200
    changes = response.context["entry"].changes()
    assert [field for field, _before, _after in changes] == ["name", "updated_at", "version"]
    page = response.content.decode()
    assert "<td>name</td><td>en: Kenya Bureau of Standards</td><td>en: Kenya Bureau of Standards (renamed)</td>" in page
    assert "<td>version</td><td>1</td><td>2</td>" in page


@pytest.mark.parametrize("role", ["manager", "focal", "contributor", "viewer", "plain"])
def test_only_an_admin_sees_the_audit_log(client_as, renamed, role):
    client = client_as(role)
    assert client.get("/en/audit/").status_code == 403
    assert client.get(f"/en/audit/{renamed.pk}/").status_code == 403


def test_the_audit_log_sends_anonymous_visitors_to_log_in(client_as, renamed):
    response = client_as(None).get("/en/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/audit/"


@pytest.mark.parametrize("query", ["action=bogus", "page=abc", "page=-3", "size=0", "model=" + "x" * 300])
def test_bad_audit_log_parameters_do_not_error(client_as, renamed, query):
    assert client_as("admin").get(f"/en/audit/?{query}").status_code == 200


def test_an_unknown_audit_entry_is_not_found(client_as, users):
    assert client_as("admin").get("/en/audit/999999/").status_code == 404


# Django admin ------------------------------------------------------------------------------------------


def admin_user_form(user, roles: list[dict]) -> dict:
    """The admin's user change form as a browser posts it, with `roles` as the inline's rows."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "preferred_language": "fr",
        "roles-TOTAL_FORMS": str(len(roles)),
        "roles-INITIAL_FORMS": str(sum(1 for role in roles if role.get("id"))),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    for index, role in enumerate(roles):
        for key, value in role.items():
            data[f"roles-{index}-{key}"] = value
        data[f"roles-{index}-user"] = str(user.pk)
    return data


def test_a_role_given_in_the_admin_inline_is_audited_and_an_admin_role_opens_the_admin(client_as, users):
    from jalon.accounts.models import RoleAssignment

    target = users["plain"]
    response = client_as("admin").post(
        f"/en/admin/accounts/user/{target.pk}/change/",
        admin_user_form(target, [{"role": "platform_admin", "organisation": "", "programme": ""}]),
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    assignment = RoleAssignment.objects.get(user=target)
    assert AuditEntry.objects.filter(
        model="accounts.roleassignment", object_id=str(assignment.pk), action="create", actor=users["admin"]
    ).exists()
    target.refresh_from_db()
    assert (target.is_staff, target.is_superuser) == (True, True)


def test_a_role_removed_in_the_admin_inline_is_audited(client_as, users):
    from jalon.accounts.models import RoleAssignment

    target = users["viewer"]
    assignment = RoleAssignment.objects.get(user=target)
    response = client_as("admin").post(
        f"/en/admin/accounts/user/{target.pk}/change/",
        admin_user_form(
            target,
            [{"id": str(assignment.pk), "role": "viewer", "organisation": "", "programme": "", "DELETE": "on"}],
        ),
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(model="accounts.roleassignment", object_id=str(assignment.pk), action="delete")
    assert entry.before["role"] == "viewer"


def test_a_programme_scoped_role_is_given_through_the_service(users, db):
    from django.core.exceptions import ValidationError

    from jalon.accounts.models import Role
    from jalon.accounts.services import role_assign
    from jalon.results.access import programme_can_manage
    from jalon.results.models import Programme
    from jalon.results.services import frameworks_load

    frameworks_load()
    ilo, itu = Programme.objects.get(code="ilo-tc-2010-2015"), Programme.objects.get(code="itu-res44")
    user = users["plain"]
    role_assign(actor=users["admin"], user=user, role=Role.PROGRAMME_MANAGER, programme=ilo)
    user = type(user).objects.get(pk=user.pk)  # grants are read once per user object
    assert programme_can_manage(user, ilo) and not programme_can_manage(user, itu)
    with pytest.raises(ValidationError) as caught:
        role_assign(actor=users["admin"], user=user, role=Role.PLATFORM_ADMIN, programme=ilo)
    assert list(caught.value.message_dict) == ["programme"]


@pytest.mark.parametrize(
    "role, shown",
    [(None, False), ("plain", False), ("viewer", True), ("contributor", True), ("focal", True), ("manager", True)],
)
def test_the_support_link_shows_only_to_those_who_may_open_the_page(client_as, users, role, shown):
    page = client_as(role).get("/en/").content.decode()
    assert ('href="/en/support/"' in page) is shown
    if shown:
        assert client_as(role).get("/en/support/").status_code == 200
