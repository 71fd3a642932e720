"""The curated regional groups file: every row names a group, a country of the reference list and the page it
was checked against, once; a group has one name and one source."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "jalon"
GROUPS = DATA / "twinning" / "data" / "regional_groups.csv"
COUNTRIES = DATA / "reference" / "data" / "countries_master.csv"


def rows() -> list[dict]:
    with open(GROUPS, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_row_has_a_source_and_a_country_code_of_the_reference_list():
    with open(COUNTRIES, encoding="utf-8") as handle:
        codes = {row["iso3"] for row in csv.DictReader(handle)}
    found = rows()
    assert found, "the file is read"
    for line, row in enumerate(found, start=2):
        assert row["iso3"] in codes, f"line {line}: {row['iso3']!r} is not a reference country"
        assert row["source"].startswith(("https://", "http://")), f"line {line}: no source"
        assert row["group"].strip() and row["group_name"].strip() and row["as_of"].strip(), f"line {line}"


def test_a_country_is_listed_once_per_group_and_each_group_has_one_name_and_source():
    found = rows()
    pairs = [(row["group"], row["iso3"]) for row in found]
    assert len(pairs) == len(set(pairs))
    for group in {row["group"] for row in found}:
        assert len({(row["group_name"], row["source"]) for row in found if row["group"] == group}) == 1, group


def test_the_corrections_of_the_check_hold():
    members: dict[str, set[str]] = {}
    for row in rows():
        members.setdefault(row["group"], set()).add(row["iso3"])
    assert "COM" not in members["AIDMO"] and len(members["AIDMO"]) == 21  # the Arab League but the Comoros
    assert "MSR" in members["CROSQ"] and len(members["CROSQ"]) == 15  # all fifteen CARICOM member states
    assert not members["ECOSHAM"] & {"BFA", "MLI", "NER"}  # left ECOWAS on 29 January 2025
    assert len(members["CEN-CENELEC"]) == 34 and {"GBR", "SRB", "MKD", "TUR"} <= members["CEN-CENELEC"]
