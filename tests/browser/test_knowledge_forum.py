"""The forum in Chromium, without JavaScript: a focal point asks a question in French from the menu; the
matching expert finds it in their inbox, answers; the focal point accepts the answer; the English version
of the thread shows the same accepted answer."""

import re

import pytest

from jalon.knowledge import forum_services
from jalon.knowledge.models import Thread
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from tests.browser.test_user_paths import log_in
from tests.knowledge.conftest import expert_make

pytestmark = pytest.mark.browser


def test_a_question_asked_answered_and_accepted_in_the_browser(new_page, users):
    awa = expert_make(
        "awa-browser", "Awa", "Diop", organisation=Organisation.objects.get(acronym="ASN"),
        country=Country.objects.get(iso3="SEN"), sex="female", languages=[("fr", "native")], codes=[("itu_t", "X")],
    )  # fmt: skip
    asker = new_page(java_script_enabled=False)
    asker.goto("/en/accounts/login/")
    log_in(asker, "focal")
    asker.goto("/en/")
    asker.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Questions and answers").click()
    asker.get_by_role("link", name="Ask a question").click()
    asker.get_by_label("Language of the question").select_option("fr")
    asker.get_by_label("Title").fill("Quels profils de certificat X.509 retenir ?")
    asker.locator("textarea[name=body]").fill("Nous préparons une **norme nationale**.")
    asker.get_by_label("ITU-T Recommendations").fill("X.509")
    asker.get_by_role("button", name="Publish the question").click()
    asker.wait_for_url(re.compile(r"/en/knowledge/questions/\d+/$"))
    assert asker.locator("h1").inner_text().startswith("Quels profils de certificat X.509")
    assert asker.locator(".markdown strong").inner_text() == "norme nationale"
    thread = Thread.objects.get()

    expert = new_page(java_script_enabled=False)
    expert.goto("/en/accounts/login/")
    log_in(expert, awa.user.username)
    expert.goto("/en/knowledge/inbox/")
    expert.get_by_role("link", name="Quels profils de certificat X.509 retenir ?").click()
    expert.get_by_role("textbox", name="Your answer").fill("Le profil de la *clause 7*.")
    expert.get_by_role("button", name="Publish the answer").click()
    expert.wait_for_load_state()
    assert "Le profil de la" in expert.locator("#answers-title").locator("xpath=..").inner_text()

    asker.reload()
    asker.get_by_role("button", name="Accept this answer").click()
    asker.wait_for_load_state()
    forum_services.question_translate(
        actor=users["focal"], thread=thread, language="en", title="Which X.509 certificate profiles?", body="..."
    )
    asker.goto(f"/en/knowledge/questions/{thread.pk}/?lang=en")
    assert asker.locator("h1").inner_text() == "Which X.509 certificate profiles?"
    accepted = asker.locator("article.answer.accepted")
    assert "Accepted answer" in accepted.inner_text() and "clause 7" in accepted.inner_text()
