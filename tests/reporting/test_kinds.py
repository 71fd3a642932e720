"""The report kinds beside the annual report: the indicator tracking table, Table 1, the donor report and the
country profile. Each is written from its run's frozen snapshot in French and English with the same figures
(checked on the text of the PDFs), and a fixed timestamp gives the same bytes."""

import datetime
import re

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.accounts.models import User
from jalon.assessments.demo import assessments_demo_build
from jalon.committees.demo import committees_demo_build
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.reporting import services
from jalon.results.models import Programme
from jalon.twinning.demo import twinning_demo_build
from tests.reporting.conftest import AS_OF, ILO, ISO, content_text, numbers_of


@pytest.fixture(scope="module")
def more(demo, django_db_blocker):
    """The demo with committees, twinning arrangements and assessments (ASN, Senegal), for the country profile."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {user.username: user for user in User.objects.filter(username__in=["manager", "focal"])}
        committees_demo_build(actor=users["manager"])
        twinning_demo_build(actor=users["manager"])
        assessments_demo_build(actor=users["manager"], focal=users["focal"])
        yield
        transaction.set_rollback(True)


def _run(code: str, kind: str, **options):
    run = services.report_run_now(
        programme=Programme.objects.get(code=code), kind=kind, language="both", as_of=AS_OF, **options
    )
    assert run.status == "ready", run.job.message
    files = {found.language: found for found in run.files.filter(format="pdf")}
    # Cells wrap their words on several lines: spaces and line breaks read as one space.
    texts = {language: re.sub(r"[ \n]+", " ", content_text(found.file.open("rb"))) for language, found in files.items()}
    numbers = {language: numbers_of(found.file.open("rb"), language) for language, found in files.items()}
    assert numbers["fr"] == numbers["en"]
    for language, found in files.items():
        assert pypdf.PdfReader(found.file.open("rb")).trailer["/Root"]["/Lang"] == language
    return run, texts, numbers


def _same_bytes(code: str, kind: str, **options) -> None:
    first, second = (
        services.report_run_now(
            programme=Programme.objects.get(code=code), kind=kind, language="fr", as_of=AS_OF, **options
        )
        for _ in range(2)
    )
    assert first.files.get(format="pdf").checksum == second.files.get(format="pdf").checksum


def test_the_iptt_lists_every_indicator_with_each_periods_milestone_and_actual(demo, db):
    run, texts, numbers = _run(ISO, "iptt")
    codes = [item["code"] for result in run.snapshot["results"] for item in result["indicators"]]
    assert codes and all(code in texts["en"] for code in codes)
    assert "Indicator tracking table:" in texts["en"] and "Tableau de suivi des indicateurs :" in texts["fr"]
    assert "2021 milestone 2021 actual 2022 milestone" in texts["en"] and "Jalon 2021 Réel 2021" in texts["fr"]
    # D1's baseline, then each period's milestone and actual, then the overall target and actual to date.
    assert "D1 Participants trained in Good Standardization Practices (GSP) 0 150 165 300 307 450 427" in texts["en"]
    assert len(numbers["en"]) > 100
    assert "narrative" not in run.snapshot and "reach" not in run.snapshot
    _same_bytes(ISO, "iptt")


def test_table_one_prints_seed_004_from_the_ledger(demo, db):
    run, texts, _numbers = _run(ILO, "table1")
    assert "3,600,000 30 0" in texts["en"] and "4,800,000 40 1,480,000" in texts["en"]
    assert "4\u202f800\u202f000 40 1\u202f480\u202f000" in texts["fr"]
    assert set(run.snapshot) >= {"table_one", "periods"} and "results" not in run.snapshot
    _same_bytes(ILO, "table1")


def test_the_donor_report_shows_one_contributors_money_and_the_results_it_served(demo, db):
    donor = Organisation.objects.get(name__en="Demo donor B (development agency)")
    other = Organisation.objects.get(name__en="Demo donor A (government)")
    run, texts, _numbers = _run(ILO, "donor", contributor=donor)
    assert run.contributor == donor and donor.name["en"] in texts["en"]
    references = [row["reference"] for row in run.snapshot["donor"]["contributions"]]
    assert "DEMO-XB-2010-01" in references and "DEMO-RBSA-2010" not in texts["en"]
    assert "2,000,000" in texts["en"]
    # Earmarked for outcome 1: its indicators are the results it served.
    assert "1" in run.snapshot["donor"]["served"]
    served = [item["code"] for r in run.snapshot["results"] if r["code"] == "1" for item in r["indicators"]]
    assert served and all(code in texts["en"] for code in served)
    assert other.name["en"] not in texts["en"]
    _same_bytes(ILO, "donor", contributor=donor)
    with pytest.raises(ValidationError):  # a donor report names a contributor to the programme
        services.report_run_now(
            programme=Programme.objects.get(code=ISO), kind="donor", language="en", contributor=donor
        )


def test_the_country_profile_gathers_reach_participation_assessments_and_twinning(more, db):
    senegal = Country.objects.get(iso3="SEN")
    run, texts, _numbers = _run(ISO, "country", country=senegal)
    country = run.snapshot["country"]
    assert country["iso3"] == "SEN" and country["reach"] and country["assessments"] and country["twinning"]
    assert country["participation"]["p"] + country["participation"]["o"] > 0
    assert "Country profile: Senegal" in texts["en"]
    for heading in ("Reach", "Participation in committees", "Assessments", "Standardization gap", "Twinning"):
        assert heading in texts["en"]
    assert "The programme has no gap index run yet." in texts["en"]  # the ISO programme has none
    _same_bytes(ISO, "country", country=senegal)
    with pytest.raises(ValidationError):
        services.report_run_now(programme=Programme.objects.get(code=ISO), kind="country", language="en")


def test_a_past_snapshot_of_another_kind_still_renders(demo, db):
    """Each kind's file name names its subject, and a snapshot keeps its kind."""
    senegal = Country.objects.get(iso3="SEN")
    run = services.report_run_now(
        programme=Programme.objects.get(code=ISO),
        kind="country",
        language="en",
        country=senegal,
        as_of=AS_OF - datetime.timedelta(days=1),
    )
    assert run.snapshot["kind"] == "country" and run.files.get(format="pdf").name.startswith(f"{ISO}-country-sen-")


