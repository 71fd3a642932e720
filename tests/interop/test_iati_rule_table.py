"""The Validator's rule table (data-quality-rules.csv, written in XPath 2/3): every error-level row is applied by
the ruleset, the codelist rules or jalon's XPath 1.0 rewrite of its test (table_rules.csv), or says why not; and
the rewritten checks find what the table's tests find."""

import csv

import pytest
from lxml import etree

from jalon.interop.iati_rules import DATA, codelist_rules, standard_ruleset, table_check, validator_findings


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ruleset_ids(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["ruleInfo"]["id"]} if "ruleInfo" in node else set()
        return found.union(*(ruleset_ids(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(ruleset_ids(value) for value in node))
    return set()


def codelist_ids(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["id"]} if "allowedCodes" in node else set()
        return found.union(*(codelist_ids(value) for value in node.values()))
    return set()


def test_every_error_of_the_rule_table_is_applied_or_says_why_not():
    table = {row["ID"]: row for row in rows("data-quality-rules.csv")}
    errors = {rule_id for rule_id, row in table.items() if row["Severity"] in ("Error", "Critical")}
    errors = {rule_id for rule_id in errors if not rule_id.startswith("{")}  # the table's row template
    applied = {row["id"]: row for row in rows("table_rules.csv")}
    assert set(applied) == errors
    in_ruleset, in_codelists = ruleset_ids(standard_ruleset()), codelist_ids(codelist_rules())
    for rule_id, row in applied.items():
        assert row["severity"] == table[rule_id]["Severity"].lower()
        assert row["table_test"] == table[rule_id]["Test (Xpath)"]
        by = row["applied_by"]
        assert by == (
            "standard.json"
            if rule_id in in_ruleset
            else "codelist_rules.json"
            if rule_id in in_codelists
            else by  # the table's own, or not applied
        )
        assert by in ("standard.json", "codelist_rules.json", "table_rules.csv", "not applied")
        assert row["note"], rule_id
        if by == "table_rules.csv":
            assert row["context_xpath1"] and row["test_xpath1"], rule_id
    assert sum(row["applied_by"] == "table_rules.csv" for row in applied.values()) == 11


ACTIVITY = """<iati-activity>
  <iati-identifier>XM-X-1</iati-identifier>
  <reporting-org ref="XM-X" type="40"><narrative>X</narrative></reporting-org>
  <activity-status code="2"/>
  {extra}
</iati-activity>"""


def document(*activities: str, version: str = "2.03") -> etree._Element:
    text = f'<iati-activities version="{version}">' + "".join(activities) + "</iati-activities>"
    return etree.fromstring(text.encode())


def table_ids(root) -> list[str]:
    return [finding.rule_id for finding in table_check(root)]


def test_a_clean_activity_breaks_no_table_rule():
    assert table_ids(document(ACTIVITY.format(extra=""))) == []


@pytest.mark.parametrize(
    ("activity", "version", "rule_id"),
    [
        (ACTIVITY.format(extra="") * 2, "2.03", "1.1.2"),
        (ACTIVITY.replace(' ref="XM-X"', "").format(extra=""), "2.03", "1.7.2"),
        (ACTIVITY.replace(' type="40"', "").format(extra=""), "2.03", "6.3.1"),
        (ACTIVITY.replace('<activity-status code="2"/>', "").format(extra=""), "2.03", "6.2.1"),
        (ACTIVITY.format(extra='<document-link url="http://x"/>'), "2.03", "6.1.5"),
        (ACTIVITY.format(extra='<sector code="1" percentage="about 50"/>'), "2.03", "12.4.1"),
        (ACTIVITY.format(extra='<sector code="1" percentage="-5"/>'), "2.02", "12.3.2"),
        (ACTIVITY.format(extra='<recipient-region code="998" percentage="-1"/>'), "2.01", "12.1.2"),
        (ACTIVITY.format(extra="<budget><value>5</value></budget>"), "2.03", "7.5.2"),
        (ACTIVITY.format(extra=""), "1.05", "0.6.1"),
    ],
)
def test_each_table_check_finds_its_case(activity, version, rule_id):
    assert table_ids(document(activity, version=version)) == [rule_id]


def test_percentages_are_decimals_as_xsd_reads_them():
    for good in ("100", " 99.5 ", "+5", ".5", "5."):
        assert table_ids(document(ACTIVITY.format(extra=f'<sector code="1" percentage="{good}"/>'))) == [], good
    for bad in ("1e2", "50%", "", "5,5"):
        assert table_ids(document(ACTIVITY.format(extra=f'<sector code="1" percentage="{bad}"/>'))) == ["12.4.1"], bad


def test_a_negative_percentage_in_2_03_is_the_rulesets_not_the_tables():
    root = document(ACTIVITY.format(extra='<sector code="1" percentage="-5"/>'))
    assert table_ids(root) == []
    assert "12.3.1" in {finding.rule_id for finding in validator_findings(root)}


def test_the_findings_name_the_repeated_activity_once():
    first, second = table_check(document(ACTIVITY.format(extra="") * 3))
    assert first.xpath == "/iati-activities/iati-activity[2]/iati-identifier"
    assert second.xpath == "/iati-activities/iati-activity[3]/iati-identifier"
    assert first.severity == "error"
