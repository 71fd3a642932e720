"""Screenshots of a running jalon for the README (not a test).

    jalon demo --no-serve && jalon serve --port 8011 &
    python bench/screenshots.py http://127.0.0.1:8011

Drives the system's Chromium through Playwright (no browser download) at 1280x800 and writes PNGs of
the viewport (not the full page, to keep each file small) to docs/screenshots/. Pages a visitor sees
are taken anonymously; the organisation page is taken signed in as the demo focal point of ASN, so it
shows what that role may do there (edit, contacts).
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_ORGANISATION = "ASN"

# (file name, path, signed in?)
SHOTS = [
    ("home-fr.png", "/fr/", False),
    ("countries-en.png", "/en/countries/", False),
    ("country-detail-fr.png", "/fr/countries/SEN/", False),
    ("organisations-fr.png", "/fr/organisations/", False),
    ("organisation-detail-en.png", "{organisation}", True),
    ("reach-fr.png", "/fr/activities/reach/", False),
    ("committee-en.png", "{committee}", False),
    ("sponsorship-en.png", "{sponsorship}", True),
]


def chromium() -> str:
    for candidate in (os.environ.get("JALON_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("Chromium not found: install it (Debian: apt-get install chromium) or set JALON_CHROMIUM.")


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"Could not log in as {username!r}: is this the demo database (jalon demo)?")


def organisation_path(page, base: str, acronym: str) -> str:
    """The English detail page of the organisation, found through the list's search like a user would."""
    page.goto(f"{base}/en/organisations/?q={acronym}")
    link = page.locator("main table tbody tr td:first-child a", has_text=acronym).first
    return link.get_attribute("href")


def first_link(page, base: str, path: str, selector: str) -> str:
    """The first link a list page offers, followed as a user would."""
    page.goto(base + path)
    return page.locator(selector).first.get_attribute("href")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="focal", help="demo user for the signed-in shots")
    parser.add_argument("--password", default="jalon-demo", help="demo password (see `jalon demo`)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    args.output.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        visitor = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        member = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        member_page = member.new_page()
        log_in(member_page, base, args.username, args.password)
        paths = {
            "organisation": organisation_path(member_page, base, DEMO_ORGANISATION),
            # A committee where the demo's later import moved members from O to P: its history shows.
            "committee": first_link(member_page, base, "/en/committees/?q=ISO/TC 176", "main table tbody a"),
            "sponsorship": first_link(member_page, base, "/en/support/", "main table tbody a[href*=sponsorships]"),
        }
        visitor_page = visitor.new_page()
        for name, path, signed_in in SHOTS:
            page = member_page if signed_in else visitor_page
            response = page.goto(base + path.format(**paths))
            if response is None or response.status != 200:
                sys.exit(f"{path} answered {response.status if response else 'nothing'}")
            target = args.output / name
            page.screenshot(path=str(target), full_page=False)
            print(
                f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                f"{target.stat().st_size // 1024} KB"
            )
        browser.close()


if __name__ == "__main__":
    main()
