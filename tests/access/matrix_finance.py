"""Access table rows for finance (see matrix.py and jalon/finance/access.py).

The public sees a programme's aggregate figures once the programme and its figures are published; ledger lines
are seen by the programme's team and viewers, and by the users of the organisation they concern (here `nsb`
contributed); the programme team writes."""

import datetime
from decimal import Decimal

from jalon.finance import services
from jalon.finance.models import (
    Allocation,
    AppraisalCriterion,
    Budget,
    Contribution,
    Contributor,
    ExchangeRate,
    FinanceSettings,
    Fund,
    PlannedDisbursement,
    Proposal,
    Receipt,
    ResourceRequirement,
    SourceType,
    Spending,
)
from jalon.jobs.models import Job
from jalon.organisations.models import Organisation
from jalon.results.models import Period, Programme, Result
from tests.access.matrix import ANONYMOUS, EVERYONE, SEES_UNPUBLISHED, TEAM, Redirect, api, page, url

READERS = TEAM | {"viewer"}
LEDGER = READERS | {"focal", "contributor"}  # nsb's users see nsb's contribution
PLAIN_403 = {"plain": (403,)}


def _programme(code: str, published_figures: bool) -> dict:
    iso = Organisation.objects.get(acronym="ISO")
    programme = Programme.objects.create(
        code=code, owner=iso, title={"en": code}, start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 12, 31), published=True,
    )  # fmt: skip
    period = Period.objects.create(
        programme=programme, code="2024-25", name={"en": "2024-25"}, start=programme.start_date, end=programme.end_date
    )
    from jalon.results.models import Level

    level = Level.objects.create(programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=programme, level=level, code="1", title={"en": "One"})
    services.settings_save(actor=None, programme=programme, currency="USD", published=published_figures)
    fund = services.fund_create(
        actor=None, programme=programme, code="tf", name={"en": "Trust"}, kind=Fund.Kind.TRUST_FUND, currency="USD"
    )
    return {"programme": programme, "period": period, "result": result, "fund": fund}


def _base(ctx) -> dict:
    built = {"open": _programme("fin-open", True), "closed": _programme("fin-closed", False)}
    opened = built["open"]
    contributor = services.contributor_save(
        actor=None, organisation=ctx.nsb, source_type=SourceType.objects.get(code="other")
    )
    contribution = services.contribution_create(
        actor=None, programme=opened["programme"], fund=opened["fund"], contributor=contributor, amount=Decimal(1000),
        currency="USD", value_date=datetime.date(2024, 3, 1), status=Contribution.Status.SIGNED,
    )  # fmt: skip
    allocation = services.allocation_create(
        actor=None, programme=opened["programme"], fund=opened["fund"], result=opened["result"],
        period=opened["period"], amount=Decimal(500), currency="USD",
    )  # fmt: skip
    spending = services.spending_post(
        actor=None, programme=opened["programme"], kind=Spending.Kind.EXPENDITURE, fund=opened["fund"],
        result=opened["result"], date=datetime.date(2024, 5, 1), amount=Decimal(100), currency="USD",
    )  # fmt: skip
    proposal = services.proposal_create(
        actor=None, programme=opened["programme"], title={"en": "P"}, amount=Decimal(10), currency="USD"
    )
    approved = services.proposal_create(
        actor=None, programme=opened["programme"], title={"en": "Approved"}, amount=Decimal(30), currency="USD"
    )
    for status in (Proposal.Status.SUBMITTED, Proposal.Status.IN_APPRAISAL):
        approved = services.proposal_move(actor=None, proposal=approved, status=status)
    approved = services.proposal_approve(actor=None, proposal=approved, waived="Matrix")
    rate = ExchangeRate.objects.create(
        base="EUR", quote="USD", date=datetime.date(2024, 3, 1), rate=Decimal("1.08"), source="manual",
        provenance="test",
    )  # fmt: skip
    # Planning lines and a received contribution of their own, so that the rows above keep their records.
    given = services.contribution_create(
        actor=None, programme=opened["programme"], fund=opened["fund"], contributor=contributor, amount=Decimal(300),
        currency="USD", value_date=datetime.date(2024, 3, 1), status=Contribution.Status.SIGNED,
    )  # fmt: skip
    receipt = services.receipt_post(actor=None, contribution=given, date=datetime.date(2024, 4, 1), amount=Decimal(50))
    budget = services.budget_create(
        actor=None, programme=opened["programme"], period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31), amount=Decimal(900), currency="USD",
        value_date=datetime.date(2024, 1, 1),
    )  # fmt: skip
    planned = services.planned_disbursement_create(
        actor=None, programme=opened["programme"], period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 6, 30), amount=Decimal(90), currency="USD",
        value_date=datetime.date(2024, 1, 1),
    )  # fmt: skip
    second = Result.objects.create(
        programme=opened["programme"], level=opened["result"].level, code="2", title={"en": "Two"}
    )
    requirement = services.requirement_save(
        actor=None, result=second, period=opened["period"], amount=Decimal(700), currency="USD", method="Estimate"
    )
    job = Job.objects.create(
        kind="finance-spending", owner=ctx.users["manager"], subject_id=opened["programme"].pk,
        status=Job.Status.SUCCEEDED, result={"saved": 1, "rows": 1},
    )  # fmt: skip
    built.update(
        job=job,
        contributor=contributor, contribution=contribution, allocation=allocation, spending=spending,
        proposal=proposal, rate=rate, approved=approved,
        receipt=receipt, budget=budget, planned=planned, requirement=requirement,
    )  # fmt: skip
    return built


