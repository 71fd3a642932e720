"""The accessible PDF engine: typst (PyPI `typst`, a self-contained wheel), chosen by measurement
(bench/README.md, research section 5): a tagged PDF/UA-1 file (structure tree, document title, /Lang, table
header rows, embedded fonts) about ten times faster than WeasyPrint, where fpdf2 writes no structure tree.

A document is a list of blocks (headings, paragraphs, tables, figures) that jalon/reporting/data/report.typ
lays out. The blocks reach typst as JSON data, never as markup: a title someone typed ("#set page(...)")
is printed as the text it is. Only the fonts inside the wheel are used (Libertinus Serif, under the SIL
Open Font License), never the machine's: the same blocks give the same bytes on every machine."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

import typst

TEMPLATE = Path(__file__).resolve().parent / "data" / "report.typ"


@dataclass
class Document:
    title: str
    language: str
    author: str
    blocks: list[dict] = field(default_factory=list)

    def heading(self, text: str, level: int = 1, *, lang: str | None = None) -> None:
        """A heading; `lang`: the language of its text where it differs from the document's."""
        self.blocks.append({"kind": "heading", "level": min(level, 6), "text": text, "lang": lang or self.language})

    def paragraph(self, text: str, *, lang: str | None = None) -> None:
        """A paragraph; `lang`: its language where it differs from the document's (tagged as such)."""
        self.blocks.append({"kind": "paragraph", "text": text, "lang": lang or self.language})

    def marker(self, text: str) -> None:
        """A notice that stands out (framed, bold): what a draft still lacks."""
        self.blocks.append({"kind": "marker", "text": text})

    def table(self, *, caption: str, header: list[str], rows: list[list[str]], numeric_from: int = 1) -> None:
        """A table with a header row (repeated on each page); columns from `numeric_from` on are aligned right."""
        self.blocks.append(
            {"kind": "table", "caption": caption, "header": header, "rows": rows, "numeric_from": numeric_from}
        )

    def figure(self, *, svg: bytes, alt: str, caption: str) -> None:
        self.blocks.append({"kind": "figure", "svg": svg.decode(), "alt": alt, "caption": caption})


def pdf_render(document: Document, *, timestamp: datetime.datetime) -> bytes:
    """The document as a tagged PDF/UA-1 file, dated `timestamp` (no other clock is read)."""
    data = json.dumps(
        {"title": document.title, "lang": document.language, "author": document.author, "blocks": document.blocks},
        ensure_ascii=False,
    )
    compiler = typst.Compiler(ignore_system_fonts=True)
    rendered = compiler.compile(
        input=TEMPLATE.read_bytes(),
        format="pdf",
        sys_inputs={"data": data},
        pdf_standards=["ua-1"],
        timestamp=timestamp.astimezone(datetime.UTC),
    )
    assert isinstance(rendered, bytes)
    return rendered
