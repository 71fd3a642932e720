"""Certificates: the PDF for the participant's organisers and the programme team, in French or English, and
the public check of a code (valid, wrong, withdrawn, erased), which shows nothing beyond name, activity, date."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from jalon.activities import services
from jalon.activities.certificates import pdf_text
from jalon.activities.models import Activity
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def certified(users, nsb):
    """Zoé N'Diaye-Sène of ASN completed a workshop ASN organised in March 2024 (so she has a code)."""
    actor = users["manager"]
    workshop = services.activity_create(
        actor=actor,
        code="gsp-workshop",
        title={"en": "Good standardization practices", "fr": "Bonnes pratiques de normalisation"},
        type=Activity.Type.WORKSHOP,
        modality=Activity.Modality.IN_PERSON,
        level=Activity.Level.NATIONAL,
        countries=[Country.objects.get(iso3="SEN")],
        start_date=datetime.date(2024, 3, 11),
        end_date=datetime.date(2024, 3, 13),
        venue="Dakar",
        organiser=nsb,
        status=Activity.Status.COMPLETED,
    )
    zoe = Person.objects.create(
        given_name="Zoé",
        family_name="N’Diaye-Sène",
        email="zoe.ndiaye@example.org",
        phone="+221 33 000 00 00",
        sex=Person.Sex.FEMALE,
        organisation=nsb,
        job_title="Secrétaire de comité",
    )
    registration = services.registration_create(actor=actor, activity=workshop, person=zoe)
    return services.registration_complete(actor=actor, registration=registration)


def test_completion_issues_a_long_random_code(certified):
    code = certified.certificate_code
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)  # 16 base32 characters: 80 random bits


# The PDF ----------------------------------------------------------------------------------------------------


