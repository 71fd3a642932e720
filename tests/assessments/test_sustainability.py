"""Financial sustainability: the ratios and band of a known profile, worked out by hand; the band is the
worst ratio's, so improving one ratio while another worsens keeps the worse band."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.assessments import services, sustainability
from jalon.assessments.models import FinancialProfile, RatioThreshold
from jalon.organisations.models import Organisation
from jalon.reference.models import Currency
from jalon.results.computations import REGISTRY
from jalon.results.models import Period, Programme

D = Decimal
KNOWN = {
    # Revenue 1,000: shares 0.6, 0.2, 0.1, 0.05, 0.05.
    "revenue_government": D("600"), "revenue_standards_sales": D("200"), "revenue_certification": D("100"),
    "revenue_training": D("50"), "revenue_membership": D("50"),
    # Costs 1,000.
    "cost_staff": D("500"), "cost_international": D("100"), "cost_standards_development": D("200"),
    "cost_it": D("100"), "cost_other": D("100"),
    "reserves": D("200"), "participation_needed": D("150"),
}  # fmt: skip


def profile(nsb, year=2024, **changes) -> FinancialProfile:
    return services.profile_create(
        actor=None, organisation=nsb, year=year, currency=Currency.objects.get(code="XOF"), **{**KNOWN, **changes}
    )


def ratios(result) -> dict:
    return {r.ratio: (r.value, r.band) for r in result.ratios}


def test_the_ratios_and_band_of_a_known_profile_are_those_computed_by_hand(nsb):
    result = sustainability.assess(profile(nsb))
    assert (result.revenue, result.costs) == (D("1000"), D("1000"))
    assert ratios(result) == {
        # 0.36 + 0.04 + 0.01 + 0.0025 + 0.0025 = 0.415: above 0.25, not above 0.5.
        "concentration": (D("0.415"), "medium"),
        # 200 / (1000 / 12) = 2.4 months: under 3.
        "reserves_months": (D("2.400"), "high"),
        # (200 + 50) / 200 = 1.25.
        "cost_recovery": (D("1.250"), "low"),
        # 100 / 150 = 0.667: under 1, not under 0.5.
        "participation_funding": (D("0.667"), "medium"),
    }
    assert result.band == "high"


def test_improving_one_ratio_while_another_worsens_keeps_the_worse_band(nsb):
    before = sustainability.assess(profile(nsb))
    # Reserves up to 8.4 months (low), but revenue now from the government alone: concentration 0.706 (high).
    after = sustainability.assess(
        profile(nsb, year=2025, reserves=D("700"), revenue_government=D("1600"), revenue_standards_sales=D("200"))
    )
    assert ratios(after)["reserves_months"] == (D("8.400"), "low")
    assert ratios(after)["concentration"][1] == "high"
    assert before.band == after.band == "high"


def test_a_programme_sets_its_own_thresholds_and_an_empty_denominator_is_not_computable(nsb):
    programme = Programme.objects.create(
        code="fin", owner=Organisation.objects.get(acronym="ISO"), title={"en": "Fin"},
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    RatioThreshold.objects.create(programme=programme, ratio="reserves_months", medium=D("2"), high=D("1"))
    thresholds = sustainability.thresholds_for(programme)
    result = sustainability.assess(profile(nsb, participation_needed=D("0")), thresholds)
    assert ratios(result)["reserves_months"] == (D("2.400"), "low")
    assert ratios(result)["participation_funding"] == (None, None)
    assert result.band == "medium"  # the concentration


def test_a_profile_is_recorded_once_a_year_by_its_organisation(nsb, other_nsb, users):
    profile(nsb)
    with pytest.raises(ValidationError):
        profile(nsb)
    with pytest.raises(ValidationError, match="propre organisation"):
        services.profile_create(
            actor=users["focal"], organisation=other_nsb, year=2024, currency=Currency.objects.get(code="KES"), **KNOWN
        )


def test_the_band_improved_indicator_counts_members_whose_band_got_better(nsb, other_nsb):
    programme = Programme.objects.create(
        code="fin2", owner=Organisation.objects.get(acronym="ISO"), title={"en": "Fin"},
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 12, 31),
    )  # fmt: skip
    period = Period.objects.create(
        programme=programme, code="2025", name={"en": "2025"}, start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )  # fmt: skip
    profile(nsb, year=2024)  # high
    profile(nsb, year=2025, reserves=D("700"))  # medium: concentration and participation
    profile(other_nsb, year=2024)
    profile(other_nsb, year=2025, reserves=D("700"), revenue_government=D("1600"))  # still high
    [total] = REGISTRY["assessments_nsb_risk_band_improved"].compute(programme, period)
    assert total.value == 1


def test_the_profile_page_shows_the_band_and_the_risk_register(client_as, users, nsb):
    created = profile(nsb)
    services.risk_create(actor=users["focal"], organisation=nsb, title="Subvention cut", likelihood=3, impact=4)
    page = client_as("focal").get(reverse("assessments:profile_detail", kwargs={"pk": created.pk})).content.decode()
    assert "Risque élevé" in page and "Subvention cut" in page and "<td>12</td>" in page
    assert client_as("viewer").get(reverse("assessments:profile_detail", kwargs={"pk": created.pk})).status_code == 404
