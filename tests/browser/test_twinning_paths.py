"""A focal point of a developing-country member proposes a twinning in Chromium, from the ranked and
explained list of leads: the suggestion's "Propose" fills the form, the focal point states the objectives and
saves, and the proposal's page shows it."""

import re

import pytest

from jalon.twinning.models import Arrangement
from tests.browser.test_user_paths import log_in
from tests.twinning.conftest import world  # noqa: F401 (the twinning world: ASN, AFNOR, DIN, ISO/TC 34 and 176)

pytestmark = pytest.mark.browser


def test_a_focal_point_proposes_an_arrangement_from_a_suggestion(page, world, users):  # noqa: F811
    page.goto(
        f"/en/accounts/login/?next=/en/twinning/recommendations/%3Fprogramme%3D{world.programme.pk}"
        f"%26member%3D{world.asn.pk}"
    )
    log_in(page, "focal")
    page.wait_for_url(re.compile(r"/en/twinning/recommendations/"))
    table = page.locator("main table")
    assert "AFNOR" in table.inner_text() and "ISO/TC 34" in table.inner_text()
    table.get_by_role("row").filter(has_text="AFNOR").get_by_role("link", name="Propose").click()
    page.wait_for_url(re.compile(r"/en/twinning/new/\?"))
    form = page.locator("main form")
    assert form.locator('select[name="lead_member"]').input_value() == str(world.afnor.pk)
    form.locator('[name="objectives_en"]').fill("Become a P-member of ISO/TC 34")
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/en/twinning/\d+/$"))
    arrangement = Arrangement.objects.get()
    assert (arrangement.status, arrangement.lead_member_id, arrangement.twinned_member_id) == (
        "proposed", world.afnor.pk, world.asn.pk,
    )  # fmt: skip
    assert "Become a P-member of ISO/TC 34" in page.locator("main").inner_text()
