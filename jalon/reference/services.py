"""Writes to reference data: loading the shipped (or a newer) vintage of countries and classifications."""

import csv
import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babel import Locale
from babel.languages import get_official_languages
from babel.numbers import get_currency_precision, get_territory_currencies
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.lib.hooks import Hook
from jalon.lib.multilingual import validate_multilingual
from jalon.reference.models import (
    BOOLEAN_SCHEMES,
    NO,
    YES,
    Classification,
    Country,
    Currency,
    DevelopingCountryRule,
    Language,
    Region,
    Scheme,
    Vintage,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MANIFEST = DATA_DIR / "vintages.json"
ONE_DAY = datetime.timedelta(days=1)
# Called after a load changed reference data (computed indicators read classifications: the results app
# listens).
reference_changed = Hook("reference data changed")
# The country names the master file gives (the six UN languages).
COUNTRY_NAME_LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")


@dataclass
class LoadReport:
    countries_created: int = 0
    countries_updated: int = 0
    classifications_opened: int = 0
    classifications_closed: int = 0
    vintages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"vintages: {', '.join(self.vintages)}; countries created {self.countries_created}, "
            f"updated {self.countries_updated}; classification periods opened "
            f"{self.classifications_opened}, closed {self.classifications_closed}"
        )


def _flag(value: str) -> str:
    return YES if value.strip().lower() in ("true", "x", "yes", "1") else NO


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value).quantize(Decimal("0.00001")) if value.strip() else None
    except InvalidOperation:
        return None


def _m49(code: str) -> str:
    return code.strip().zfill(3) if code.strip() else ""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class _RegionBook:
    """Regions met while reading a file, created once each."""

    def __init__(self, french_names: dict[str, str]):
        self.french = french_names
        self.by_code = {region.m49: region for region in Region.objects.all()}

    def get(self, code: str, name: str, kind: str, parent: Region | None) -> Region | None:
        code = _m49(code)
        if not code:
            return None
        region = self.by_code.get(code)
        names = {language: text for language, text in (("en", name), ("fr", self.french.get(code, ""))) if text}
        values = {"name": names, "kind": kind, "parent": parent}
        if region is None:
            region = Region.objects.create(m49=code, **values)
            self.by_code[code] = region
        else:
            # A file without a name in some language keeps the name already known in it.
            values["name"] = {**region.name, **names}
            if any(getattr(region, key) != value for key, value in values.items() if value not in ("", None)):
                for key, value in values.items():
                    if value not in ("", None):
                        setattr(region, key, value)
                region.save()
        return region


