"""Who sees which programme and which reported values, who reports and who approves."""

import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jalon.accounts.models import Role, RoleAssignment, User
from jalon.api.tokens import token_create
from jalon.results import access, services
from jalon.results.models import Level, Measurement, Result
from tests.client import Client
from tests.conftest import make_user
from tests.results.conftest import fr, indicator_build, programme_build

MEASUREMENTS_API = "/api/v1/measurements/"


@pytest.fixture
def hidden(sdo, demo):
    """An unpublished programme next to the published `demo`."""
    built = programme_build(code="hidden", owner=sdo, published=False)
    indicator_build(built, "H1", milestones=("1", "2", "3"), baseline_value=D(0))
    return built


def scoped_manager(username: str, programme):
    user = make_user(username)
    RoleAssignment.objects.create(user=user, role=Role.PROGRAMME_MANAGER, programme=programme)
    return user


def report(demo, user, organisation, *, value="5", status="submitted", indicator=None) -> Measurement:
    measurement = services.measurement_create(
        actor=user,
        indicator=indicator or next(iter(demo.indicators.values())),
        period=demo.current,
        organisation=organisation,
        value=D(value),
        submit=status != "draft",
    )
    if status in ("approved", "returned"):
        approve = status == "approved"
        services.measurement_review(
            actor=User.objects.get(username="manager"),
            measurement=measurement,
            approve=approve,
            note="" if approve else "À revoir",
        )
    return measurement


def api_post(client, payload, **extra):
    return client.post(MEASUREMENTS_API, json.dumps(payload), content_type="application/json", **extra)


# Programme visibility --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (None, False),
        ("plain", False),
        ("contributor", False),
        ("focal", False),
        ("viewer", True),
        ("manager", True),
        ("admin", True),
    ],
)
def test_an_unpublished_programme_is_seen_only_by_managers_and_viewers(hidden, client_as, role, sees):
    client = client_as(role)
    listed = [p.code for p in client.get("/fr/programmes/").context["programmes"]]
    assert ("hidden" in listed, "demo" in listed) == (sees, True)
    assert client.get("/fr/programmes/hidden/").status_code == (200 if sees else 404)
    assert client.get(f"/fr/programmes/hidden/indicators/{hidden.indicators['H1'].pk}/").status_code == (
        200 if sees else 404
    )
    assert client.get("/api/v1/programmes/hidden/").status_code == (200 if sees else 404)
    assert client.get("/api/v1/programmes/hidden/progress/").status_code == (200 if sees else 404)
    api_listed = [p["code"] for p in client.get("/api/v1/programmes/").json()["results"]]
    assert ("hidden" in api_listed, "demo" in api_listed) == (sees, True)


def test_a_manager_scoped_to_a_programme_sees_that_unpublished_programme_only(hidden, sdo, client):
    programme_build(code="other-hidden", owner=sdo, published=False)
    client.force_login(scoped_manager("scoped", hidden.programme))
    assert client.get("/fr/programmes/hidden/").status_code == 200
    assert client.get("/fr/programmes/other-hidden/").status_code == 404
    assert [p.code for p in client.get("/fr/programmes/").context["programmes"]] == ["demo", "hidden"]
    assert client.get("/api/v1/programmes/other-hidden/progress/").status_code == 404


# Approving -------------------------------------------------------------------------------------------------


def test_a_manager_scoped_to_one_programme_cannot_approve_in_another(demo, hidden, users, nsb, client):
    mine = report(hidden, users["focal"], nsb)
    theirs = report(demo, users["focal"], nsb)
    theirs_approved = report(demo, users["focal"], nsb, value="6", status="approved")
    client.force_login(scoped_manager("scoped", hidden.programme))

    assert list(client.get("/fr/programmes/approvals/").context["measurements"]) == [mine]
    refused = client.post(f"/fr/programmes/measurements/{theirs.pk}/review/", {"decision": "approve", "version": 1})
    assert refused.status_code == 404  # not even visible: a submitted value of a programme they do not manage
    refused = client.post(
        f"/fr/programmes/measurements/{theirs_approved.pk}/review/",
        {"decision": "return", "note": "Non", "version": theirs_approved.version},
    )
    assert refused.status_code == 403
    accepted = client.post(f"/fr/programmes/measurements/{mine.pk}/review/", {"decision": "approve", "version": 1})
    assert accepted.status_code == 302
    statuses = dict(Measurement.objects.values_list("pk", "status"))
    assert (statuses[mine.pk], statuses[theirs.pk], statuses[theirs_approved.pk]) == (
        "approved",
        "submitted",
        "approved",
    )


