"""Committee scopes arrive as HTML fragments (ISO Open Data): kept as plain text, tags dropped.

Plain text rather than a sanitized HTML subset: pages escape it like any other text, so no markup from the
file can ever reach a browser, and the paragraphs and list items the HTML carried survive as line breaks."""

import re
from html.parser import HTMLParser

# Tags that end a line of text: paragraphs, list items, line breaks, headings, table rows.
_BLOCK_TAGS = {"p", "div", "br", "li", "ol", "ul", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}
# Tags whose content is never text.
_SKIPPED_TAGS = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded, blocks on their own lines."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    # Collapse runs of empty lines into one paragraph break.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
