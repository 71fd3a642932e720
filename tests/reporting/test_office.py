"""Reports to edit and to compute with: a narrative kind also as DOCX (headings on heading styles, the
document's language, table header rows repeated), a table kind also as XLSX (figures as numbers, the same in
French and English), each the same bytes for the same snapshot and timestamp."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl

from jalon.reporting import services
from jalon.results.models import Programme
from tests.reporting.conftest import AS_OF, ILO, ISO, numbers_in

# No test here reads a reach figure: the demo without its activities (tests/reporting/conftest.py).
DEMO_ACTIVITIES = False


def _run(code: str, kind: str, language: str = "both"):
    return services.report_run_now(
        programme=Programme.objects.get(code=code), kind=kind, language=language, as_of=AS_OF
    )


def _numbers(workbook) -> list:
    return [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float | Decimal)
    ]


def test_a_table_kind_is_also_a_spreadsheet_with_its_figures_as_numbers(demo, db):
    run = _run(ISO, "iptt")
    assert sorted(run.files.values_list("language", "format")) == [
        ("en", "pdf"),
        ("en", "xlsx"),
        ("fr", "pdf"),
        ("fr", "xlsx"),
    ]
    books = {
        found.language: openpyxl.load_workbook(io.BytesIO(found.file.open("rb").read()))
        for found in run.files.filter(format="xlsx")
    }
    assert len(_numbers(books["en"])) > 50 and _numbers(books["fr"]) == _numbers(books["en"])
    # D1's row: its code and title as text, its baseline and each period's milestone and actual as numbers.
    sheet = next(s for s in books["en"].worksheets if any(str(c.value).startswith("D1 ") for c in s["A"]))
    row = next(r for r in sheet.iter_rows(values_only=True) if str(r[0]).startswith("D1 "))
    assert row[1:8] == (0, 150, 165, 300, 307, 450, 427)
    assert sheet.freeze_panes == "B3" and books["fr"].properties.language == "fr-FR"
    # Progress is a share, formatted as a percentage.
    progress = next(c for c in sheet[sheet.max_row] if c.number_format == "0.0%")
    assert 0 <= progress.value <= 2
    again = _run(ISO, "iptt", "fr")
    assert again.files.get(format="xlsx").checksum == run.files.get(language="fr", format="xlsx").checksum


def _docx_text(found) -> tuple[str, str, str]:
    with zipfile.ZipFile(io.BytesIO(found.file.open("rb").read())) as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    return document, styles, core


def test_a_narrative_kind_is_also_a_document_with_headings_language_and_header_rows(demo, db):
    run = _run(ILO, "annual")
    docs = {found.language: _docx_text(found) for found in run.files.filter(format="docx")}
    for language, tag, title in (("fr", "fr-FR", "Rapport annuel"), ("en", "en-GB", "Annual report")):
        document, styles, core = docs[language]
        assert '<w:pStyle w:val="Heading1"/>' in document and "<w:tblHeader/>" in document
        assert f'<w:lang w:val="{tag}"/>' in styles and '<w:outlineLvl w:val="0"/>' in styles
        assert f"<dc:title>{title}" in core and "2026-06-30T12:00:00Z" in core

    def figures(document: str, language: str) -> list[str]:
        return numbers_in(" ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", document)), language)

    assert figures(docs["fr"][0], "fr") == figures(docs["en"][0], "en")
    assert "4\u202f800\u202f000" in docs["fr"][0] and "4,800,000" in docs["en"][0]  # Table 1, as printed
    again = _run(ILO, "annual", "en")
    assert again.files.get(format="docx").checksum == run.files.get(language="en", format="docx").checksum


def test_the_downloads_serve_each_format_behind_the_access_check(demo, client, users):
    from django.urls import reverse

    run = _run(ILO, "table1", "en")
    url = reverse("reporting:run_file", kwargs={"code": ILO, "pk": run.pk, "language": "en", "format": "xlsx"})
    client.force_login(users["manager"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    missing = reverse("reporting:run_file", kwargs={"code": ILO, "pk": run.pk, "language": "en", "format": "docx"})
    assert client.get(missing).status_code == 404
    client.force_login(users["focal"])
    assert client.get(url).status_code == 404