@pytest.mark.parametrize(("role", "answer"), [("viewer", 404), ("focal", 403), ("contributor", 403)])
def test_reporters_and_viewers_cannot_approve(demo, users, nsb, client_as, role, answer):
    measurement = report(demo, users["focal"], nsb)
    response = client_as(role).post(
        f"/fr/programmes/measurements/{measurement.pk}/review/", {"decision": "approve", "version": 1}
    )
    assert response.status_code == answer
    measurement.refresh_from_db()
    assert measurement.status == "submitted"


@pytest.mark.parametrize("reviewer", ["focal", "contributor", "viewer", "plain", "scoped elsewhere", None])
def test_the_review_service_itself_refuses_whoever_does_not_manage_the_programme(demo, hidden, users, nsb, reviewer):
    """The pages and the API refuse them first (403/404); the service is the guard for any other caller."""
    measurement = report(demo, users["focal"], nsb)
    actor = scoped_manager("scoped", hidden.programme) if reviewer == "scoped elsewhere" else users.get(reviewer)
    with pytest.raises(ValidationError) as refused:
        services.measurement_review(actor=actor, measurement=measurement, approve=True, version=1)
    assert refused.value.messages == [fr("Only the programme's managers review values.")]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.reviewer) == ("submitted", None)


@pytest.mark.parametrize(("role", "answer"), [("viewer", 403), ("focal", 403), ("plain", 403), ("manager", 200)])
def test_the_approval_queue_is_for_programme_managers(demo, client_as, role, answer):
    assert client_as(role).get("/fr/programmes/approvals/").status_code == answer


def test_anonymous_users_are_sent_to_the_login_page_to_approve(demo, users, nsb, client_as):
    measurement = report(demo, users["focal"], nsb)
    client = client_as(None)
    assert client.get("/fr/programmes/approvals/").status_code == 302
    response = client.post(
        f"/fr/programmes/measurements/{measurement.pk}/review/", {"decision": "approve", "version": 1}
    )
    assert response.status_code == 302 and response["Location"].startswith("/fr/accounts/login/")
    measurement.refresh_from_db()
    assert measurement.status == "submitted"


