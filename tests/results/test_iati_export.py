"""IATI 2.03 export of a programme (jalon/results/iati.py): every seed framework (with the demo history) gives a
document that validates against the shipped XSD and uses codes of the shipped codelists; key content checked with
XPath. The engine it calls (jalon/interop/iati.py) is tested in tests/interop/test_iati.py."""

import datetime
from decimal import Decimal as D
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from lxml import etree

from jalon.finance.demo import finance_demo_build
from jalon.interop.iati import codelist_codes, codelist_errors, decimal_text
from jalon.interop.iati_rules import validator_findings
from jalon.organisations.models import Organisation
from jalon.results import iati, services
from jalon.results.demo import demo_history_build
from jalon.results.iati import CODED_VALUES, programme_iati_errors, programme_iati_export, programme_to_iati
from jalon.results.models import IATI_MEASURE, Indicator, Measure, Measurement, Programme, Result
from jalon.results.services import SEED_FRAMEWORKS, frameworks_load
from tests.results.conftest import indicator_build, programme_build

ISO, ITU, ILO = "iso-ap-2021-2025", "itu-res44", "ilo-tc-2010-2015"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The three seed frameworks, loaded once per module in a transaction rolled back at its end; each
    test runs in a savepoint inside it (as in tests/results/test_seed_frameworks.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def frameworks(seeded, db):
    """The seed frameworks, by code."""
    return {programme.code: programme for programme in Programme.objects.filter(code__in=SEED_FRAMEWORKS)}


@pytest.fixture
def demo_history(frameworks, users, nsb):
    """The seeds plus the demo indicators and history on the ISO Action Plan, as `jalon demo` builds them."""
    assert nsb.kind == Organisation.Kind.NSB
    demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
    return frameworks


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))


def exported(code: str, **kwargs) -> etree._Element:
    document = programme_to_iati(Programme.objects.get(code=code), **kwargs)
    assert programme_iati_errors(document) == []
    root = parse(document)
    assert codelist_errors(root, CODED_VALUES) == []
    return root


def indicator_node(root, code: str) -> etree._Element:
    """The indicator whose composite reference code (RESULT-INDICATOR) ends with `code`."""
    (node,) = [
        node
        for node in root.xpath("//indicator")
        if any(ref.endswith(f"-{code}") for ref in node.xpath("reference[@vocabulary='99']/@code"))
    ]
    return node


def period_node(indicator, start: str) -> etree._Element:
    (node,) = indicator.xpath("period[period-start/@iso-date=$start]", start=start)
    return node


def narratives(node) -> dict[str, str]:
    return {item.get(XML_LANG): item.text for item in node.xpath("narrative")}


def approved(indicator: Indicator, period_code: str, **filters) -> list[Measurement]:
    return list(indicator.measurements.filter(period__code=period_code, status=Measurement.Status.APPROVED, **filters))


# Codes ------------------------------------------------------------------------------------------------------


def test_the_codes_the_export_writes_are_in_the_shipped_codelists():
    assert {str(code) for code in IATI_MEASURE.values()} <= codelist_codes("IndicatorMeasure")
    assert {"1", "2", "3", "9"} <= codelist_codes("ResultType")
    assert set(iati.ORGANISATION_TYPE_BY_KIND.values()) | set(iati.NON_GOVERNMENTAL_SDOS.values()) | {
        iati.ORGANISATION_TYPE_OTHER
    } <= codelist_codes("OrganisationType")
    assert {"fr", "en", "es", "ar", "ru", "zh"} <= codelist_codes("Language")


# Every seed framework, with the demo history --------------------------------------------------------------


