"""The ILO seed file names the computation of each of its computed indicators (1.1 to 2.2 from the ledger, 3.2
and 3.3 from the satisfaction surveys): a programme loaded from the seed, without the demo, fills them from the
records. Loading links without computing: the programme is marked stale and its refresh is queued with the
load's transaction, as after any write."""

import datetime
import html
from decimal import Decimal

import pytest

from jalon.finance import services
from jalon.finance.models import Contribution, Fund, Proposal, Rating, SourceType, Spending
from jalon.organisations.models import Organisation
from jalon.results.computations import indicator_link_computation
from jalon.results.models import Indicator, Measurement, Period, Programme, Result
from jalon.results.services import frameworks_load
from tests.finance.values import value_of

ILO = "ilo-tc-2010-2015"
D = datetime.date
LINKS = {
    "1.1": "finance_gaps_filled",
    "1.2": "finance_aligned_channels",
    "2.1": "finance_proposals_appraised",
    "2.2": "finance_delivery_rate",
    "3.2": "assessments_ilo_dwcp_satisfied",
    "3.3": "assessments_ilo_undaf_satisfied",
}


def _links(programme) -> dict:
    return {
        i.code: i.computation
        for i in Indicator.objects.filter(result__programme=programme, source=Indicator.Source.COMPUTED)
    }


def test_loading_the_seed_links_the_indicators_and_queues_their_refresh_without_computing(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        (programme,) = frameworks_load(codes=[ILO])
    assert _links(programme) == LINKS
    programme.refresh_from_db()
    # Nothing computed during the load: the programme waits for its refresh, queued on commit.
    assert programme.computed_pending_since is not None and programme.computed_refreshing_since is None
    for callback in queued:
        callback()
    programme.refresh_from_db()
    assert programme.computed_pending_since is None  # the queued refresh ran (the immediate backend of the tests)
    with django_capture_on_commit_callbacks(execute=True):
        frameworks_load(codes=[ILO])  # again: nothing new to link, nothing marked
    programme.refresh_from_db()
    assert programme.computed_pending_since is None and _links(programme) == LINKS


def test_an_indicator_with_values_typed_by_hand_stays_manual_when_the_seed_is_loaded_again(db, users):
    (programme,) = frameworks_load(codes=[ILO])
    indicator = Indicator.objects.get(result__programme=programme, code="2.2")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="")
    Measurement.objects.create(
        indicator=indicator, period=Period.objects.get(programme=programme, code="2010-11"), value=Decimal(70)
    )
    frameworks_load(codes=[ILO])
    indicator.refresh_from_db()
    assert indicator.source == Indicator.Source.MANUAL and indicator.measurements.filter(computed=False).count() == 1


def test_an_unknown_computation_in_a_framework_file_is_refused(db, english):
    import json

    from django.core.exceptions import ValidationError

    from jalon.results.services import FRAMEWORKS_DIR, framework_load

    spec = json.loads((FRAMEWORKS_DIR / f"{ILO}.json").read_text(encoding="utf-8"))
    spec["results"][0]["indicators"][0]["computation"] = "no_such_computation"
    with pytest.raises(ValidationError, match="unknown computation no_such_computation"):
        framework_load(spec=spec)
    assert not Programme.objects.filter(code=ILO).exists()


@pytest.fixture
def seeded(db, users, django_capture_on_commit_callbacks):
    """The ILO programme from its seed file only (no demo), its queued refresh run; a fund and a donor."""
    manager = users["manager"]
    # As if each write committed: its queued refresh runs (a refresh left queued would keep the programme pending).
    with django_capture_on_commit_callbacks(execute=True):
        (programme,) = frameworks_load(codes=[ILO])
        first = Period.objects.get(programme=programme, code="2010-11")
        services.settings_save(actor=manager, programme=programme, currency="USD", baseline_period=first)
        fund = services.fund_create(
            actor=manager, programme=programme, code="xb", name={"en": "XB"}, kind=Fund.Kind.EARMARKED_VOLUNTARY,
            currency="USD",
        )  # fmt: skip
        donor = Organisation.objects.create(name={"en": "Donor"}, kind=Organisation.Kind.DONOR)
        contributor = services.contributor_save(
            actor=manager, organisation=donor, source_type=SourceType.objects.get(code="developed-country")
        )
    return {
        "programme": programme, "manager": manager, "fund": fund, "contributor": contributor, "first": first,
        "outcomes": {r.code: r for r in Result.objects.filter(programme=programme, parent__isnull=True)},
    }  # fmt: skip


