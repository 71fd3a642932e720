"""The evaluator of the IATI Validator's rules passes the rulesets' own meta tests (IATI/IATI-Rulesets
meta_tests, shipped with their expected results), and reports what it finds with the rule's id and place."""

import datetime
import json

import pytest
from lxml import etree

from jalon.interop.iati_rules import DATA, codelist_check, ruleset_check

META = DATA / "meta_tests"
TODAY = datetime.date(2026, 12, 5)


def _expected() -> list[tuple[str, str, bool]]:
    rows = []
    for line in (META / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        ruleset, document, result = line.split("\t")
        rows.append((ruleset, document, result == "True"))
    return rows


def _parse(path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


CASES = [case for case in _expected() if (META / f"{case[0]}.json").exists() and (META / f"{case[1]}.xml").exists()]


def test_most_meta_tests_are_shipped():
    assert len(CASES) >= 0.9 * len(_expected())


@pytest.mark.parametrize(("ruleset", "document", "passes"), CASES, ids=[f"{r}-{d}" for r, d, _ in CASES])
def test_the_evaluator_passes_the_rulesets_meta_tests(ruleset, document, passes):
    rules = json.loads((META / f"{ruleset}.json").read_text(encoding="utf-8"))
    findings = ruleset_check(_parse(META / f"{document}.xml"), rules, today=TODAY)
    assert (not findings) is passes, findings


def test_a_finding_names_its_rule_severity_and_place():
    document = etree.fromstring(
        b"<iati-activities version='2.03'><iati-activity default-currency='CHF' xml:lang='fr'>"
        b"<iati-identifier>XM-DAC-1-x</iati-identifier><reporting-org ref='XM-DAC-1' type='10'/>"
        b"<activity-date type='2' iso-date='2030-01-01'/><activity-status code='9'/></iati-activity></iati-activities>"
    )
    from jalon.interop.iati_rules import standard_ruleset

    findings = ruleset_check(document, standard_ruleset(), today=TODAY)
    future = [finding for finding in findings if finding.rule_id == "11.1.4"]
    assert future and future[0].severity == "error" and future[0].xpath == "/iati-activities/iati-activity"
    assert any(finding.rule_id == "6.2.2" for finding in findings)  # no sector
    [status] = codelist_check(document)
    assert status.rule_id == "9.5.1" and "'9'" in status.message
