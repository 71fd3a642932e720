"""Computed indicators: values come from the records (ISO memberships x the developing-country rule)."""

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.organisations import services as organisation_services
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results import services
from jalon.results.computations import REGISTRY, indicator_link_computation, indicator_refresh
from jalon.results.models import Indicator, Measurement
from tests.results.conftest import indicator_build, messages_of, programme_build

DATA = Path(__file__).resolve().parents[2] / "jalon"


def expected_by_region() -> Counter:
    """ISO members in DAC-eligible countries, by M49 region, read straight from the shipped files."""
    with (DATA / "reference/data/countries_master.csv").open(encoding="utf-8") as handle:
        regions = {
            row["iso2"]: row["region_code"].zfill(3)
            for row in csv.DictReader(handle)
            if row["oecd_dac_eligible"] == "True"
        }
    with (DATA / "organisations/data/iso_members.csv").open(encoding="utf-8") as handle:
        return Counter(regions[row["country_iso2"]] for row in csv.DictReader(handle) if row["country_iso2"] in regions)


@pytest.fixture
def iso_demo(db):
    return programme_build(code="iso-computed", owner=Organisation.objects.get(acronym="ISO"))


@pytest.fixture
def computed(iso_demo, users):
    indicator = indicator_build(iso_demo, "C1", cumulation="latest")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="developing_members_by_region")
    indicator.refresh_from_db()
    return indicator


def values(indicator, period):
    return {
        (m.dimension_value.code if m.dimension_value else None): m.value
        for m in Measurement.objects.filter(indicator=indicator, period=period).select_related("dimension_value")
    }


def test_the_registry_offers_the_membership_computations():
    assert {"developing_members_by_region", "developing_members_by_income"} <= set(REGISTRY)


def test_linking_an_indicator_fills_every_started_period_from_the_records(computed, iso_demo):
    expected = expected_by_region()
    for period in (iso_demo.past, iso_demo.current):
        got = values(computed, period)
        assert got[None] == Decimal(sum(expected.values()))
        assert {code: value for code, value in got.items() if code} == {k: Decimal(v) for k, v in expected.items()}
    assert values(computed, iso_demo.future) == {}
    assert computed.source == Indicator.Source.COMPUTED
    assert Measurement.objects.filter(indicator=computed).exclude(status=Measurement.Status.APPROVED).count() == 0


def test_refreshing_without_a_change_changes_nothing(computed):
    assert indicator_refresh(indicator=computed) == 0


def test_a_new_member_in_a_developing_country_moves_the_indicator_after_the_commit(
    computed, iso_demo, users, django_capture_on_commit_callbacks
):
    before = values(computed, iso_demo.current)[None]
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = organisation_services.organisation_create(
            actor=users["manager"],
            name={"fr": "Nouvel organisme"},
            acronym="NEWNSB",
            kind=Organisation.Kind.NSB,
            country=Country.objects.get(iso3="SEN"),
        )
        organisation_services.membership_create(
            actor=users["manager"],
            member=newcomer,
            body=Organisation.objects.get(acronym="ISO"),
            category="iso_correspondent",
        )
    assert values(computed, iso_demo.current)[None] == before + 1
    assert values(computed, iso_demo.current)["002"] == Decimal(expected_by_region()["002"] + 1)


def test_a_computed_indicator_cannot_be_typed_over(computed, iso_demo, users, client_as):
    with pytest.raises(ValidationError):
        services.measurement_create(
            actor=users["manager"], indicator=computed, period=iso_demo.current, value=Decimal(1)
        )
    url = f"/fr/programmes/{iso_demo.programme.code}/indicators/{computed.pk}/report/"
    assert client_as("manager").get(url).status_code == 403


def test_linking_is_refused_while_hand_reported_values_exist(iso_demo, users, nsb):
    indicator = indicator_build(iso_demo, "C2")
    services.measurement_create(
        actor=users["focal"], indicator=indicator, period=iso_demo.current, value=Decimal(3), organisation=nsb
    )
    with translation.override("en"), pytest.raises(ValidationError, match="reported by hand"):
        indicator_link_computation(actor=users["manager"], indicator=indicator, key="developing_members_by_region")


def test_the_indicator_page_says_how_it_is_computed_and_a_manager_recomputes_it(computed, iso_demo, client_as):
    page = client_as(None).get(computed.get_absolute_url().replace("/fr/", "/en/"))
    assert "How it is computed" in page.content.decode()
    assert "Developing-country members of the programme&#x27;s standards body, by region" in page.content.decode()
    Measurement.objects.filter(indicator=computed, dimension_value__isnull=True).update(value=Decimal(0))
    response = client_as("manager").post(
        f"/en/programmes/{iso_demo.programme.code}/indicators/{computed.pk}/recompute/"
    )
    assert response.status_code == 302
    assert "Recomputed: 2 values changed." in messages_of(response)
    assert values(computed, iso_demo.current)[None] == Decimal(sum(expected_by_region().values()))


def test_only_a_programme_manager_may_recompute_or_relink(computed, iso_demo, client_as):
    base = f"/en/programmes/{iso_demo.programme.code}/indicators/{computed.pk}"
    assert client_as("focal").post(f"{base}/recompute/").status_code == 403
    assert client_as("focal").post(f"{base}/computation/", {"computation": ""}).status_code == 403
    assert client_as(None).post(f"{base}/recompute/").status_code == 302  # to the login page


def test_unlinking_returns_the_indicator_to_hand_reporting_and_drops_computed_values(
    computed, users, client_as, iso_demo
):
    response = client_as("manager").post(
        f"/en/programmes/{iso_demo.programme.code}/indicators/{computed.pk}/computation/", {"computation": ""}
    )
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.source == Indicator.Source.MANUAL
    assert not Measurement.objects.filter(indicator=computed).exists()
    assert AuditEntry.objects.filter(model="results.indicator", object_id=str(computed.pk), action="update").exists()


def test_the_income_computation_breaks_the_same_total_down_by_income_group(iso_demo, users):
    indicator = indicator_build(iso_demo, "C3", cumulation="latest")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="developing_members_by_income")
    got = values(indicator, iso_demo.current)
    assert got[None] == Decimal(sum(expected_by_region().values()))
    assert sum(value for code, value in got.items() if code) == got[None]
    assert {code for code in got if code} <= {"LIC", "LMC", "UMC", "HIC"}


def test_an_unknown_computation_is_refused_on_the_page_with_the_services_message(computed, client_as, iso_demo):
    response = client_as("manager").post(
        f"/en/programmes/{iso_demo.programme.code}/indicators/{computed.pk}/computation/", {"computation": "nope"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Unknown computation."]
    computed.refresh_from_db()
    assert (computed.source, computed.computation) == (Indicator.Source.COMPUTED, "developing_members_by_region")
