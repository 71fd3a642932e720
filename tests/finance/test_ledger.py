"""The ledger's rules: earmarking, reversals, currencies that do not mix, the appraisal's approval rule."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.finance import rates, selectors, services
from jalon.finance.models import Contribution, ExchangeRate, Fund, Proposal, Rating, SourceType, Spending
from jalon.finance.rates import Converter
from jalon.organisations.models import Organisation
from jalon.results.models import Period, Result

ILO = "ilo-tc-2010-2015"
D = datetime.date
# The refusals are read in English.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def ilo(frameworks, users):
    programme = frameworks[ILO]
    services.settings_save(actor=users["manager"], programme=programme, currency="USD")
    fund = services.fund_create(
        actor=users["manager"], programme=programme, code="xb", name={"en": "XB"},
        kind=Fund.Kind.EARMARKED_VOLUNTARY, currency="USD",
    )  # fmt: skip
    donor = Organisation.objects.create(name={"en": "Donor"}, kind=Organisation.Kind.DONOR)
    contributor = services.contributor_save(
        actor=users["manager"], organisation=donor, source_type=SourceType.objects.get(code="developed-country")
    )
    return {
        "programme": programme,
        "fund": fund,
        "contributor": contributor,
        "outcomes": {r.code: r for r in Result.objects.filter(programme=programme, parent__isnull=True)},
        "period": Period.objects.get(programme=programme, code="2010-11"),
        "manager": users["manager"],
    }


def _contribution(ilo, **fields):
    defaults = {
        "actor": ilo["manager"], "programme": ilo["programme"], "fund": ilo["fund"], "contributor": ilo["contributor"],
        "amount": Decimal(1000), "currency": "USD", "value_date": D(2010, 2, 1), "status": Contribution.Status.SIGNED,
    }  # fmt: skip
    return services.contribution_create(**(defaults | fields))


def test_allocating_money_earmarked_for_outcome_1_to_outcome_3_is_refused_with_the_reason(ilo):
    earmarked = _contribution(ilo, results=[ilo["outcomes"]["1"]], reference="XB-1", modality="H")
    with pytest.raises(ValidationError) as refusal:
        services.allocation_create(
            actor=ilo["manager"], programme=ilo["programme"], fund=ilo["fund"], contribution=earmarked,
            result=ilo["outcomes"]["3"], period=ilo["period"], amount=Decimal(500), currency="USD",
        )  # fmt: skip
    message = refusal.value.message_dict["result"][0]
    assert "earmarked for 1" in message and "XB-1" in message and "to 3" in message
    allowed = services.allocation_create(
        actor=ilo["manager"], programme=ilo["programme"], fund=ilo["fund"], contribution=earmarked,
        result=ilo["outcomes"]["1"], period=ilo["period"], amount=Decimal(500), currency="USD",
    )  # fmt: skip
    assert allowed.pk
    with pytest.raises(ValidationError, match="Only 500"):
        services.allocation_create(
            actor=ilo["manager"], programme=ilo["programme"], fund=ilo["fund"], contribution=earmarked,
            result=ilo["outcomes"]["1"], period=ilo["period"], amount=Decimal(501), currency="USD",
        )  # fmt: skip


def test_a_pledge_is_not_allocated_before_it_is_signed(ilo):
    pledge = _contribution(ilo, status=Contribution.Status.PLEDGED)
    with pytest.raises(ValidationError, match="signed"):
        services.allocation_create(
            actor=ilo["manager"], programme=ilo["programme"], fund=ilo["fund"], contribution=pledge,
            result=ilo["outcomes"]["1"], period=ilo["period"], amount=Decimal(5), currency="USD",
        )  # fmt: skip


def test_a_posted_expenditure_is_corrected_by_a_reversing_entry_and_only_once(ilo):
    spent = services.spending_post(
        actor=ilo["manager"], programme=ilo["programme"], kind=Spending.Kind.EXPENDITURE, fund=ilo["fund"],
        result=ilo["outcomes"]["2"], date=D(2010, 6, 1), amount=Decimal(300), currency="USD",
    )  # fmt: skip
    reversal = services.spending_reverse(actor=ilo["manager"], spending=spent, date=D(2010, 6, 2), note="Duplicate")
    assert reversal.amount == Decimal(-300) and reversal.reverses == spent
    figures = selectors.programme_figures(ilo["programme"], ilo["period"])
    assert figures.outcomes[1].spent.value == Decimal(0)
    with pytest.raises(ValidationError):
        services.spending_reverse(actor=ilo["manager"], spending=spent, date=D(2010, 6, 3), note="Again")


def test_receipts_move_the_status_and_are_reversed_not_edited(ilo):
    contribution = _contribution(ilo)
    receipt = services.receipt_post(
        actor=ilo["manager"], contribution=contribution, date=D(2010, 3, 1), amount=Decimal(400)
    )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PARTLY_RECEIVED
    with pytest.raises(ValidationError, match="more than"):
        services.receipt_post(actor=ilo["manager"], contribution=contribution, date=D(2010, 3, 2), amount=Decimal(601))
    services.receipt_reverse(actor=ilo["manager"], receipt=receipt, date=D(2010, 3, 5), note="Bank error")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SIGNED


def test_a_contribution_in_xof_and_one_in_chf_show_in_usd_with_the_rate_and_its_source(db):
    rates.curated_rates_load()
    rates.ecb_rates_load(currencies=["USD", "CHF"], start=D(2023, 5, 25), end=D(2023, 6, 5))
    converter = Converter("USD")
    xof = converter.convert(Decimal(10000000), "XOF", D(2023, 6, 1))
    eur_usd = ExchangeRate.objects.get(base="EUR", quote="USD", date=D(2023, 6, 1)).rate
    assert xof.amount == (Decimal(10000000) * (eur_usd / Decimal("655.957")).quantize(Decimal("0.00000001"))).quantize(
        Decimal("0.01")
    )
    assert "655.957" in xof.source and "European Central Bank" in xof.source
    chf = converter.convert(Decimal(150000), "CHF", D(2023, 6, 3))  # a Saturday: Friday's rate
    assert chf.ok and "2023-06-02" in chf.source
    assert (
        chf.rate
        == (
            Decimal(1)
            / ExchangeRate.objects.get(base="EUR", quote="CHF", date=D(2023, 6, 2)).rate
            * ExchangeRate.objects.get(base="EUR", quote="USD", date=D(2023, 6, 2)).rate
        ).quantize(Decimal("0.0001"))
        or chf.rate > 0
    )


def test_a_currency_with_no_rate_says_so_and_is_not_counted_as_zero(db):
    converter = Converter("USD")
    kes = converter.convert(Decimal(1000), "KES", D(2023, 6, 1))
    assert not kes.ok and kes.amount is None
    total = converter.total([(Decimal(5), "USD", D(2023, 6, 1)), (Decimal(1000), "KES", D(2023, 6, 1))])
    assert total.value is None and total.missing == {"KES": Decimal(1000)}


def test_a_proposal_with_one_criterion_rated_1_cannot_be_approved(ilo):
    criteria = services.criteria_ensure(actor=ilo["manager"], programme=ilo["programme"])
    proposal = services.proposal_create(
        actor=ilo["manager"], programme=ilo["programme"], title={"en": "P"}, amount=Decimal(10), currency="USD"
    )
    for status in (Proposal.Status.SUBMITTED, Proposal.Status.IN_APPRAISAL):
        proposal = services.proposal_move(actor=ilo["manager"], proposal=proposal, status=status)
    ratings = dict.fromkeys(criteria, (Rating.SATISFACTORY, ""))
    ratings[criteria[2]] = (Rating.UNSATISFACTORY, "No baseline")
    services.appraisal_record(actor=ilo["manager"], proposal=proposal, ratings=ratings)
    with pytest.raises(ValidationError, match="rated 1"):
        services.proposal_approve(actor=ilo["manager"], proposal=proposal)
    ratings[criteria[2]] = (Rating.NOT_RELEVANT, "")
    services.appraisal_record(actor=ilo["manager"], proposal=proposal, ratings=ratings)
    approved = services.proposal_approve(actor=ilo["manager"], proposal=proposal)
    assert approved.status == Proposal.Status.APPROVED and approved.appraised
    contribution = services.proposal_fund(
        actor=ilo["manager"], proposal=approved, fund=ilo["fund"], contributor=ilo["contributor"],
        value_date=D(2011, 1, 1),
    )  # fmt: skip
    assert contribution.status == Contribution.Status.SIGNED and contribution.proposal == approved


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_a_contributions_file_is_imported_all_or_nothing_with_a_row_level_report(ilo):
    from jalon.finance.imports import CONTRIBUTIONS, SPENDING, ledger_import_start
    from jalon.jobs.models import Job

    ilo["contributor"].organisation.acronym = "DNR"
    ilo["contributor"].organisation.save()
    good = "Contributor,Fund,Amount,Currency,Value date,Earmarked for result\nDNR,xb,1000,EUR,2010-05-01,1\n"
    bad = good + "DNR,xb,50,ZZZ,2010-05-02,\nNobody,xb,5,USD,31/02/2010,9\n"
    refused = ledger_import_start(
        actor=ilo["manager"], programme=ilo["programme"], kind=CONTRIBUTIONS, upload=_upload("c.csv", bad)
    )
    refused.refresh_from_db()
    assert refused.status == Job.Status.FAILED
    problems = {(e["row"], e["column"]) for e in refused.result["errors"]}
    assert {(4, "Contributor"), (4, "Value date"), (4, "Earmarked for result")} <= problems
    assert Contribution.objects.filter(programme=ilo["programme"]).count() == 0  # the valid row is not kept either
    refused_again = ledger_import_start(
        actor=ilo["manager"], programme=ilo["programme"], kind=CONTRIBUTIONS,
        upload=_upload("c.csv", good + "DNR,xb,50,ZZZ,2010-05-02,\n"),
    )  # fmt: skip
    refused_again.refresh_from_db()
    assert [(e["row"], e["column"]) for e in refused_again.result["errors"]] == [(3, "Currency")]
    assert Contribution.objects.filter(programme=ilo["programme"]).count() == 0
    done = ledger_import_start(
        actor=ilo["manager"], programme=ilo["programme"], kind=CONTRIBUTIONS, upload=_upload("c.csv", good)
    )
    done.refresh_from_db()
    assert done.status == Job.Status.SUCCEEDED and done.result["saved"] == 1
    imported = Contribution.objects.get(programme=ilo["programme"])
    assert imported.currency == "EUR" and list(imported.results.values_list("code", flat=True)) == ["1"]
    spent = ledger_import_start(
        actor=ilo["manager"], programme=ilo["programme"], kind=SPENDING,
        upload=_upload("s.csv", "Kind,Fund,Result,Date,Amount,Currency\nexpenditure,xb,2,2010-07-01,120.50,USD\n"),
    )  # fmt: skip
    spent.refresh_from_db()
    assert spent.status == Job.Status.SUCCEEDED
    assert Spending.objects.get(programme=ilo["programme"]).amount == Decimal("120.50")


def test_the_rates_command_loads_the_ecb_file_and_refuses_a_currency_it_does_not_quote(db):
    from django.core.management import CommandError, call_command

    call_command("finance_rates", "--ecb", "USD", "--from", "2024-01-02", "--to", "2024-01-05", "--curated")
    assert ExchangeRate.objects.filter(source=ExchangeRate.Source.ECB, quote="USD").count() == 4
    assert ExchangeRate.objects.filter(source=ExchangeRate.Source.CURATED, quote="XOF").exists()
    with pytest.raises(CommandError, match="XOF"):
        call_command("finance_rates", "--ecb", "XOF")


def test_money_earmarked_for_a_country_goes_only_there(ilo, nsb, other_nsb):
    from jalon.reference.models import Country

    senegal = _contribution(ilo, countries=[Country.objects.get(iso3="SEN")], modality="G", reference="XB-SN")
    common = {
        "actor": ilo["manager"], "programme": ilo["programme"], "fund": ilo["fund"], "contribution": senegal,
        "period": ilo["period"], "amount": Decimal(10), "currency": "USD",
    }  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        services.allocation_create(organisation=other_nsb, **common)
    assert "SEN" in refusal.value.message_dict["country"][0]
    assert services.allocation_create(organisation=nsb, **common).pk


def test_an_expenditure_for_an_activity_takes_its_actual_cost_and_is_posted_once(ilo):
    from jalon.activities.models import Activity
    from jalon.reference.models import Currency
    from tests.activities.conftest import activity_build

    # An activity serving one of the programme's outcomes (a ledger pays only for its programme's activities).
    activity = activity_build(code="fin-workshop", outputs=[next(iter(ilo["outcomes"].values()))])
    Activity.objects.filter(pk=activity.pk).update(
        actual_cost=Decimal("4200.50"), actual_cost_currency=Currency.objects.get(code="EUR")
    )
    activity.refresh_from_db()
    common = {"actor": ilo["manager"], "programme": ilo["programme"], "fund": ilo["fund"],
              "kind": Spending.Kind.EXPENDITURE, "date": D(2011, 5, 2), "activity": activity}  # fmt: skip
    paid = services.spending_post(**common)
    assert (paid.amount, paid.currency) == (Decimal("4200.50"), "EUR")  # not typed again
    with pytest.raises(ValidationError) as twice:
        services.spending_post(**common)
    assert "already paid for" in twice.value.message_dict["activity"][0]
    services.spending_reverse(actor=ilo["manager"], spending=paid, date=D(2011, 5, 3), note="Wrong fund")
    assert services.spending_post(**common).amount == Decimal("4200.50")


def test_the_programmes_conversion_policy_picks_the_rate(db):
    from jalon.finance.models import ConversionPolicy

    rates.ecb_rates_load(currencies=["USD", "CHF"], start=D(2023, 6, 1), end=D(2023, 6, 30))
    on = D(2023, 6, 15)
    daily = Converter("USD").convert(Decimal(100), "CHF", on)
    monthly = Converter("USD", ConversionPolicy.MONTHLY).convert(Decimal(100), "CHF", on)
    days = ExchangeRate.objects.filter(quote="CHF", date__month=6).count()
    assert f"mean of {days} ECB daily rates of 2023-06" in monthly.source and monthly.amount != daily.amount
    fixed = Converter("USD", ConversionPolicy.FIXED)
    assert not fixed.convert(Decimal(100), "CHF", on).ok  # no operational rate set yet
    ExchangeRate.objects.create(
        base="CHF", quote="USD", date=D(2023, 6, 1), rate=Decimal("1.1"), source=ExchangeRate.Source.OPERATIONAL,
        kind=ExchangeRate.Kind.OPERATIONAL, provenance="UN operational rate of June",
    )  # fmt: skip
    assert Converter("USD", ConversionPolicy.FIXED).convert(Decimal(100), "CHF", on).amount == Decimal(110)
