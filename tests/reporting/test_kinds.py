"""The report kinds beside the annual report: the indicator tracking table, Table 1, the donor report and the
country profile; and the annual report's sections on the newer modules (published self-assessments, aggregated
with small groups not shown; the programme's twinning arrangements and their outcomes; the gap index of the
countries it serves), each frozen with the figures the apps' selectors give. Each is written from its run's
frozen snapshot in French and English with the same figures (checked on the text of the PDFs), and a fixed
timestamp gives the same bytes."""

import datetime
import re
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.accounts.models import User
from jalon.assessments.demo import assessments_demo_build
from jalon.assessments.models import Answer, AnswerOption, Assessment
from jalon.assessments.selectors import assessment_scores, published_aggregates, published_summary
from jalon.committees.demo import committees_demo_build
from jalon.gap.demo import gap_demo_build
from jalon.gap.selectors import previous_run, ranking, runs_of
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.reporting import services
from jalon.reporting.snapshot import snapshot_build
from jalon.results.models import Programme
from jalon.twinning.demo import twinning_demo_build
from jalon.twinning.models import Arrangement
from jalon.twinning.selectors import arrangement_outcomes
from tests.reporting.conftest import AS_OF, ILO, ISO, content_text, numbers_in, numbers_of


@pytest.fixture(scope="module")
def more(demo, django_db_blocker):
    """The demo with committees, twinning arrangements (ISO), assessments (ASN and KEBS published, RSB and
    ASN's first one validated only) and the gap index's two demo runs (ITU): for the country profile and the
    annual report's sections on these modules."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {user.username: user for user in User.objects.filter(username__in=["manager", "focal"])}
        committees_demo_build(actor=users["manager"])
        twinning_demo_build(actor=users["manager"])
        assessments_demo_build(actor=users["manager"], focal=users["focal"])
        gap_demo_build(actor=users["manager"])
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


# The annual report's sections on the newer modules ------------------------------------------------------

ITU = "itu-res44"


def _itu_as_of() -> datetime.datetime:
    """The day of the ITU programme's latest demo run (the demo dates its runs from the day it is built)."""
    run = runs_of(Programme.objects.get(code=ITU)).first()
    return datetime.datetime.combine(run.as_of, datetime.time(12), tzinfo=datetime.UTC)


HEADINGS = {
    "en": ("Self-assessments", "Twinning", "Standardization gap"),
    "fr": ("Auto-évaluations", "Jumelage", "Écart en matière de normalisation"),
}


def _sections(code: str, as_of: datetime.datetime) -> tuple:
    """A run in both languages: its snapshot and, per language, the text and numbers of the new sections."""
    run = services.report_run_now(
        programme=Programme.objects.get(code=code), kind="annual", language="both", as_of=as_of
    )
    assert run.status == "ready", run.job.message
    texts, numbers = {}, {}
    for found in run.files.filter(format="pdf"):
        text = re.sub(r"[ \n]+", " ", content_text(found.file.open("rb")))
        start = text.rindex(HEADINGS[found.language][0])
        texts[found.language] = text[start:]
        numbers[found.language] = numbers_in(text[start:], found.language)
    assert numbers["fr"] == numbers["en"]
    return run, texts, numbers


def test_the_assessments_are_the_published_aggregates_and_small_groups_are_not_shown(more, db, settings):
    settings.JALON_REACH_MIN_GROUP = 1  # every group shown: the figures are the selector's
    snapshot = snapshot_build(programme=Programme.objects.get(code=ISO), as_of=AS_OF)["assessments"]
    summary = published_summary()
    published = Assessment.objects.filter(status=Assessment.Status.PUBLISHED).values("organisation").distinct()
    assert snapshot["organisations"] == summary.organisations == published.count() == 2  # ASN and KEBS
    assert [(row["code"], row["assessments"], row["mean"]) for row in snapshot["sections"]] == [
        (section.code, n, format(mean.normalize(), "f") if mean is not None else None)
        for section, n, mean in published_aggregates()
    ]
    assert sum(row["organisations"] for row in snapshot["bands"]) == 2
    # Each organisation's band, scored one by one: ASN's v2 and KEBS's v1, the published ones.
    bands = [assessment_scores(a).band for a in Assessment.objects.filter(status=Assessment.Status.PUBLISHED)]
    assert {row["code"]: row["organisations"] for row in snapshot["bands"] if row["organisations"]} == {
        code: sum(1 for band in bands if band and band["code"] == code) for code in {b["code"] for b in bands if b}
    }
    assert [(row["code"], row["organisations"]) for row in snapshot["bands"]] == [
        (code, n) for code, _label, n in summary.bands
    ]
    assert any(row["mean"] is not None for row in snapshot["sections"])
    # At the default threshold (5), two organisations are a small group: no mean, no band count, only how many.
    settings.JALON_REACH_MIN_GROUP = 5
    hidden = snapshot_build(programme=Programme.objects.get(code=ISO), as_of=AS_OF)["assessments"]
    assert hidden["organisations"] == 2
    assert all(row["mean"] is None and row["assessments"] is None for row in hidden["sections"])
    assert all(row["organisations"] in (None, 0) for row in hidden["bands"])


