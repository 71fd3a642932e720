"""Reading uploaded CSV and XLSX files safely (jalon.interop.spreadsheets)."""

import datetime
import io
import time
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from jalon.interop.spreadsheets import CellError, FileRejected, separator_guess, sheet_read, text_decode

# The messages below are asserted in English, whatever the default language.
pytestmark = pytest.mark.usefixtures("english")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def read(name: str, content: bytes) -> list:
    return list(sheet_read(io.BytesIO(content), name=name).rows)


def handmade_xlsx(sheet_data: str, *, shared: list[str] = (), prologue: str = "", date1904=False) -> bytes:
    """A minimal workbook written by hand, to hold what openpyxl cannot write: cached formula values, errors,
    shared strings, rich text, forged dimensions, DOCTYPEs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<workbookPr date1904="{1 if date1904 else 0}"/>'
            '<sheets><sheet name="Hidden" sheetId="2" state="hidden" r:id="rId9"/>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATION}worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId9" Type="{RELATION}worksheet" Target="worksheets/hidden.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATION}sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATION}styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>',
        )
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        items += "<si><r><t>Rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh></si>"
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        archive.writestr("xl/worksheets/hidden.xml", f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>')
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'{prologue}<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def test_xlsx_cells_come_as_text_exact_decimals_booleans_dates_and_formula_results():
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Inline</t></is></c></row>'
        '<row r="2"><c r="A2"><v>70.5</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" s="1"><v>46083</v></c>'
        '<c r="D2" s="2"><v>46083.5</v></c></row>'
        '<row r="4"><c r="A4"><f>SUM(1,2)</f><v>3</v></c><c r="B4" t="str"><f>A1&amp;"x"</f><v>Prénomx</v></c>'
        '<c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D4"><f>NOW()</f></c><c r="E4" t="s"><v>1</v></c></row>'
    )
    rows = read("f.xlsx", handmade_xlsx(sheet, shared=["Prénom"]))
    assert rows[0] == (1, ["Prénom", None, "Inline"])
    assert rows[1] == (2, [Decimal("70.5"), True, datetime.date(2026, 3, 2), datetime.datetime(2026, 3, 2, 12)])
    number, values = rows[2]
    assert number == 4, "row numbers are the sheet's, gaps included"
    assert values[:2] == [Decimal(3), "Prénomx"], "formulas are read as the values the spreadsheet saved"
    assert isinstance(values[2], CellError) and values[2] == "#DIV/0!"
    assert values[3] is None, "a formula never calculated is blank, never evaluated here"
    assert values[4] == "Rich text"


def test_the_1904_date_system_is_honoured():
    rows = read("f.xlsx", handmade_xlsx('<row r="1"><c r="A1" s="1"><v>366</v></c></row>', date1904=True))
    assert rows[0][1] == [datetime.date(1905, 1, 1)]


def test_a_forged_dimension_costs_nothing_and_a_row_too_wide_is_refused():
    rows = read("f.xlsx", handmade_xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'))
    assert rows == [(1, ["x"])]
    with pytest.raises(FileRejected, match="more than 200 columns"):
        read("f.xlsx", handmade_xlsx('<row r="1"><c r="XFD1"><v>1</v></c></row>'))


def test_entities_in_a_sheet_are_not_expanded():
    prologue = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY file SYSTEM "file:///etc/passwd">]>'
    )
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;&file;</t></is></c></row>'
    try:
        rows = read("f.xlsx", handmade_xlsx(sheet, prologue=prologue))
    except FileRejected:
        return  # refusing the file is as good
    assert "root:" not in (rows[0][1][0] or "")
    assert len(rows[0][1][0] or "") < 100


def test_a_zip_bomb_is_refused_before_anything_is_inflated(settings):
    settings.JALON_IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    started = time.perf_counter()
    with pytest.raises(FileRejected, match="too large once uncompressed"):
        read("bomb.xlsx", buffer.getvalue())
    assert time.perf_counter() - started < 1


def test_an_encrypted_or_damaged_workbook_is_refused_with_a_message():
    workbook = Workbook()
    workbook.active.append(["a"])
    data = io.BytesIO()
    workbook.save(data)
    damaged = data.getvalue()[:-200]
    with pytest.raises(FileRejected):
        read("broken.xlsx", damaged)


def test_an_openpyxl_workbook_reads_like_excel_would_give_it():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Prénom", "Date", "Note"])
    sheet.append(["Zoé", datetime.date(2026, 3, 31), 12.25])
    data = io.BytesIO()
    workbook.save(data)
    rows = read("w.xlsx", data.getvalue())
    assert rows == [
        (1, ["Prénom", "Date", "Note"]),
        (2, ["Zoé", datetime.datetime(2026, 3, 31), Decimal("12.25")]),
    ] or rows == [
        (1, ["Prénom", "Date", "Note"]),
        (2, ["Zoé", datetime.date(2026, 3, 31), Decimal("12.25")]),
    ]


# CSV ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Prénom;Nom".encode("utf-8-sig"), "Prénom;Nom"),
        ("Prénom;Nom".encode(), "Prénom;Nom"),
        ("Prénom;Nom – œuvre".encode("cp1252"), "Prénom;Nom – œuvre"),
        ("Prénom;Nom".encode("latin-1"), "Prénom;Nom"),
        ("Prénom\tNom".encode("utf-16"), "Prénom\tNom"),
    ],
)
def test_text_is_decoded_from_utf8_with_or_without_bom_utf16_windows_1252_or_latin1(data, text):
    assert text_decode(data) == text


def test_binary_content_is_not_taken_for_text():
    with pytest.raises(FileRejected, match="not a spreadsheet"):
        text_decode(b"abc\x00def")


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("Prénom;Nom;Courriel", ";"),
        ("Given name,Family name", ","),
        ("a\tb\tc", "\t"),
        ('"Doe, John";x;y', ";"),
        ("single", ","),
        ("\n\nPrénom;Nom", ";"),
    ],
)
def test_the_separator_is_guessed_from_the_header_line_outside_quotes(line, separator):
    assert separator_guess(line) == separator


def test_csv_rows_are_numbered_as_the_spreadsheet_shows_them_even_with_line_breaks_in_cells():
    rows = read("f.csv", b'a,b\n"line one\nline two",x\nlast,y\n')
    assert [number for number, _values in rows] == [1, 2, 3]
    assert rows[1][1] == ["line one\nline two", "x"]


def test_a_malformed_csv_is_refused_with_the_row():
    with pytest.raises(FileRejected, match="after row"):
        read("f.csv", b"a,b\n" + b'"' + b"x" * 200_000 + b'",y\n')


def test_a_cell_too_long_is_refused_even_after_another_reader_raised_the_csv_limit():
    import csv

    csv.field_size_limit(1024 * 1024)  # as the ISO committee import does, process-wide
    test_a_malformed_csv_is_refused_with_the_row()


def test_a_small_workbook_listing_more_texts_than_an_import_can_take_is_refused_before_its_rows(settings):
    """1.5 MB of compressed XLSX can list tens of millions of tiny shared strings, all read before the first row:
    past what the largest allowed import could need, the workbook is refused, memory and time bounded."""
    settings.JALON_IMPORT_MAX_ROWS = 4000  # at most 40,000 texts
    workbook = handmade_xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=["x"] * 50_000)
    assert len(workbook) < 200_000
    with pytest.raises(FileRejected, match="more text than an import can take"):
        read("strings.xlsx", workbook)
    # Within the limits, the same kind of workbook reads as before.
    settings.JALON_IMPORT_MAX_ROWS = 6000
    assert read("strings.xlsx", workbook)[0] == (1, ["x"])
