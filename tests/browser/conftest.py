"""Real-browser tests: Playwright drives the system's Chromium against pytest-django's live server.

No browser is ever downloaded: Chromium comes from the operating system (Debian's package in CI).
Without it these tests are skipped, unless JALON_REQUIRE_BROWSER=1 (set by CI), where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are
# still plain synchronous calls, so Django's async-safety guard must be lifted for this process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    """The system Chromium: $JALON_CHROMIUM, Debian's /usr/bin/chromium, or one on the PATH."""
    candidates = [os.environ.get("JALON_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_unavailable(reason: str):
    """Skip, or fail when the environment says a browser is required (CI)."""
    if os.environ.get("JALON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"JALON_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (set JALON_REQUIRE_BROWSER=1 to make this an error)")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        browser_unavailable("no Chromium found (looked at $JALON_CHROMIUM, /usr/bin/chromium and the PATH)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        browser_unavailable("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as exc:
            browser_unavailable(f"Chromium at {executable} did not start: {exc}")
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def reference_data(browser, transactional_db):
    """The live server needs a transactional database (tests/conftest.py brings the session's data back after
    each such test's flush).
    It asks for the browser first, so that without Chromium the tests skip before any database work."""


@pytest.fixture
def new_page(browser, live_server):
    """new_page(java_script_enabled=True) -> a page in a fresh browser context (its own cookies),
    with the live server as base URL; every context is closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