# Reporting -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["focal", "contributor"])
def test_a_reporter_reports_only_for_their_own_organisation(demo, nsb, other_nsb, client_as, role):
    indicator = demo.indicators["D1"]
    url = f"/fr/programmes/demo/indicators/{indicator.pk}/report/"
    client = client_as(role)
    form = client.get(url).context["form"]
    assert list(form.fields["organisation"].queryset) == [nsb]
    response = client.post(url, {"period": demo.current.pk, "organisation": other_nsb.pk, "value": "5"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisation"]
    response = client.post(url, {"period": demo.current.pk, "value": "5"})
    assert list(response.context["form"].errors) == ["organisation"]
    assert not Measurement.objects.exists()
    assert client.post(url, {"period": demo.current.pk, "organisation": nsb.pk, "value": "5"}).status_code == 302
    assert list(Measurement.objects.values_list("organisation", "status")) == [(nsb.pk, "draft")]


@pytest.mark.parametrize(("role", "answer"), [("viewer", 403), ("plain", 403), (None, 302)])
def test_people_who_do_not_report_cannot_open_the_report_page(demo, client_as, role, answer):
    url = f"/fr/programmes/demo/indicators/{demo.indicators['D1'].pk}/report/"
    assert client_as(role).get(url).status_code == answer
    assert client_as(role).post(url, {"period": demo.current.pk, "value": "5"}).status_code == answer
    assert not Measurement.objects.exists()


def test_a_reporter_cannot_edit_another_organisations_value_nor_an_approved_one(demo, users, nsb, other_nsb, client_as):
    theirs = report(demo, users["manager"], other_nsb, status="draft")
    ours_approved = report(demo, users["focal"], nsb, status="approved")
    ours_draft = report(demo, users["contributor"], nsb, status="draft")
    client = client_as("focal")
    assert client.get(f"/fr/programmes/measurements/{theirs.pk}/edit/").status_code == 404
    assert client.get(f"/fr/programmes/measurements/{ours_approved.pk}/edit/").status_code == 403
    assert client.get(f"/fr/programmes/measurements/{ours_draft.pk}/edit/").status_code == 200


# What each one sees of the reported values -----------------------------------------------------------------


@pytest.fixture
def history(demo, users, nsb, other_nsb):
    """One value in each state, reported for `nsb`, plus a draft of `other_nsb`."""
    return {
        status: report(demo, users["focal"], nsb, value=value, status=status)
        for status, value in (("draft", "1"), ("submitted", "2"), ("returned", "3"), ("approved", "4"))
    } | {"other draft": report(demo, users["manager"], other_nsb, value="9", status="draft")}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (None, ["approved"]),
        ("plain", ["approved"]),
        ("viewer", ["approved"]),
        ("contributor", ["draft", "submitted", "returned", "approved"]),
        ("focal", ["draft", "submitted", "returned", "approved"]),
        ("manager", ["draft", "submitted", "returned", "approved", "other draft"]),
    ],
)
def test_the_indicator_page_and_the_api_show_only_the_values_one_may_see(demo, history, client_as, role, sees):
    client = client_as(role)
    expected = sorted(history[name].pk for name in sees)
    page = client.get(f"/fr/programmes/demo/indicators/{demo.indicators['D1'].pk}/")
    assert sorted(m.pk for m in page.context["history"]) == expected
    listed = client.get(MEASUREMENTS_API).json()["results"]
    assert sorted(item["id"] for item in listed) == expected
    for name, measurement in history.items():
        assert client.get(f"{MEASUREMENTS_API}{measurement.pk}/").status_code == (200 if name in sees else 404)


def test_the_public_page_does_not_show_unapproved_values(demo, history, client_as):
    html = client_as(None).get(f"/fr/programmes/demo/indicators/{demo.indicators['D1'].pk}/").content.decode()
    assert "À revoir" not in html  # the review note of the returned value
    assert f"/measurements/{history['draft'].pk}/edit/" not in html


# Reporting through the API ---------------------------------------------------------------------------------


def payload(demo, organisation, **extra):
    return {
        "indicator": demo.indicators["D1"].pk,
        "period": "current",
        "organisation": organisation.pk,
        "value": "25",
        "comment": "API",
    } | extra


