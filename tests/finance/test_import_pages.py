"""Bulk entry as the programme team does it: an XLSX workbook of expenditure uploaded on the import page, in
French. One bad row and nothing is saved, the job page naming each row, column and reason; the corrected file
is then posted whole."""

import html
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jalon.finance import services
from jalon.finance.models import Fund, Spending

ILO = "ilo-tc-2010-2015"


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "depenses.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


HEADER = ["Nature", "Fonds", "Résultat", "Date", "Montant", "Monnaie", "Bénéficiaire"]


def test_an_expenditure_workbook_is_imported_all_or_nothing_with_the_report_in_french(
    frameworks, users, client_as, django_capture_on_commit_callbacks
):
    programme = frameworks[ILO]
    services.settings_save(actor=users["manager"], programme=programme, currency="USD")
    services.fund_create(
        actor=users["manager"], programme=programme, code="xb", name={"fr": "XB", "en": "XB"},
        kind=Fund.Kind.EARMARKED_VOLUNTARY, currency="USD",
    )  # fmt: skip
    client = client_as("manager")
    bad = _workbook(
        [
            HEADER,
            ["expenditure", "xb", "2", "2011-03-01", 1500, "USD", "Atelier"],
            ["expenditure", "zz", "9", "2011-03-02", 10, "ZZZ", ""],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/finance/{ILO}/import/", {"kind": "finance-spending", "file": bad}, follow=True)
    text = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Rien n'a été enregistré" in text
    assert "Aucun fonds du programme n’a ce code." in text and "Aucun résultat du programme" in text
    assert ">3<" in text and "Fonds" in text and "Résultat" in text  # row 3, its columns named as in the file
    assert not Spending.objects.filter(programme=programme).exists()  # the good row is not kept either
    good = _workbook([HEADER, ["expenditure", "xb", "2", "2011-03-01", 1500, "USD", "Atelier"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/finance/{ILO}/import/", {"kind": "finance-spending", "file": good}, follow=True)
    assert "1 écriture enregistrée" in response.content.decode()
    spent = Spending.objects.get(programme=programme)
    assert (spent.amount, spent.currency, spent.result.code, spent.payee_name) == (Decimal(1500), "USD", "2", "Atelier")
