"""A programme manager runs the annual report from its page in Chromium, follows it and downloads the
files; a viewer of another programme, in another browser, gets nothing of it."""

import hashlib
import re
from pathlib import Path

import pytest

from jalon.accounts.services import role_assign
from jalon.organisations.models import Organisation
from jalon.reporting.models import ReportRun
from tests.access.matrix import programme_build
from tests.browser.test_user_paths import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_a_manager_runs_the_report_and_downloads_it_and_another_viewer_cannot(new_page, users):
    owner = Organisation.objects.get(acronym="ISO")
    programme, _period, _indicator = programme_build("report-path", owner=owner, published=True)
    other, _p, _i = programme_build("other-path", owner=owner, published=True)

    page = new_page()
    page.goto("/en/accounts/login/")
    log_in(page, "manager")
    page.goto("/en/reports/")
    page.get_by_role("link", name="Programme report-path").click()
    page.locator("main").get_by_label("Language").select_option("both")
    page.get_by_role("button", name="Run the report").click()
    page.wait_for_load_state()
    run = ReportRun.objects.get(programme=programme)
    assert page.url.endswith(f"/en/reports/report-path/{run.pk}/")
    # The job's state on the run's page (the tests' queue runs it at once: done), then its files.
    assert page.locator("#job-status").inner_text() == "Done"
    for language in ("fr", "en"):
        found = run.files.get(language=language, format="pdf")
        assert page.get_by_text(found.checksum).is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name=found.name).click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == found.checksum

    viewer = make_user("other-viewer")
    role_assign(actor=None, user=viewer, role="viewer", programme=other)
    stranger = new_page()
    stranger.goto("/en/accounts/login/")
    log_in(stranger, "other-viewer")
    for path in (f"/en/reports/report-path/{run.pk}/", f"/en/reports/report-path/{run.pk}/fr.pdf"):
        response = stranger.request.get(path)
        assert response.status == 404, path
    stranger.goto("/en/reports/")
    assert stranger.get_by_role("link", name=re.compile("report-path")).count() == 0
    assert stranger.get_by_role("link", name="Programme other-path").is_visible()