def test_a_focal_point_reports_through_the_api_with_a_token(demo, users, nsb):
    _token, key = token_create(actor=users["focal"], name="Test")
    response = api_post(Client(), payload(demo, nsb, submit=True), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201
    body = response.json()
    assert (body["period"], body["value"], body["status"], body["version"]) == ("current", "25.0000", "submitted", 1)
    measurement = Measurement.objects.get(pk=body["id"])
    assert (measurement.author, measurement.organisation, measurement.period) == (users["focal"], nsb, demo.current)


def test_a_focal_point_reports_through_the_api_with_a_session(demo, users, nsb, client_as):
    response = api_post(client_as("focal"), payload(demo, nsb))
    assert response.status_code == 201
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize("role", [None, "plain", "viewer"])
def test_people_who_do_not_report_cannot_create_through_the_api(demo, nsb, client_as, role):
    # Anonymous: 401 with the token challenge; signed in without the right: 403.
    assert api_post(client_as(role), payload(demo, nsb)).status_code == (401 if role is None else 403)
    assert not Measurement.objects.exists()


def test_the_api_refuses_a_report_for_another_organisation(demo, other_nsb, client_as):
    response = api_post(client_as("focal"), payload(demo, other_nsb))
    assert response.status_code == 400
    assert list(response.json()) == ["organisation"]
    assert not Measurement.objects.exists()


def test_the_api_refuses_a_report_on_an_unpublished_programme(hidden, nsb, client_as):
    response = api_post(
        client_as("focal"),
        {"indicator": hidden.indicators["H1"].pk, "period": "current", "organisation": nsb.pk, "value": "1"},
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_the_api_answers_a_service_refusal_with_a_400(demo, nsb, client_as):
    response = api_post(client_as("focal"), payload(demo, nsb, value=None))
    assert response.status_code == 400
    assert list(response.json()) == ["value"]
    assert not Measurement.objects.exists()


# Fetchers: the record, a 404 or a 403 ------------------------------------------------------------------------


def outcome(fetch) -> object:
    try:
        fetch()
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


@pytest.mark.parametrize(
    ("role", "published", "hidden_seen", "hidden_managed"),
    [
        (None, 200, 404, 404),
        ("focal", 200, 404, 404),
        ("viewer", 200, 200, 403),
        ("manager", 200, 200, 200),
    ],
)
def test_access_programme_hides_unpublished_programmes_and_refuses_management(
    demo, hidden, users, role, published, hidden_seen, hidden_managed
):
    user = users.get(role)
    assert outcome(lambda: access.access_programme(user, "demo")) == published
    assert outcome(lambda: access.access_programme(user, "hidden")) == hidden_seen
    assert outcome(lambda: access.access_programme(user, "hidden", manage=True)) == hidden_managed
    assert outcome(lambda: access.access_programme(user, "nowhere")) == 404


def test_access_indicator_and_parts_answer_404_for_another_programme_or_an_impossible_id(demo, hidden, users):
    manager = users["manager"]
    indicator = demo.indicators["D1"]
    assert access.access_indicator(manager, "demo", indicator.pk, manage=True) == indicator
    assert outcome(lambda: access.access_indicator(manager, "hidden", indicator.pk)) == 404
    assert outcome(lambda: access.access_indicator(manager, "demo", 2**63)) == 404
    assert outcome(lambda: access.access_indicator(users["focal"], "demo", indicator.pk, manage=True)) == 403
    assert outcome(lambda: access.access_indicator(users["viewer"], "demo", indicator.pk, report=True)) == 403
    assert access.access_indicator(users["focal"], "demo", indicator.pk, report=True) == indicator
    level = Level.objects.get(programme=demo.programme)
    assert access.access_framework_part(manager, "demo", Level, level.pk) == level
    assert outcome(lambda: access.access_framework_part(manager, "hidden", Level, level.pk)) == 404
    assert outcome(lambda: access.access_framework_part(manager, "demo", Result, 2**63)) == 404
    assert outcome(lambda: access.access_framework_part(users["viewer"], "demo", Level, level.pk)) == 403


def test_an_impossible_id_in_a_page_address_is_a_404(demo, client_as):
    """A number larger than the database's integers finds nothing (never an overflow in the database)."""
    client = client_as("manager")
    huge = 2**64
    for path in (
        f"/fr/programmes/demo/indicators/{huge}/",
        f"/fr/programmes/demo/indicators/{huge}/edit/",
        f"/fr/programmes/demo/levels/{huge}/edit/",
        f"/fr/programmes/measurements/{huge}/edit/",
    ):
        assert client.get(path).status_code == 404, path


def test_access_measurement_checks_who_edits_and_who_reviews(demo, users, nsb):
    draft = report(demo, users["focal"], nsb, status="draft")
    submitted = report(demo, users["focal"], nsb, value="6")
    assert access.access_measurement(users["focal"], draft.pk, edit=True) == draft
    assert outcome(lambda: access.access_measurement(users["focal"], submitted.pk, edit=True)) == 403
    assert outcome(lambda: access.access_measurement(users["focal"], submitted.pk, review=True)) == 403
    assert outcome(lambda: access.access_measurement(users["viewer"], submitted.pk)) == 404
    assert access.access_measurement(users["manager"], submitted.pk, review=True) == submitted
    assert outcome(lambda: access.access_measurement(users["manager"], 2**63)) == 404
