"""Fixtures for the core tests: the shipped data files read independently of the loaders."""

import csv
import json
from pathlib import Path

import pytest

from jalon.organisations.services import ISO_MEMBERS_FILE
from jalon.reference.services import DATA_DIR

COUNTRIES_MASTER = DATA_DIR / "countries_master.csv"
UNSD_M49_EN = DATA_DIR / "UNSD-m49-en.csv"
ISO_COMMITTEES = DATA_DIR / "iso_technical_committees.csv"


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="session")
def master_rows() -> list[dict[str, str]]:
    """countries_master.csv as plain dicts, read with the csv module only."""
    return read_csv(COUNTRIES_MASTER)[1]


@pytest.fixture(scope="session")
def m49_rows() -> list[dict[str, str]]:
    return read_csv(UNSD_M49_EN)[1]


@pytest.fixture(scope="session")
def iso_member_rows() -> list[dict[str, str]]:
    return read_csv(ISO_MEMBERS_FILE)[1]


@pytest.fixture
def write_vintage(tmp_path):
    """write_vintage(key=..., as_of=..., effective={...}, changes={"SEN": {"wb_income_code": "UMC"}})

    Writes a manifest naming one country-classification-commons vintage: a copy of the shipped
    countries_master.csv with the given cells changed. Returns the manifest's path.
    """

    def write(*, key: str, as_of: str, effective: dict[str, str], changes: dict[str, dict[str, str]] | None = None):
        folder = tmp_path / key
        folder.mkdir()
        fieldnames, rows = read_csv(COUNTRIES_MASTER)
        for row in rows:
            row.update((changes or {}).get(row["iso3"], {}))
        with (folder / "countries.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(rows)
        manifest = folder / "vintages.json"
        manifest.write_text(
            json.dumps(
                {
                    "vintages": [
                        {
                            "key": key,
                            "title": f"Test vintage {key}",
                            "format": "ccc",
                            "file": "countries.csv",
                            "source": "written by the test",
                            "as_of": as_of,
                            "effective": effective,
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        return manifest

    return write