@pytest.mark.parametrize("code", [ISO, ITU, ILO])
def test_each_seed_framework_exports_a_valid_document(demo_history, code):
    programme = Programme.objects.get(code=code)
    skipped = []
    document = programme_to_iati(programme, skipped=skipped)
    assert programme_iati_errors(document) == []
    root = parse(document)
    results = list(programme.results.prefetch_related("indicators"))
    with_indicators = [result for result in results if result.indicators.all()]
    assert len(root.xpath("//result")) == len(with_indicators)
    assert sorted(result.code for result in skipped) == sorted(
        result.code for result in results if not result.indicators.all()
    )
    assert root.xpath("//result/reference") == []  # Validator 8.11.1: result or indicator level, never both
    indicators = Indicator.objects.filter(result__programme=programme).select_related("result")
    assert root.xpath("//indicator/reference/@code") == [
        f"{indicator.result.code}-{indicator.code}"
        for indicator in indicators.order_by("result__order", "order", "code")
    ]
    assert len(root.xpath("//indicator")) == indicators.count()
    for indicator in indicators:
        node = indicator_node(root, indicator.code)
        assert node.get("measure") == str(IATI_MEASURE[indicator.measure])
        assert node.get("ascending") == ("0" if indicator.direction == "descending" else "1")
    (activity,) = root.xpath("/iati-activities[@version='2.03']/iati-activity")
    assert activity.get(XML_LANG) == programme.languages[0] == "fr"
    assert narratives(activity.find("title")) == programme.title
    assert narratives(activity.find("description")) == programme.description
    assert activity.findtext("iati-identifier") == f"{iati.organisation_ref(programme.owner)}-{code}"
    assert activity.xpath("reporting-org/@ref") == activity.xpath("participating-org[@role='4']/@ref")
    assert activity.xpath("activity-date[@type='1']/@iso-date") == [programme.start_date.isoformat()]
    assert activity.xpath("activity-date[@type='3']/@iso-date") == [programme.end_date.isoformat()]


def test_the_seeds_alone_export_valid_documents(frameworks):
    """Without the demo history the ISO Action Plan has no indicator at all: an activity with no result."""
    root = exported(ISO)
    assert root.xpath("count(//result)") == 0
    assert exported(ILO).xpath("count(//result)") == 3


def test_results_carry_their_type_and_texts_in_french_and_english(demo_history):
    root = exported(ISO)
    result = Result.objects.select_related("level").get(programme__code=ISO, code="IO2.1")
    (node,) = root.xpath("//result[indicator/reference/@code='IO2.1-D1']")
    assert node.get("type") == str(result.level.iati_result_type) == "1"
    assert node.get("aggregation-status") == "1"  # its only indicator counts participants
    assert narratives(node.find("title")) == result.title
    assert set(narratives(node.find("title"))) == {"fr", "en"}
    indicator = indicator_node(root, "D1")
    assert narratives(indicator.find("title")) == {
        "fr": "Participants formés aux bonnes pratiques de normalisation (BPN)",
        "en": "Participants trained in Good Standardization Practices (GSP)",
    }
    description = narratives(indicator.find("description"))
    assert description["fr"].startswith("Indicateur de démonstration")
    assert "cumulées" in description["fr"] and "cumulative" in description["en"]


