"""The ledger's part of the IATI export (budgets, planned disbursements, transactions) under the IATI
Validator's own rules (jalon/interop/iati_rules.py): no error and no warning about those elements, for the
ILO demo ledger and the ISO and ITU ones.

Rules whose context is the activity itself (a sector, a recipient country or region "at activity level or on
every transaction": 6.2.2, 6.7.2, 3.7.1, 3.7.2) are the activity writer's to meet at activity level
(results/iati.py, issue 18), not the ledger's, and are left out here."""

import pytest
from lxml import etree

from jalon.interop.iati_rules import validator_findings
from jalon.results.iati import programme_to_iati

MONEY = ("budget", "planned-disbursement", "transaction")


def money_findings(document) -> list:
    """Findings whose element, or the element of the rule's context, is one of the ledger's."""
    return [
        finding
        for finding in validator_findings(etree.fromstring(document))
        if any(f"/{tag}" in finding.xpath or finding.xpath.startswith(tag) for tag in MONEY)
    ]


@pytest.mark.parametrize("code", ["ilo-tc-2010-2015", "iso-ap-2021-2025", "itu-res44"])
def test_the_ledgers_elements_break_no_validator_rule(demo, code):
    document = programme_to_iati(demo[code])
    assert etree.fromstring(document).find(".//transaction") is not None or code != "ilo-tc-2010-2015"
    findings = money_findings(document)
    assert [(f.rule_id, f.severity, f.message, f.xpath) for f in findings] == []


def test_the_check_sees_a_broken_ledger_element(demo):
    """The filter above is not blind: a budget whose period ends before it starts is reported."""
    document = programme_to_iati(demo["ilo-tc-2010-2015"])
    root = etree.fromstring(document)
    budget = root.find(".//budget")
    start, end = budget.find("period-start"), budget.find("period-end")
    start.set("iso-date", "2015-12-31")
    end.set("iso-date", "2010-01-01")
    assert money_findings(etree.tostring(root))
