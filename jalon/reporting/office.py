"""A report as files people edit or compute with: DOCX (the narrative kinds, to rework the text) and XLSX
(the tables, with figures as numbers). Both from the same Document blocks as the PDF, so that they carry the
same figures, and both with every zip entry and document property dated by the run's timestamp, so that the
same snapshot gives the same bytes.

The DOCX is written here (a few WordprocessingML parts), not through python-docx: the blocks need headings
with their outline levels, paragraphs with their language, tables with a repeated header row, and nothing
else. A chart is given by its text alternative; its table follows it, as in the PDF. The XLSX goes through
openpyxl (already used by the tracking table's export)."""

import datetime
import io
import re
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font

from jalon.reporting.annual import Figure
from jalon.reporting.pdf import Document

LANGUAGE_TAGS = {"fr": "fr-FR", "en": "en-GB"}


def _zip(parts: list[tuple[str, bytes]], timestamp: datetime.datetime) -> bytes:
    """The parts as a zip whose entries all carry `timestamp` (zip dates have no time zone: UTC)."""
    when = timestamp.astimezone(datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


# DOCX ---------------------------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)


def _styles(language: str) -> str:
    headings = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/>'
        f'<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>'
        f'<w:rPr><w:b/><w:sz w:val="{max(34 - 4 * level, 20)}"/></w:rPr></w:style>'
        for level in range(1, 7)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
        f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>'
        f'<w:sz w:val="20"/><w:lang w:val="{LANGUAGE_TAGS[language]}"/></w:rPr></w:rPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        '<w:pPr><w:spacing w:after="120"/></w:pPr></w:style>'
        f"{headings}"
        '<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/>'
        "<w:pPr><w:keepNext/></w:pPr><w:rPr><w:i/></w:rPr></w:style>"
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="AAAAAA"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders></w:tblPr></w:style></w:styles>"
    )


def _run(text: str, *, bold: bool = False, lang: str | None = None) -> str:
    properties = ("<w:b/>" if bold else "") + (f'<w:lang w:val="{LANGUAGE_TAGS[lang]}"/>' if lang else "")
    properties = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f'<w:r>{properties}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(text: str, *, style: str | None = None, bold: bool = False, lang: str | None = None) -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}{_run(text, bold=bold, lang=lang)}</w:p>"


def _table(block: dict) -> str:
    def cell(text: str, *, header: bool, right: bool) -> str:
        align = '<w:jc w:val="right"/>' if right else ""
        return f"<w:tc><w:p><w:pPr>{align}</w:pPr>{_run(str(text), bold=header)}</w:p></w:tc>"

    numeric = block["numeric_from"]
    header = "".join(cell(text, header=True, right=False) for text in block["header"])
    rows = "".join(
        "<w:tr>" + "".join(cell(text, header=False, right=x >= numeric) for x, text in enumerate(row)) + "</w:tr>"
        for row in block["rows"]
    )
    return (
        _paragraph(block["caption"], style="Caption")
        + '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr>'
        + f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{header}</w:tr>{rows}</w:tbl>"
        + "<w:p/>"
    )


def docx_render(document: Document, *, timestamp: datetime.datetime) -> bytes:
    """The document as a DOCX: headings on the heading styles (the navigation pane and a table of contents
    find them), paragraphs tagged with their language where it differs from the document's, tables with
    their caption and a header row repeated on each page."""
    body = []
    for block in document.blocks:
        lang = block.get("lang")
        foreign = lang if lang and lang != document.language and lang in LANGUAGE_TAGS else None
        if block["kind"] == "heading":
            body.append(_paragraph(block["text"], style=f"Heading{block['level']}", lang=foreign))
        elif block["kind"] == "paragraph":
            body.append(_paragraph(block["text"], lang=foreign))
        elif block["kind"] == "marker":
            body.append(_paragraph(block["text"], bold=True))
        elif block["kind"] == "table":
            body.append(_table(block))
        elif block["kind"] == "figure":
            body.append(_paragraph(block["caption"], style="Caption"))
            body.append(_paragraph(block["alt"]))
    landscape = (
        '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
        '<w:pgMar w:top="907" w:right="907" w:bottom="907" w:left="907" w:header="0" w:footer="0" w:gutter="0"/>'
        "</w:sectPr>"
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
        + "".join(body)
        + landscape
        + "</w:body></w:document>"
    )
    stamp = timestamp.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(document.title)}</dc:title><dc:creator>{escape(document.author)}</dc:creator>"
        f"<dc:language>{LANGUAGE_TAGS[document.language]}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES.encode()),
            ("_rels/.rels", ROOT_RELS.encode()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.encode()),
            ("word/document.xml", xml.encode()),
            ("word/styles.xml", _styles(document.language).encode()),
            ("docProps/core.xml", core.encode()),
        ],
        timestamp,
    )


# XLSX ---------------------------------------------------------------------------------------------------------


def _sheet_title(caption: str, taken: set[str]) -> str:
    """A sheet name from a table's caption: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", caption).strip()[:28] or "Table"
    title, number = base, 1
    while title.lower() in taken:
        number += 1
        title = f"{base[: 27 - len(str(number))]} ({number})"
    taken.add(title.lower())
    return title


def xlsx_render(document: Document, *, timestamp: datetime.datetime) -> bytes:
    """The document's tables as sheets (caption above, header row frozen, figures as numbers with their
    format), after a first sheet with the title and the text."""
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = document.title[:31].replace(":", " ").replace("/", " ")
    taken = {about.title.lower()}
    for block in document.blocks:
        if block["kind"] in ("heading", "paragraph", "marker"):
            about.append([block["text"]])
            if block["kind"] != "paragraph":
                about.cell(row=about.max_row, column=1).font = Font(bold=True)
        elif block["kind"] == "table":
            sheet = workbook.create_sheet(_sheet_title(block["caption"], taken))
            sheet.append([block["caption"]])
            sheet.cell(row=1, column=1).font = Font(bold=True)
            sheet.append([str(text) for text in block["header"]])
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for row in block["rows"]:
                sheet.append([text.value if isinstance(text, Figure) else str(text) for text in row])
                for text, cell in zip(row, sheet[sheet.max_row], strict=True):
                    if isinstance(text, Figure):
                        cell.number_format = text.number_format
                    else:
                        cell.data_type = "s"  # a code or a title is text, never a formula
            sheet.freeze_panes = "B3"
            for column, header in enumerate(block["header"], start=1):
                sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = max(
                    12, min(len(str(header)) + 2, 45)
                )
    workbook.properties.creator = document.author
    workbook.properties.title = document.title
    workbook.properties.language = LANGUAGE_TAGS[document.language]
    workbook.properties.created = workbook.properties.modified = timestamp.astimezone(datetime.UTC).replace(tzinfo=None)
    out = io.BytesIO()
    workbook.save(out)
    # openpyxl dates each zip entry and the "modified" property with the clock when it saves: both are written
    # again with the run's timestamp.
    stamp = timestamp.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        parts = [(name, archive.read(name)) for name in archive.namelist()]
    parts = [
        (name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in parts
    ]
    return _zip(parts, timestamp)
