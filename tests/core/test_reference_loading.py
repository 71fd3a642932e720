"""Loading countries, regions and classifications with their history (reference_load, `jalon load-reference`)."""

import datetime
import sys

import pytest
from django.db import connections

from jalon import cli
from jalon.reference.models import (
    Classification,
    Country,
    Currency,
    DevelopingCountryRule,
    Language,
    Region,
    Scheme,
    Vintage,
)
from jalon.reference.selectors import classification_value, world_bank_fiscal_year
from jalon.reference.services import reference_load

D = datetime.date


def row_counts() -> dict[str, int]:
    return {
        "countries": Country.objects.count(),
        "regions": Region.objects.count(),
        "classifications": Classification.objects.count(),
        "vintages": Vintage.objects.count(),
        "languages": Language.objects.count(),
        "currencies": Currency.objects.count(),
        "rules": DevelopingCountryRule.objects.count(),
        "country_languages": Country.languages.through.objects.count(),
        "country_currencies": Country.currencies.through.objects.count(),
    }


def periods(iso3: str, scheme: str) -> list[tuple[str, D, D | None]]:
    return list(
        Classification.objects.filter(country__iso3=iso3, scheme=scheme)
        .order_by("valid_from")
        .values_list("value", "valid_from", "valid_to")
    )


# Countries, regions, names -------------------------------------------------------------------------------


def test_it_loads_every_country_of_the_shipped_file(db, master_rows):
    assert len(master_rows) == 248
    assert Country.objects.count() == 248
    assert set(Country.objects.values_list("iso3", flat=True)) == {row["iso3"] for row in master_rows}


def test_it_loads_every_m49_area_with_its_french_name(db, master_rows):
    codes = {
        row[column].zfill(3)
        for row in master_rows
        for column in ("global_code", "region_code", "sub_region_code", "intermediate_region_code")
        if row[column]
    }
    assert set(Region.objects.values_list("m49", flat=True)) == codes
    assert Region.objects.exclude(name__has_key="fr").count() == 0
    africa = Region.objects.get(m49="002")
    assert (africa.name["en"], africa.name["fr"], africa.kind, africa.parent.m49) == (
        "Africa",
        "Afrique",
        "region",
        "001",
    )
    western_africa = Region.objects.get(m49="011")
    assert (western_africa.name["fr"], western_africa.kind, western_africa.parent.m49) == (
        "Afrique occidentale",
        "intermediate",
        "202",
    )
    assert Region.objects.get(m49="202").name["fr"] == "Afrique subsaharienne"
    assert Region.objects.get(m49="001").name["fr"] == "Monde"


def test_it_places_senegal_in_its_region_sub_region_and_intermediate_region(db):
    senegal = Country.objects.get(iso3="SEN")
    assert (senegal.region.m49, senegal.sub_region.m49, senegal.intermediate_region.m49) == ("002", "202", "011")
    assert (senegal.iso2, senegal.capital) == ("SN", "Dakar")


def test_it_names_countries_in_the_six_un_languages(db):
    senegal = Country.objects.get(iso3="SEN")
    assert (senegal.name["en"], senegal.name["fr"], senegal.name["es"]) == ("Senegal", "Sénégal", "Senegal")
    assert senegal.name["ar"] == "السنغال"
    assert senegal.name["zh"] == "塞内加尔"
    assert senegal.name["ru"] == "Сенегал"


def test_it_zero_pads_the_iso_numeric_codes(db):
    assert Country.objects.get(iso3="AFG").m49 == "004"
    assert Country.objects.get(iso3="ATA").m49 == "010"
    assert Country.objects.get(iso3="SEN").m49 == "686"
    assert Country.objects.filter(m49__regex=r"^[0-9]{3}$").count() == 248


# Classifications -----------------------------------------------------------------------------------------


def test_it_records_the_income_group_from_the_start_of_the_world_bank_fiscal_year(db):
    assert periods("SEN", Scheme.INCOME) == [("LMC", D(2026, 7, 1), None)]
    assert world_bank_fiscal_year(D(2026, 7, 1)) == 2027
    assert world_bank_fiscal_year(D(2026, 6, 30)) == 2026
    senegal = Country.objects.get(iso3="SEN")
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2026, 7, 1)) == "LMC"
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2026, 6, 30)) is None


def test_it_records_no_income_group_for_territories_the_world_bank_does_not_classify(db):
    assert periods("ATA", Scheme.INCOME) == []
    assert periods("AIA", Scheme.INCOME) == []