def _french_region_names(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in _read_csv(path):
        for code_col, name_col in (
            ("Global Code", "Global Name"),
            ("Region Code", "Region Name"),
            ("Sub-region Code", "Sub-region Name"),
            ("Intermediate Region Code", "Intermediate Region Name"),
        ):
            if row.get(code_col):
                names[_m49(row[code_col])] = row[name_col]
    return names


def _ccc_rows(vintage: dict, data_dir: Path, regions: _RegionBook, report: LoadReport) -> dict[str, dict]:
    """Countries and regions from a country-classification-commons file; returns scheme values by iso3."""
    existing = {country.iso3: country for country in Country.objects.all()}
    values: dict[str, dict] = {}
    for row in _read_csv(data_dir / vintage["file"]):
        world = regions.get(row["global_code"], row["global_name_en"], Region.Kind.WORLD, None)
        region = regions.get(row["region_code"], row["region_name_en"], Region.Kind.REGION, world)
        sub_region = regions.get(row["sub_region_code"], row["sub_region_name_en"], Region.Kind.SUB_REGION, region)
        intermediate = regions.get(
            row["intermediate_region_code"], row["intermediate_region_name_en"], Region.Kind.INTERMEDIATE, sub_region
        )
        fields = {
            "iso2": row["iso2"],
            "m49": _m49(row["m49"]),
            "name": {
                language: row[f"country_name_{language}"]
                for language in COUNTRY_NAME_LANGUAGES
                if row[f"country_name_{language}"]
            },
            "region": region,
            "sub_region": sub_region,
            "intermediate_region": intermediate,
            "capital": row["capital_city"],
            "latitude": _decimal(row["latitude"]),
            "longitude": _decimal(row["longitude"]),
        }
        country = existing.get(row["iso3"])
        if country is None:
            country = Country.objects.create(iso3=row["iso3"], **fields)
            existing[country.iso3] = country
            report.countries_created += 1
        elif any(getattr(country, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(country, key, value)
            country.save()
            report.countries_updated += 1
        scheme_values = {
            Scheme.LDC: _flag(row["is_ldc"]),
            Scheme.LLDC: _flag(row["is_lldc"]),
            Scheme.SIDS: _flag(row["is_sids"]),
            Scheme.DAC: _flag(row["oecd_dac_eligible"]),
            Scheme.FCS: _flag(row["wb_fcs_status"]),
        }
        if row["wb_income_code"] in ("LIC", "LMC", "UMC", "HIC"):
            scheme_values[Scheme.INCOME] = row["wb_income_code"]
        if row["wb_lending_code"] in ("IDX", "IDB", "IBD"):
            scheme_values[Scheme.LENDING] = row["wb_lending_code"]
        values[country.iso3] = scheme_values
    return values


def _m49_rows(vintage: dict, data_dir: Path, regions: _RegionBook) -> dict[str, dict]:
    """LDC / LLDC / SIDS flags from a UNSD M49 extract (countries must already exist)."""
    values: dict[str, dict] = {}
    for row in _read_csv(data_dir / vintage["file"]):
        iso3 = row["ISO-alpha3 Code"].strip()
        if not iso3:
            continue
        values[iso3] = {
            Scheme.LDC: _flag(row["Least Developed Countries (LDC)"]),
            Scheme.LLDC: _flag(row["Land Locked Developing Countries (LLDC)"]),
            Scheme.SIDS: _flag(row["Small Island Developing States (SIDS)"]),
        }
    return values


def _apply_classifications(
    *, vintage: Vintage, effective: dict[str, str], values: dict[str, dict], report: LoadReport
) -> None:
    """Record each (country, scheme, value) from the vintage's effective date, keeping earlier periods.

    A value that differs from the one in force closes that period the day before; a value equal to the
    one in force changes nothing, so reloading a vintage is idempotent. Loading an older vintage after a
    newer one slots its period in before the newer one.
    """
    countries = dict(Country.objects.values_list("iso3", "pk"))
    history: dict[tuple[int, str], list[Classification]] = {}
    for item in Classification.objects.order_by("valid_from"):
        history.setdefault((item.country_id, item.scheme), []).append(item)

    for iso3, schemes in values.items():
        country_id = countries.get(iso3)
        if country_id is None:
            continue
        for scheme, value in schemes.items():
            if scheme not in effective:
                continue
            start = datetime.date.fromisoformat(effective[scheme])
            periods = history.setdefault((country_id, scheme), [])
            before = [p for p in periods if p.valid_from <= start]
            after = [p for p in periods if p.valid_from > start]
            current = before[-1] if before and (before[-1].valid_to is None or before[-1].valid_to >= start) else None
            if current is not None and current.value == value:
                continue
            if current is not None and current.valid_from == start:
                current.value, current.vintage = value, vintage
                current.save(update_fields=["value", "vintage"])
                continue
            following = after[0] if after else None
            if following is not None and following.value == value:
                # The same value starts earlier than we knew: extend the later period back, and end the
                # period in force the day before, so that the two never overlap.
                if current is not None:
                    current.valid_to = start - ONE_DAY
                    current.save(update_fields=["valid_to"])
                    report.classifications_closed += 1
                following.valid_from, following.vintage = start, vintage
                following.save(update_fields=["valid_from", "vintage"])
                continue
            end = current.valid_to if current is not None else None
            if current is not None:
                current.valid_to = start - ONE_DAY
                current.save(update_fields=["valid_to"])
                report.classifications_closed += 1
            if following is not None:
                end = following.valid_from - ONE_DAY
            created = Classification.objects.create(
                country_id=country_id, scheme=scheme, value=value, valid_from=start, valid_to=end, vintage=vintage
            )
            periods.append(created)
            periods.sort(key=lambda p: p.valid_from)
            report.classifications_opened += 1


def _names(english: str, french: str) -> dict:
    return {language: text for language, text in (("en", english), ("fr", french)) if text}


def _load_languages_and_currencies() -> None:
    """Official languages and currencies per country, from CLDR as shipped in babel."""
    english, french = Locale("en"), Locale("fr")
    languages = {language.code: language for language in Language.objects.all()}
    currencies = {currency.code: currency for currency in Currency.objects.all()}
    today = datetime.date.today()
    for country in Country.objects.prefetch_related("languages", "currencies"):
        codes = get_official_languages(country.iso2, de_facto=True)
        wanted_languages = []
        for code in codes:
            if code not in languages:
                languages[code] = Language.objects.create(
                    code=code,
                    name=_names(english.languages.get(code, code), french.languages.get(code, "")),
                )
            wanted_languages.append(languages[code])
        if {lang.pk for lang in country.languages.all()} != {lang.pk for lang in wanted_languages}:
            country.languages.set(wanted_languages)
        wanted_currencies = []
        for code in get_territory_currencies(country.iso2, start_date=today, tender=True):
            if code not in currencies:
                currencies[code] = Currency.objects.create(
                    code=code,
                    name=_names(english.currencies.get(code, code), french.currencies.get(code, "")),
                    minor_units=get_currency_precision(code),
                )
            wanted_currencies.append(currencies[code])
        if {cur.pk for cur in country.currencies.all()} != {cur.pk for cur in wanted_currencies}:
            country.currencies.set(wanted_currencies)


@transaction.atomic
def reference_load(*, manifest: Path = DEFAULT_MANIFEST) -> LoadReport:
    """Load every vintage the manifest lists, in date order, then languages, currencies and rules."""
    spec = json.loads(manifest.read_text(encoding="utf-8"))
    data_dir = manifest.parent
    report = LoadReport()
    french_names: dict[str, str] = {}
    for vintage_spec in spec["vintages"]:
        if vintage_spec.get("file_fr"):
            french_names.update(_french_region_names(data_dir / vintage_spec["file_fr"]))
    regions = _RegionBook(french_names)
    # Countries come from the most complete (newest ccc) file before any flag is applied.
    ordered = sorted(spec["vintages"], key=lambda v: v["as_of"])
    values_by_vintage = {}
    for vintage_spec in sorted(ordered, key=lambda v: v["format"] != "ccc"):
        if vintage_spec["format"] == "ccc":
            values_by_vintage[vintage_spec["key"]] = _ccc_rows(vintage_spec, data_dir, regions, report)
        elif vintage_spec["format"] == "m49":
            values_by_vintage[vintage_spec["key"]] = _m49_rows(vintage_spec, data_dir, regions)
        else:
            raise ValidationError(_("Unknown vintage format: %(format)s") % {"format": vintage_spec["format"]})
    for vintage_spec in ordered:
        vintage, _created = Vintage.objects.update_or_create(
            key=vintage_spec["key"],
            defaults={
                "title": vintage_spec["title"],
                "source": vintage_spec.get("source", ""),
                "licence": vintage_spec.get("licence", ""),
                "as_of": datetime.date.fromisoformat(vintage_spec["as_of"]),
            },
        )
        _apply_classifications(
            vintage=vintage,
            effective=vintage_spec["effective"],
            values=values_by_vintage[vintage_spec["key"]],
            report=report,
        )
        report.vintages.append(vintage.key)
    _load_languages_and_currencies()
    for rule in spec.get("rules", []):
        rule_save(**rule)
    reference_changed()
    return report


def rule_validate_conditions(*, combine: str, conditions: list) -> None:
    """Raise ValidationError with a readable message when a rule's conditions are malformed."""
    if combine not in DevelopingCountryRule.Combine.values:
        raise ValidationError({"combine": _("Choose “all” or “any”.")})
    if not isinstance(conditions, list) or not conditions:
        raise ValidationError({"conditions": _("A rule needs at least one condition.")})
    for index, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict) or condition.get("scheme") not in Scheme.values:
            raise ValidationError({"conditions": _("Condition %(n)d: unknown classification scheme.") % {"n": index}})
        operators = [key for key in ("in", "not_in") if key in condition]
        if len(operators) != 1 or not isinstance(condition[operators[0]], list) or not condition[operators[0]]:
            raise ValidationError(
                {
                    "conditions": _("Condition %(n)d: give exactly one of “in” or “not_in” with a list of values.")
                    % {"n": index}
                }
            )
        allowed = {YES, NO} if condition["scheme"] in BOOLEAN_SCHEMES else None
        # Values are compared one by one: a set() of JSON input would fail on an unhashable list or dict.
        values = condition[operators[0]]
        if allowed and not all(isinstance(value, str) and value in allowed for value in values):
            raise ValidationError({"conditions": _("Condition %(n)d: this scheme takes “yes” or “no”.") % {"n": index}})


def rule_save(
    *,
    code: str,
    name: dict,
    conditions: list,
    combine: str = DevelopingCountryRule.Combine.ALL,
    description: dict | None = None,
) -> DevelopingCountryRule:
    rule_validate_conditions(combine=combine, conditions=conditions)
    validate_multilingual(name, required=True, max_length=200)
    validate_multilingual(description)
    rule, _created = DevelopingCountryRule.objects.update_or_create(
        code=code,
        defaults={"name": name, "description": description or {}, "combine": combine, "conditions": conditions},
    )
    return rule
