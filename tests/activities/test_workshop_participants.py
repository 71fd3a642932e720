"""The participants page of an activity (issue 19): search (accents and case ignored) and filters, bulk
actions confirmed on a second page (present at a session, complete, certificates and survey links by e-mail),
exports of the list (CSV and XLSX, formulas neutralised) and the sign-in sheet (PDF and XLSX)."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from jalon.activities import services
from jalon.activities.models import Attendance, Registration
from tests.activities.conftest import activity_build, country
from tests.activities.test_pages import main_text, page_url


@pytest.fixture
def held(db, asn):
    """A workshop that began last week: one session held, three participants (one with a formula for a name)."""
    today = timezone.localdate()
    activity = activity_build(
        code="held", start_date=today - datetime.timedelta(days=7), end_date=today + datetime.timedelta(days=5)
    )
    session = services.session_create(actor=None, activity=activity, date=activity.start_date, title="Day 1")
    names = [("Séydou", "Ndiaye", "s@example.org"), ("Souleymane", "Sow", "so@example.org"), ("=1+1", "Evil", "")]
    registrations = [
        services.registration_create(
            actor=None,
            activity=activity,
            person_details={
                "given_name": given,
                "family_name": family,
                "email": email,
                "organisation": asn,
                "country": country("SEN"),
            },
            language="en",
        )
        for given, family, email in names
    ]
    return activity, session, registrations


def url(activity, name="activities:participants", language="en", **kwargs):
    return page_url(name, language, code=activity.code, **kwargs)


def test_search_ignores_accents_and_case_and_filters_combine(client_as, held):
    activity, _session, registrations = held
    client = client_as("manager")
    text = main_text(client.get(url(activity), {"q": "SEYDOU"}))
    assert "Séydou Ndiaye" in text and "Souleymane" not in text
    services.registration_complete(actor=None, registration=registrations[1])
    text = main_text(client.get(url(activity), {"progress": "completed"}))
    assert "Souleymane" in text and "Séydou" not in text
    text = main_text(client.get(url(activity), {"status": "waiting"}))
    assert "No registration matches." in text


@pytest.mark.parametrize(("language", "heading"), [("en", "Participants"), ("fr", "Participants")])
def test_the_page_speaks_both_languages(client_as, held, language, heading):
    activity, _session, _registrations = held
    response = client_as("focal").get(url(activity, language=language))
    assert response.status_code == 200
    text = main_text(response)
    assert heading in text
    assert ("Sign-in sheet" if language == "en" else "Feuille d’émargement") in text


def test_bulk_present_asks_for_confirmation_then_records(client_as, held):
    activity, session, registrations = held
    client = client_as("focal")
    chosen = [registrations[0].pk, registrations[1].pk]
    body = {"action": "present", "session": session.pk, "registrations": chosen}
    response = client.post(url(activity, "activities:participants_bulk"), body)
    assert response.status_code == 200 and "Séydou Ndiaye" in main_text(response)
    assert not Attendance.objects.exists()
    response = client.post(url(activity, "activities:participants_bulk"), body | {"confirm": "1"})
    assert response.status_code == 302
    assert set(Attendance.objects.filter(present=True).values_list("registration_id", flat=True)) == set(chosen)


def test_bulk_present_refuses_a_session_not_yet_held(client_as, held):
    activity, _session, registrations = held
    later = services.session_create(
        actor=None, activity=activity, date=timezone.localdate() + datetime.timedelta(days=3)
    )
    body = {"action": "present", "session": later.pk, "registrations": [registrations[0].pk], "confirm": "1"}
    response = client_as("focal").post(url(activity, "activities:participants_bulk"), body, follow=True)
    assert "attendance can be recorded from that day" in main_text(response)
    assert not Attendance.objects.exists()


def test_bulk_ids_beyond_any_record_are_left_out_and_the_real_ones_kept(client_as, held):
    """A huge id (SQLite fails on one beyond 64 bits) or a negative one is ignored as any id not on the sheet is."""
    activity, session, registrations = held
    ids = [str(2**63), "-1", "00", str(registrations[0].pk)]
    body = {"action": "present", "session": session.pk, "registrations": ids, "confirm": "1"}
    response = client_as("focal").post(url(activity, "activities:participants_bulk"), body, follow=True)
    assert response.status_code == 200
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [registrations[0].pk]


def test_bulk_certificates_complete_and_mail_a_personal_link_once(client_as, held):
    activity, _session, registrations = held
    client = client_as("manager")
    body = {"action": "certificates", "registrations": [row.pk for row in registrations], "confirm": "1"}
    response = client.post(url(activity, "activities:participants_bulk"), body, follow=True)
    assert "done for 2, 1 left aside" in main_text(response)  # the third has no address
    assert all(Registration.objects.get(pk=row.pk).certificate_code for row in registrations)
    assert sorted(message.to[0] for message in mail.outbox) == ["s@example.org", "so@example.org"]
    assert "/activities/certificates/link/" in mail.outbox[0].body
    client.post(url(activity, "activities:participants_bulk"), body)
    client.post(url(activity, "activities:participants_bulk"), body)
    assert len(mail.outbox) == 2  # never twice


def test_bulk_actions_are_for_organisers_only(client_as, held):
    activity, _session, registrations = held
    body = {"action": "complete", "registrations": [registrations[0].pk], "confirm": "1"}
    assert client_as("viewer").post(url(activity, "activities:participants_bulk"), body).status_code == 403
    assert not Registration.objects.filter(completed=True).exists()


def test_bulk_without_a_tick_says_so(client_as, held):
    activity, _session, _registrations = held
    response = client_as("focal").post(
        url(activity, "activities:participants_bulk"), {"action": "complete"}, follow=True
    )
    assert "tick at least one participant" in main_text(response)


def test_the_csv_export_follows_the_filter_and_neutralises_formulas(client_as, held):
    activity, _session, _registrations = held
    response = client_as("manager").get(url(activity, "activities:participants_export", format="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Family name", "Given name", "Email", "Organisation"]
    assert rows[1][3:5] == ["Association Sénégalaise de Normalisation", "Senegal"]
    assert ["Evil", "'=1+1"] in [row[:2] for row in rows]
    response = client_as("manager").get(url(activity, "activities:participants_export", format="csv"), {"q": "sow"})
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 2


def test_the_xlsx_export_writes_text_not_formulas(client_as, held):
    activity, _session, _registrations = held
    response = client_as("manager").get(url(activity, "activities:participants_export", format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert "'=1+1" in [cell.value for cell in cells]


def test_an_unknown_export_format_is_not_found(client_as, held):
    activity, _session, _registrations = held
    assert client_as("manager").get(url(activity, "activities:participants_export", format="ods")).status_code == 404


def test_the_sign_in_sheet_is_a_pdf_and_an_xlsx(client_as, held):
    activity, session, _registrations = held
    client = client_as("focal")
    response = client.get(url(activity, "activities:signin_sheet", pk=session.pk, format="pdf"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    response = client.get(url(activity, "activities:signin_sheet", pk=session.pk, format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("#", "Family name", "Given name", "Organisation", "Signature")
    assert [row[1] for row in rows[1:]] == ["Evil", "Ndiaye", "Sow"]
    assert rows[1][3] == "ASN"


@pytest.mark.parametrize("count", [3, 30])
def test_the_participants_page_costs_the_same_whatever_its_size(client_as, held, count, django_assert_max_num_queries):
    activity, _session, _registrations = held
    for n in range(count):
        services.registration_create(
            actor=None, activity=activity, person_details={"given_name": f"G{n}", "family_name": f"F{n}"}
        )
    client = client_as("manager")
    with django_assert_max_num_queries(14):
        assert client.get(url(activity), {"q": "f"}).status_code == 200
