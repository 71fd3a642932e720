"""A reporting round in Chromium: a focal point answers in a returned value's thread, writes the period's
narrative, and unfolds an older period of the indicator page (details/summary, no JavaScript needed)."""

import re
from decimal import Decimal

import pytest

from jalon.organisations.models import Organisation
from jalon.results import services
from tests.browser.test_user_paths import log_in
from tests.factories import OrganisationFactory
from tests.results.conftest import indicator_build, programme_build

pytestmark = pytest.mark.browser


def test_a_focal_point_comments_narrates_and_unfolds_a_period(page, users, nsb):
    owner = OrganisationFactory(name="Round body", acronym="RB", kind=Organisation.Kind.INTERNATIONAL_SDO)
    demo = programme_build(code="round", owner=owner)
    indicator = indicator_build(demo, "R1", milestones=("20", "30", "40"))
    old = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.past, organisation=nsb, value=Decimal(5), submit=True
    )
    services.measurement_review(actor=users["manager"], measurement=old, approve=True)
    value = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, value=Decimal(9),
        submit=True,
    )  # fmt: skip
    services.measurement_review(actor=users["manager"], measurement=value, approve=False, note="Which sheets?")

    page.goto("/en/accounts/login/")
    log_in(page, "focal")
    page.goto(f"/en/programmes/round/indicators/{indicator.pk}/")
    current = page.locator(f"#p{demo.current.pk}")
    past = page.locator(f"#p{demo.past.pk}")
    assert current.get_attribute("open") is not None and past.get_attribute("open") is None
    assert not past.locator("table").is_visible()  # folded

    current.get_by_role("link", name="0 comments").click()
    page.wait_for_url(re.compile(rf"/en/programmes/measurements/{value.pk}/comments/$"))
    page.get_by_label("Your comment").fill("The signed attendance sheets of both days.")
    page.get_by_role("button", name="Add the comment").click()
    page.wait_for_url(re.compile(rf"/en/programmes/measurements/{value.pk}/comments/$"))
    assert "The signed attendance sheets of both days." in page.locator("ol.thread").inner_text()

    page.goto(f"/en/programmes/round/indicators/{indicator.pk}/")
    page.locator(f"#p{demo.current.pk}").get_by_role("link", name="Write the narrative").click()
    page.locator("[name=achieved_en]").fill("Two workshops held.")
    page.locator("[name=variance_en]").fill("A third was postponed to next year.")
    page.locator("main form").get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/en/programmes/round/indicators/{indicator.pk}/"))
    assert "A third was postponed to next year." in page.locator(f"#p{demo.current.pk}").inner_text()

    page.locator(f"#p{demo.past.pk} summary").click()  # unfolds without JavaScript
    assert page.locator(f"#p{demo.past.pk} table").is_visible()