def test_a_seed_loaded_programme_fills_1_1_to_2_2_from_the_records(
    seeded, django_capture_on_commit_callbacks, client_as
):
    programme, manager, fund, outcomes = seeded["programme"], seeded["manager"], seeded["fund"], seeded["outcomes"]
    assert all(value_of(programme, code) is None for code in ("1.1", "1.2", "2.1", "2.2"))

    def recorded(write, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return write(actor=manager, **fields)

    def contribution(**fields):
        return recorded(
            services.contribution_create, programme=programme, fund=fund, contributor=seeded["contributor"],
            currency="USD", status=Contribution.Status.SIGNED, **fields,
        )  # fmt: skip

    # 1.2: the share of voluntary contributions through the aligned channels.
    contribution(amount=Decimal(3000), value_date=D(2010, 2, 1), channel="rbsa", reference="A")
    assert value_of(programme, "1.2") == Decimal(100)
    contribution(amount=Decimal(1000), value_date=D(2010, 3, 1), channel="other", reference="B")
    assert value_of(programme, "1.2") == Decimal(75)

    # 2.2: the delivery rate moves with an allocation and with an expenditure.
    recorded(
        services.allocation_create, programme=programme, fund=fund, result=outcomes["2"], period=seeded["first"],
        amount=Decimal(2000), currency="USD",
    )  # fmt: skip
    assert value_of(programme, "2.2") == Decimal(0)
    recorded(
        services.spending_post, programme=programme, kind=Spending.Kind.EXPENDITURE, fund=fund, result=outcomes["2"],
        date=D(2011, 5, 1), amount=Decimal(500), currency="USD",
    )  # fmt: skip
    assert value_of(programme, "2.2") == Decimal(25)
    recorded(
        services.allocation_create, programme=programme, fund=fund, result=outcomes["2"], period=seeded["first"],
        amount=Decimal(3000), currency="USD",
    )  # fmt: skip
    assert value_of(programme, "2.2") == Decimal(10)

    # 2.1: an approval after an appraisal meeting the rule.
    proposal = recorded(services.proposal_create, programme=programme, title={"en": "P"}, amount=Decimal(10),
                        currency="USD")  # fmt: skip
    for status in (Proposal.Status.SUBMITTED, Proposal.Status.IN_APPRAISAL):
        proposal = recorded(services.proposal_move, proposal=proposal, status=status)
    criteria = services.criteria_ensure(actor=manager, programme=programme)
    recorded(services.appraisal_record, proposal=proposal, ratings=dict.fromkeys(criteria, (Rating.HIGH, "")))
    recorded(services.proposal_approve, proposal=proposal, on=D(2011, 7, 1))
    assert value_of(programme, "2.1") == Decimal(100)

    # 1.1: outcome 3's baseline gap (required, nothing available) filled by money earmarked for it afterwards.
    recorded(services.requirement_save, result=outcomes["3"], period=seeded["first"], amount=Decimal(4000),
             currency="USD")  # fmt: skip
    assert value_of(programme, "1.1", "2012-13") == Decimal(0)
    contribution(amount=Decimal(1000), value_date=D(2012, 3, 1), channel="direct", reference="C",
                 results=[outcomes["3"]])  # fmt: skip
    assert value_of(programme, "1.1", "2012-13") == Decimal(25)

    # Its page says how it is computed, in both languages.
    indicator = Indicator.objects.get(result__programme=programme, code="2.2")
    client = client_as("manager")
    french = client.get(f"/fr/programmes/{ILO}/indicators/{indicator.pk}/").content.decode()
    english = client.get(f"/en/programmes/{ILO}/indicators/{indicator.pk}/").content.decode()
    assert "fonds extrabudgétaires seulement" in html.unescape(french) and "BIT GB.267/TC/1" in french
    assert "How it is computed" in english and "extra-budgetary funds only" in english
