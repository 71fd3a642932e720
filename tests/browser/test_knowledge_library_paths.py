"""Lessons, the resource library and conforming products in Chromium, without JavaScript, as people use them:
a focal point writes a lesson, the programme team validates it, it is offered while planning an activity in
that country and cited there, then published; a focal point uploads a resource in French, the team publishes
it, a visitor finds it by a word typed without its accent and downloads it; a focal point registers a product
and its claim, the secretariat checks and publishes it, a visitor finds it in the public list."""

import datetime
import re

import pytest

from jalon.activities.models import Activity
from jalon.knowledge.models import ConformityClaim, DownloadCount, Lesson, LessonCitation, Resource
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from tests.browser.test_user_paths import log_in

pytestmark = pytest.mark.browser


def labelled(form, label: str):
    """The field labelled exactly `label` (a required one's label ends with an asterisk)."""
    return form.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def signed_in(new_page, username):
    page = new_page(java_script_enabled=False)
    page.goto("/en/accounts/login/")
    log_in(page, username)
    return page


def test_a_lesson_written_validated_offered_while_planning_cited_and_published(new_page, users, nsb):
    senegal = Country.objects.get(iso3="SEN")
    activity = Activity.objects.create(
        code="dakar-quality",
        title={"en": "Quality workshop in Dakar"},
        type="workshop",
        modality="in_person",
        level="national",
        start_date=datetime.date.today() + datetime.timedelta(days=30),
        end_date=datetime.date.today() + datetime.timedelta(days=31),
        organiser=nsb,
    )
    activity.countries.set([senegal])

    focal = signed_in(new_page, "focal")
    focal.goto("/en/knowledge/lessons/")
    focal.get_by_role("link", name="Submit a lesson").click()
    form = focal.locator("main form")
    form.get_by_label("Type").select_option("lesson")
    form.get_by_label("Title (English)").fill("Mirror committees need a budget line")
    form.get_by_label("Title (French)").fill("Les comités miroirs ont besoin d'une ligne budgétaire")
    form.get_by_label("Description (English)").fill("Without a budget line, the mirror committee stopped meeting.")
    form.get_by_label("Countries").select_option(str(senegal.pk))
    labelled(form, "Source").select_option("evaluation")
    form.get_by_label("Source reference").fill("Mid-term evaluation 2025")
    form.get_by_label("Organisation").select_option(str(nsb.pk))
    form.get_by_role("button", name="Save").click()
    focal.wait_for_url(re.compile(r"/en/knowledge/lessons/\d+/$"))
    lesson = Lesson.objects.get()
    assert lesson.status == "draft" and focal.locator("h1").inner_text() == "Mirror committees need a budget line"
    # A draft is not offered yet.
    focal.goto(f"/en/activities/{activity.code}/")
    assert "Mirror committees need a budget line" not in focal.locator("#lessons").inner_text()

    team = signed_in(new_page, "manager")
    team.goto(f"/en/knowledge/lessons/{lesson.pk}/")
    team.get_by_role("button", name="Validate").click()
    team.wait_for_load_state()
    lesson.refresh_from_db()
    assert lesson.status == "validated"

    # Planning the activity in Senegal: the validated lesson of that country is offered, and cited.
    focal.goto(f"/en/activities/{activity.code}/")
    offered = focal.locator("#lessons")
    assert "Mirror committees need a budget line" in offered.inner_text()
    offered.get_by_label("How it was applied").fill("A budget line for the mirror committee in the plan.")
    offered.get_by_role("button", name="Cite this lesson").click()
    focal.wait_for_load_state()
    citation = LessonCitation.objects.get(lesson=lesson, activity=activity)
    assert citation.how_applied == "A budget line for the mirror committee in the plan."
    focal.goto(f"/en/activities/{activity.code}/")
    assert "Cited" in focal.locator("#lessons").inner_text()

    team.reload()
    team.get_by_role("button", name="Publish").click()
    team.wait_for_load_state()
    visitor = new_page(java_script_enabled=False)
    visitor.goto("/fr/knowledge/lessons/")
    visitor.get_by_label("Rechercher").fill("budgetaire")
    visitor.get_by_role("button", name="Filtrer").click()
    visitor.get_by_role("link", name="Les comités miroirs ont besoin d'une ligne budgétaire").click()
    assert "ligne budgétaire" in visitor.locator("h1").inner_text()