def _file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ledger.csv", text.encode())


def base(ctx) -> dict:
    return ctx.once("finance-base", _base)


def code_of(which="open"):
    return lambda ctx: {"code": base(ctx)[which]["programme"].code}


def of(name, which="open"):
    return lambda ctx: {"code": base(ctx)[which]["programme"].code, "pk": base(ctx)[name].pk}


def count(model):
    return lambda ctx: model.objects.count()


def _ids(ctx, name):
    return base(ctx)[name].pk


OPEN = "fin-open"
HIDDEN_FIGURES = {ANONYMOUS: (404,), "plain": (404,), "focal": (403,), "contributor": (403,)}

CASES = [
    page("finance: index", "finance:index", EVERYONE),
    page("finance: exchange rates", "finance:rates", EVERYONE),
    page("finance: new rate", "finance:rate_new", TEAM),
    page(
        "finance: save a rate",
        "finance:rate_new",
        TEAM,
        method="post",
        data=lambda ctx: {
            "base": "CHF",
            "quote": "XOF",
            "date": "2024-02-01",
            "rate": "700",
            "kind": "monthly",
            "provenance": "Test",
        },
        ok=Redirect(lambda ctx: url("finance:rates"), "the rates"),
        effect=count(ExchangeRate),
    ),  # fmt: skip
    page(
        "finance: a contributor",
        "finance:contributor",
        LEDGER,
        kwargs=lambda ctx: {"pk": base(ctx)["contributor"].pk},
        refused_as={"plain": (404,)},
    ),  # fmt: skip
    page("finance: new contributor", "finance:contributor_new", TEAM),
    page(
        "finance: record a contributor",
        "finance:contributor_new",
        TEAM,
        method="post",
        data=lambda ctx: {"organisation": ctx.other_nsb.pk, "source_type": SourceType.objects.get(code="other").pk},
        ok=Redirect(lambda ctx: url("finance:index") + r"contributors/\d+/", "the contributor"),
        effect=count(Contributor),
    ),  # fmt: skip
    page(
        "finance: a contributor's source type",
        "finance:contributor_edit",
        TEAM,
        kwargs=lambda ctx: {"pk": base(ctx)["contributor"].pk},
    ),  # fmt: skip
    page("finance: source types", "finance:source_types", TEAM),
    page(
        "finance: add a source type",
        "finance:source_types",
        TEAM,
        method="post",
        data=lambda ctx: {"code": "test-source", "name_en": "Test source", "name_fr": "Source de test"},
        ok=Redirect(lambda ctx: url("finance:source_types"), "the source types"),
        effect=count(SourceType),
    ),  # fmt: skip
    page("finance: a programme's money", "finance:programme", EVERYONE, kwargs=code_of()),
    page(
        "finance: unpublished figures",
        "finance:programme",
        SEES_UNPUBLISHED,
        kwargs=code_of("closed"),
        refused_as=HIDDEN_FIGURES,
    ),  # fmt: skip
    page("finance: Table 1", "finance:table_one", EVERYONE, kwargs=code_of()),
    page("finance: contributions", "finance:contributions", LEDGER, kwargs=code_of(), refused_as=PLAIN_403),
    page(
        "finance: a contribution",
        "finance:contribution_detail",
        LEDGER,
        kwargs=of("contribution"),
        refused_as=PLAIN_403,
    ),  # fmt: skip
    page("finance: new contribution", "finance:contribution_new", TEAM, kwargs=code_of()),
    page(
        "finance: save a contribution",
        "finance:contribution_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "fund": base(ctx)["open"]["fund"].pk,
            "contributor": base(ctx)["contributor"].pk,
            "amount": "50",
            "currency": "EUR",
            "value_date": "2024-04-01",
            "status": "signed",
            "modality": "A",
            "channel": "other",
        },
        ok=Redirect(lambda ctx: url("finance:contributions", code=OPEN) + r"\d+/", "the contribution"),
        effect=count(Contribution),
    ),  # fmt: skip
    page(
        "finance: post a receipt",
        "finance:receipt_new",
        TEAM,
        method="post",
        kwargs=of("contribution"),
        data=lambda ctx: {"date": "2024-04-01", "amount": "100"},
        ok=Redirect(
            lambda ctx: url("finance:contribution_detail", code=OPEN, pk=base(ctx)["contribution"].pk),
            "the contribution",
        ),
        effect=lambda ctx: Receipt.objects.count(),
    ),  # fmt: skip
    page(
        "finance: close a contribution",
        "finance:contribution_status",
        TEAM,
        method="post",
        kwargs=of("contribution"),
        data=lambda ctx: {"status": "closed"},
        ok=Redirect(
            lambda ctx: url("finance:contribution_detail", code=OPEN, pk=base(ctx)["contribution"].pk),
            "the contribution",
        ),
        effect=lambda ctx: Contribution.objects.get(pk=base(ctx)["contribution"].pk).status,
    ),  # fmt: skip
    page("finance: edit a contribution", "finance:contribution_edit", TEAM, kwargs=of("contribution")),
    page(
        "finance: save a contribution's terms",
        "finance:contribution_edit",
        TEAM,
        method="post",
        kwargs=of("contribution"),
        data=lambda ctx: {
            "fund": base(ctx)["open"]["fund"].pk,
            "contributor": base(ctx)["contributor"].pk,
            "amount": "1000",
            "currency": "USD",
            "value_date": "2024-03-01",
            "modality": "A",
            "channel": "rbsa",
            "version": Contribution.objects.get(pk=base(ctx)["contribution"].pk).version,
        },
        ok=Redirect(
            lambda ctx: url("finance:contribution_detail", code=OPEN, pk=base(ctx)["contribution"].pk),
            "the contribution",
        ),
        effect=lambda ctx: Contribution.objects.get(pk=base(ctx)["contribution"].pk).channel,
    ),  # fmt: skip
    page("finance: edit an allocation", "finance:allocation_edit", TEAM, kwargs=of("allocation")),
    page(
        "finance: save an allocation's change",
        "finance:allocation_edit",
        TEAM,
        method="post",
        kwargs=of("allocation"),
        data=lambda ctx: {
            "fund": base(ctx)["open"]["fund"].pk,
            "result": base(ctx)["open"]["result"].pk,
            "period": base(ctx)["open"]["period"].pk,
            "amount": "450",
            "currency": "USD",
            "status": "approved",
            "version": Allocation.objects.get(pk=base(ctx)["allocation"].pk).version,
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=lambda ctx: Allocation.objects.get(pk=base(ctx)["allocation"].pk).amount,
    ),  # fmt: skip
    page("finance: new requirement", "finance:requirement_new", TEAM, kwargs=code_of()),
    page(
        "finance: save a requirement",
        "finance:requirement_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "result": base(ctx)["open"]["result"].pk,
            "period": base(ctx)["open"]["period"].pk,
            "amount": "900",
            "currency": "USD",
            "method": "Estimate",
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=count(ResourceRequirement),
    ),  # fmt: skip
    page("finance: new budget", "finance:budget_new", TEAM, kwargs=code_of()),
    page(
        "finance: save a budget",
        "finance:budget_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "type": "1",
            "status": "1",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "amount": "900",
            "currency": "USD",
            "value_date": "2024-01-01",
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=count(Budget),
    ),  # fmt: skip
    page("finance: new planned disbursement", "finance:planned_disbursement_new", TEAM, kwargs=code_of()),
    page(
        "finance: save a planned disbursement",
        "finance:planned_disbursement_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "type": "1",
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "amount": "90",
            "currency": "USD",
            "value_date": "2024-01-01",
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=count(PlannedDisbursement),
    ),  # fmt: skip
    page("finance: fund a proposal", "finance:proposal_fund", TEAM, kwargs=of("approved")),
    page(
        "finance: record a proposal's funding",
        "finance:proposal_fund",
        TEAM,
        method="post",
        kwargs=of("approved"),
        data=lambda ctx: {
            "fund": base(ctx)["open"]["fund"].pk,
            "contributor": base(ctx)["contributor"].pk,
            "value_date": "2024-09-01",
            "channel": "direct",
            "modality": "I",
        },
        ok=Redirect(lambda ctx: url("finance:contributions", code=OPEN) + r"\d+/", "the contribution"),
        effect=count(Contribution),
    ),  # fmt: skip
    page("finance: settings", "finance:settings", TEAM, kwargs=code_of()),
    page(
        "finance: save the settings",
        "finance:settings",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "currency": "EUR",
            "conversion_policy": "monthly",
            "published": "on",
            "approval_rule": "no_one",
            "version": FinanceSettings.objects.get(programme__code=OPEN).version,
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=lambda ctx: FinanceSettings.objects.get(programme__code=OPEN).currency,
    ),  # fmt: skip
    page("finance: appraisal criteria", "finance:criteria", TEAM, kwargs=code_of()),
    page(
        "finance: add a criterion",
        "finance:criteria",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {"code": "sustainability", "name_en": "Sustainability"},
        ok=Redirect(lambda ctx: url("finance:criteria", code=OPEN), "the criteria"),
        effect=lambda ctx: AppraisalCriterion.objects.count(),
    ),  # fmt: skip
    page("finance: new allocation", "finance:allocation_new", TEAM, kwargs=code_of()),
    page(
        "finance: save an allocation",
        "finance:allocation_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "fund": base(ctx)["open"]["fund"].pk,
            "result": base(ctx)["open"]["result"].pk,
            "period": base(ctx)["open"]["period"].pk,
            "amount": "10",
            "currency": "USD",
            "status": "approved",
        },
        ok=Redirect(lambda ctx: url("finance:programme", code=OPEN), "the programme's money"),
        effect=count(Allocation),
    ),  # fmt: skip
    page("finance: commitments and expenditure", "finance:spendings", LEDGER, kwargs=code_of(), refused_as=PLAIN_403),
    page("finance: new expenditure", "finance:spending_new", TEAM, kwargs=code_of()),
    page(
        "finance: post an expenditure",
        "finance:spending_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "kind": "expenditure",
            "fund": base(ctx)["open"]["fund"].pk,
            "date": "2024-06-01",
            "amount": "5",
            "currency": "USD",
        },
        ok=Redirect(lambda ctx: url("finance:spendings", code=OPEN), "the ledger"),
        effect=count(Spending),
    ),  # fmt: skip
    page(
        "finance: reverse an expenditure",
        "finance:spending_reverse",
        TEAM,
        method="post",
        kwargs=of("spending"),
        data=lambda ctx: {"date": "2024-06-02", "note": "Typed twice"},
        ok=Redirect(lambda ctx: url("finance:spendings", code=OPEN), "the ledger"),
        effect=count(Spending),
        refused_as={"viewer": (403,), "focal": (403,), "contributor": (403,), "plain": (403,)},
    ),  # fmt: skip
    page("finance: import into the ledger", "finance:ledger_import", TEAM, kwargs=code_of()),
    page(
        "finance: upload a file into the ledger",
        "finance:ledger_import",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {
            "kind": "finance-spending",
            "file": _file("Kind,Fund,Date,Amount,Currency\nexpenditure,tf,2024-06-01,5,USD\n"),
        },
        ok=Redirect(lambda ctx: url("finance:index") + r"imports/\d+/", "the import's page"),
        effect=count(Job),
    ),  # fmt: skip
    page(
        "finance: an import's report",
        "finance:job",
        TEAM,
        kwargs=lambda ctx: {"pk": base(ctx)["job"].pk},
        refused=(404,),
    ),  # fmt: skip
    page("finance: proposals", "finance:proposals", LEDGER, kwargs=code_of(), refused_as=PLAIN_403),
    page("finance: new proposal", "finance:proposal_new", TEAM, kwargs=code_of()),
    page(
        "finance: save a proposal",
        "finance:proposal_new",
        TEAM,
        method="post",
        kwargs=code_of(),
        data=lambda ctx: {"title_en": "New", "amount": "100", "currency": "USD"},
        ok=Redirect(lambda ctx: url("finance:proposals", code=OPEN) + r"\d+/", "the proposal"),
        effect=count(Proposal),
    ),  # fmt: skip
    page(
        "finance: a proposal",
        "finance:proposal_detail",
        READERS,
        kwargs=of("proposal"),
        refused_as={"plain": (403,), "focal": (404,), "contributor": (404,)},
    ),  # fmt: skip
    page(
        "finance: submit a proposal",
        "finance:proposal_action",
        TEAM,
        method="post",
        kwargs=of("proposal"),
        data=lambda ctx: {"action": "submitted"},
        ok=Redirect(lambda ctx: url("finance:proposal_detail", code=OPEN, pk=base(ctx)["proposal"].pk), "the proposal"),
        effect=lambda ctx: Proposal.objects.get(pk=base(ctx)["proposal"].pk).status,
    ),  # fmt: skip
    api("API resources", "api:finance-resources-list", EVERYONE, kwargs=code_of()),
    api(
        "API unpublished resources",
        "api:finance-resources-list",
        SEES_UNPUBLISHED,
        kwargs=code_of("closed"),
        refused=(404,),
        refused_anonymous=(404,),
        refused_as={"focal": (403,), "contributor": (403,)},
    ),  # fmt: skip
    api("API contributions", "api:finance-contribution-list", EVERYONE),
    api("API funds", "api:finance-fund-list", EVERYONE),
    api(
        "API a fund of published figures",
        "api:finance-fund-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": base(ctx)["open"]["fund"].pk},
    ),  # fmt: skip
    api(
        "API a fund of unpublished figures",
        "api:finance-fund-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["closed"]["fund"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api("API contributors", "api:finance-contributor-list", EVERYONE),
    api(
        "API a contributor",
        "api:finance-contributor-detail",
        LEDGER,
        kwargs=lambda ctx: {"pk": base(ctx)["contributor"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API a contribution",
        "api:finance-contribution-detail",
        LEDGER,
        kwargs=lambda ctx: {"pk": base(ctx)["contribution"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post a contribution",
        "api:finance-contribution-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "programme": OPEN,
            "fund": base(ctx)["open"]["fund"].pk,
            "contributor": base(ctx)["contributor"].pk,
            "amount": "20",
            "currency": "CHF",
            "value_date": "2024-07-01",
            "status": "signed",
        },
        effect=count(Contribution),
    ),  # fmt: skip
    api("API allocations", "api:finance-allocation-list", EVERYONE),
    api(
        "API an allocation",
        "api:finance-allocation-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["allocation"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post an allocation",
        "api:finance-allocation-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "programme": OPEN,
            "fund": base(ctx)["open"]["fund"].pk,
            "result": base(ctx)["open"]["result"].pk,
            "period": base(ctx)["open"]["period"].pk,
            "amount": "20",
            "currency": "USD",
        },
        effect=count(Allocation),
    ),  # fmt: skip
    api("API spending", "api:finance-spending-list", EVERYONE),
    api(
        "API an expenditure",
        "api:finance-spending-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["spending"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post an expenditure",
        "api:finance-spending-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "programme": OPEN,
            "kind": "commitment",
            "fund": base(ctx)["open"]["fund"].pk,
            "date": "2024-08-01",
            "value_date": "2024-08-01",
            "amount": "7",
            "currency": "USD",
        },
        effect=count(Spending),
    ),  # fmt: skip
    api("API receipts", "api:finance-receipt-list", EVERYONE),
    api(
        "API a receipt",
        "api:finance-receipt-detail",
        LEDGER,
        kwargs=lambda ctx: {"pk": base(ctx)["receipt"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post a receipt",
        "api:finance-receipt-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {"contribution": base(ctx)["receipt"].contribution_id, "date": "2024-05-01", "amount": "20"},
        effect=count(Receipt),
    ),  # fmt: skip
    api(
        "API reverse a receipt",
        "api:finance-receipt-reverse",
        TEAM,
        method="post",
        ok=201,
        kwargs=lambda ctx: {"pk": base(ctx)["receipt"].pk},
        data=lambda ctx: {"date": "2024-05-02", "note": "Bank error"},
        refused_as={"plain": (404,)},
        effect=count(Receipt),
    ),  # fmt: skip
    api("API budgets", "api:finance-budget-list", EVERYONE),
    api(
        "API a budget",
        "api:finance-budget-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["budget"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post a budget",
        "api:finance-budget-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "programme": base(ctx)["open"]["programme"].code,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "amount": "800",
            "currency": "USD",
            "value_date": "2025-01-01",
        },
        effect=count(Budget),
    ),  # fmt: skip
    api("API planned disbursements", "api:finance-planned-disbursement-list", EVERYONE),
    api(
        "API a planned disbursement",
        "api:finance-planned-disbursement-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["planned"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post a planned disbursement",
        "api:finance-planned-disbursement-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "programme": base(ctx)["open"]["programme"].code,
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "amount": "80",
            "currency": "USD",
            "value_date": "2025-01-01",
        },
        effect=count(PlannedDisbursement),
    ),  # fmt: skip
    api("API requirements", "api:finance-requirement-list", EVERYONE),
    api(
        "API a requirement",
        "api:finance-requirement-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["requirement"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api(
        "API post a requirement",
        "api:finance-requirement-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "result": base(ctx)["open"]["result"].pk,
            "period": base(ctx)["open"]["period"].pk,
            "amount": "600",
            "currency": "USD",
            "method": "Unit costs",
        },
        effect=count(ResourceRequirement),
    ),  # fmt: skip
    api(
        "API replace a requirement",
        "api:finance-requirement-detail",
        TEAM,
        method="put",
        kwargs=lambda ctx: {"pk": base(ctx)["requirement"].pk},
        data=lambda ctx: {
            "result": base(ctx)["requirement"].result_id,
            "period": base(ctx)["requirement"].period_id,
            "amount": "760",
            "currency": "USD",
            "method": "Revised",
        },
        refused_as={"plain": (404,), "focal": (404,), "contributor": (404,)},
        effect=lambda ctx: ResourceRequirement.objects.get(pk=base(ctx)["requirement"].pk).amount,
    ),  # fmt: skip
    api(
        "API change a requirement",
        "api:finance-requirement-detail",
        TEAM,
        method="patch",
        kwargs=lambda ctx: {"pk": base(ctx)["requirement"].pk},
        data=lambda ctx: {"amount": "750"},
        refused_as={"plain": (404,), "focal": (404,), "contributor": (404,)},
        effect=lambda ctx: ResourceRequirement.objects.get(pk=base(ctx)["requirement"].pk).amount,
    ),  # fmt: skip
    api("API proposals", "api:finance-proposal-list", EVERYONE),
    api(
        "API a proposal",
        "api:finance-proposal-detail",
        READERS,
        kwargs=lambda ctx: {"pk": base(ctx)["proposal"].pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),  # fmt: skip
    api("API exchange rates", "api:finance-exchange-rate-list", EVERYONE),
    api(
        "API an exchange rate",
        "api:finance-exchange-rate-detail",
        EVERYONE,
        kwargs=lambda ctx: {"pk": base(ctx)["rate"].pk},
    ),
]
