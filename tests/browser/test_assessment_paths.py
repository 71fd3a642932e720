"""A self-assessment walked through in Chromium, as the issue's "done when" says: a focal point opens its NSB's
assessment, answers every section on the long form (radio answers, an evidence link where it is required),
submits it; the programme team returns it once with a note; the focal point submits it again and the team
validates it. No JavaScript is needed by the pages; the browser only clicks and types."""

import re

import pytest

from jalon.assessments.bank import banks_ensure
from jalon.assessments.models import Assessment, Framework
from tests.browser.test_user_paths import log_in

pytestmark = pytest.mark.browser


def answer_the_open_section(page, framework) -> str:
    """Answer every question of the section on screen; returns the section's code."""
    code = page.locator("h1").inner_text().split(" · ")[0]
    section = framework.sections.get(code=code)
    for question in section.questions.select_related("answer_set").prefetch_related("answer_set__options"):
        options = list(question.answer_set.options.order_by("order"))
        choice = next((o for o in options if o.code in ("largely", "yes")), options[-1])
        page.locator(f'input[name="q{question.pk}-option"][value="{choice.pk}"]').check()
        if question.evidence_required:
            page.locator(f'input[name="q{question.pk}-evidence_link"]').fill("https://example.org/procedures.pdf")
    return code


def test_a_focal_point_submits_a_self_assessment_the_team_returns_it_once_then_validates_it(new_page, users, nsb):
    banks_ensure()
    framework = Framework.objects.get(code="gsp", version=1)
    focal = new_page()
    focal.goto("/en/accounts/login/?next=/en/assessments/new/")
    log_in(focal, "focal")
    focal.wait_for_url(re.compile(r"/en/assessments/new/$"))
    form = focal.locator("main form")
    form.get_by_label("Organisation").select_option(str(nsb.pk))
    form.get_by_label("Question bank").select_option(str(framework.pk))
    form.get_by_label("Period start").fill("2025-01-01")
    form.get_by_label("Period end").fill("2025-12-31")
    form.get_by_role("button").click()
    focal.wait_for_url(re.compile(r"/en/assessments/\d+/$"))
    assert "Assessment opened" in focal.locator(".messages").inner_text()
    assessment = Assessment.objects.get(organisation=nsb, period_start__year=2025)

    # Section by section: the first from the scores table, then "Save and go to the next section".
    focal.locator("main table").get_by_role("link").first.click()
    answered = []
    while True:
        answered.append(answer_the_open_section(focal, framework))
        following = focal.get_by_role("button", name="Save and go to the next section")
        if following.count():
            following.click()
            focal.wait_for_load_state()
            continue
        focal.get_by_role("button", name="Save this section").click()
        focal.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
        break
    assert answered == [s.code for s in framework.sections.order_by("order", "pk")]
    focal.get_by_role("button", name="Submit to the programme team").click()
    focal.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"

    # The team returns it with what must change.
    team = new_page()
    team.goto(f"/en/accounts/login/?next=/en/assessments/{assessment.pk}/")
    log_in(team, "manager")
    team.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
    team.get_by_label("What must change").fill("Attach the public enquiry procedure.")
    team.get_by_role("button", name="Return").click()
    team.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
    assert Assessment.objects.get(pk=assessment.pk).status == "returned"

    # The focal point sees the note, submits again; the team validates.
    focal.goto(f"/en/assessments/{assessment.pk}/")
    assert "Attach the public enquiry procedure." in focal.locator("main").inner_text()
    focal.get_by_role("button", name="Submit to the programme team").click()
    focal.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
    team.goto(f"/en/assessments/{assessment.pk}/")
    team.get_by_role("button", name="Validate").click()
    team.wait_for_url(re.compile(rf"/en/assessments/{assessment.pk}/$"))
    validated = Assessment.objects.get(pk=assessment.pk)
    assert (validated.status, validated.returned_count) == ("validated", 1)
    assert "100 %" in team.locator("main table").inner_text()  # every section answered in full