def test_demo_indicators_baselines_targets_and_actuals(demo_history):
    root = exported(ISO)
    d1 = Indicator.objects.get(result__programme__code=ISO, code="D1")
    node = indicator_node(root, "D1")
    assert node.get("measure") == "1"
    assert node.xpath("baseline/@year") == ["2020"] and node.xpath("baseline/@value") == ["0"]
    assert node.xpath("period/period-start/@iso-date") == [f"{year}-01-01" for year in range(2021, 2026)]
    first = period_node(node, "2021-01-01")
    assert first.xpath("period-end/@iso-date") == ["2021-12-31"]
    assert first.xpath("target[not(dimension)]/@value") == ["150"]
    # The targets by sex (parity), each with its dimension, after the total's: named as a data user reads them, in
    # the activity's language (the ISO plan's is French), not by jalon's codes ("sex", "female").
    by_sex = [(t.get("value"), t.find("dimension").get("value")) for t in first.xpath("target[dimension]")]
    assert (
        by_sex == [("75", "Femmes"), ("75", "Hommes")]
        and first.xpath("target[dimension]/dimension/@name") == ["Sexe"] * 2
    )
    (total,) = approved(d1, "2021", dimension_value__isnull=True)
    assert first.xpath("actual[not(dimension)]/@value") == [decimal_text(total.value)]
    # D1 is cumulative: the 2022 actual is the running total of the approved values.
    running = sum(m.value for code in ("2021", "2022") for m in approved(d1, code, dimension_value__isnull=True))
    assert period_node(node, "2022-01-01").xpath("actual[not(dimension)]/@value") == [decimal_text(running)]
    # 2024 was submitted, not approved: a target, no actual.
    later = period_node(node, "2024-01-01")
    assert later.xpath("target[not(dimension)]/@value") == ["600"] and later.xpath("actual") == []

    d2 = Indicator.objects.get(result__programme__code=ISO, code="D2")
    node = indicator_node(root, "D2")
    assert node.get("measure") == "2"
    assert node.xpath("baseline/@value") == ["60"]
    (measurement,) = approved(d2, "2021")
    percent = measurement.numerator * 100 / measurement.denominator
    assert period_node(node, "2021-01-01").xpath("actual/@value") == [decimal_text(percent)]

    node = indicator_node(root, "D3")
    assert node.get("ascending") == "0"
    assert period_node(node, "2024-01-01").xpath("actual") == []  # returned to its author


def test_a_periods_narrative_is_the_comment_of_its_actual_in_each_language(demo_history):
    from jalon.results.models import Narrative

    narrative = (
        Narrative.objects.filter(indicator__result__programme__code=ISO).select_related("indicator", "period").first()
    )
    assert narrative is not None
    node = indicator_node(exported(ISO), narrative.indicator.code)
    actual = period_node(node, narrative.period.start.isoformat()).xpath("actual[not(dimension)]")[0]
    comments = narratives(actual.find("comment"))
    assert comments["fr"].startswith("Ce qui s’est passé : " + narrative.achieved["fr"])
    assert "\nPourquoi l’écart avec le jalon : " in comments["fr"] and "\nLa suite : " in comments["fr"]
    assert comments["en"].startswith("What happened: " + narrative.achieved["en"])


def test_the_sex_disaggregated_demo_indicator_gives_one_actual_per_value(demo_history):
    root = exported(ISO)
    d1 = Indicator.objects.get(result__programme__code=ISO, code="D1")
    period = period_node(indicator_node(root, "D1"), "2021-01-01")
    dimensions = {
        actual.xpath("dimension/@value")[0]: actual.get("value")
        for actual in period.xpath("actual[dimension/@name='Sexe']")
    }
    assert set(dimensions) == {"Femmes", "Hommes"}
    for label, value_code in (("Femmes", "female"), ("Hommes", "male")):
        (measurement,) = approved(d1, "2021", dimension_value__code=value_code)
        assert dimensions[label] == decimal_text(measurement.value)
    (total,) = approved(d1, "2021", dimension_value__isnull=True)
    assert sum(D(value) for value in dimensions.values()) == total.value
    assert period.xpath("actual/dimension/@name") == ["Sexe", "Sexe"]
    # Not disaggregated: no dimension anywhere else.
    assert indicator_node(root, "D2").xpath(".//dimension") == []


