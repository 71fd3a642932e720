"""An IATI import in Chromium: a programme manager uploads a real file, reads the preview, confirms, and sees
the import done."""

import re
from pathlib import Path

import pytest

from jalon.results.models import IatiActivityImport
from tests.browser.test_user_paths import log_in
from tests.results.conftest import programme_build

pytestmark = pytest.mark.browser

GDIHUB = Path(__file__).parent.parent / "results" / "data" / "iati" / "gdihub-aidstream-GB-COH-11126312.xml"


def test_a_manager_uploads_previews_and_confirms_an_iati_file(page, users, nsb):
    programme = programme_build(code="gdi", owner=nsb).programme
    page.goto("/en/accounts/login/")
    log_in(page, "manager")
    page.goto(f"/en/programmes/{programme.code}/")
    page.get_by_role("link", name="IATI import and export").click()
    page.get_by_label("IATI activity file").set_input_files(str(GDIHUB))
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(re.compile(r"/en/programmes/iati-imports/\d+/$"))
    assert "Nothing was saved yet" in page.locator("main").inner_text()
    assert "would be changed" in page.locator("main").inner_text()
    assert not IatiActivityImport.objects.exists()
    page.get_by_role("button", name="Import into the programme").click()
    page.wait_for_url(re.compile(r"/en/programmes/iati-imports/\d+/$"))
    assert "The file was imported." in page.locator("main").inner_text()
    assert IatiActivityImport.objects.get().programme_id == programme.pk