def test_the_pdf_opens_and_carries_the_name_activity_dates_code_and_check_address(client_as, certified):
    response = client_as("manager").get(url("activities:certificate_pdf", code=certified.certificate_code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    text = pdf.decode("cp1252", errors="replace")
    assert certified.certificate_code in text
    assert "Zoé" in text and "N’Diaye-Sène" in text  # accents and the typographic apostrophe, in Windows-1252
    assert "Good standardization practices" in text
    assert "11 March 2024 to 13 March 2024" in text
    check = url("activities:certificate_check_code", code=certified.certificate_code)
    assert f"http://testserver{check}" in text


def test_the_pdf_in_french(client_as, certified):
    response = client_as("manager").get(
        url("activities:certificate_pdf", "en", code=certified.certificate_code) + "?lang=fr"
    )
    text = response.content.decode("cp1252", errors="replace")
    assert "/Lang (fr)" in text
    assert "Bonnes pratiques de normalisation" in text
    assert "11 mars 2024" in text and "13 mars 2024" in text
    assert url("activities:certificate_check_code", "fr", code=certified.certificate_code) in text


def test_the_pdf_follows_the_page_language_when_none_is_asked(client_as, certified):
    response = client_as("manager").get(url("activities:certificate_pdf", "fr", code=certified.certificate_code))
    assert "Bonnes pratiques" in response.content.decode("cp1252", errors="replace")


def test_the_pdf_goes_to_the_organisers_and_the_team_only(client_as, certified, other_nsb):
    path = url("activities:certificate_pdf", code=certified.certificate_code)
    for role in ("manager", "admin", "focal", "contributor"):
        assert client_as(role).get(path).status_code == 200, role
    for role in ("viewer", "plain"):
        assert client_as(role).get(path).status_code == 403, role
    assert client_as(None).get(path).status_code == 302  # to the login page


def test_an_unknown_or_withdrawn_code_has_no_pdf(client_as, certified, users):
    client = client_as("manager")
    assert client.get(url("activities:certificate_pdf", code="AAAA-BBBB-CCCC-DDDD")).status_code == 404
    code = certified.certificate_code
    services.registration_complete(actor=users["manager"], registration=certified, completed=False)
    assert client.get(url("activities:certificate_pdf", code=code)).status_code == 404


def test_names_outside_windows_1252_fall_back_to_the_nearest_latin_letters():
    assert pdf_text("Zoé N’Diaye – Œuvre") == "Zoé N’Diaye – Œuvre"  # all in Windows-1252: unchanged
    assert pdf_text("Łukasz Wałęsa") == "Lukasz Walesa"
    assert pdf_text("Nguyễn Thị Minh Khai") == "Nguyen Thi Minh Khai"
    assert pdf_text("Đặng") == "Dang"
    assert pdf_text("محمد") == "????"
    assert pdf_text("12\u202f345") == "12 345"


def test_a_pdf_for_a_name_in_another_script_still_renders(client_as, certified):
    Person.objects.filter(pk=certified.person_id).update(given_name="Łukasz", family_name="محمد")
    response = client_as("manager").get(url("activities:certificate_pdf", code=certified.certificate_code))
    assert response.status_code == 200
    assert b"Lukasz ????" in response.content


# The public check -------------------------------------------------------------------------------------------


def test_a_valid_code_shows_the_name_activity_and_dates_and_nothing_else(client, certified):
    response = client.get(url("activities:certificate_check_code", code=certified.certificate_code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in html
    assert "Zoé N’Diaye-Sène" in html
    assert "Good standardization practices" in html
    assert "11 March 2024 to 13 March 2024" in html
    for private in ("zoe.ndiaye@example.org", "+221", "Secrétaire", "ASN", "Female", "Dakar"):
        assert private not in html, private
    assert response["X-Robots-Tag"] == "noindex"


def test_the_check_in_french(client, certified):
    html = client.get(url("activities:certificate_check_code", "fr", code=certified.certificate_code)).content.decode()
    assert '<html lang="fr">' in html
    assert "Bonnes pratiques de normalisation" in html
    assert "11 mars 2024" in html


def test_the_code_is_read_as_people_type_it(client, certified):
    typed = certified.certificate_code.lower().replace("-", " ")
    response = client.get(url("activities:certificate_check"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == url("activities:certificate_check_code", code=certified.certificate_code)
    assert "valid" in client.get(response["Location"]).content.decode()


def test_a_wrong_code_gets_a_clear_message_not_an_error_page(client, certified):
    for wrong in ("AAAA-BBBB-CCCC-DDDD", "x", "<script>alert(1)</script>", "A" * 500, "%00"):
        response = client.get(
            url("activities:certificate_check_code", code="placeholder").replace("placeholder", wrong)
        )
        html = response.content.decode()
        if wrong == "%00":  # a NUL character is refused before any view (jalon/web/nul_bytes.py)
            assert response.status_code == 400
            continue
        assert response.status_code == 200, wrong
        assert "No valid certificate has the code" in html
        assert "Zoé" not in html
        assert "<script>alert" not in html


def test_the_form_asks_again_for_an_empty_or_blank_code(client, db):
    for blank in ("", "  ", "--"):
        response = client.get(url("activities:certificate_check"), {"code": blank})
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode()
    assert client.get(url("activities:certificate_check")).status_code == 200


def test_a_withdrawn_certificate_no_longer_verifies(client, certified, users):
    code = certified.certificate_code
    services.registration_complete(actor=users["manager"], registration=certified, completed=False)
    assert "No valid certificate" in client.get(url("activities:certificate_check_code", code=code)).content.decode()


def test_a_cancelled_registration_no_longer_verifies(client, certified):
    code = certified.certificate_code
    type(certified).objects.filter(pk=certified.pk).update(status="cancelled")
    assert "No valid certificate" in client.get(url("activities:certificate_check_code", code=code)).content.decode()


def test_after_erasure_the_code_still_verifies_but_shows_no_name(client, certified, users):
    services.person_erase(actor=users["admin"], person=certified.person)
    html = client.get(url("activities:certificate_check_code", code=certified.certificate_code)).content.decode()
    assert "This certificate is valid." in html
    assert "erased at their request" in html
    assert "Zoé" not in html and "Anonymised" not in html
    assert "Good standardization practices" in html


def test_the_organiser_is_not_on_the_public_page_even_for_another_organisation(client, certified):
    Organisation.objects.filter(pk=certified.activity.organiser_id).update(name="Secret organiser")
    html = client.get(url("activities:certificate_check_code", code=certified.certificate_code)).content.decode()
    assert "Secret organiser" not in html
