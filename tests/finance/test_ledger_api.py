"""The ledger's receipts, budgets, planned disbursements and resource requirements through the API: read as
access.py says, written through the services, receipts reversed rather than edited, requirements updated
with the version read."""

import json
from decimal import Decimal

import pytest

from jalon.finance.models import Budget, Contribution, Receipt, ResourceRequirement
from jalon.results.models import Period, Result

ILO = "ilo-tc-2010-2015"


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def patch(client, path, body):
    return client.patch(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def signed(demo, users):
    """A signed ILO contribution with room left to receive."""
    for contribution in Contribution.objects.filter(programme__code=ILO, status__in=("signed", "partly_received")):
        received = sum(contribution.receipts.values_list("amount", flat=True)) or Decimal(0)
        if received < contribution.amount:
            return contribution
    raise AssertionError("the demo has no signed contribution left to receive")


def test_the_team_posts_and_reverses_a_receipt_never_edits_it(signed, client_as):
    manager = client_as("manager")
    response = post(
        manager, "/api/v1/finance-receipts/", {"contribution": signed.pk, "date": "2012-03-01", "amount": "100"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["currency"] == signed.currency and body["value_date"] == "2012-03-01"
    receipt = Receipt.objects.get(pk=body["id"])
    assert Contribution.objects.get(pk=signed.pk).status in ("partly_received", "received")
    # More than the contribution's amount: refused with the reason.
    too_much = post(
        manager, "/api/v1/finance-receipts/",
        {"contribution": signed.pk, "date": "2012-03-02", "amount": str(signed.amount)}, HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert too_much.status_code == 400 and "more than the contribution" in json.dumps(too_much.json())
    # Corrected by a reversal (with the reason), once; never by a PATCH.
    assert patch(manager, f"/api/v1/finance-receipts/{receipt.pk}/", {"amount": "1"}).status_code == 405
    assert post(manager, f"/api/v1/finance-receipts/{receipt.pk}/reverse/", {"date": "2012-03-05"}).status_code == 400
    reversed_ = post(
        manager, f"/api/v1/finance-receipts/{receipt.pk}/reverse/", {"date": "2012-03-05", "note": "Bank error"}
    )
    assert reversed_.status_code == 201 and reversed_.json()["amount"] == "-100.00"
    assert reversed_.json()["reverses"] == receipt.pk
    again = post(manager, f"/api/v1/finance-receipts/{receipt.pk}/reverse/", {"date": "2012-03-06", "note": "Again"})
    assert again.status_code == 400


def test_receipts_are_read_as_their_contributions_and_written_by_the_team_only(signed, client_as):
    post(
        client_as("manager"),
        "/api/v1/finance-receipts/",
        {"contribution": signed.pk, "date": "2012-03-01", "amount": "5"},
    )
    viewer = client_as("viewer")
    assert viewer.get("/api/v1/finance-receipts/").json()["count"] == Receipt.objects.count()
    refused = post(
        viewer, "/api/v1/finance-receipts/", {"contribution": signed.pk, "date": "2012-03-01", "amount": "5"}
    )
    assert refused.status_code == 403
    # nsb (the focal point's organisation) gave none of the ILO's contributions: it sees no receipt of them.
    assert client_as("focal").get("/api/v1/finance-receipts/").json()["count"] == 0
    assert (
        client_as(None).get("/api/v1/finance-receipts/").json()["count"] == 0
    )  # the public: an empty list, as for contributions


def test_budgets_and_planned_disbursements_are_the_teams_to_post_and_its_readers_to_read(demo, client_as):
    manager = client_as("manager")
    budget = {
        "programme": ILO, "type": 1, "status": 2, "period_start": "2012-01-01", "period_end": "2012-12-31",
        "amount": "250000", "currency": "USD", "value_date": "2012-01-01",
    }  # fmt: skip
    created = post(manager, "/api/v1/finance-budgets/", budget)
    assert created.status_code == 201, created.content
    too_long = post(
        manager, "/api/v1/finance-budgets/", {**budget, "period_end": "2013-06-30"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert too_long.status_code == 400 and "at most a year" in json.dumps(too_long.json())
    assert post(client_as("viewer"), "/api/v1/finance-budgets/", budget).status_code == 403
    assert client_as("viewer").get("/api/v1/finance-budgets/").json()["count"] == Budget.objects.count()
    assert client_as("focal").get("/api/v1/finance-budgets/").json()["count"] == 0
    planned = post(
        client_as("manager"), "/api/v1/finance-planned-disbursements/",
        {key: budget[key] for key in ("programme", "type", "amount", "currency", "value_date")}
        | {"period_start": "2012-01-01", "period_end": "2012-06-30"},
    )  # fmt: skip
    assert planned.status_code == 201, planned.content


def test_a_requirement_is_posted_once_and_updated_with_the_version_read(demo, client_as):
    manager = client_as("manager")
    result = (
        Result.objects.filter(programme__code=ILO).exclude(requirements__isnull=False).first()
        or Result.objects.filter(programme__code=ILO).first()
    )
    period = Period.objects.filter(programme__code=ILO).order_by("-start").first()
    ResourceRequirement.objects.filter(result=result, period=period).delete()
    body = {"result": result.pk, "period": period.pk, "amount": "1000", "currency": "USD", "method": "Unit costs"}
    created = post(manager, "/api/v1/finance-requirements/", body)
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    assert post(manager, "/api/v1/finance-requirements/", body).status_code == 400  # one per result and period
    assert patch(manager, f"/api/v1/finance-requirements/{pk}/", {"amount": "1500"}).status_code == 400  # no version
    changed = patch(manager, f"/api/v1/finance-requirements/{pk}/", {"amount": "1500", "version": version})
    assert changed.status_code == 200 and changed.json()["amount"] == "1500.00"
    stale = patch(manager, f"/api/v1/finance-requirements/{pk}/", {"amount": "1600", "version": version})
    assert stale.status_code == 409
    other = Period.objects.filter(programme__code=ILO).exclude(pk=period.pk).first()
    moved = patch(manager, f"/api/v1/finance-requirements/{pk}/", {"period": other.pk, "version": version + 1})
    assert moved.status_code == 400
    assert (
        patch(
            client_as("viewer"), f"/api/v1/finance-requirements/{pk}/", {"amount": "1", "version": version + 1}
        ).status_code
        == 403
    )
    assert ResourceRequirement.objects.get(pk=pk).amount == Decimal("1500")
    assert client_as("focal").get(f"/api/v1/finance-requirements/{pk}/").status_code == 404


def test_the_new_lists_keep_a_constant_number_of_queries(demo, client_as, django_assert_max_num_queries):
    client = client_as("viewer")
    for path in (
        "/api/v1/finance-receipts/",
        "/api/v1/finance-budgets/",
        "/api/v1/finance-planned-disbursements/",
        "/api/v1/finance-requirements/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200, path