def test_ilo_baselines_and_pending_relative_targets(demo_history):
    root = exported(ILO)
    # 1.1: a baseline year (2009) whose value the seed does not give, and a value still to be set in 2010.
    node = indicator_node(root, "1.1")
    # Validator 8.8.1: no baseline element without its value; the year and the note go to the description.
    assert node.xpath("baseline") == []
    description = narratives(node.find("description"))
    assert "Baseline year: 2009 (value not given)." in description["en"]
    assert "Année de référence : 2009 (valeur non précisée)." in description["fr"]
    assert "Baseline: Technical cooperation results for 2008-09" in description["en"]
    assert "Base de référence : Résultats de la coopération technique pour 2008-09" in description["fr"]
    assert "Baseline to be set in 2010." in description["en"]
    assert node.xpath("period/target/@value") == ["70", "80", "90"]
    assert narratives(period_node(node, "2010-01-01").find("target/comment")) == {
        "fr": "70 pour cent",
        "en": "70 per cent",
    }
    # 3.1: no baseline year, only "to be set in 2010": no baseline element, the note in the description.
    node = indicator_node(root, "3.1")
    assert node.xpath("baseline") == []
    description = narratives(node.find("description"))
    assert "Baseline to be set in 2010." in description["en"] and "Baseline: Set in 2010" in description["en"]
    assert "Base de référence à fixer en 2010." in description["fr"]
    assert "Unit: UNDAFs" in description["en"] and "Unité : PNUAD" in description["fr"]
    # Its milestones are relative to that baseline: pending, they have no value, so no target element (8.9.1);
    # each goes to the description in every language.
    assert node.xpath("period/target") == []
    first = Indicator.objects.get(result__programme__code=ILO, code="3.1").milestones.order_by("period__start")[0]
    assert f"Target for {first.period.name['en']}: 20 per cent increase" in description["en"]
    assert f"Cible pour {first.period.name['fr']} : 20 pour cent d’augmentation" in description["fr"]


def test_relative_targets_resolve_once_the_baseline_is_set(demo_history):
    indicator = Indicator.objects.get(result__programme__code=ILO, code="3.1")
    indicator.baseline_value, indicator.baseline_year = D(10), 2010
    indicator.save()
    node = indicator_node(exported(ILO), "3.1")
    assert node.xpath("baseline/@year") == ["2010"] and node.xpath("baseline/@value") == ["10"]
    assert node.xpath("period/target/@value") == ["12", "14", "15"]  # +20 %, +40 %, +50 %
    assert "to be set" not in narratives(node.find("description"))["en"]


def test_activity_status_follows_the_dates(demo_history):
    assert exported(ISO, today=datetime.date(2023, 6, 1)).xpath("//activity-status/@code") == ["2"]
    assert exported(ISO, today=datetime.date(2026, 1, 1)).xpath("//activity-status/@code") == ["4"]
    assert exported(ISO, today=datetime.date(2020, 6, 1)).xpath("//activity-status/@code") == ["1"]


def test_reporting_org_identifier_and_type(demo_history):
    root = exported(ISO)
    assert root.xpath("//reporting-org/@ref") == ["XM-JALON-ISO"]
    assert root.xpath("//reporting-org/@type") == ["21"]  # ISO is non-governmental
    assert narratives(root.xpath("//reporting-org")[0]) == {
        "en": "International Organization for Standardization",
        "fr": "Organisation internationale de normalisation",
    }
    assert exported(ILO).xpath("//reporting-org/@type") == ["40"]
    ilo = Organisation.objects.get(acronym="ILO", kind=Organisation.Kind.INTERNATIONAL_SDO)
    ilo.iati_identifier = "XM-DAC-41302"
    ilo.save()
    root = exported(ILO)
    assert root.xpath("//iati-identifier/text()") == [f"XM-DAC-41302-{ILO}"]
    assert root.xpath("//reporting-org/@ref") == root.xpath("//participating-org/@ref") == ["XM-DAC-41302"]


def test_the_export_costs_a_constant_number_of_queries(demo_history, django_assert_max_num_queries):
    """Programme, progress (periods, results, indicators, milestone rows, aggregates), the milestones
    with their notes, the disaggregated and qualitative values, the dimension values, the last update:
    not one per indicator; the "latest" indicators' rows and the whole-span values (two). Plus the finance
    ledger's five lists, written through the ActivityWriter hook (budgets, planned disbursements,
    contributions, receipts, commitments and expenditure). And the targets by disaggregation value and the
    narratives (two), and the approved values' evidence links with their numerators and denominators (one)."""
    with django_assert_max_num_queries(23):
        programme_to_iati(Programme.objects.get(code=ISO))
    with django_assert_max_num_queries(23):
        programme_to_iati(Programme.objects.get(code=ILO))


