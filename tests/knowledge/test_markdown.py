"""Hostile Markdown comes out harmless: no script, no style, no event handler, no javascript: link; links
marked nofollow."""

from html.parser import HTMLParser

import pytest

from jalon.knowledge.markdown import markdown_html


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML (text is only text)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


HOSTILE = [
    "<script>alert(1)</script>",
    "Hello <img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<style>body{display:none}</style><p style="color:red">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "![x](https://evil.example/pixel.png)",
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '[x](https://example.org "title" onclick=alert(1))',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_rendered_harmless(text):
    for tag, attributes in Elements(markdown_html(text)).found:
        assert tag in {"p", "a", "em", "strong", "code"}, tag
        assert not any(name.startswith("on") or name == "style" for name in attributes), attributes
        if tag == "a":
            assert (attributes.get("href") or "").startswith(("https:", "http:", "mailto:")), attributes
            assert attributes["rel"] == "nofollow noopener"


def test_safe_markdown_keeps_its_meaning_and_links_are_nofollow():
    html = markdown_html("**Bold** and *em*, `code`\n\n- one\n- two\n\n[ITU](https://www.itu.int/)")
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://www.itu.int/" rel="nofollow noopener">ITU</a>' in html


def test_typed_html_shows_as_text():
    assert markdown_html("<b>not bold</b>").strip() == "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"
