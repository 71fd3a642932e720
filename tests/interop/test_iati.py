"""The IATI engine (jalon/interop/iati.py): the shipped schema is read from the project only, documents are
checked against it and against codelists, numbers are written plainly. The results export that calls it is
tested in tests/results/test_iati_export.py."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree

from jalon.interop.iati import (
    ACTIVITIES_XSD,
    SCHEMA_DIR,
    LocalSchemaResolver,
    codelist_codes,
    codelist_errors,
    decimal_text,
    iati_validate,
    schema_load,
)


def test_the_schema_and_its_imports_are_read_from_the_shipped_files():
    resolver = LocalSchemaResolver(SCHEMA_DIR)
    schema_load(ACTIVITIES_XSD, resolver=resolver)
    assert {path.name for path in resolver.opened} == {"iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"}
    assert all(path.parent == SCHEMA_DIR.resolve() for path in resolver.opened)
    shared = Path("/work/shared/data/iati/schema")
    if shared.exists():  # copied unchanged
        for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd", "iati-organisations-schema.xsd"):
            assert (SCHEMA_DIR / name).read_bytes() == (shared / name).read_bytes()


@pytest.mark.parametrize(
    "location",
    ["http://www.w3.org/2001/xml.xsd", "../elsewhere/xml.xsd"],
    ids=["network", "outside-the-schema-directory"],
)
def test_a_schema_import_from_anywhere_else_is_refused(tmp_path, location):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "xml.xsd").write_bytes((SCHEMA_DIR / "xml.xsd").read_bytes())
    (tmp_path / "schema").mkdir()
    xsd = tmp_path / "schema" / "activity.xsd"
    xsd.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="{location}"/>'
        '<xsd:element name="a"/></xsd:schema>',
        encoding="utf-8",
    )
    with pytest.raises(etree.XMLSchemaParseError):
        schema_load(xsd)


def test_validation_reports_schema_errors_and_malformed_xml():
    assert iati_validate(b'<iati-activities version="2.03"/>') != []
    assert iati_validate(b"<iati-activities")[0].startswith("not well-formed XML")
    entity = (
        b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><iati-activities version="2.03">&e;</iati-activities>'
    )
    errors = iati_validate(entity)
    assert errors == ["a DOCTYPE is not allowed in an IATI file"]


def test_codes_are_checked_against_the_shipped_codelists():
    assert {"1", "2", "3", "9"} <= codelist_codes("ResultType")
    root = etree.fromstring(b'<a><result type="2"/><result type="7"/><result/></a>')
    assert codelist_errors(root, [("//result/@type", "ResultType")]) == ["//result/@type: 7 not in ResultType"]
    assert codelist_errors(root, []) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("150.0000"), "150"),
        (D("1E+2"), "100"),
        (D("62.5000"), "62.5"),
        (D("0.0000"), "0"),
        (D("-0"), "0"),
        (D("-3.50"), "-3.5"),
        (D(200) / D(3), "66.6667"),
        (D("12345678901234.5"), "12345678901234.5"),
        (D("1E-7"), "0"),
    ],
)
def test_values_are_plain_decimals(value, text):
    assert decimal_text(value) == text
