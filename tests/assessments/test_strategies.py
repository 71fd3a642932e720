"""National priorities and strategies: priority scores and ranks, ICS codes checked, the coverage of priority
committees where the member is a P-member (read from the committees module), and the priority weights other
apps read."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.assessments import selectors, services
from jalon.assessments.models import NationalStrategy
from jalon.committees.models import Committee, CommitteeMembership
from jalon.committees.priorities import PLATFORM, priority_weights_of
from jalon.organisations.models import Organisation
from jalon.results.computations import REGISTRY
from jalon.results.models import Period, Programme

D = Decimal


@pytest.fixture
def strategy(nsb, users):
    food = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 34", title={"en": "Food"})
    water = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 147", title={"en": "Water"})
    energy = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 301", title={"en": "Energy"})
    CommitteeMembership.objects.create(committee=food, member=nsb, status="p")
    CommitteeMembership.objects.create(committee=water, member=nsb, status="o")
    strategy = services.strategy_create(
        actor=users["focal"], organisation=nsb, title={"fr": "SNN du Sénégal"}, period_start=2025, period_end=2029,
        status=NationalStrategy.Status.ADOPTED,
    )  # fmt: skip
    # Weights 0.4 / 0.3 / 0.3: agri-food 0.4 x 5 + 0.3 x 4 + 0.3 x 3 = 4.1; water 0.4 x 2 + 0.3 x 5 + 0.3 x 5 = 3.8.
    services.sector_create(
        actor=users["focal"], strategy=strategy, name={"fr": "Agroalimentaire"}, ics_codes=["67", "67.050"],
        economic=5, social=4, environmental=3, committees=[food, energy],
    )  # fmt: skip
    services.sector_create(
        actor=users["focal"], strategy=strategy, name={"fr": "Eau"}, ics_codes=["13.060"], economic=2, social=5,
        environmental=5, committees=[water],
    )  # fmt: skip
    return strategy


def test_sectors_are_ranked_by_their_weighted_priority_score(strategy):
    sectors = selectors.strategy_sectors(strategy)
    assert [(s.name["fr"], s.priority_score) for s in sectors] == [("Agroalimentaire", D("4.100")), ("Eau", D("3.800"))]


def test_the_coverage_counts_priority_committees_where_the_member_is_p_member(strategy):
    coverage = selectors.priority_coverage(strategy, on=datetime.date.today())
    assert [c.reference for c in coverage.committees] == ["ISO/TC 147", "ISO/TC 301", "ISO/TC 34"]
    assert len(coverage.p_member) == 1 and coverage.share == D("0.333")


def test_priority_weights_are_offered_to_other_apps_per_committee(strategy, nsb, other_nsb):
    # Through the committees app's registry, as other apps read them (no committee has an ICS field here).
    found = priority_weights_of([nsb.pk, other_nsb.pk])
    weights = {Committee.objects.get(pk=pk).reference: w for pk, w in found[nsb.pk].items()}
    assert weights == {"ISO/TC 34": D("0.820"), "ISO/TC 301": D("0.820"), "ISO/TC 147": D("0.760")}
    assert other_nsb.pk not in found
    sectors = selectors.priority_sectors_by_member([nsb.pk], viewer=PLATFORM)[nsb.pk]
    assert [(s.name["fr"], s.ics_codes, s.weight) for s in sectors] == [
        ("Agroalimentaire", ("67", "67.050"), D("0.820")),
        ("Eau", ("13.060",), D("0.760")),
    ]


def test_ics_codes_and_items_are_checked(strategy, users, english):
    with pytest.raises(ValidationError, match="not an ICS code"):
        services.sector_create(
            actor=users["focal"], strategy=strategy, name={"fr": "X"}, ics_codes=["6a"], economic=1, social=1,
            environmental=1,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Name the committee"):
        services.item_create(actor=users["focal"], strategy=strategy, kind="join_p", reference="", status="planned")


def test_the_coverage_indicator_reads_the_committees_module(strategy):
    programme = Programme.objects.create(
        code="io6", owner=Organisation.objects.get(acronym="ISO"), title={"en": "IO6"},
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2030, 12, 31),
    )  # fmt: skip
    today = datetime.date.today()
    period = Period.objects.create(
        programme=programme, code="now", name={"en": "now"}, start=today.replace(month=1, day=1),
        end=today.replace(month=12, day=31),
    )  # fmt: skip
    [total] = REGISTRY["assessments_priority_committee_coverage"].compute(programme, period)
    assert (total.numerator, total.denominator) == (1, 3)


def test_the_strategy_page_shows_the_ranked_sectors_and_coverage_to_the_organisation_only(client_as, strategy):
    url = reverse("assessments:strategy_detail", kwargs={"pk": strategy.pk})
    page = client_as("focal").get(url).content.decode()
    assert "Agroalimentaire" in page and ("4,100" in page or "4.100" in page)
    assert client_as("viewer").get(url).status_code == 404


def test_a_strategy_is_edited_with_the_version_shown_and_a_stale_form_is_a_conflict(strategy, client_as):
    path = f"/en/assessments/strategies/{strategy.pk}/edit/"
    focal = client_as("focal")
    assert 'name="version"' in focal.get(path).content.decode()
    form = {"title_fr": "Stratégie révisée", "period_start": strategy.period_start, "period_end": 2031,
            "status": "under_review", "version": strategy.version}  # fmt: skip
    assert focal.post(path, form).status_code == 302
    strategy.refresh_from_db()
    assert (strategy.title["fr"], strategy.period_end, strategy.status) == ("Stratégie révisée", 2031, "under_review")
    stale = focal.post(path, {**form, "title_fr": "Perdue"})
    assert (
        stale.status_code == 200 and strategy.__class__.objects.get(pk=strategy.pk).title["fr"] == "Stratégie révisée"
    )
    assert client_as("viewer").get(path).status_code == 404


def test_a_sector_s_scores_and_committees_and_an_item_s_status_are_edited_and_deleted(strategy, client_as, english):
    from jalon.accounts.models import AuditEntry
    from jalon.assessments.models import PrioritySector, StrategyItem

    water = PrioritySector.objects.get(strategy=strategy, name__fr="Eau")
    food_tc = Committee.objects.get(reference="ISO/TC 34")
    focal = client_as("focal")
    url = reverse("assessments:sector_edit", kwargs={"pk": water.pk})
    form = {"version": water.version, "name_fr": "Eau", "ics_codes": "13.060, 13.060.20", "economic": 5,
            "social": 5, "environmental": 5, "committees": [food_tc.pk]}  # fmt: skip
    bad = focal.post(url, {**form, "ics_codes": "13.06"})
    assert bad.status_code == 200 and "not an ICS code" in bad.content.decode()
    assert focal.post(url, form).status_code == 302
    water.refresh_from_db()
    # 0.4 x 5 + 0.3 x 5 + 0.3 x 5 = 5: water now ranks first, and names only TC 34.
    assert water.ics_codes == ["13.060", "13.060.20"] and water.priority_score == D("5.000")
    assert [c.reference for c in water.committees.all()] == ["ISO/TC 34"] and water.version == 2
    assert selectors.strategy_sectors(strategy)[0] == water
    assert focal.post(url, form).status_code == 200  # the stale form: a conflict
    item = services.item_create(
        actor=None, strategy=strategy, kind="join_p", committee=food_tc, sector=water, status="planned"
    )
    item_url = reverse("assessments:item_edit", kwargs={"pk": item.pk})
    done = {"version": item.version, "kind": "join_p", "committee": food_tc.pk, "sector": water.pk, "status": "done"}
    assert focal.post(item_url, done).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.version) == ("done", 2)
    assert client_as("viewer").get(item_url).status_code == 404
    assert client_as("contributor").get(item_url).status_code == 403
    focal = client_as("focal")
    assert focal.post(reverse("assessments:sector_delete", kwargs={"pk": water.pk})).status_code == 302
    item.refresh_from_db()
    assert item.sector is None  # the item stays, without its sector
    assert focal.post(reverse("assessments:item_delete", kwargs={"pk": item.pk})).status_code == 302
    assert not StrategyItem.objects.filter(pk=item.pk).exists()
    assert AuditEntry.objects.filter(model="assessments.prioritysector", action="delete").exists()


def test_the_strategy_s_weights_are_set_on_its_form(strategy, client_as):
    path = reverse("assessments:strategy_edit", kwargs={"pk": strategy.pk})
    form = {"title_fr": "SNN", "period_start": 2025, "period_end": 2029, "status": "adopted",
            "version": strategy.version, "weight_economic": "0.5", "weight_social": "0.25",
            "weight_environmental": "0.25"}  # fmt: skip
    assert client_as("focal").post(path, form).status_code == 302
    # Agri-food: 0.5 x 5 + 0.25 x 4 + 0.25 x 3 = 4.25.
    assert selectors.strategy_sectors(strategy)[0].priority_score == D("4.250")
