"""An organiser's path through the activity pages in Chromium: create a workshop, register a participant,
record attendance and an evaluation, and read the results on the activity page."""

import re

import pytest

from jalon.activities.models import Activity, Attendance, Registration
from tests.browser.test_user_paths import log_in

pytestmark = pytest.mark.browser


def test_an_organiser_runs_a_workshop_from_creation_to_results(page, users, nsb):
    page.goto("/en/accounts/login/?next=/en/")
    log_in(page, "focal")
    page.wait_for_url(re.compile(r"/en/$"))

    # The activity list, from the site navigation.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Activities").click()
    page.wait_for_url(re.compile(r"/en/activities/$"))
    assert "No activity matches these filters." in page.locator("main").inner_text()

    # A new workshop in Senegal, organised by the focal point's own NSB.
    page.locator("main").get_by_role("link", name="New activity").click()
    page.wait_for_url(re.compile(r"/en/activities/new/$"))
    form = page.locator("main form")
    form.get_by_label("Code").fill("dakar-gsp-workshop")
    form.get_by_label("Title (English)").fill("GSP workshop in Dakar")
    form.get_by_label("Title (French)").fill("Atelier BPN à Dakar")
    form.get_by_label("Type").select_option("workshop")
    form.get_by_label("Modality").select_option("in_person")
    form.get_by_label("Level").select_option("national")
    form.get_by_label("Countries concerned").select_option(label="Senegal")
    form.get_by_label("Start date").fill("2026-10-05")
    form.get_by_label("End date").fill("2026-10-06")
    form.get_by_label("Organiser").select_option(str(nsb.pk))
    form.get_by_label("Status").select_option("open")
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/en/activities/dakar-gsp-workshop/$"))
    assert page.locator(".messages").inner_text() == "Activity created."
    assert page.locator("h1").inner_text() == "GSP workshop in Dakar"
    activity = Activity.objects.get(code="dakar-gsp-workshop")
    assert activity.organiser == nsb

    # A session on the first day.
    page.locator("main").get_by_role("link", name="Add a session").click()
    page.locator("main form").get_by_label("Date").fill("2026-10-05")
    page.locator("main form").get_by_label("Title").fill("Opening day")
    page.locator("main form").get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/en/activities/dakar-gsp-workshop/$"))

    # A participant registered by the organiser.
    page.locator("main").get_by_role("link", name="Register a participant").click()
    page.wait_for_url(re.compile(r"/register/$"))
    form = page.locator("main form")
    form.get_by_label("Given name").fill("Awa")
    form.get_by_label("Family name").fill("Diop")
    form.get_by_label("Email").fill("awa.diop@example.sn")
    form.get_by_label("Sex").select_option("female")
    form.get_by_label("Function").select_option("nsb_staff")
    form.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/en/activities/dakar-gsp-workshop/$"))
    assert page.locator(".messages").inner_text() == "Awa Diop is registered."
    participants = page.locator("main table").last
    assert "Awa Diop" in participants.inner_text()

    # Attendance for the session: one form, a checkbox per registrant.
    page.locator("main").get_by_role("link", name="Attendance").click()
    page.wait_for_url(re.compile(r"/attendance/$"))
    page.get_by_label("Awa Diop").check()
    page.locator("main form").get_by_role("button", name="Save attendance").click()
    page.wait_for_url(re.compile(r"/en/activities/dakar-gsp-workshop/$"))
    assert page.locator(".messages").inner_text() == "Attendance recorded: 1 present of 1."
    assert Attendance.objects.get().present

    # The evaluation: tests before and after, satisfaction, completion.
    page.locator("main").get_by_role("link", name=re.compile("^Evaluation")).click()
    page.wait_for_url(re.compile(r"/registrations/\d+/$"))
    form = page.locator("main form").first
    form.get_by_label("Knowledge test before (0-100)").fill("40")
    form.get_by_label("Knowledge test after (0-100)").fill("85")
    form.get_by_label(re.compile("^Satisfaction \\(1")).select_option("5")
    form.get_by_label("Completed the activity").check()
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/en/activities/dakar-gsp-workshop/$"))
    assert page.locator(".messages").inner_text() == "Evaluation saved."

    # The results on the activity page, exact for the organiser.
    figures = page.locator("main ul.figures").inner_text()
    assert re.search(r"1\s+registered", figures)
    assert re.search(r"1\s+attended", figures)
    assert re.search(r"1\s+completed", figures)
    assert re.search(r"45\s+average knowledge gain", figures)
    assert re.search(r"100 %\s+satisfied", figures)
    registration = Registration.objects.get()
    assert registration.completed and registration.certificate_code
    # The participant's row links to the certificate that completing issued.
    certificate = page.locator("main table").last.get_by_role("link", name="certificate")
    assert registration.certificate_code in certificate.get_attribute("href")

    # The public sees the workshop, but neither the participant nor the figures of a group this small.
    anonymous = page.context.browser.new_context(base_url=page.url.split("/en/")[0])
    public = anonymous.new_page()
    public.goto("/en/activities/dakar-gsp-workshop/")
    text = public.locator("main").inner_text()
    assert "GSP workshop in Dakar" in text and "Awa Diop" not in text
    assert "Figures about fewer than 5 people are not shown" in text
    anonymous.close()
