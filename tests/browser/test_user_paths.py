"""A real user's path through jalon in Chromium: language switch, search, login, refusal, no JavaScript."""

import re

import pytest
from django.utils import translation

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

HOME_HEADING = "Capacity building in international standardization, measured"


def french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Type the credentials into the login form and submit it, as a person would."""
    page.get_by_label(re.compile("^(Username|Nom d.utilisateur)")).fill(username)
    page.get_by_label(re.compile("^(Password|Mot de passe)")).fill(password)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_load_state()


def test_home_in_french_then_english_then_find_an_organisation(page):
    page.goto("/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    # The heading as the French catalogue translates it (not the English source), and the header in French.
    heading = page.locator("h1").inner_text()
    assert heading == french(HOME_HEADING)
    assert heading != HOME_HEADING, "the home page heading is not translated: is the French catalogue compiled?"
    assert page.locator("header").get_by_role("link", name="Se connecter").is_visible()
    assert page.locator(".langs strong[aria-current]").inner_text() == "FR"

    # The language switch is a plain link: EN, titled in French ("Anglais").
    switch = page.locator(".langs a[hreflang=en]")
    assert switch.get_attribute("title") == "Anglais"
    switch.click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == HOME_HEADING
    assert page.locator("header").get_by_role("link", name="Log in").is_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Organisations").click()
    page.wait_for_url(re.compile(r"/en/organisations/$"))
    assert page.locator("h1").inner_text() == "Organisations"

    search = page.get_by_role("search")
    search.get_by_label("Search", exact=True).fill("AFNOR")
    search.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/en/organisations/\?.*q=AFNOR"))
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    assert "AFNOR" in rows.first.inner_text()

    rows.first.get_by_role("link", name="AFNOR").click()
    page.wait_for_url(re.compile(r"/en/organisations/\d+/$"))
    assert "AFNOR" in page.locator("h1").inner_text()
    facts = page.locator("dl.facts")
    assert "National standards body" in facts.inner_text() or "France" in facts.inner_text()
    assert facts.get_by_role("link", name="France").is_visible()


def test_focal_point_logs_in_and_is_refused_what_their_role_may_not_open(page, users, nsb, other_nsb):
    page.goto("/en/organisations/")
    page.locator("header").get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r"/en/accounts/login/\?next="))
    # A mistyped password: the form says so and nobody is signed in.
    log_in(page, "focal", "not-the-password")
    assert "/en/accounts/login/" in page.url
    assert page.locator("main .errors[role=alert]").is_visible()
    assert page.locator("header").get_by_role("link", name="Log in").is_visible()
    log_in(page, "focal")
    # Back where the focal point came from, now signed in.
    page.wait_for_url(re.compile(r"/en/organisations/$"))
    assert page.locator("header .who").inner_text() == "focal"
    assert page.locator("header").get_by_role("button", name="Log out").is_visible()

    # Their own NSB: the edit button is there and the form opens.
    page.goto(f"/en/organisations/{nsb.pk}/")
    page.locator("main").get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(rf"/en/organisations/{nsb.pk}/edit/$"))
    assert page.locator("main form").get_by_role("button", name="Save").is_visible()

    # Another country's NSB: no edit button, and typing its edit address shows the refusal page.
    page.goto(f"/en/organisations/{other_nsb.pk}/")
    assert page.locator("main").get_by_role("link", name="Edit").count() == 0
    response = page.goto(f"/en/organisations/{other_nsb.pk}/edit/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Access refused"
    assert "Your role does not allow you to open this page" in page.locator("main").inner_text()

    # The audit log is for platform administrators only: not in the menu, refused by address.
    assert page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Audit log").count() == 0
    response = page.goto("/en/audit/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Access refused"
    # The refusal page still offers a way on.
    page.locator("main").get_by_role("link", name="Back to the home page").click()
    page.wait_for_url(re.compile(r"/en/$"))


def test_core_flow_works_without_javascript(new_page, users, nsb):
    page = new_page(java_script_enabled=False)
    page.goto("/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    # Nothing on the page depends on scripts.
    assert page.locator("script").count() == 0

    # Search an organisation from the French list, open it.
    page.get_by_role("navigation").get_by_role("link", name=french("Organisations")).click()
    page.wait_for_url(re.compile(r"/fr/organisations/$"))
    search = page.get_by_role("search")
    search.locator("input[name=q]").fill("Sénégal")
    search.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/fr/organisations/\?.*q=S"))
    page.locator("main table").get_by_role("link", name="ASN").click()
    page.wait_for_url(re.compile(rf"/fr/organisations/{nsb.pk}/$"))
    assert "Sénégal" in page.locator("h1").inner_text()

    # Log in through the form (a plain POST), come back to the organisation, edit it, save.
    page.locator("header").get_by_role("link", name="Se connecter").click()
    log_in(page, "focal")
    page.wait_for_url(re.compile(rf"/fr/organisations/{nsb.pk}/$"))
    page.locator("main").get_by_role("link", name=french("Edit")).click()
    page.wait_for_url(re.compile(rf"/fr/organisations/{nsb.pk}/edit/$"))
    page.locator("input[name=email]").fill("contact@asn.example.sn")
    page.locator("main form").get_by_role("button", name=french("Save")).click()
    page.wait_for_url(re.compile(rf"/fr/organisations/{nsb.pk}/$"))
    assert page.locator(".messages").inner_text() == french("Changes saved.")
    assert "contact@asn.example.sn" in page.locator("dl.facts").inner_text()
    nsb.refresh_from_db()
    assert nsb.email == "contact@asn.example.sn"

    # The language switch keeps the user on the same page, without JavaScript too.
    page.locator(".langs a[hreflang=en]").click()
    page.wait_for_url(re.compile(rf"/en/organisations/{nsb.pk}/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main").get_by_role("link", name="Edit").is_visible()