def test_it_records_ldc_lldc_and_sids_flags(db):
    on = D(2026, 9, 1)
    senegal, bolivia, comoros = (Country.objects.get(iso3=code) for code in ("SEN", "BOL", "COM"))
    assert classification_value(country=senegal, scheme=Scheme.LDC, on=on) == "yes"
    assert classification_value(country=senegal, scheme=Scheme.LLDC, on=on) == "no"
    assert classification_value(country=senegal, scheme=Scheme.SIDS, on=on) == "no"
    assert classification_value(country=bolivia, scheme=Scheme.LLDC, on=on) == "yes"
    assert classification_value(country=comoros, scheme=Scheme.SIDS, on=on) == "yes"


def test_it_records_oda_eligibility_from_the_dac_list(db):
    senegal, france = Country.objects.get(iso3="SEN"), Country.objects.get(iso3="FRA")
    assert periods("SEN", Scheme.DAC) == [("yes", D(2024, 1, 1), None)]
    assert classification_value(country=france, scheme=Scheme.DAC, on=D(2026, 1, 1)) == "no"
    assert classification_value(country=senegal, scheme=Scheme.DAC, on=D(2023, 12, 31)) is None


def test_it_keeps_sao_tome_as_an_ldc_until_the_newer_vintage_graduates_it(db):
    sao_tome = Country.objects.get(iso3="STP")
    assert periods("STP", Scheme.LDC) == [("yes", D(2024, 9, 1), D(2026, 8, 20)), ("no", D(2026, 8, 21), None)]
    assert classification_value(country=sao_tome, scheme=Scheme.LDC, on=D(2025, 1, 1)) == "yes"
    assert classification_value(country=sao_tome, scheme=Scheme.LDC, on=D(2026, 8, 20)) == "yes"
    assert classification_value(country=sao_tome, scheme=Scheme.LDC, on=D(2026, 9, 1)) == "no"
    first = Classification.objects.get(country=sao_tome, scheme=Scheme.LDC, valid_from=D(2024, 9, 1))
    assert first.vintage.key == "un-m49-2024-09"


def test_it_answers_none_for_dates_before_any_vintage(db):
    senegal = Country.objects.get(iso3="SEN")
    for scheme in Scheme.values:
        assert classification_value(country=senegal, scheme=scheme, on=D(2020, 1, 1)) is None


def test_it_never_opens_two_periods_at_once(db):
    """Every (country, scheme) history is a sequence of disjoint periods, at most one open-ended."""
    seen: dict[tuple[int, str], list] = {}
    for item in Classification.objects.order_by("valid_from"):
        seen.setdefault((item.country_id, item.scheme), []).append(item)
    for history in seen.values():
        for earlier, later in zip(history, history[1:], strict=False):
            assert earlier.valid_to is not None and earlier.valid_to < later.valid_from


# Languages and currencies (CLDR, through babel) ----------------------------------------------------------


def test_it_gives_senegal_its_official_languages_and_currency(db):
    senegal = Country.objects.get(iso3="SEN")
    assert list(senegal.languages.values_list("code", flat=True)) == ["fr", "wo"]
    assert list(senegal.currencies.values_list("code", flat=True)) == ["XOF"]
    xof = Currency.objects.get(code="XOF")
    assert (xof.name["en"], xof.name["fr"], xof.minor_units) == ("West African CFA Franc", "franc CFA (BCEAO)", 0)
    wolof = Language.objects.get(code="wo")
    assert (wolof.name["en"], wolof.name["fr"]) == ("Wolof", "wolof")


# Reloading -----------------------------------------------------------------------------------------------


def test_reloading_the_shipped_data_through_the_jalon_command_changes_nothing(db, monkeypatch, capsys):
    before = row_counts()
    history_before = list(Classification.objects.order_by("pk").values_list("pk", "value", "valid_from", "valid_to"))
    monkeypatch.setattr(sys, "argv", ["jalon", "load-reference"])
    # A command run from the command line closes every connection when it ends; the test's transaction
    # lives on one (PostgreSQL would drop it).
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main()
    out = capsys.readouterr().out
    assert (
        "vintages: un-m49-2024-09, ccc-2026-08-21; countries created 0, updated 0; "
        "classification periods opened 0, closed 0"
    ) in out
    assert row_counts() == before
    assert (
        list(Classification.objects.order_by("pk").values_list("pk", "value", "valid_from", "valid_to"))
        == history_before
    )


# Newer and older vintages --------------------------------------------------------------------------------


