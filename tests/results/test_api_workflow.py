"""The measurement workflow through the API: report, edit with a version, submit, review."""

from decimal import Decimal

import pytest

from jalon.results.models import Measurement


@pytest.fixture
def api_as(client_as):
    def login(name):
        return client_as(name)

    return login


def report(client, demo, nsb, value="5"):
    response = client.post(
        "/api/v1/measurements/",
        {"indicator": demo.indicators["D1"].pk, "period": demo.current.code, "organisation": nsb.pk, "value": value},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_focal_point_reports_edits_and_submits_and_a_manager_approves(api_as, demo, nsb):
    focal = api_as("focal")
    created = report(focal, demo, nsb)
    url = f"/api/v1/measurements/{created['id']}/"
    edited = focal.patch(url, {"value": "6", "version": created["version"]}, content_type="application/json")
    assert edited.status_code == 200
    assert edited.json()["value"] == "6.0000"
    submitted = focal.post(f"{url}submit/", {"version": edited.json()["version"]}, content_type="application/json")
    assert submitted.json()["status"] == "submitted"
    manager = api_as("manager")
    approved = manager.post(
        f"{url}review/",
        {"decision": "approve", "version": submitted.json()["version"]},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    progress = manager.get(f"/api/v1/programmes/{demo.programme.code}/progress/").json()
    cell = next(c for c in progress[0]["periods"] if c["period"] == demo.current.code)
    assert Decimal(cell["actual"]) == Decimal(6)


def test_an_edit_based_on_an_old_version_is_refused_with_409_and_changes_nothing(api_as, demo, nsb):
    focal = api_as("focal")
    created = report(focal, demo, nsb)
    url = f"/api/v1/measurements/{created['id']}/"
    assert (
        focal.patch(url, {"value": "6", "version": created["version"]}, content_type="application/json").status_code
        == 200
    )
    stale = focal.patch(
        url, {"value": "9", "version": created["version"]}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.json()["detail"]
    assert Measurement.objects.get(pk=created["id"]).value == Decimal(6)


def test_returning_without_a_note_is_refused_with_a_field_message(api_as, demo, nsb):
    created = report(api_as("focal"), demo, nsb)
    url = f"/api/v1/measurements/{created['id']}/"
    submitted = api_as("focal").post(f"{url}submit/", {}, content_type="application/json").json()
    refused = api_as("manager").post(
        f"{url}review/", {"decision": "return", "version": submitted["version"]}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "note" in refused.json()


def test_a_focal_point_cannot_review_its_own_submission(api_as, demo, nsb):
    created = report(api_as("focal"), demo, nsb)
    url = f"/api/v1/measurements/{created['id']}/"
    submitted = api_as("focal").post(f"{url}submit/", {}, content_type="application/json").json()
    response = api_as("focal").post(
        f"{url}review/", {"decision": "approve", "version": submitted["version"]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Measurement.objects.get(pk=created["id"]).status == Measurement.Status.SUBMITTED


def test_the_targets_endpoint_resolves_relative_milestones(api_as, demo):
    from jalon.results.models import Milestone

    Milestone.objects.filter(indicator=demo.indicators["D1"], period=demo.future).update(
        value=None, relative_percent=Decimal(50)
    )
    rows = api_as(None).get(f"/api/v1/programmes/{demo.programme.code}/targets/").json()
    future = next(row for row in rows if row["period"] == demo.future.code)
    assert (future["relative_percent"], future["target"], future["pending"]) == ("50.0000", "15.0000", False)
    periods = api_as(None).get(f"/api/v1/programmes/{demo.programme.code}/periods/").json()
    assert [p["code"] for p in periods] == ["past", "current", "future"]
