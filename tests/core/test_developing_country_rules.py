"""Developing-country rules: the shipped ones, counted against the CSV; custom ones; malformed ones refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jalon.reference.models import Country, DevelopingCountryRule
from jalon.reference.selectors import country_is_developing, developing_countries
from jalon.reference.services import reference_load, rule_save, rule_validate_conditions

# After every effective date of the shipped vintages (income 2026-07-01, LDC list 2026-08-21).
AFTER_ALL = datetime.date(2026, 9, 1)
# Under the UN M49 vintage of September 2024 only: no income group known yet.
UNDER_M49 = datetime.date(2025, 1, 1)


def iso3s(rule_code: str, on: datetime.date) -> set[str]:
    rule = DevelopingCountryRule.objects.get(code=rule_code)
    return set(developing_countries(rule=rule, on=on).values_list("iso3", flat=True))


def csv_iso3s(rows, test) -> set[str]:
    return {row["iso3"] for row in rows if test(row)}


def test_it_ships_four_rules(db):
    assert list(DevelopingCountryRule.objects.values_list("code", "combine")) == [
        ("dac-eligible", "all"),
        ("dac-or-ldc", "any"),
        ("ldc", "all"),
        ("not-high-income", "all"),
    ]


def test_the_dac_rule_selects_exactly_the_countries_on_the_dac_list(db, master_rows):
    expected = csv_iso3s(master_rows, lambda row: row["oecd_dac_eligible"] == "True")
    assert len(expected) == 140
    assert iso3s("dac-eligible", AFTER_ALL) == expected


def test_the_ldc_rule_selects_exactly_the_ldcs_of_the_newest_list(db, master_rows):
    expected = csv_iso3s(master_rows, lambda row: row["is_ldc"] == "True")
    assert len(expected) == 44
    assert iso3s("ldc", AFTER_ALL) == expected


def test_the_ldc_rule_answers_from_the_older_list_for_an_earlier_date(db, master_rows, m49_rows):
    loaded = {row["iso3"] for row in master_rows}
    expected = {
        row["ISO-alpha3 Code"]
        for row in m49_rows
        if row["Least Developed Countries (LDC)"].strip() and row["ISO-alpha3 Code"] in loaded
    }
    assert len(expected) == 45
    assert iso3s("ldc", UNDER_M49) == expected
    assert iso3s("ldc", UNDER_M49) - iso3s("ldc", AFTER_ALL) == {"STP"}


def test_the_not_high_income_rule_selects_low_and_middle_income_countries(db, master_rows):
    expected = csv_iso3s(master_rows, lambda row: row["wb_income_code"] in ("LIC", "LMC", "UMC"))
    assert len(expected) == 130
    assert iso3s("not-high-income", AFTER_ALL) == expected


def test_the_not_high_income_rule_excludes_countries_with_no_income_group(db, master_rows):
    unclassified = csv_iso3s(master_rows, lambda row: row["wb_income_code"] == "")
    assert len(unclassified) == 33
    assert {"ATA", "AIA", "ESH"} <= unclassified
    assert iso3s("not-high-income", AFTER_ALL) & unclassified == set()
    # Before any income group is known, no country is "not high income".
    assert iso3s("not-high-income", UNDER_M49) == set()


def test_the_any_rule_is_the_union_of_its_conditions(db, master_rows):
    expected = csv_iso3s(master_rows, lambda row: row["oecd_dac_eligible"] == "True" or row["is_ldc"] == "True")
    assert iso3s("dac-or-ldc", AFTER_ALL) == expected
    assert iso3s("dac-or-ldc", AFTER_ALL) == iso3s("dac-eligible", AFTER_ALL) | iso3s("ldc", AFTER_ALL)


def test_a_custom_rule_combines_its_conditions_with_all_or_any(db, master_rows):
    both = rule_save(
        code="landlocked-low-income",
        name={"en": "Landlocked and low income", "fr": "Enclavé et à faible revenu"},
        combine="all",
        conditions=[{"scheme": "lldc", "in": ["yes"]}, {"scheme": "income", "in": ["LIC"]}],
    )
    either = rule_save(
        code="landlocked-or-island",
        name={"en": "Landlocked or island", "fr": "Enclavé ou insulaire"},
        combine="any",
        conditions=[{"scheme": "lldc", "in": ["yes"]}, {"scheme": "sids", "in": ["yes"]}],
    )
    assert set(developing_countries(rule=both, on=AFTER_ALL).values_list("iso3", flat=True)) == csv_iso3s(
        master_rows, lambda row: row["is_lldc"] == "True" and row["wb_income_code"] == "LIC"
    )
    assert set(developing_countries(rule=either, on=AFTER_ALL).values_list("iso3", flat=True)) == csv_iso3s(
        master_rows, lambda row: row["is_lldc"] == "True" or row["is_sids"] == "True"
    )


def test_an_as_of_date_before_a_change_gives_the_old_answer(db):
    sao_tome = Country.objects.get(iso3="STP")
    ldc = DevelopingCountryRule.objects.get(code="ldc")
    assert country_is_developing(country=sao_tome, rule=ldc, on=datetime.date(2025, 1, 1)) is True
    assert country_is_developing(country=sao_tome, rule=ldc, on=datetime.date(2026, 9, 1)) is False


def test_an_as_of_date_before_an_income_change_gives_the_old_answer(db, write_vintage):
    reference_load(
        manifest=write_vintage(
            key="ccc-2027-08-21",
            as_of="2027-08-21",
            effective={"income": "2027-07-01"},
            changes={"SEN": {"wb_income_code": "HIC"}},
        )
    )
    senegal = Country.objects.get(iso3="SEN")
    rule = DevelopingCountryRule.objects.get(code="not-high-income")
    assert country_is_developing(country=senegal, rule=rule, on=datetime.date(2027, 6, 30)) is True
    assert country_is_developing(country=senegal, rule=rule, on=datetime.date(2027, 7, 1)) is False


def test_saving_a_rule_again_updates_it_in_place(db):
    rule_save(code="ldc", name={"en": "LDCs", "fr": "PMA"}, conditions=[{"scheme": "ldc", "in": ["yes"]}])
    assert DevelopingCountryRule.objects.count() == 4
    assert DevelopingCountryRule.objects.get(code="ldc").name["fr"] == "PMA"


@pytest.mark.parametrize(
    ("combine", "conditions", "message"),
    [
        ("all", [{"scheme": "gdp", "in": ["yes"]}], {"conditions": ["Condition 1: unknown classification scheme."]}),
        ("all", ["ldc"], {"conditions": ["Condition 1: unknown classification scheme."]}),
        (
            "all",
            [{"scheme": "ldc", "in": ["yes"]}, {"scheme": "income", "in": ["LIC"], "not_in": ["HIC"]}],
            {"conditions": ["Condition 2: give exactly one of “in” or “not_in” with a list of values."]},
        ),
        (
            "all",
            [{"scheme": "income"}],
            {"conditions": ["Condition 1: give exactly one of “in” or “not_in” with a list of values."]},
        ),
        (
            "all",
            [{"scheme": "dac", "in": []}],
            {"conditions": ["Condition 1: give exactly one of “in” or “not_in” with a list of values."]},
        ),
        (
            "all",
            [{"scheme": "dac", "in": "yes"}],
            {"conditions": ["Condition 1: give exactly one of “in” or “not_in” with a list of values."]},
        ),
        ("all", [{"scheme": "dac", "in": ["true"]}], {"conditions": ["Condition 1: this scheme takes “yes” or “no”."]}),
        (
            "all",
            [{"scheme": "ldc", "not_in": ["yes", 1]}],
            {"conditions": ["Condition 1: this scheme takes “yes” or “no”."]},
        ),
        (
            "all",
            [{"scheme": "sids", "in": [["yes"]]}],
            {"conditions": ["Condition 1: this scheme takes “yes” or “no”."]},
        ),
        ("all", [], {"conditions": ["A rule needs at least one condition."]}),
        ("all", {"scheme": "ldc", "in": ["yes"]}, {"conditions": ["A rule needs at least one condition."]}),
        ("both", [{"scheme": "ldc", "in": ["yes"]}], {"combine": ["Choose “all” or “any”."]}),
    ],
)
def test_it_refuses_malformed_conditions_with_a_clear_message(db, combine, conditions, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            rule_validate_conditions(combine=combine, conditions=conditions)
        assert caught.value.message_dict == message
        with pytest.raises(ValidationError):
            rule_save(code="broken", name={"en": "Broken", "fr": "Cassée"}, combine=combine, conditions=conditions)
    assert not DevelopingCountryRule.objects.filter(code="broken").exists()
