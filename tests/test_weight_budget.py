"""The weight budget (DESIGN.md section 4): a first visit to any page transfers at most 100 KB compressed,
HTML, CSS, JS, fonts and images together; a later page, with those assets cached, at most 40 KB.

Each main page is fetched in both languages as a browser would: the HTML with Accept-Encoding gzip,
then every asset it references (stylesheets, icons, scripts, images, and what the stylesheets pull in
with url() or @import). A body the server did not compress is gzipped here at level 6, the level a
reverse proxy or WhiteNoise's pre-compression would at least achieve.

Exempt: the API docs page /api/docs/ (Swagger UI), a developer tool rather than a page of the
application, which needs its vendored JavaScript bundle of about 1.5 MB.
"""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.activities import weight_pages as activity_pages
from tests.committees import test_pages_weight as committee_pages

KB = 1024
FIRST_VISIT_BUDGET = 100 * KB
CACHED_PAGE_BUDGET = 40 * KB

ASSET_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest"}
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class AssetParser(HTMLParser):
    """Collects the URLs of what a browser downloads to render the page."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and ASSET_LINK_RELS & set((attributes.get("rel") or "").lower().split()):
            self.assets.append(attributes.get("href"))
        elif tag in ("script", "img", "source", "iframe") and attributes.get("src"):
            self.assets.append(attributes["src"])
        if tag in ("img", "source") and attributes.get("srcset"):
            self.assets += [candidate.split()[0] for candidate in attributes["srcset"].split(",") if candidate.strip()]


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def transferred(response) -> tuple[int, bytes]:
    """(bytes on the wire, decoded body): the compressed size as served, or gzip level 6 of the body."""
    raw = body_of(response)
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        return len(raw), gzip.decompress(raw)
    if encoding:  # br or another coding the server chose: count it as sent.
        return len(raw), b""
    return len(gzip.compress(raw, compresslevel=6)), raw


def fetch(client, url: str):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


def local_path(base: str, reference: str) -> str | None:
    """The path to ask the test client for, or None for data: URIs and other hosts (never expected)."""
    if not reference or reference.startswith(("data:", "#")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", reference))
    assert parts.netloc == "testserver", f"{base} loads {reference} from another host (no CDN allowed)"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_weight(client, url: str) -> dict:
    html_response = fetch(client, url)
    html_bytes, html = transferred(html_response)
    parser = AssetParser()
    parser.feed(html.decode("utf-8"))
    assets: dict[str, int] = {}
    queue = [(url, reference) for reference in parser.assets]
    while queue:
        base, reference = queue.pop(0)
        path = local_path(base, reference)
        if path is None or path in assets:
            continue
        response = fetch(client, path)
        size, body = transferred(response)
        assets[path] = size
        if "css" in response.headers.get("Content-Type", ""):
            queue += [(path, a or b) for a, b in CSS_REFERENCE.findall(body.decode("utf-8"))]
    return {"url": url, "html": html_bytes, "assets": assets, "total": html_bytes + sum(assets.values())}


PAGES = {
    "home": lambda data: "",
    "country list": lambda data: "countries/",
    "country detail": lambda data: "countries/SEN/",
    "organisation list": lambda data: "organisations/",
    "organisation detail": lambda data: f"organisations/{data['nsb'].pk}/",
    # The heaviest organisation page: ISO with the table of all its members.
    "organisation detail (ISO)": lambda data: f"organisations/{data['iso'].pk}/",
    "login": lambda data: "accounts/login/",
    # Results: the seed frameworks with the demo history, the largest tree being the ITU plan.
    "programme list": lambda data: "programmes/",
    "programme page (ISO, demo history)": lambda data: "programmes/iso-ap-2021-2025/",
    "programme page (ITU Res. 44)": lambda data: "programmes/itu-res44/",
    "indicator page (demo, disaggregated)": lambda data: f"programmes/iso-ap-2021-2025/indicators/{data['d1'].pk}/",
    "tracking table (ISO)": lambda data: "programmes/iso-ap-2021-2025/tracking/",
    # Committees: 100 a page, a committee with every ISO member, profiles (tests/committees/test_pages_weight.py).
    "committee list (100 a page)": lambda data: committee_pages.weight_path("list"),
    "committee page (every ISO member)": lambda data: committee_pages.weight_path("detail"),
    "country participation profile": lambda data: committee_pages.weight_path("country"),
    "member participation profile": lambda data: committee_pages.weight_path("member"),
    "participation overview": lambda data: committee_pages.weight_path("overview"),
    # Reach: the world map and charts as inline SVG (a many-country map: tests/activities/test_reach.py).
    "reach dashboard": lambda data: "activities/reach/",
    "country reach (Senegal)": lambda data: "activities/reach/SEN/",
    # Activities: a full list, the calendar, a rich activity page, the registration form
    # (records built on first use: tests/activities/weight_pages.py).
    "activity list": activity_pages.activity_list,
    "activity calendar": activity_pages.activity_calendar,
    "activity page": activity_pages.activity_page,
    "registration form": activity_pages.registration_form,
}


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """The seed frameworks with the ISO Action Plan's demo history, built once for the module's 47 pages in a
    transaction rolled back at its end; each test runs in a savepoint inside it."""
    from django.db import transaction

    from jalon.accounts.models import User
    from jalon.organisations.models import Organisation
    from jalon.results.demo import demo_history_build
    from jalon.results.services import frameworks_load

    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        users = {user.username: user for user in User.objects.filter(username__in=["manager", "focal"])}
        nsb = Organisation.objects.get(acronym="ASN")
        demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def data(history, nsb):
    from jalon.organisations.models import Organisation
    from jalon.results.models import Indicator

    return {
        "nsb": nsb,
        "iso": Organisation.objects.get(acronym="ISO"),
        "d1": Indicator.objects.get(code="D1", result__programme__code="iso-ap-2021-2025"),
    }


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_weight_budget(client, data, name, language):
    url = f"/{language}/{PAGES[name](data)}"
    weight = page_weight(client, url)
    assets = ", ".join(f"{path} {size} B" for path, size in weight["assets"].items())
    print(f"\n{url}: HTML {weight['html']} B + assets {assets} = {weight['total']} B compressed")
    assert weight["assets"], f"{url}: no stylesheet found, the parser missed the page's assets"
    assert weight["html"] <= CACHED_PAGE_BUDGET, (
        f"{url}: the HTML alone is {weight['html']} B compressed, over the {CACHED_PAGE_BUDGET} B budget "
        "of a page with cached assets"
    )
    assert weight["total"] <= FIRST_VISIT_BUDGET, (
        f"{url}: a first visit transfers {weight['total']} B compressed ({assets}), "
        f"over the {FIRST_VISIT_BUDGET} B budget"
    )


def test_pages_load_nothing_from_another_host(client, data):
    """Vendored assets only: no CDN, no web font service (a protocol-relative URL counts too)."""
    for path in PAGES.values():
        url = f"/en/{path(data)}"
        parser = AssetParser()
        parser.feed(transferred(fetch(client, url))[1].decode("utf-8"))
        for reference in parser.assets:
            local_path(url, reference)  # fails on another host