def test_a_resource_uploaded_published_found_without_its_accent_and_downloaded(new_page, users, nsb):
    focal = signed_in(new_page, "focal")
    focal.goto("/en/knowledge/library/")
    focal.get_by_role("link", name="Add a resource").click()
    form = focal.locator("main form")
    form.get_by_label("Title (English)").fill("Guide to quality infrastructure")
    form.get_by_label("Title (French)").fill("Guide de l'infrastructure qualité")
    form.get_by_label("Creator").fill("ASN")
    labelled(form, "Type").select_option("Text")
    form.get_by_label("Organisation").select_option(str(nsb.pk))
    form.get_by_role("button", name="Save").click()
    focal.wait_for_url(re.compile(r"/en/knowledge/library/\d+/$"))
    resource = Resource.objects.get()
    focal.get_by_role("link", name="Add a language version").click()
    form = focal.locator("main form")
    form.get_by_label("Language").select_option("fr")
    content = b"%PDF-1.4\n" + b"0" * 4000
    form.get_by_label("File").set_input_files(
        {"name": "guide-fr.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    form.get_by_role("button", name="Save").click()
    focal.wait_for_url(re.compile(rf"/en/knowledge/library/{resource.pk}/$"))
    # The size is shown before downloading, for slow links.
    assert "3.9\xa0KB" in focal.locator("#download").inner_text()

    team = signed_in(new_page, "manager")
    team.goto(f"/en/knowledge/library/{resource.pk}/")
    team.get_by_role("button", name="Publish").click()
    team.wait_for_load_state()
    resource.refresh_from_db()
    assert resource.status == "published"

    visitor = new_page(java_script_enabled=False)
    visitor.goto("/fr/knowledge/library/")
    visitor.get_by_label("Rechercher").fill("QUALITE")
    visitor.get_by_role("button", name="Filtrer").click()
    visitor.get_by_role("link", name="Guide de l'infrastructure qualité").click()
    download_form = visitor.locator("#download")
    download_form.get_by_label(re.compile("country|pays", re.IGNORECASE)).select_option(
        str(Country.objects.get(iso3="SEN").pk)
    )
    with visitor.expect_download() as download:
        download_form.get_by_role("button").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == content
    assert DownloadCount.objects.get().country.iso3 == "SEN"


def test_a_product_registered_checked_published_and_found_in_the_public_list(new_page, users, nsb):
    kenya = Country.objects.get(iso3="KEN")
    manufacturer = Organisation.objects.get(acronym="KEBS")
    focal = signed_in(new_page, "focal")
    focal.goto("/en/knowledge/products/")
    focal.get_by_role("link", name="Add a product").click()
    form = focal.locator("main form")
    form.get_by_label("Manufacturer").select_option(str(manufacturer.pk))
    form.get_by_label("Model").fill("Passerelle Sécurisée 2")
    form.get_by_label("Category").fill("Network gateway")
    form.get_by_label("Country of manufacture").select_option(str(kenya.pk))
    form.get_by_label("Submitted by").select_option(str(nsb.pk))
    form.get_by_role("button", name="Save").click()
    # Then straight to the product's first claim.
    focal.wait_for_url(re.compile(r"/en/knowledge/products/claims/new/"))
    form = focal.locator("main form")
    labelled(form, "Standard").fill("ITU-T X.509")
    form.get_by_label("Basis").select_option("declaration")
    form.get_by_label("Issued on").fill(datetime.date.today().isoformat())
    form.get_by_label("Evidence link").fill("https://example.org/declaration.pdf")
    form.get_by_role("button", name="Save").click()
    focal.wait_for_url(re.compile(r"/en/knowledge/products/claims/\d+/$"))
    claim = ConformityClaim.objects.get()
    assert claim.status == "submitted"

    visitor = new_page(java_script_enabled=False)
    visitor.goto("/en/knowledge/products/")
    assert "Passerelle" not in visitor.locator("main").inner_text()  # not before the secretariat publishes it

    team = signed_in(new_page, "manager")
    team.goto(f"/en/knowledge/products/claims/{claim.pk}/")
    team.get_by_role("button", name="Mark as checked").click()
    team.wait_for_load_state()
    team.get_by_role("button", name="Publish").click()
    team.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == "published"

    visitor.goto("/en/knowledge/products/")
    visitor.get_by_label("Search").fill("passerelle securisee")
    visitor.get_by_role("button", name="Filter").click()
    main = visitor.locator("main").inner_text()
    assert "not a certification" in main
    visitor.get_by_role("link", name=re.compile("Passerelle Sécurisée 2")).click()
    assert "ITU-T X.509" in visitor.locator("main").inner_text()