# Cases the seeds do not have ------------------------------------------------------------------------------


@pytest.fixture
def small(db, users, nsb):
    owner = Organisation.objects.create(
        name={"en": "Demo standards body"}, acronym="D SB", kind=Organisation.Kind.OTHER
    )
    return programme_build(code="small", owner=owner)


def test_qualitative_values_go_to_the_actual_comment(small, users, nsb):
    indicator = indicator_build(small, "Q1", measure=Measure.QUALITATIVE, milestones=(None, None, None))
    measurement = services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=small.past,
        submit=True,
        organisation=nsb,
        text="Politique adoptée en conseil.",
    )
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=small.current,
        submit=True,
        organisation=nsb,
        text="Not approved yet.",
    )
    root = exported("small")
    assert root.xpath("//reporting-org/@ref") == ["XM-JALON-D-SB"]
    assert root.xpath("//reporting-org/@type") == ["90"]
    node = indicator_node(root, "Q1")
    assert node.get("measure") == "5"
    (period,) = node.xpath("period")
    (actual,) = period.xpath("actual")
    assert actual.get("value") is None
    assert actual.xpath("comment/narrative/text()") == ["Politique adoptée en conseil."]


def test_an_overall_target_without_milestones_spans_the_programme(small):
    indicator_build(small, "T1", target_value=D("42.50"), target_note={"fr": "Cible", "en": "Target"})
    node = indicator_node(exported("small"), "T1")
    (period,) = node.xpath("period")
    assert period.xpath("period-start/@iso-date") == [small.programme.start_date.isoformat()]
    assert period.xpath("period-end/@iso-date") == [small.programme.end_date.isoformat()]
    assert period.xpath("target/@value") == ["42.5"]
    assert narratives(period.find("target/comment")) == {"fr": "Cible", "en": "Target"}


def test_a_code_outside_its_codelist_makes_the_document_invalid(small):
    """The XSD takes any organisation type: the codelists are checked too, before the command writes a file."""
    indicator_build(small, "T1", target_value=D(1))
    document = programme_to_iati(small.programme)
    assert programme_iati_errors(document) == []
    wrong = document.replace(b'type="90"', b'type="99"')
    assert (
        programme_iati_errors(wrong)
        == ["//reporting-org/@type | //participating-org/@type: 99 not in OrganisationType"] * 2
    )


def test_a_demo_programme_says_so_in_its_description_in_each_language(small):
    programme = small.programme
    programme.is_demo = True
    programme.description = {"fr": "Un programme.", "en": "A programme."}
    programme.save()
    indicator_build(small, "T1", target_value=D(1))
    texts = narratives(exported("small").xpath("/iati-activities/iati-activity/description")[0])
    assert texts["fr"].startswith("Données de démonstration, pas un résultat réel") and texts["fr"].endswith(
        "Un programme."
    )
    assert texts["en"].startswith("Demo data, not a real result") and texts["en"].endswith("A programme.")


def test_texts_in_other_languages_keep_their_language(small):
    programme = small.programme
    programme.title = {"fr": "Programme", "en": "Programme", "es": "Programa", "ar": "برنامج"}
    programme.description = {}
    programme.save()
    indicator_build(small, "L1", milestones=("1",), currency="EUR", measure=Measure.CURRENCY)
    root = exported("small")
    (title,) = root.xpath("/iati-activities/iati-activity/title")
    assert [item.get(XML_LANG) for item in title] == ["fr", "en", "ar", "es"]
    # No description: the title stands in (the description is required).
    assert narratives(root.xpath("/iati-activities/iati-activity/description")[0])["es"] == "Programa"
    node = indicator_node(root, "L1")
    assert node.get("measure") == "1"
    assert "Currency: EUR" in narratives(node.find("description"))["en"]


