"""The Content-Security-Policy (jalon/web/headers.py) and the real pages agree: Chromium reports no violation
on the pages that draw (progress bars, SVG charts), the forms and the admin."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.results.models import Measurement
from tests.access.matrix import programme_build
from tests.browser.test_user_paths import log_in

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_content_security_policy(page, users, nsb):
    programme, period, indicator = programme_build("csp", owner=nsb, published=True)
    Measurement.objects.create(
        indicator=indicator, period=period, organisation=nsb, value=Decimal(4), status="approved"
    )
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/en/accounts/login/")
    log_in(page, "admin")
    with translation.override("en"):
        paths = [
            "/en/",
            reverse("results:programme_detail", kwargs={"code": programme.code}),
            reverse("activities:reach_dashboard"),
            reverse("activities:country_reach", kwargs={"iso3": "SEN"}),
            reverse("reporting:portfolio"),
            reverse("reporting:dashboard", kwargs={"code": programme.code}),
            reverse("committees:participation_overview"),
            reverse("web:organisation_edit", kwargs={"pk": nsb.pk}),
            reverse("admin:index"),
            reverse("admin:organisations_organisation_change", args=[nsb.pk]),
        ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    # The bar of the approved value is drawn, so the page had something the policy could have blocked.
    page.goto(reverse("results:programme_detail", kwargs={"code": programme.code}))
    assert page.locator("svg.bar rect").count() >= 1
    assert violations == [], "\n".join(violations)
