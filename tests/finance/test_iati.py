"""The ledger in the IATI export: budgets, planned disbursements and transactions, still 0 errors."""

from lxml import etree

from jalon.results.iati import programme_iati_errors, programme_to_iati

ILO = "ilo-tc-2010-2015"


def test_the_iati_export_with_the_ledger_is_valid_and_carries_the_money(demo):
    document = programme_to_iati(demo[ILO])
    assert programme_iati_errors(document) == []
    root = etree.fromstring(document)
    types = [node.get("code") for node in root.iterfind(".//transaction/transaction-type")]
    assert {"1", "2", "4", "11"} <= set(types)
    assert len(root.findall(".//budget")) == 2 and len(root.findall(".//planned-disbursement")) == 1
    euros = root.xpath(".//transaction/value[@currency='EUR']")
    assert euros and euros[0].get("value-date") == "2012-06-15"
    incoming = root.xpath(".//transaction[transaction-type/@code='11']/provider-org/narrative/text()")
    assert "Demo donor A (government)" in incoming
    # IATI's sequence: the money before the results.
    children = [child.tag for child in root.find("iati-activity")]
    assert children.index("transaction") < children.index("result") and children.index("budget") < children.index(
        "transaction"
    )
    for other in ("iso-ap-2021-2025", "itu-res44"):
        assert programme_iati_errors(programme_to_iati(demo[other])) == []


def test_a_currency_outside_the_codelist_is_reported(demo):
    document = programme_to_iati(demo[ILO]).replace(b'currency="EUR"', b'currency="EUX"')
    assert any("EUX" in error for error in programme_iati_errors(document))


def test_the_ledger_adds_a_constant_number_of_queries_to_the_export(demo, django_assert_max_num_queries):
    # 19: the export's own queries (one of them reads the approved values' evidence links and ratios) + the ledger's.
    with django_assert_max_num_queries(19):
        programme_to_iati(demo[ILO])
