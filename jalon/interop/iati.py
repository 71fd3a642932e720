"""IATI 2.03 files: the engine that a domain's IATI mapping calls (jalon/results/iati.py maps a programme's
results framework). It knows IATI, not jalon's records: writing elements and narratives, number formats,
and checking a document against the IATI 2.03 activities XSD and codelists shipped in `data/iati/`
(`data/iati/PROVENANCE.md`), read from disk only: no network, no entities, no DOCTYPE.
"""

import datetime
import re
import threading
from collections.abc import Iterable
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lxml import etree

DATA_DIR = Path(__file__).resolve().parent / "data" / "iati"
SCHEMA_DIR = DATA_DIR / "schema"
CODELISTS_DIR = DATA_DIR / "codelists"
ACTIVITIES_XSD = SCHEMA_DIR / "iati-activities-schema.xsd"

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FOUR_PLACES = Decimal("0.0001")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Element = Any  # an lxml element (untyped)
Narratives = list[tuple[str | None, str]]  # (language or None, text) pairs


# Values ------------------------------------------------------------------------------------------------


def decimal_text(value) -> str:
    """A number as IATI wants it in @value: plain decimal, no exponent, no trailing zeros, at most 4 decimal
    places (the precision jalon stores)."""
    number = Decimal(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        number = number.quantize(FOUR_PLACES)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def clean_text(text) -> str:
    """A text without the control characters XML cannot hold, stripped."""
    return CONTROL_CHARACTERS.sub("", str(text)).strip()


def texts_in_order(content, languages: Iterable[str]) -> Narratives:
    """(language, text) pairs of a multilingual JSON text, the given languages first, empty texts left out.
    A plain string (no language known) gives one pair with language None."""
    if isinstance(content, str):
        return [(None, clean_text(content))] if clean_text(content) else []
    texts = {str(language).lower(): clean_text(text) for language, text in (content or {}).items() if text}
    texts = {language: text for language, text in texts.items() if text}
    order = [language for language in languages if language in texts]
    order += sorted(language for language in texts if language not in order)
    return [(language, texts[language]) for language in order]


# Writing -----------------------------------------------------------------------------------------------


def element(parent: Element, tag: str, attributes: dict[str, str] | None = None) -> Element:
    return etree.SubElement(parent, tag, attributes or {})


def narrative(parent: Element, text: str, language: str | None) -> Element:
    node = element(parent, "narrative", {XML_LANG: language} if language else None)
    node.text = text
    return node


def narratives_element(parent: Element, tag: str, pairs: Narratives, **attributes: str) -> Element | None:
    """`<tag><narrative xml:lang=..>..</narrative>...</tag>`, or nothing when there is no text (the
    XSD requires at least one narrative in title, description and comment)."""
    if not pairs:
        return None
    node = element(parent, tag, attributes)
    for language, text in pairs:
        narrative(node, text, language)
    return node


def period_bounds(parent: Element, start: datetime.date, end: datetime.date, tag: str = "period") -> Element:
    """`<period><period-start iso-date=../><period-end iso-date=../></period>`."""
    node = element(parent, tag)
    element(node, "period-start", {"iso-date": start.isoformat()})
    element(node, "period-end", {"iso-date": end.isoformat()})
    return node


def activities_root(generated: datetime.datetime) -> Element:
    """The `iati-activities` root of a 2.03 document."""
    return etree.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": generated.replace(microsecond=0).isoformat()}
    )


def document_bytes(root: Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Validation --------------------------------------------------------------------------------------------


class LocalSchemaResolver(etree.Resolver):
    """Lets the XSD loader open files of its own directory only (the schema's `xs:include` and
    `xs:import` of `iati-common.xsd` and `xml.xsd`): any other location, on the network or elsewhere
    on disk, is refused and the schema does not load. `opened` lists what was read."""

    def __init__(self, directory: Path):
        super().__init__()
        self.directory = directory.resolve()
        self.opened: list[Path] = []

    def resolve(self, url, pubid, context):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            location = unquote(parsed.path)
        elif len(parsed.scheme) > 1:  # http:, https:, ftp:... (a one-letter scheme is a Windows drive)
            raise OSError(f"refused to load {url}: the IATI schema is read from {self.directory} only")
        else:
            location = url
        path = Path(location).resolve()
        if not path.is_relative_to(self.directory):
            raise OSError(f"refused to load {url}: the IATI schema is read from {self.directory} only")
        self.opened.append(path)
        return None  # the default loader reads the local file


def _parser(**options) -> Any:
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, **options)


def schema_load(path: Path = ACTIVITIES_XSD, *, resolver: LocalSchemaResolver | None = None) -> Any:
    """The XSD at `path`, its includes and imports read from its own directory only. Raises
    etree.XMLSchemaParseError when a part cannot be read there."""
    parser = _parser()
    parser.resolvers.add(resolver or LocalSchemaResolver(path.parent))
    return etree.XMLSchema(etree.parse(str(path), parser))


@lru_cache(maxsize=1)
def activities_schema() -> Any:
    return schema_load(ACTIVITIES_XSD)


@cache
def codelist_codes(name: str) -> frozenset[str]:
    """The codes of a shipped IATI codelist (`data/iati/codelists/<name>.xml`)."""
    tree = etree.parse(str(CODELISTS_DIR / f"{name}.xml"), _parser())
    codes = tree.xpath("//codelist-item/code/text()")
    assert isinstance(codes, list)  # a text() path gives a list of strings
    return frozenset(str(code) for code in codes)


def codelist_errors(root: Element, coded_values: Iterable[tuple[str, str]]) -> list[str]:
    """What the XSD does not check: the values at each XPath are codes of their codelist.
    `coded_values`: (XPath of the coded values, codelist name) pairs."""
    errors = []
    for path, name in coded_values:
        allowed = codelist_codes(name)
        errors += [f"{path}: {value} not in {name}" for value in root.xpath(path) if value not in allowed]
    return errors


_validation_lock = threading.Lock()  # a schema object keeps its last error log: one validation at a time


def iati_validate(xml_bytes: bytes, *, codelists: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The document's errors against the IATI 2.03 activities XSD, then against the codelists of
    `codelists` ((XPath, codelist name) pairs, see codelist_errors); [] when valid. IATI's rulesets are
    not checked."""
    try:
        document = etree.fromstring(xml_bytes, _parser(huge_tree=False))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if document.getroottree().docinfo.internalDTD is not None:
        return ["a DOCTYPE is not allowed in an IATI file"]
    schema = activities_schema()
    with _validation_lock:
        try:
            valid = schema.validate(document)
        except etree.XMLSchemaValidateError as exc:
            return [f"cannot be validated: {exc}"]
        if not valid:
            return [f"line {error.line}: {error.message}" for error in schema.error_log]
    return codelist_errors(document, codelists)