def test_the_iptt_donor_and_country_kinds_chart_progress_over_time_each_with_words_and_a_table(more, db):
    """Each chart of these kinds has its text alternative (every figure in words) and a table of the same
    figures right after it."""
    from jalon.reporting.documents import document_for
    from jalon.reporting.snapshot import snapshot_build

    donor = Organisation.objects.get(name__en="Demo donor B (development agency)")
    cases = {
        "iptt": (ISO, {}, "Indicators by status in each period"),
        "donor": (ILO, {"contributor": donor}, "Indicators by status in each period"),
        "country": (ISO, {"country": Country.objects.get(iso3="SEN")}, "People trained from Senegal by period"),
    }
    for kind, (code, options, caption) in cases.items():
        snapshot = snapshot_build(programme=Programme.objects.get(code=code), as_of=AS_OF, kind=kind, **options)
        blocks = document_for(snapshot, "en").blocks
        figures = [index for index, block in enumerate(blocks) if block["kind"] == "figure"]
        assert figures, kind
        for index in figures:
            figure, table = blocks[index], blocks[index + 1]
            assert figure["caption"] == caption and figure["svg"].startswith("<svg"), kind
            assert table["kind"] == "table" and table["rows"], kind
            # Every row's label and figures are in the words, in the order of the table.
            for row in table["rows"]:
                assert row[0] in figure["alt"], (kind, row[0])
        if kind == "donor":  # only the results the donor's money served
            served = set(snapshot["donor"]["served"])
            counted = sum(len(r["indicators"]) for r in snapshot["results"] if r["code"] in served)
            first = blocks[figures[0] + 1]["rows"][0]
            assert first[-1] == str(counted)
