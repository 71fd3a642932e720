"""Demo ledgers, labelled demo (the donors are demo organisations; every record has is_demo): the ILO programme's,
built so that its Table 1 for 2010-11 reads as seed 004 prints it (about USD 3.6 M, 3.6 M and 4.8 M available,
30/30/40 %, a gap of USD 1,480,000 on outcome 3) and its four finance indicators have values; a few
contributions by source type in CHF, EUR, USD and XOF for the ISO and ITU programmes. Run twice, it adds nothing."""

import datetime
from decimal import Decimal

from django.db import transaction

from jalon.finance import rates, services
from jalon.finance.models import Contribution, Contributor, Fund, Proposal, Rating, SourceType, Spending
from jalon.organisations.models import Organisation
from jalon.results.computations import programme_computed_refresh
from jalon.results.models import Period, Programme, Result

D = datetime.date
ILO = "ilo-tc-2010-2015"


def _donor(actor, name: str, source: str) -> Contributor:
    organisation = Organisation.objects.filter(name__en=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(name={"en": name, "fr": name}, kind=Organisation.Kind.DONOR)
    return services.contributor_save(
        actor=actor, organisation=organisation, source_type=SourceType.objects.get(code=source), is_demo=True
    )


def _fund(actor, programme, code, name, kind, currency) -> Fund:
    fund = Fund.objects.filter(programme=programme, code=code).first()
    return fund or services.fund_create(
        actor=actor, programme=programme, code=code, name=name, kind=kind, currency=currency, is_demo=True
    )


def _ilo(actor) -> None:
    programme = Programme.objects.filter(code=ILO).first()
    if programme is None or Contribution.objects.filter(programme=programme, is_demo=True).exists():
        return
    periods = {p.code: p for p in Period.objects.filter(programme=programme)}
    first, second = periods["2010-11"], periods["2012-13"]
    outcomes = {r.code: r for r in Result.objects.filter(programme=programme, parent__isnull=True)}
    services.settings_save(actor=actor, programme=programme, currency="USD", published=True, baseline_period=first)
    rbsa = _fund(
        actor, programme, "rbsa", {"en": "RBSA (demo)", "fr": "CSBO (démo)"}, Fund.Kind.UNEARMARKED_VOLUNTARY, "USD"
    )
    xbdc = _fund(
        actor, programme, "xbdc", {"en": "Extra-budgetary TC (demo)", "fr": "CT extrabudgétaire (démo)"},
        Fund.Kind.EARMARKED_VOLUNTARY, "USD",
    )  # fmt: skip
    method = "Demo: the Table 1 estimate of seed 004 (resources available plus the resource gap) for the biennium."
    for code, required in (("1", "3600000"), ("2", "3600000"), ("3", "6280000")):
        services.requirement_save(
            actor=actor, result=outcomes[code], period=first, amount=Decimal(required), currency="USD", method=method,
            is_demo=True,
        )  # fmt: skip
    donor_a = _donor(actor, "Demo donor A (government)", "developed-country")
    donor_b = _donor(actor, "Demo donor B (development agency)", "development-agency")
    donor_c = _donor(actor, "Demo donor C (private sector)", "private-sector")
    donor_d = _donor(actor, "Demo donor D (One UN fund)", "other")

    def contribution(**fields):
        results = fields.pop("results", ())
        return services.contribution_create(
            actor=actor, programme=programme, results=[outcomes[c] for c in results], is_demo=True,
            status=Contribution.Status.SIGNED, **fields,
        )  # fmt: skip

    c1 = contribution(fund=rbsa, contributor=donor_a, reference="DEMO-RBSA-2010", amount=Decimal(4000000),
                      currency="USD", value_date=D(2010, 2, 1), modality="A", channel="rbsa")  # fmt: skip
    c2 = contribution(fund=xbdc, contributor=donor_b, reference="DEMO-XB-2010-01", amount=Decimal(2000000),
                      currency="USD", value_date=D(2010, 3, 15), modality="H", channel="direct",
                      results=["1"])  # fmt: skip
    c3 = contribution(fund=xbdc, contributor=donor_c, reference="DEMO-PPP-2010", amount=Decimal(6000000),
                      currency="USD", value_date=D(2010, 5, 3), modality="E", channel="partnership")  # fmt: skip
    for c, date, amount in ((c1, D(2010, 3, 1), 4000000), (c2, D(2010, 4, 1), 1000000), (c3, D(2010, 6, 1), 3000000)):
        services.receipt_post(actor=actor, contribution=c, date=date, amount=Decimal(amount), is_demo=True)

    def allocate(contribution, outcome, amount, period=first):
        return services.allocation_create(
            actor=actor, programme=programme, fund=contribution.fund, contribution=contribution,
            result=outcomes[outcome], period=period, amount=Decimal(amount), currency=contribution.currency,
            is_demo=True,
        )  # fmt: skip

    a1 = allocate(c2, "1", 2000000)
    allocate(c1, "1", 1600000)
    a2 = allocate(c3, "2", 3600000)
    a3 = allocate(c1, "3", 2400000)
    allocate(c3, "3", 2400000)
    for allocation, amount, date in ((a1, 3000000, D(2011, 6, 30)), (a2, 3200000, D(2011, 9, 30)),
                                     (a3, 4100000, D(2011, 11, 30))):  # fmt: skip
        services.spending_post(
            actor=actor, programme=programme, kind=Spending.Kind.EXPENDITURE, fund=allocation.fund,
            allocation=allocation, date=date, amount=Decimal(amount), currency="USD",
            description="Demo expenditure of the biennium", is_demo=True,
        )  # fmt: skip
    services.spending_post(
        actor=actor, programme=programme, kind=Spending.Kind.COMMITMENT, fund=a3.fund, allocation=a3,
        date=D(2011, 12, 1), amount=Decimal(500000), currency="USD", description="Demo commitment", is_demo=True,
    )  # fmt: skip
    # 2012-13: money earmarked for outcome 3's gap; one contribution in euros through a One UN fund.
    c4 = contribution(fund=xbdc, contributor=donor_b, reference="DEMO-XB-2012-07", amount=Decimal(600000),
                      currency="USD", value_date=D(2012, 2, 1), modality="I", channel="other",
                      results=["3"])  # fmt: skip
    contribution(fund=xbdc, contributor=donor_d, reference="DEMO-ONEUN-2012", amount=Decimal(500000),
                 currency="EUR", value_date=D(2012, 6, 15), modality="F", channel="one_un", results=["3"])  # fmt: skip
    a4 = allocate(c4, "3", 600000, period=second)
    services.spending_post(
        actor=actor, programme=programme, kind=Spending.Kind.EXPENDITURE, fund=xbdc, allocation=a4,
        date=D(2013, 6, 30), amount=Decimal(450000), currency="USD", description="Demo expenditure", is_demo=True,
    )  # fmt: skip
    for year in (2010, 2011):
        services.budget_create(
            actor=actor, programme=programme, fund=xbdc, period_start=D(year, 1, 1), period_end=D(year, 12, 31),
            amount=Decimal(6000000), currency="USD", value_date=D(year, 1, 1), is_demo=True,
        )  # fmt: skip
    services.planned_disbursement_create(
        actor=actor, programme=programme, fund=xbdc, period_start=D(2012, 1, 1), period_end=D(2012, 6, 30),
        amount=Decimal(300000), currency="USD", value_date=D(2012, 1, 1), provider=donor_b.organisation, is_demo=True,
    )  # fmt: skip
    _ilo_proposals(actor, programme, outcomes, first)
    # The seed file links 1.1 to 2.2 to their computations; the demo fills them now rather than when the worker
    # next runs, so that its figures show as soon as it is built.
    programme_computed_refresh(programme_id=programme.pk, actor=actor)


def _ilo_proposals(actor, programme, outcomes, period) -> None:
    criteria = services.criteria_ensure(actor=actor, programme=programme)
    titles = (
        ("Decent work country programme support, West Africa (demo)", "Appui aux PPTD, Afrique de l'Ouest (démo)", 2),
        ("Results-based project cycle training (demo)", "Formation à la gestion du cycle de projet (démo)", 3),
        ("Knowledge-sharing platform (demo)", "Plateforme de partage des connaissances (démo)", 2),
        ("Emergency employment response (demo)", "Réponse d'urgence pour l'emploi (démo)", None),
        ("Social dialogue in the garment sector (demo)", "Dialogue social dans le secteur textile (démo)", 1),
    )
    for en, fr, rating in titles:
        proposal = services.proposal_create(
            actor=actor, programme=programme, title={"en": en, "fr": fr}, amount=Decimal(750000), currency="USD",
            results=[outcomes["2"]], is_demo=True,
        )  # fmt: skip
        services.proposal_move(actor=actor, proposal=proposal, status=Proposal.Status.SUBMITTED)
        services.proposal_move(actor=actor, proposal=proposal, status=Proposal.Status.IN_APPRAISAL)
        proposal.refresh_from_db()
        if rating is None:
            services.proposal_approve(
                actor=actor, proposal=proposal, on=D(2011, 5, 2),
                waived="Demo: emergency procedure, appraised after approval.",
            )  # fmt: skip
        else:
            comment = "Demo: no baseline for two of the indicators." if rating == Rating.UNSATISFACTORY else ""
            services.appraisal_record(
                actor=actor,
                proposal=proposal,
                ratings={c: ((rating if c.code == "baselines" else 2), comment) for c in criteria},
            )
            if rating == Rating.UNSATISFACTORY:
                services.proposal_move(actor=actor, proposal=proposal, status=Proposal.Status.REVISION_REQUESTED)
            else:
                services.proposal_approve(actor=actor, proposal=proposal, on=D(2011, 5, 2))


def _others(actor) -> None:
    """ISO and ITU: a few contributions by source type, in several currencies."""
    plans = (
        ("iso-ap-2021-2025", "CHF", (
            ("Demo donor E (member body, voluntary)", "member-voluntary", "CHF", 250000, D(2022, 3, 1), "A"),
            ("Demo donor F (development agency)", "development-agency", "EUR", 400000, D(2022, 9, 15), "E"),
            ("Demo donor C (private sector)", "private-sector", "USD", 120000, D(2023, 1, 20), "I"),
            ("Demo donor G (West African ministry)", "other", "XOF", 20000000, D(2023, 4, 3), "J"),
        )),
        ("itu-res44", "USD", (
            ("Demo donor H (sector member)", "partnership", "CHF", 150000, D(2022, 5, 2), "E"),
            ("Demo donor A (government)", "developed-country", "USD", 300000, D(2022, 11, 1), "D"),
            ("Demo donor I (private sector)", "private-sector", "EUR", 80000, D(2023, 2, 10), "I"),
            ("Demo donor G (West African ministry)", "other", "XOF", 10000000, D(2023, 6, 1), "J"),
        )),
    )  # fmt: skip
    for code, currency, rows in plans:
        programme = Programme.objects.filter(code=code).first()
        if programme is None or Contribution.objects.filter(programme=programme, is_demo=True).exists():
            continue
        services.settings_save(actor=actor, programme=programme, currency=currency, published=True)
        fund = _fund(
            actor, programme, "trust", {"en": "Trust fund (demo)", "fr": "Fonds fiduciaire (démo)"},
            Fund.Kind.TRUST_FUND, currency,
        )  # fmt: skip
        for name, source, money, amount, date, modality in rows:
            services.contribution_create(
                actor=actor, programme=programme, fund=fund, contributor=_donor(actor, name, source),
                reference=f"DEMO-{code[:3].upper()}-{date:%Y%m}", amount=Decimal(amount), currency=money,
                value_date=date, status=Contribution.Status.SIGNED, modality=modality, channel="other", is_demo=True,
            )  # fmt: skip


@transaction.atomic
def finance_demo_build(*, actor) -> None:
    rates.curated_rates_load()
    rates.ecb_rates_load(currencies=["USD", "CHF", "GBP"], start=D(2010, 1, 1))
    _ilo(actor)
    _others(actor)
