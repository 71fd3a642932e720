"""A ledger line names only its own programme's records: a fund of the programme, an activity that serves it, a
sponsorship or a fellowship awarded in it. The services refuse another programme's, with the field named; the
API offers a manager only the records of the programmes they manage (the same answer for another programme's
record as for one that does not exist); a requirement is refused to whoever may not write it before anything
is said about the requirements already there."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.accounts.models import Role, User
from jalon.accounts.services import role_assign
from jalon.committees.models import Committee, Meeting
from jalon.finance import services
from jalon.finance.models import Allocation, Budget, Fund, PlannedDisbursement, ResourceRequirement, Spending
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency
from jalon.results.models import Period, Programme, Result
from jalon.support.models import Fellowship, Sponsorship
from tests.activities.conftest import activity_build
from tests.conftest import PASSWORD

ILO = "ilo-tc-2010-2015"
ISO = "iso-ap-2021-2025"
D = datetime.date


@pytest.fixture
def iso_manager(demo):
    """A manager of the ISO programme only."""
    user = User.objects.create_user(username="iso-manager", password=PASSWORD, email="iso-manager@example.org")
    role_assign(actor=None, user=user, role=Role.PROGRAMME_MANAGER, programme=Programme.objects.get(code=ISO))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def iso_client(client, iso_manager):
    client.force_login(iso_manager)
    return client


@pytest.fixture
def ilo_fund(demo):
    return Fund.objects.get(programme__code=ILO, code="xbdc")


@pytest.fixture
def iso_fund(demo):
    return Fund.objects.get(programme__code=ISO, code="trust")


@pytest.fixture
def ilo_activity(demo):
    """An activity that serves an ILO outcome, and no ISO result."""
    outcome = Result.objects.filter(programme__code=ILO, parent__isnull=True).first()
    return activity_build(code="ilo-only-workshop", outputs=[outcome], actual_cost=Decimal(900),
                          actual_cost_currency=Currency.objects.get(code="USD"))  # fmt: skip


@pytest.fixture
def awards(demo):
    """A sponsorship and a fellowship of the ILO programme (so of no ISO one)."""
    ilo = Programme.objects.get(code=ILO)
    nsb = Organisation.objects.get(acronym="ASN")
    person = Person.objects.create(given_name="Awa", family_name="Diop", organisation=nsb)
    committee = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 34", title={"en": "Food"})
    meeting = Meeting.objects.create(
        committee=committee, title={"en": "Plenary"}, start_date=D(2026, 5, 4), end_date=D(2026, 5, 6)
    )
    common = {
        "programme": ilo, "organisation": nsb, "person": person, "meeting": meeting,
        "currency": Currency.objects.get(code="CHF"), "actual_travel": Decimal(800),
    }  # fmt: skip
    sponsorship = Sponsorship.objects.create(committee=committee, **common)
    fellowship = Fellowship.objects.create(country=Country.objects.get(iso3="SEN"), financial_year=2026, **common)
    return sponsorship, fellowship


def refusal(call, **kwargs) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


def unnamed(messages: list[str]) -> list[str]:
    """The messages without the ids they quote."""
    return [re.sub(r"\d+", "N", message) for message in messages]


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


# The services ---------------------------------------------------------------------------------------------------


def test_a_budget_or_a_planned_disbursement_names_a_fund_of_its_programme(iso_manager, ilo_fund, iso_fund):
    iso = Programme.objects.get(code=ISO)
    plan = {
        "period_start": D(2023, 1, 1), "period_end": D(2023, 12, 31), "amount": Decimal(1000), "currency": "CHF",
        "value_date": D(2023, 1, 1),
    }  # fmt: skip
    for call in (services.budget_create, services.planned_disbursement_create):
        refused = refusal(call, actor=iso_manager, programme=iso, fund=ilo_fund, **plan)
        assert refused == {"fund": ["This fund belongs to another programme."]}
        assert call(actor=iso_manager, programme=iso, fund=iso_fund, **plan).fund == iso_fund
    assert not Budget.objects.filter(fund=ilo_fund, programme=iso).exists()
    assert not PlannedDisbursement.objects.filter(fund=ilo_fund, programme=iso).exists()


def test_an_entry_pays_only_for_an_activity_serving_its_programme(iso_manager, iso_fund, ilo_activity):
    iso = Programme.objects.get(code=ISO)
    entry = {"kind": Spending.Kind.EXPENDITURE, "fund": iso_fund, "date": D(2023, 3, 1)}
    refused = refusal(services.spending_post, actor=iso_manager, programme=iso, activity=ilo_activity, **entry)
    assert list(refused) == ["activity"] and "does not serve this programme" in refused["activity"][0]
    assert not Spending.objects.filter(programme=iso, activity=ilo_activity).exists()


def test_an_entry_already_paid_in_another_programme_is_refused_for_the_programme_not_the_payment(
    iso_manager, iso_fund, ilo_fund, ilo_activity
):
    ilo, iso = Programme.objects.get(code=ILO), Programme.objects.get(code=ISO)
    entry = {"kind": Spending.Kind.EXPENDITURE, "date": D(2023, 3, 1), "amount": Decimal(900), "currency": "USD"}
    services.spending_post(actor=None, programme=ilo, fund=ilo_fund, activity=ilo_activity, **entry)
    refused = refusal(services.spending_post, actor=iso_manager, programme=iso, fund=iso_fund, activity=ilo_activity,
                      **entry)  # fmt: skip
    assert "does not serve this programme" in refused["activity"][0]


def test_an_entry_pays_only_for_an_award_of_its_programme(iso_manager, iso_fund, awards):
    iso = Programme.objects.get(code=ISO)
    sponsorship, fellowship = awards
    entry = {"kind": Spending.Kind.EXPENDITURE, "fund": iso_fund, "date": D(2023, 3, 1)}
    refused = refusal(services.spending_post, actor=iso_manager, programme=iso, sponsorship=sponsorship, **entry)
    assert refused == {"sponsorship": ["This sponsorship was awarded in another programme."]}
    refused = refusal(services.spending_post, actor=iso_manager, programme=iso, fellowship=fellowship, **entry)
    assert refused == {"fellowship": ["This fellowship was awarded in another programme."]}
    assert not Spending.objects.filter(programme=iso).exclude(sponsorship=None, fellowship=None).exists()


def test_an_allocation_goes_only_to_an_activity_serving_its_programme(iso_manager, iso_fund, ilo_activity):
    iso = Programme.objects.get(code=ISO)
    refused = refusal(
        services.allocation_create, actor=iso_manager, programme=iso, fund=iso_fund, activity=ilo_activity,
        period=Period.objects.filter(programme=iso).first(), amount=Decimal(10), currency="CHF",
    )  # fmt: skip
    assert list(refused) == ["activity"]
    assert not Allocation.objects.filter(activity=ilo_activity).exists()


def test_the_programmes_own_records_are_accepted(iso_manager, iso_fund):
    iso = Programme.objects.get(code=ISO)
    outcome = Result.objects.filter(programme=iso).first()
    activity = activity_build(
        code="iso-workshop", outputs=[outcome], actual_cost=Decimal(700),
        actual_cost_currency=Currency.objects.get(code="CHF"),
    )  # fmt: skip
    entry = services.spending_post(
        actor=iso_manager, programme=iso, kind=Spending.Kind.COMMITMENT, fund=iso_fund, date=D(2023, 3, 1),
        activity=activity, amount=Decimal(700), currency="CHF",
    )  # fmt: skip
    assert entry.activity == activity


# The API ----------------------------------------------------------------------------------------------------------


def test_the_api_refuses_another_programmes_fund_in_a_budget_or_a_plan(iso_client, ilo_fund, iso_fund):
    plan = {
        "programme": ISO, "type": 1, "period_start": "2023-01-01", "period_end": "2023-12-31", "amount": "1000",
        "currency": "CHF", "value_date": "2023-01-01",
    }  # fmt: skip
    for path, model in (
        ("/api/v1/finance-budgets/", Budget),
        ("/api/v1/finance-planned-disbursements/", PlannedDisbursement),
    ):
        refused = post(iso_client, path, {**plan, "fund": ilo_fund.pk})
        assert refused.status_code == 400 and "fund" in refused.json(), refused.content
        # The same answer as for a fund that does not exist: another programme's funds are not offered.
        missing = post(iso_client, path, {**plan, "fund": 10**9})
        assert unnamed(missing.json()["fund"]) == unnamed(refused.json()["fund"])
        assert not model.objects.filter(fund=ilo_fund, programme__code=ISO).exists()
        assert post(iso_client, path, {**plan, "fund": iso_fund.pk}).status_code == 201


def test_the_api_refuses_another_programmes_activity_or_award(iso_client, iso_fund, ilo_fund, ilo_activity, awards):
    sponsorship, fellowship = awards
    entry = {"programme": ISO, "kind": "expenditure", "fund": iso_fund.pk, "date": "2023-03-01",
             "value_date": "2023-03-01", "amount": "5", "currency": "CHF"}  # fmt: skip
    for name, record in (("fund", ilo_fund), ("activity", ilo_activity), ("sponsorship", sponsorship),
                         ("fellowship", fellowship)):  # fmt: skip
        refused = post(iso_client, "/api/v1/finance-spending/", {**entry, name: record.pk})
        assert refused.status_code == 400 and name in refused.json(), (name, refused.content)
        missing = post(iso_client, "/api/v1/finance-spending/", {**entry, name: 10**9})
        assert unnamed(missing.json()[name]) == unnamed(refused.json()[name]), name
    assert (
        not Spending.objects.filter(programme__code=ISO, description="")
        .exclude(activity=None, sponsorship=None, fellowship=None)
        .exists()
    )
    assert not Spending.objects.filter(programme__code=ISO, fund=ilo_fund).exists()


def test_a_requirement_is_refused_to_another_programmes_manager_whether_or_not_one_exists(iso_client, demo):
    period = Period.objects.filter(programme__code=ILO).order_by("start").first()
    with_one, without = Result.objects.filter(programme__code=ILO)[:2]
    ResourceRequirement.objects.filter(result__in=(with_one, without), period=period).delete()
    services.requirement_save(actor=None, result=with_one, period=period, amount=Decimal(5), currency="USD")
    answers = [
        post(iso_client, "/api/v1/finance-requirements/",
             {"result": result.pk, "period": period.pk, "amount": "1", "currency": "USD"})
        for result in (with_one, without)
    ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [403, 403], [a.content for a in answers]
    assert answers[0].json() == answers[1].json()
    assert ResourceRequirement.objects.get(result=with_one, period=period).amount == Decimal(5)


# The pages --------------------------------------------------------------------------------------------------------


def test_the_budget_page_offers_only_the_programmes_funds(iso_client, ilo_fund, iso_fund):
    page = iso_client.get(f"/en/finance/{ISO}/budgets/new/")
    assert page.status_code == 200
    funds = re.search(r'<select name="fund".*?</select>', page.content.decode(), re.S).group(0)
    assert f'value="{iso_fund.pk}"' in funds and f'value="{ilo_fund.pk}"' not in funds
    posted = iso_client.post(
        f"/en/finance/{ISO}/budgets/new/",
        {"fund": ilo_fund.pk, "type": 1, "status": 1, "period_start": "2023-01-01", "period_end": "2023-12-31",
         "amount": "1000", "currency": "CHF", "value_date": "2023-01-01"},
    )  # fmt: skip
    assert posted.status_code == 200 and not Budget.objects.filter(fund=ilo_fund, programme__code=ISO).exists()


def test_an_entry_for_an_award_without_an_amount_costs_its_travel_allowance_and_other_costs(
    iso_manager, ilo_fund, awards
):
    ilo = Programme.objects.get(code=ILO)
    sponsorship, _fellowship = awards
    sponsorship.actual_allowance, sponsorship.actual_other = Decimal(450), Decimal(50)
    sponsorship.save()
    entry = services.spending_post(
        actor=None, programme=ilo, kind=Spending.Kind.EXPENDITURE, fund=ilo_fund, date=D(2023, 3, 1),
        sponsorship=sponsorship,
    )  # fmt: skip
    assert (entry.amount, entry.currency) == (Decimal(1300), "CHF")  # 800 + 450 + 50
