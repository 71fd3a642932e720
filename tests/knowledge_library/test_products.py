"""The database of technologies and conforming products: a claim is never published without evidence; an expired
claim leaves the public list and the indicator by its dates alone; the public list says it is informative and
voluntary, not a certification; focal points submit for their organisation, the secretariat checks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from jalon.accounts.models import AuditEntry
from jalon.gap.computed import COMPUTED, Window
from jalon.jobs.services import jobs_recover
from jalon.knowledge.models import ConformityClaim, SearchEntry
from jalon.knowledge.selectors.products import laboratories_accredited_or_recognised, products_with_live_claims
from jalon.knowledge.services import products as services
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results.computations import indicator_link_computation, indicator_refresh
from jalon.results.models import Indicator, Level, Period, Programme, Result

TODAY = datetime.date.today()


@pytest.fixture
def kenya(db):
    return Country.objects.get(iso3="KEN")


@pytest.fixture
def laboratory(users, kenya):
    return services.laboratory_record(
        actor=users["manager"],
        name="Nairobi Telecom Lab",
        country=kenya,
        accreditation_body="KENAS",
        accreditation_number="TL-001",
        ilac_signatory=True,
    )


@pytest.fixture
def product(users, kenya, nsb):
    manufacturer = Organisation.objects.create(name={"en": "Savannah Devices"}, acronym="SAVDEV", country=kenya)
    return services.product_create(
        actor=users["focal"],
        manufacturer=manufacturer,
        model="SD-1",
        product_version="2.0",
        category="Modem",
        country=kenya,
        organisation=nsb,
    )


def _claim(actor, product, laboratory, **fields):
    values = {
        "product": product,
        "standard": "ITU-T G.9701",
        "edition": "2019-03",
        "basis": ConformityClaim.Basis.TEST_REPORT,
        "laboratory": laboratory,
        "issued_on": TODAY - datetime.timedelta(days=10),
        "valid_until": TODAY + datetime.timedelta(days=300),
        **fields,
    }
    return services.claim_submit(actor=actor, **values)


def test_a_conformity_claim_cannot_be_published_without_evidence(users, product, laboratory, client_as):
    claim = _claim(users["focal"], product, laboratory)
    claim = services.claim_step(actor=users["manager"], claim=claim, step="check")
    with pytest.raises(ValidationError) as refused:
        services.claim_step(actor=users["manager"], claim=claim, step="publish")
    assert list(refused.value.message_dict) == ["evidence"]
    assert ConformityClaim.objects.get(pk=claim.pk).status == "checked"
    # Nor through the API, nor by any write that skips the service: the database refuses it too.
    response = client_as("manager").post(f"/api/v1/knowledge-claims/{claim.pk}/publish/", {})
    assert response.status_code == 400 and "evidence" in response.json()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConformityClaim.objects.filter(pk=claim.pk).update(status="published")
    ConformityClaim.objects.filter(pk=claim.pk).update(evidence_url="https://example.org/report.pdf")
    claim.refresh_from_db()
    assert services.claim_step(actor=users["manager"], claim=claim, step="publish").status == "published"


def test_an_expired_claim_leaves_the_public_list_and_the_indicator(users, product, laboratory, client_as):
    claim = _claim(users["focal"], product, laboratory, evidence=ContentFile(b"%PDF-1.4 report", name="report.pdf"))
    services.claim_step(actor=users["manager"], claim=claim, step="check")
    services.claim_step(actor=users["manager"], claim=claim, step="publish")
    kenya_only = Country.objects.filter(iso3="KEN")
    assert products_with_live_claims(day=TODAY, countries=kenya_only) == 1
    public = client_as(None).get("/en/knowledge/products/").content.decode()
    assert "SD-1" in public and "not a certification" in public
    assert client_as(None).get("/api/v1/knowledge-claims/").json()["count"] == 1

    # Past its end date, with its stored state still "published".
    ConformityClaim.objects.filter(pk=claim.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert ConformityClaim.objects.get(pk=claim.pk).status == "published"
    public = client_as(None).get("/en/knowledge/products/").content.decode()
    assert "SD-1" not in public and "No published claim in force." in public
    assert client_as(None).get("/api/v1/knowledge-claims/").json()["count"] == 0
    assert client_as(None).get(f"/en/knowledge/products/claims/{claim.pk}/").status_code == 404
    assert products_with_live_claims(day=TODAY, countries=kenya_only) == 0
    # The submitter still follows it, marked expired.
    followed = client_as("focal").get("/en/knowledge/products/claims/?status=expired").content.decode()
    assert "SD-1" in followed and "expired" in followed


def test_the_workers_recovery_stores_expired_once_and_the_claim_can_still_be_withdrawn(
    users, product, laboratory, client_as
):
    claim = _claim(users["focal"], product, laboratory, evidence=ContentFile(b"%PDF-1.4 report", name="report.pdf"))
    services.claim_step(actor=users["manager"], claim=claim, step="check")
    published = services.claim_step(actor=users["manager"], claim=claim, step="publish")
    in_force = _claim(users["focal"], product, laboratory, evidence=ContentFile(b"%PDF-1.4 r", name="r.pdf"))
    ConformityClaim.objects.filter(pk=claim.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert SearchEntry.objects.get(kind="claim", object_id=claim.pk).visibility == "public"
    # What the worker runs when it starts and every minute (jobs_recover), with the apps' recoveries.
    assert jobs_recover()["knowledge_claims_expired"] == 1
    stored = ConformityClaim.objects.get(pk=claim.pk)
    assert stored.status == "expired" and stored.version == published.version + 1
    assert ConformityClaim.objects.get(pk=in_force.pk).status == "submitted"
    assert SearchEntry.objects.get(kind="claim", object_id=claim.pk).visibility != "public"
    assert AuditEntry.objects.filter(
        model__icontains="conformityclaim", object_id=str(claim.pk), after__status="expired"
    )
    assert jobs_recover()["knowledge_claims_expired"] == 0  # once
    followed = client_as("focal").get("/en/knowledge/products/claims/?status=expired").content.decode()
    assert "SD-1" in followed
    withdrawn = services.claim_step(actor=users["focal"], claim=stored, step="withdraw")
    assert withdrawn.status == "withdrawn"


def test_focal_points_submit_for_their_organisation_and_the_secretariat_checks(users, product, laboratory, other_nsb):
    with pytest.raises(ValidationError) as refused:
        services.product_create(
            actor=users["focal"],
            manufacturer=product.manufacturer,
            model="SD-2",
            category="Modem",
            country=product.country,
            organisation=other_nsb,
        )
    assert "organisation" in refused.value.message_dict
    claim = _claim(users["focal"], product, laboratory)
    with pytest.raises(PermissionDenied):
        services.claim_step(actor=users["focal"], claim=claim, step="check")
    with pytest.raises(ValidationError) as no_lab:
        _claim(users["focal"], product, None)
    assert "laboratory" in no_lab.value.message_dict
    declaration = _claim(
        users["focal"], product, None, basis=ConformityClaim.Basis.DECLARATION, standard="ITU-T G.9700"
    )
    withdrawn = services.claim_step(actor=users["focal"], claim=declaration, step="withdraw")
    assert withdrawn.status == "withdrawn"


def test_accredited_or_recognised_laboratories_in_developing_countries(users, laboratory, kenya):
    services.laboratory_record(actor=users["manager"], name="Unaccredited lab", country=kenya)
    services.laboratory_record(actor=users["manager"], name="ITU-recognised lab", country=kenya, itu_recognised=True)
    with pytest.raises(ValidationError):
        services.laboratory_record(actor=users["manager"], name="Claims ILAC", country=kenya, ilac_signatory=True)
    assert laboratories_accredited_or_recognised(countries=Country.objects.filter(iso3="KEN")) == 2


def test_the_claim_form_names_a_missing_laboratory_in_french(users, product, client_as):
    response = client_as("focal").post(
        "/fr/knowledge/products/claims/new/",
        {"product": product.pk, "standard": "ITU-T G.9701", "basis": "certificate", "issued_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "laboratoire" in response.content.decode()


def test_the_products_indicator_counts_claims_in_force_at_the_period_s_end(users, product, laboratory):
    """The period ends before the claim's end: the product counts; once the claim's end falls before the period's
    end (its stored state unchanged), it no longer does."""
    programme = Programme.objects.create(
        code="knowledge-products",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Products"},
        start_date=TODAY - datetime.timedelta(days=400),
        end_date=TODAY + datetime.timedelta(days=400),
    )
    period = Period.objects.create(
        programme=programme,
        code="now",
        name={"en": "Now"},
        start=TODAY - datetime.timedelta(days=100),
        end=TODAY + datetime.timedelta(days=100),
    )
    level = Level.objects.create(programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=programme, level=level, code="O1", title={"en": "Conformity"})
    claim = _claim(users["focal"], product, laboratory, evidence_url="https://example.org/report.pdf")
    services.claim_step(actor=users["manager"], claim=claim, step="check")
    services.claim_step(actor=users["manager"], claim=claim, step="publish")
    indicator = Indicator.objects.create(result=result, code="K5", title={"en": "Products"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="knowledge_products_developing")
    assert indicator.measurements.get(dimension_value=None, period=period).value == Decimal(1)
    ConformityClaim.objects.filter(pk=claim.pk).update(valid_until=period.end - datetime.timedelta(days=1))
    indicator_refresh(indicator=indicator)
    assert indicator.measurements.get(dimension_value=None, period=period).value == Decimal(0)


def test_the_gap_index_reads_the_recognised_laboratories_per_country(users, laboratory, kenya):
    services.laboratory_record(actor=users["manager"], name="Unaccredited lab", country=kenya)
    computed = COMPUTED["laboratories_recognised"]
    window = Window.ending(TODAY, 365)
    assert computed.values(window, None) == {kenya.pk: 1.0}
    assert [lab.name for lab in computed.records(window, kenya.pk, None)] == ["Nairobi Telecom Lab"]
