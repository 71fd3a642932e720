"""The forum's bodies: a safe subset of Markdown, rendered on the server and sanitised.

Two locks, so that one failing does not open the page: markdown-it-py renders CommonMark with raw HTML
turned off (a typed script tag comes out as text) and without images (no tracking pixels, nothing heavy on a
slow link); then nh3 keeps only an allow-list of tags and attributes (no style, no event handler), only
http, https and mailto links, and marks every link rel="nofollow noopener" (spam earns nothing here).
Headings of levels 1 and 2 are left as text: the page has its own."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").disable("image")


def markdown_html(text: str) -> SafeString:
    """`text` (Markdown) as safe HTML for a template."""
    html = _renderer.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