# The command ----------------------------------------------------------------------------------------------


def test_the_command_writes_a_valid_file(demo_history, tmp_path):
    output = tmp_path / "iso.xml"
    out, err = StringIO(), StringIO()
    call_command("export_iati", programme=ISO, output=str(output), stdout=out, stderr=err)
    document = output.read_bytes()
    assert programme_iati_errors(document) == []
    root = parse(document)
    assert root.xpath("count(//result)") == 4
    assert "4 result(s) written" in out.getvalue()
    assert "objectifs\u00a0: IMP, O1, O2, IO1," in err.getvalue()  # the results without indicators, in French
    assert "warning 1.14.8" in err.getvalue() and "XM-JALON-" in err.getvalue()


def test_the_command_writes_to_stdout(demo_history):
    out = StringIO()
    call_command("export_iati", "--programme", ILO, "--output", "-", stdout=out, stderr=StringIO())
    assert programme_iati_errors(out.getvalue().encode("utf-8")) == []


def test_the_command_fails_cleanly_with_an_unknown_programme(frameworks, tmp_path):
    output = tmp_path / "none.xml"
    with pytest.raises(CommandError, match="Unknown programme: 'nope'"):
        call_command("export_iati", programme="nope", output=str(output))
    assert not output.exists()


def test_the_command_writes_nothing_when_the_document_is_invalid(frameworks, tmp_path, monkeypatch):
    monkeypatch.setattr("jalon.results.iati.programme_iati_errors", lambda document: ["line 1: broken"])
    output = tmp_path / "ilo.xml"
    with pytest.raises(CommandError, match="breaks the 2.03 schema"):
        call_command("export_iati", programme=ILO, output=str(output), stderr=StringIO())
    assert not output.exists()


# The IATI Validator's rules (issue 18) ----------------------------------------------------------------------


@pytest.fixture
def demo_programmes(demo_history, users, django_capture_on_commit_callbacks):
    """The seeds with every demo step that writes into the export: the results history and the finance
    ledger (budgets, planned disbursements and transactions through the ActivityWriter hook)."""
    with django_capture_on_commit_callbacks(execute=True):
        finance_demo_build(actor=users["manager"])
    return demo_history


def validator_errors(document: bytes, today=None) -> list[str]:
    return [
        f"{finding.rule_id} {finding.xpath}: {finding.message}"
        for finding in validator_findings(parse(document), today=today)
        if finding.severity == "error"
    ]


@pytest.mark.parametrize("code", [ISO, ITU, ILO])
def test_every_seed_and_demo_programme_passes_the_validators_rules(demo_programmes, code):
    """0 errors under the Validator's standard ruleset and codelist rules, and the schema (before issue 18:
    12 errors for ISO, 22 for ILO: no sector, no recipient region, reference codes at both levels, baselines
    and targets without values)."""
    programme = Programme.objects.get(code=code)
    document = programme_to_iati(programme)
    assert programme_iati_errors(document) == []
    assert validator_errors(document) == []
    export = programme_iati_export(programme)
    assert export.errors == []
    # The only warnings are explained: the placeholder identifier of owners without one.
    unexplained = [note for note in export.warnings if not note.explanation]
    assert unexplained == []
    assert {note.rule_id for note in export.warnings} <= {"1.14.8", "1.1.21", "jalon.identifier", "jalon.results"}


def test_the_seeds_alone_pass_the_validators_rules_too(frameworks):
    for code in (ISO, ITU, ILO):
        assert validator_errors(programme_to_iati(Programme.objects.get(code=code))) == []


def test_sector_and_recipient_region_are_the_programmes(frameworks, users):
    root = exported(ISO)
    assert root.xpath("//iati-activity/sector/@code") == ["32182"]
    assert root.xpath("//iati-activity/sector/@vocabulary") == ["1"]
    assert root.xpath("//iati-activity/recipient-region/@code") == ["998"]
    programme = Programme.objects.get(code=ISO)
    services.programme_update(
        actor=users["manager"], programme=programme, iati_sector="15144", iati_recipient_region="289"
    )
    root = exported(ISO)
    assert root.xpath("//iati-activity/sector/@code") == ["15144"]
    assert root.xpath("//iati-activity/recipient-region/@code") == ["289"]


