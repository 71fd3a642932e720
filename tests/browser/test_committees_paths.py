"""A visitor's path through the committees in Chromium, without JavaScript: from the menu to the list,
filter it, open a committee and read who its members are and how their participation changed."""

import re

import pytest

from tests.committees.test_pages import world_build

pytestmark = pytest.mark.browser


def test_a_visitor_filters_the_committees_opens_one_and_sees_its_member_history(new_page, users):
    world = world_build(users["manager"])
    page = new_page(java_script_enabled=False)
    page.goto("/en/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Committees").click()
    page.wait_for_url(re.compile(r"/en/committees/$"))
    assert page.locator("h1").inner_text() == "Committees"
    assert "ISO Open Data" in page.locator("main").inner_text()

    # Only ISO committees whose secretariat is held by a developing-country member, searched by title.
    search = page.get_by_role("search")
    search.get_by_label("Body").select_option("iso")
    search.get_by_label("Developing-country secretariat").check()
    search.get_by_label("Reference or title").fill("fasteners")
    search.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/en/committees/\?.*body=iso"))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "ISO/TC 2" in rows.first.inner_text() and "ASN" in rows.first.inner_text()

    rows.first.get_by_role("link", name="ISO/TC 2").click()
    page.wait_for_url(re.compile(rf"/en/committees/{world.tc2.pk}/$"))
    assert page.locator("h1").inner_text() == "ISO/TC 2 · Fasteners"
    assert "Standardization of fasteners." in page.locator("main").inner_text()

    # Members by status, with their country and the developing-country mark.
    members = page.locator("h3", has_text="P-members").locator("xpath=following-sibling::table[1]")
    assert "KEBS" in members.inner_text() and "Kenya" in members.inner_text()
    assert "developing" in members.inner_text()

    # The history of dated participation events: KEBS moved from observer to participant.
    history = page.locator("#history").locator("xpath=following-sibling::table[1]")
    kebs_rows = history.locator("tr", has_text="KEBS")
    assert kebs_rows.count() == 2
    assert "Moved from O to P" in kebs_rows.first.inner_text()
    assert "Joined as O-member" in kebs_rows.last.inner_text()

    # Delegates are people: a visitor sees the meeting and its contributions, never the delegates.
    meetings = page.locator("main").inner_text()
    assert "Plenary in Dakar" in meetings and "Comments on the draft for bolts" in meetings
    assert "Ndiaye" not in meetings and "Kamau" not in meetings
