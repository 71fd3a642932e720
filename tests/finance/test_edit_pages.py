"""A contribution's terms and an allocation are edited on pages built like every edit page (form_page, the
version shown and sent back): the earmark check and the received-money rule still hold, a stale form is a
conflict, and the team alone edits."""

from decimal import Decimal

from jalon.finance import services
from jalon.finance.models import Allocation, Contribution

ILO = "ilo-tc-2010-2015"


def contribution_form(contribution, **changes):
    data = {
        "fund": contribution.fund_id, "contributor": contribution.contributor_id, "reference": contribution.reference,
        "amount": str(contribution.amount), "currency": contribution.currency,
        "value_date": contribution.value_date.isoformat(), "modality": contribution.modality,
        "channel": contribution.channel, "results": [r.pk for r in contribution.results.all()],
        "conditions": contribution.conditions, "reporting_obligations": contribution.reporting_obligations,
        "version": contribution.version,
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_team_edits_a_contributions_terms_and_a_stale_form_is_a_conflict(demo, client_as):
    contribution = Contribution.objects.filter(programme__code=ILO, receipts__isnull=True).first()
    path = f"/en/finance/{ILO}/contributions/{contribution.pk}/edit/"
    manager = client_as("manager")
    page = manager.get(path)
    assert page.status_code == 200 and 'name="version"' in page.content.decode()
    saved = manager.post(path, contribution_form(contribution, reference="DEMO-EDITED", conditions="Audit"))
    assert saved.status_code == 302
    edited = Contribution.objects.get(pk=contribution.pk)
    assert (edited.reference, edited.conditions, edited.version) == ("DEMO-EDITED", "Audit", contribution.version + 1)
    stale = manager.post(path, contribution_form(contribution, reference="LOST"))
    assert stale.status_code == 200 and Contribution.objects.get(pk=contribution.pk).reference == "DEMO-EDITED"
    assert client_as("viewer").get(path).status_code == 403


def test_money_received_keeps_a_contributions_amount(demo, client_as):
    contribution = Contribution.objects.filter(programme__code=ILO, receipts__isnull=False).first()
    path = f"/en/finance/{ILO}/contributions/{contribution.pk}/edit/"
    response = client_as("manager").post(path, contribution_form(contribution, amount="1"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Money was received" in response.content.decode()
    assert Contribution.objects.get(pk=contribution.pk).amount == contribution.amount


def test_an_allocation_edit_keeps_the_earmark_check(demo, client_as, users):
    allocation = Allocation.objects.filter(programme__code=ILO, contribution__results__isnull=False).first()
    path = f"/en/finance/{ILO}/allocations/{allocation.pk}/edit/"
    earmarked = set(allocation.contribution.results.values_list("code", flat=True))
    elsewhere = allocation.programme.results.exclude(code__in=earmarked).exclude(parent__code__in=earmarked).first()

    def form(**changes):
        data = {
            "fund": allocation.fund_id, "contribution": allocation.contribution_id, "result": allocation.result_id,
            "period": allocation.period_id, "amount": str(allocation.amount), "currency": allocation.currency,
            "status": allocation.status, "note": allocation.note,
            "version": Allocation.objects.get(pk=allocation.pk).version,
        }  # fmt: skip
        data.update(changes)
        return data

    manager = client_as("manager")
    refused = manager.post(path, form(result=elsewhere.pk))
    assert refused.status_code == 200 and "earmarked for" in refused.content.decode()
    assert Allocation.objects.get(pk=allocation.pk).result_id == allocation.result_id
    assert manager.post(path, form(amount="1000.00")).status_code == 302
    assert Allocation.objects.get(pk=allocation.pk).amount == Decimal("1000.00")
    # The contribution's page offers the edit.
    detail = manager.get(f"/en/finance/{ILO}/contributions/{allocation.contribution_id}/").content.decode()
    assert path in detail
    assert services.earmarking_refusal(Allocation.objects.get(pk=allocation.pk)) is None