def test_a_sector_or_region_outside_the_codelists_is_refused(frameworks, users):
    programme = Programme.objects.get(code=ISO)
    with pytest.raises(ValidationError) as refused:
        services.programme_update(
            actor=users["manager"], programme=programme, iati_sector="99999", iati_recipient_region="1"
        )
    assert set(refused.value.message_dict) == {"iati_sector", "iati_recipient_region"}


def test_the_reference_code_is_at_indicator_level_only_with_its_page(demo_history):
    root = exported(ISO)
    assert root.xpath("//result/reference") == []
    d1 = Indicator.objects.get(result__programme__code=ISO, code="D1")
    (reference,) = indicator_node(root, "D1").xpath("reference")
    assert reference.get("code") == "IO2.1-D1" and reference.get("vocabulary") == "99"
    assert reference.get("indicator-uri").endswith(f"/programmes/{ISO}/indicators/{d1.pk}/")
    assert reference.get("indicator-uri").startswith(settings.SITE_URL)


def test_actual_dates_once_started_and_ended(frameworks):
    dates = lambda root: {date.get("type"): date.get("iso-date") for date in root.xpath("//activity-date")}  # noqa: E731
    assert dates(exported(ISO, today=datetime.date(2020, 6, 1))) == {"1": "2021-01-01", "3": "2025-12-31"}
    assert dates(exported(ISO, today=datetime.date(2023, 6, 1))) == {
        "1": "2021-01-01",
        "2": "2021-01-01",
        "3": "2025-12-31",
    }
    assert dates(exported(ISO, today=datetime.date(2026, 1, 1))) == {
        "1": "2021-01-01",
        "2": "2021-01-01",
        "3": "2025-12-31",
        "4": "2025-12-31",
    }


def test_ilo_reports_under_its_public_iati_identifier(frameworks):
    root = exported(ILO)
    assert root.xpath("//iati-identifier/text()") == [f"XM-DAC-41302-{ILO}"]
    assert root.xpath("//reporting-org/@ref") == ["XM-DAC-41302"]
    findings = validator_findings(root)
    assert [finding.rule_id for finding in findings] == []  # no placeholder, no warning
    assert programme_iati_export(Programme.objects.get(code=ILO)).warnings == []


def test_a_placeholder_identifier_is_warned_about(frameworks):
    export = programme_iati_export(Programme.objects.get(code=ITU))
    (placeholder,) = [note for note in export.warnings if note.rule_id == "1.14.8"]
    assert "XM-JALON-" in placeholder.explanation


def test_the_result_tree_survives_as_the_objectives_in_every_language(frameworks):
    """The whole ITU plan has no indicator: its results live in the objectives description only."""
    root = exported(ITU)
    assert root.xpath("count(//result)") == 0
    (objectives,) = root.xpath("//iati-activity/description[@type='2']")
    texts = narratives(objectives)
    assert set(texts) == {"fr", "en"}
    programme = Programme.objects.get(code=ITU)
    results = list(programme.results.select_related("level", "parent").order_by("order"))
    lines = texts["en"].split("\n")
    assert len(lines) == len(results)
    for line, result in zip(lines, results, strict=True):
        assert line.strip() == f"{result.level.name['en']} {result.code}: {result.title['en']}"
    child = next(result for result in results if result.parent_id)
    assert f"    {child.level.name['en']} {child.code}:" in texts["en"]
    assert f"{results[0].level.name['fr']} {results[0].code}\u00a0: {results[0].title['fr']}" in texts["fr"]