def test_an_unpublished_assessment_never_enters_the_report(more, db, settings):
    settings.JALON_REACH_MIN_GROUP = 1
    programme = Programme.objects.get(code=ISO)
    before = snapshot_build(programme=programme, as_of=AS_OF)["assessments"]
    unpublished = Assessment.objects.exclude(status=Assessment.Status.PUBLISHED)
    assert unpublished.filter(organisation__acronym="RSB").exists()
    # Its answers changed to the top score, or the assessment gone: the report does not move.
    best = AnswerOption.objects.order_by("-value", "pk").first()
    Answer.objects.filter(assessment__in=unpublished, option__isnull=False).update(option=best)
    assert snapshot_build(programme=programme, as_of=AS_OF)["assessments"] == before
    unpublished.delete()
    assert snapshot_build(programme=programme, as_of=AS_OF)["assessments"] == before
    # A published one does move it.
    Assessment.objects.filter(organisation__acronym="KEBS").delete()
    assert snapshot_build(programme=programme, as_of=AS_OF)["assessments"]["organisations"] == 1


def test_the_twinning_section_counts_the_programmes_arrangements_and_their_outcomes(more, db):
    programme = Programme.objects.get(code=ISO)
    twinning = snapshot_build(programme=programme, as_of=AS_OF)["twinning"]
    arrangements = list(Arrangement.objects.filter(programme=programme))
    assert arrangements and sum(row["arrangements"] for row in twinning["counts"]) == len(arrangements)
    for row in twinning["counts"]:
        assert row["arrangements"] == sum(1 for a in arrangements if (a.status, a.kind) == (row["status"], row["kind"]))
    outcomes = [arrangement_outcomes(a, today=AS_OF.date()) for a in arrangements]
    started = [outcome for outcome in outcomes if outcome.started]
    assert twinning["outcomes"]["started"] == len(started) > 0
    assert twinning["outcomes"]["o_to_p"] == sum(o.count("o_to_p", same=True) for o in started)
    assert twinning["outcomes"]["meetings"] == sum(o.meetings_attended for o in started)
    assert twinning["outcomes"]["spill_over"] == sum(len(o.spill_over) for o in started)


def test_the_gap_section_is_the_latest_runs_developing_countries(more, db):
    programme = Programme.objects.get(code=ITU)
    as_of = _itu_as_of()
    gap = snapshot_build(programme=programme, as_of=as_of)["gap"]
    run = runs_of(programme).first()
    rows = [row for row in ranking(run, previous_run(run)) if row.get("developing")]
    assert gap["as_of"] == run.as_of.isoformat() and len(gap["countries"]) == len(rows) > 0
    assert gap["ranked"] == sum(1 for row in run.outputs["countries"] if row.get("scored"))
    for found, row in zip(gap["countries"], rows, strict=True):
        assert found["iso3"] == row["iso3"] and found["rank"] == row.get("rank")
        if row.get("scored"):
            assert Decimal(found["index"]) == round(Decimal(str(row["index"])), 2)
            assert Decimal(found["gap"]) == round(Decimal(str(row["gap"])), 2)
    assert any(found["moved"] is not None for found in gap["countries"])  # the previous run is compared
    # The ISO programme has no run: said so.
    assert snapshot_build(programme=Programme.objects.get(code=ISO), as_of=AS_OF)["gap"] is None


def test_the_new_sections_print_the_same_numbers_in_french_and_english(more, db, settings):
    settings.JALON_REACH_MIN_GROUP = 1
    run, texts, numbers = _sections(ISO, AS_OF)
    for language, headings in HEADINGS.items():
        assert all(heading in texts[language] for heading in headings), language
    assert "Organisations by maturity band" in texts["en"] and "Mean score by section" in texts["en"]
    assert "Twinning arrangements by status and kind" in texts["en"]
    assert "The programme has no gap index run yet." in texts["en"]
    assert "Le programme n’a encore aucun calcul de l’indice d’écart." in texts["fr"]
    assert len(numbers["en"]) > 20
    itu, texts, numbers = _sections(ITU, _itu_as_of())
    shown = [row for row in itu.snapshot["gap"]["countries"] if row["scored"]]
    assert f"{shown[0]['index']}" in texts["en"] and "Gap index of the developing countries" in texts["en"]


def test_a_fixed_timestamp_still_gives_the_same_bytes(more, db):
    as_of = _itu_as_of()
    first, second = (
        services.report_run_now(programme=Programme.objects.get(code=ITU), kind="annual", language="fr", as_of=as_of)
        for _ in range(2)
    )
    assert first.snapshot["gap"]["countries"] and first.snapshot["twinning"] is not None
    assert first.files.get(format="pdf").checksum == second.files.get(format="pdf").checksum
    assert first.files.get(format="docx").checksum == second.files.get(format="docx").checksum