def test_it_keeps_the_old_income_group_when_a_newer_vintage_changes_it(db, write_vintage):
    manifest = write_vintage(
        key="ccc-2027-08-21",
        as_of="2027-08-21",
        effective={"income": "2027-07-01"},
        changes={"SEN": {"wb_income_code": "UMC", "wb_income_name": "Upper middle income"}},
    )
    report = reference_load(manifest=manifest)
    assert (report.classifications_opened, report.classifications_closed) == (1, 1)
    assert (report.countries_created, report.countries_updated) == (0, 0)
    assert periods("SEN", Scheme.INCOME) == [("LMC", D(2026, 7, 1), D(2027, 6, 30)), ("UMC", D(2027, 7, 1), None)]
    senegal = Country.objects.get(iso3="SEN")
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2027, 6, 30)) == "LMC"
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2027, 7, 1)) == "UMC"
    # Countries whose group did not change keep one period.
    assert periods("KEN", Scheme.INCOME) == [("LMC", D(2026, 7, 1), None)]
    new = Classification.objects.get(country=senegal, scheme=Scheme.INCOME, valid_from=D(2027, 7, 1))
    assert new.vintage.key == "ccc-2027-08-21"

    again = reference_load(manifest=manifest)
    assert (again.classifications_opened, again.classifications_closed) == (0, 0)
    assert len(periods("SEN", Scheme.INCOME)) == 2


def test_it_slots_an_older_vintage_in_before_the_newer_one(db, write_vintage):
    manifest = write_vintage(
        key="ccc-2025-08-21",
        as_of="2025-08-21",
        effective={"income": "2025-07-01"},
        changes={"SEN": {"wb_income_code": "LIC", "wb_income_name": "Low income"}},
    )
    report = reference_load(manifest=manifest)
    assert (report.classifications_opened, report.classifications_closed) == (1, 0)
    assert periods("SEN", Scheme.INCOME) == [("LIC", D(2025, 7, 1), D(2026, 6, 30)), ("LMC", D(2026, 7, 1), None)]
    senegal = Country.objects.get(iso3="SEN")
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2025, 6, 30)) is None
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2026, 6, 30)) == "LIC"
    assert classification_value(country=senegal, scheme=Scheme.INCOME, on=D(2026, 7, 1)) == "LMC"
    # Where the older vintage agrees with the newer one, the known period simply starts earlier.
    assert periods("KEN", Scheme.INCOME) == [("LMC", D(2025, 7, 1), None)]


def test_it_slots_an_older_vintage_in_before_after_loading_a_newer_one(db, write_vintage):
    newer = write_vintage(
        key="ccc-2027-08-21",
        as_of="2027-08-21",
        effective={"income": "2027-07-01"},
        changes={"SEN": {"wb_income_code": "UMC"}},
    )
    older = write_vintage(
        key="ccc-2025-08-21",
        as_of="2025-08-21",
        effective={"income": "2025-07-01"},
        changes={"SEN": {"wb_income_code": "LIC"}},
    )
    reference_load(manifest=newer)
    reference_load(manifest=older)
    assert periods("SEN", Scheme.INCOME) == [
        ("LIC", D(2025, 7, 1), D(2026, 6, 30)),
        ("LMC", D(2026, 7, 1), D(2027, 6, 30)),
        ("UMC", D(2027, 7, 1), None),
    ]


def test_a_vintage_between_two_known_ones_that_agrees_with_the_later_one_closes_the_earlier_period(db, write_vintage):
    # The shipped file says Sao Tome is no longer an LDC; dated earlier than its shipped date it meets the
    # M49 period ("yes", open until 2026-08-20) and the later "no" period.
    manifest = write_vintage(key="ccc-2025-12-01", as_of="2025-12-01", effective={"ldc": "2025-12-01"})
    report = reference_load(manifest=manifest)
    assert (report.classifications_opened, report.classifications_closed) == (0, 1)
    assert periods("STP", Scheme.LDC) == [("yes", D(2024, 9, 1), D(2025, 11, 30)), ("no", D(2025, 12, 1), None)]
    sao_tome = Country.objects.get(iso3="STP")
    assert classification_value(country=sao_tome, scheme=Scheme.LDC, on=D(2025, 11, 30)) == "yes"
    assert classification_value(country=sao_tome, scheme=Scheme.LDC, on=D(2026, 1, 1)) == "no"


def test_it_refuses_a_manifest_with_an_unknown_format(db, tmp_path):
    manifest = tmp_path / "vintages.json"
    manifest.write_text(
        '{"vintages": [{"key": "x", "title": "x", "format": "xlsx", "file": "x.csv", "as_of": "2027-01-01",'
        ' "effective": {}}]}',
        encoding="utf-8",
    )
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        reference_load(manifest=manifest)
    assert caught.value.messages == ["Unknown vintage format: xlsx"]
    assert not Vintage.objects.filter(key="x").exists()