def test_aggregation_status_is_set_from_the_measures(demo_history):
    root = exported(ISO)
    assert root.xpath("//result[.//reference/@code='IO2.1-D1']/@aggregation-status") == ["1"]  # counts of people
    assert root.xpath("//result[.//reference/@code='IO6-D2']/@aggregation-status") == ["0"]  # a percentage


# Recipient countries, evidence links, numerators and denominators -------------------------------------------


@pytest.mark.parametrize(
    ("countries", "written"),
    [
        ([{"code": "KE", "percentage": None}], [("KE", None)]),
        ([{"code": "KE", "percentage": "40"}, {"code": "BD", "percentage": "60"}], [("KE", "40"), ("BD", "60")]),
        # Shares that do not add up to 100 (a file's countries beside its regions): scaled.
        ([{"code": "KE", "percentage": "10"}, {"code": "BD", "percentage": "10"}], [("KE", "50"), ("BD", "50")]),
        (
            [{"code": code, "percentage": None} for code in ("KE", "BD", "CM")],
            [("KE", "33.33"), ("BD", "33.33"), ("CM", "33.34")],
        ),
    ],
)
def test_recipient_countries_replace_the_region_and_pass_the_validators_rules(small, users, countries, written):
    services.programme_update(actor=users["manager"], programme=small.programme, iati_recipient_countries=countries)
    document = programme_to_iati(Programme.objects.get(code="small"))
    root = exported("small")
    assert root.xpath("//iati-activity/recipient-region") == []
    assert [(node.get("code"), node.get("percentage")) for node in root.xpath("//recipient-country")] == written
    assert validator_errors(document) == []


@pytest.mark.parametrize(
    "countries",
    [
        [{"code": "XX", "percentage": None}],
        [{"code": "KE", "percentage": "140"}],
        [{"code": "KE", "percentage": None}, {"code": "KE", "percentage": None}],
        [{"code": "KE", "percentage": "lots"}],
    ],
)
def test_recipient_countries_outside_the_codelist_or_shares_out_of_range_are_refused(small, users, countries):
    with pytest.raises(ValidationError) as refused:
        services.programme_update(actor=users["manager"], programme=small.programme, iati_recipient_countries=countries)
    assert set(refused.value.message_dict) == {"iati_recipient_countries"}


def test_a_percentage_actual_carries_its_ratio_and_evidence_links(small, users, nsb):
    indicator = indicator_build(small, "P1", measure=Measure.PERCENTAGE, milestones=(None, "50", None))
    for numerator, denominator, link in ((12, 40, "https://example.org/a"), (3, 10, "https://example.org/b")):
        measurement = services.measurement_create(
            actor=users["focal"], indicator=indicator, period=small.current, organisation=nsb, submit=True,
            numerator=D(numerator), denominator=D(denominator), evidence_url=link,
        )  # fmt: skip
        services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    document = programme_to_iati(Programme.objects.get(code="small"))
    root = exported("small")
    (actual,) = indicator_node(root, "P1").xpath("period/actual")
    assert actual.get("value") == "30"  # 15 of 50
    assert actual.xpath("comment/narrative/text()") == [
        "Numérateur : 15 ; dénominateur : 50.",
        "Numerator: 15; denominator: 50.",
    ]
    assert actual.xpath("document-link/@url") == ["https://example.org/a", "https://example.org/b"]
    assert actual.xpath("document-link/category/@code") == ["A08", "A08"]
    assert actual.xpath("document-link[1]/title/narrative/text()") == ["Justificatif", "Evidence"]
    assert validator_errors(document) == []


def test_a_ratio_is_left_out_when_a_value_of_the_period_has_none(small, users, nsb):
    indicator = indicator_build(small, "P2", measure=Measure.PERCENTAGE, milestones=(None, "50", None))
    measurement = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=small.current, organisation=nsb, submit=True, value=D(30)
    )
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    (actual,) = indicator_node(exported("small"), "P2").xpath("period/actual")
    assert actual.get("value") == "30" and actual.xpath("comment") == []
