"""Table 1 as files: CSV and XLSX, in the language asked for."""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _lines(table: dict, language: str) -> list[list]:
    with translation.override(language):
        header = [
            _("Outcome"),
            _("Main outputs"),
            _("Estimated available resources (%(currency)s)") % {"currency": table["currency"]},
            _("Estimated available resources (per cent)"),
            _("Resource gap (%(currency)s)") % {"currency": table["currency"]},
        ]
    lines = [header]
    for row in table["rows"]:
        lines.append(
            [
                f"{row['code']}. {row['title']}",
                "\n".join(row["main_outputs"]),
                row["available"],
                row["share"],
                row["gap"],
            ]
        )
    return lines


def table_one_csv(table: dict, language: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in _lines(table, language):
        writer.writerow(["" if value is None else value for value in line])
    return buffer.getvalue()


def table_one_xlsx(table: dict, language: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Table 1"
    for index, line in enumerate(_lines(table, language)):
        sheet.append([float(v) if index and i >= 2 and v is not None else v for i, v in enumerate(line)])
        for cell in sheet[sheet.max_row][:2]:
            if cell.data_type == "f":
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
