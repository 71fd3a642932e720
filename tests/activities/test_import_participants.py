"""Importing an activity's participants and attendance from a file, through the pages, as organisers do."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jalon.accounts.models import AuditEntry
from jalon.activities.models import Attendance, Registration
from jalon.activities.services import registration_cancel, registration_create
from jalon.jobs.models import Job
from jalon.organisations.models import Person
from tests.activities.import_files import (
    HEADERS_EN,
    HEADERS_FR,
    csv_bytes,
    participant_rows,
    upload,
    workshop_create,
    xlsx_bytes,
)


@pytest.fixture
def workshop(users, nsb):
    return workshop_create(users["manager"], nsb)


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def post_file(client, activity, name, content, language="en"):
    with translation.override(language):
        path = reverse("activities:participant_import", kwargs={"code": activity.code})
    return client.post(path, {"file": upload(name, content)}, HTTP_ACCEPT_LANGUAGE=language)


def last_job() -> Job:
    """The latest participant import (the tests' immediate backend has run it in the upload's request)."""
    return Job.objects.filter(kind="participants").latest("pk")


def nothing_saved(before_people: int) -> bool:
    return (
        Person.objects.count() == before_people
        and not Registration.objects.exists()
        and not Attendance.objects.exists()
    )


def test_200_rows_with_two_bad_ones_give_an_exact_report_and_save_nothing_then_the_fixed_file_imports(
    client_as, workshop
):
    client = client_as("manager")
    rows = participant_rows(200)
    rows[35][2] = "not-an-email"  # sheet row 37
    rows[149][12] = 7  # sheet row 151
    people_before = Person.objects.count()

    response = post_file(client, workshop, "participants.xlsx", xlsx_bytes(HEADERS_EN, rows))

    job = last_job()
    assert response.status_code == 302 and response["Location"] == url("activities:import_job", pk=job.pk)
    assert job.status == Job.Status.FAILED
    assert job.result["error_count"] == 2
    assert job.result["errors"] == [
        {"row": 37, "column": "Email", "value": "not-an-email", "message": "Not a valid email address."},
        {"row": 151, "column": "Satisfaction (1-5)", "value": "7", "message": "Must be between 1 and 5."},
    ]
    assert nothing_saved(people_before)
    assert not job.upload, "the upload (personal data) is not kept"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was saved" in page
    assert re.search(r"<td>37</td><td>Email</td><td>not-an-email</td><td>Not a valid email address.</td>", page)
    assert "Refresh" not in client.get(response["Location"])

    rows[35][2] = "fixed@example.org"
    rows[149][12] = 5
    response = post_file(client, workshop, "participants-fixed.xlsx", xlsx_bytes(HEADERS_EN, rows))

    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert Registration.objects.filter(activity=workshop, source=Registration.Source.IMPORT).count() == 200
    assert Person.objects.count() == people_before + 200
    expected_attendance = sum(1 for row in rows for cell in row[7:10] if cell)
    assert Attendance.objects.filter(session__activity=workshop).count() == expected_attendance
    assert job.result["rows"] == 200 and job.result["registrations_created"] == 200
    assert job.result["attendance_created"] == expected_attendance
    registration = Registration.objects.get(person__email="fixed@example.org")
    assert (registration.satisfaction, registration.post_test_score) == (4, 70.5)
    assert Registration.objects.get(person__email="participant149@example.org").satisfaction == 5
    # One audit entry for the whole import (beside the job's creation), none per row.
    entries = AuditEntry.objects.filter(model="jobs.job", object_id=str(job.pk), action=AuditEntry.Action.UPDATE)
    assert entries.count() == 1 and entries.get().after["result"]["registrations_created"] == 200
    assert not AuditEntry.objects.filter(model__in=["organisations.person", "activities.registration"]).exists()
    page = client.get(url("activities:import_job", pk=job.pk)).content.decode()
    assert "The file was imported." in page and "Registrations created" in page


def test_an_import_moves_the_framework_indicator_linked_to_participants_trained(
    client_as, workshop, reach, users, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from jalon.results.computations import indicator_link_computation
    from jalon.results.models import Dimension, Indicator, Measurement

    workshop.outputs.add(reach.output)
    indicator = Indicator.objects.create(result=reach.output, code="T1", title={"en": "People trained"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="activities_participants_trained")

    def trained(**cell):
        return Measurement.objects.get(indicator=indicator, period=reach.p2026, **cell).value

    assert trained(dimension_value__isnull=True) == 0
    # Every row was present at the first session: all 200 are trained; odd-numbered rows are women.
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client_as("manager"), workshop, "participants.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(200)))
    assert last_job().status == Job.Status.SUCCEEDED
    assert trained(dimension_value__isnull=True) == Decimal(200)
    women = {"dimension_value__dimension__kind": Dimension.Kind.SEX, "dimension_value__code": "female"}
    assert trained(**women) == Decimal(100)


def test_french_headers_values_and_a_semicolon_latin1_csv_as_french_excel_saves_it(client_as, workshop):
    rows = [
        [
            "Zoé",
            "N'Diaye",
            "zoe@example.org",
            "Femme",
            "ASN",
            "Sénégal",
            "Personnel d'ONN",
            "oui",
            "non",
            "x",
            "45,5",
            "80",
            "5",
            "oui",
        ],
        [
            "Éric",
            "Faye",
            "",
            "H",
            "Association sénégalaise de normalisation",
            "sn",
            "",
            "présent",
            "absent",
            "",
            "",
            "",
            "",
            "non",
        ],
    ]
    content = csv_bytes(HEADERS_FR, rows, separator=";", encoding="cp1252")

    post_file(client_as("focal"), workshop, "participants.csv", content, language="fr")

    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.result.get("errors"))
    zoe = Person.objects.get(email="zoe@example.org")
    assert (zoe.given_name, zoe.family_name, zoe.sex, zoe.country.iso3) == ("Zoé", "N'Diaye", "female", "SEN")
    assert zoe.function == Person.Function.NSB_STAFF
    registration = zoe.registrations.get()
    assert registration.pre_test_score == 45.5 and registration.completed and registration.certificate_code
    present = dict(registration.attendances.values_list("session__date__day", "present"))
    assert present == {2: True, 3: False, 4: True}
    eric = Person.objects.get(given_name="Éric")
    assert eric.sex == "male" and eric.organisation.acronym == "ASN" and eric.country.iso3 == "SEN"
    assert not eric.registrations.get().completed


@pytest.mark.parametrize(
    ("encoding", "bom", "separator"),
    [("utf-8", True, ","), ("utf-8", False, ";"), ("latin-1", False, ","), ("utf-8", False, "\t")],
)
def test_csv_files_import_with_or_without_bom_in_utf8_or_latin1_and_any_usual_separator(
    client_as, workshop, encoding, bom, separator
):
    rows = participant_rows(3)
    rows[0][0] = "Hélène"
    post_file(
        client_as("manager"),
        workshop,
        "participants.csv",
        csv_bytes(HEADERS_EN, rows, separator=separator, encoding=encoding, bom=bom),
    )

    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.result.get("errors"))
    assert Person.objects.filter(given_name="Hélène", email="participant0@example.org").exists()


def test_people_already_recorded_are_recognised_and_only_their_blank_details_filled(users, client_as, workshop, nsb):
    by_email = Person.objects.create(given_name="Awa", family_name="Diop", email="Awa.Diop@Example.org", sex="")
    by_name = Person.objects.create(given_name="Moussa", family_name="Sall", organisation=nsb, function="regulator")
    namesake = Person.objects.create(given_name="Fatou", family_name="Ba", email="fatou@one.org", organisation=nsb)
    header = ["Prénom", "Nom", "Courriel", "Sexe", "Organisation", "Fonction"]
    rows = [
        ["A.", "Diop-Changed", "awa.diop@example.org", "F", "ASN", "academia"],
        ["moussa", "SALL", "", "M", "asn", "industry"],
        ["Fatou", "Ba", "fatou@two.org", "F", "ASN", ""],
    ]
    people_before = Person.objects.count()

    post_file(client_as("manager"), workshop, "people.xlsx", xlsx_bytes(header, rows))

    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, job.result.get("errors")
    assert Person.objects.count() == people_before + 1, "only the namesake with another email is new"
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_email.family_name, by_email.sex, by_email.function, by_email.organisation) == (
        "Diop",
        "female",
        "academia",
        nsb,
    )
    assert (by_name.sex, by_name.function) == ("male", "regulator"), "blank filled, recorded function kept"
    assert Registration.objects.filter(activity=workshop, person__in=[by_email, by_name]).count() == 2
    assert not Registration.objects.filter(person=namesake).exists()
    assert job.result["people_recognised"] == 2 and job.result["people_created"] == 1


def test_the_same_person_twice_in_a_file_is_reported_on_the_later_row(client_as, workshop):
    rows = participant_rows(4)
    rows[3][2] = "PARTICIPANT1@example.org"
    rows[2][2] = ""
    rows.append(["Given2", "Family2", "", "F", "ASN", "", "", "", "", "", "", "", "", ""])

    post_file(client_as("manager"), workshop, "dupes.xlsx", xlsx_bytes(HEADERS_EN, rows))

    job = last_job()
    assert job.status == Job.Status.FAILED
    assert [(error["row"], error["column"]) for error in job.result["errors"]] == [(5, "Email"), (6, "Family name")]
    assert job.result["errors"][0]["message"] == "Same person as row 3 (same email): give each participant one row."
    assert "row 4 (same name and organisation)" in job.result["errors"][1]["message"]


def test_importing_again_updates_registrations_and_attendance_and_reopens_cancelled_ones(users, client_as, workshop):
    rows = participant_rows(3)
    client = client_as("manager")
    post_file(client, workshop, "first.xlsx", xlsx_bytes(HEADERS_EN, rows))
    cancelled = Registration.objects.get(person__email="participant2@example.org")
    registration_cancel(actor=users["manager"], registration=cancelled)
    withdrawn = Registration.objects.get(person__email="participant1@example.org")
    assert withdrawn.certificate_code
    rows[0][8] = "yes"  # participant0 was absent on day 2
    rows[1][13] = "no"
    rows[2][10] = 99
    for row in rows:
        row[12] = ""  # blank: satisfaction stays as recorded

    post_file(client, workshop, "second.xlsx", xlsx_bytes(HEADERS_EN, rows))

    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, job.result.get("errors")
    assert Registration.objects.filter(activity=workshop).count() == 3
    assert Attendance.objects.get(registration__person__email="participant0@example.org", session__date__day=3).present
    withdrawn.refresh_from_db()
    assert not withdrawn.completed and withdrawn.certificate_code is None
    cancelled.refresh_from_db()
    assert cancelled.status == Registration.Status.REGISTERED and cancelled.pre_test_score == 99
    assert cancelled.satisfaction == 4 and cancelled.version > 1
    assert job.result["registrations_updated"] == 2 and job.result["attendance_updated"] == 1


def test_a_registration_made_by_hand_is_found_by_the_import(users, client_as, workshop, nsb):
    person = Person.objects.create(given_name="Given0", family_name="Family0", email="participant0@example.org")
    registration_create(actor=users["manager"], activity=workshop, person=person)

    post_file(client_as("manager"), workshop, "one.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(1)))

    assert last_job().status == Job.Status.SUCCEEDED
    registration = Registration.objects.get(activity=workshop)
    assert registration.source == Registration.Source.MANUAL and registration.post_test_score == 70.5


def test_columns_headed_by_session_date_or_title_find_their_session(client_as, workshop):
    header = ["Given name", "Family name", "02/03/2026", "2026-03-03", "Day 3"]
    post_file(client_as("manager"), workshop, "dates.csv", csv_bytes(header, [["A", "B", "yes", "no", "yes"]]))

    assert last_job().status == Job.Status.SUCCEEDED
    days = dict(Attendance.objects.values_list("session__title", "present"))
    assert days == {"Day 1": True, "Day 2": False, "Day 3": True}


def test_unknown_columns_are_refused_when_they_hold_data_and_ignored_when_empty(client_as, workshop):
    header = ["Given name", "Family name", "Notes", "Session 4"]
    post_file(client_as("manager"), workshop, "extra.csv", csv_bytes(header, [["A", "B", "", "yes"]]))

    job = last_job()
    assert job.status == Job.Status.FAILED
    assert [(error["row"], error["column"]) for error in job.result["errors"]] == [(1, "Session 4")]
    assert job.result["errors"][0]["message"].startswith("Unknown column: rename it to one of Given name, Family name")


def test_missing_required_columns_and_cells_are_named(client_as, workshop):
    post_file(client_as("manager"), workshop, "x.csv", csv_bytes(["Given name", "Email"], [["A", "a@example.org"]]))
    assert last_job().result["errors"] == [
        {
            "row": 1,
            "column": "Family name",
            "value": "",
            "message": "This column is required and missing from the first row.",
        }
    ]
    post_file(client_as("manager"), workshop, "y.csv", csv_bytes(["Given name", "Family name"], [["A", " "]]))
    assert last_job().result["errors"] == [
        {"row": 2, "column": "Family name", "value": "", "message": "Required: this cell is empty."}
    ]


def test_unknown_and_ambiguous_organisations_and_countries_are_explained(client_as, workshop, other_nsb):
    header = ["Given name", "Family name", "Organisation", "Country"]
    rows = [["A", "B", "Nowhere Institute", "Atlantis"], ["C", "D", "KEBS", "KE"]]
    post_file(client_as("manager"), workshop, "orgs.csv", csv_bytes(header, rows))

    errors = last_job().result["errors"]
    assert [(error["row"], error["column"], error["value"]) for error in errors] == [
        (2, "Organisation", "Nowhere Institute"),
        (2, "Country", "Atlantis"),
    ]
    assert errors[0]["message"].startswith("No organisation with this acronym or name")


def test_the_report_is_in_the_language_of_the_person_who_uploaded(client_as, workshop):
    rows = participant_rows(1)
    rows[0][3] = "unknown"
    post_file(client_as("manager"), workshop, "fr.xlsx", xlsx_bytes(HEADERS_FR, rows), language="fr")

    job = last_job()
    assert job.language == "fr"
    with translation.override("fr"):
        from django.utils.translation import gettext

        expected_prefix = gettext("Not one of the choices: %(choices)s.").split("%")[0]
    assert job.result["errors"][0]["column"] == "Sexe" and job.result["errors"][0]["message"].startswith(
        expected_prefix
    )


def test_the_report_downloads_as_csv_and_xlsx(client_as, workshop):
    client = client_as("manager")
    rows = participant_rows(2)
    rows[1][2] = "=cmd|' /C calc'!A0"
    post_file(client, workshop, "bad.csv", csv_bytes(HEADERS_EN, rows))
    job = last_job()

    csv_response = client.get(url("activities:import_report", pk=job.pk, format="csv"))
    xlsx_response = client.get(url("activities:import_report", pk=job.pk, format="xlsx"))

    assert csv_response.status_code == 200 and "attachment" in csv_response["Content-Disposition"]
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Value,Problem"
    assert lines[1].startswith("3,Email,")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == 3 and values[1][2].startswith("'="), "a formula from the file stays text"
    assert client.get(url("activities:import_report", pk=job.pk, format="pdf")).status_code == 404


def test_a_cancelled_activity_takes_no_import(users, client_as, workshop):
    from jalon.activities.services import activity_update

    activity_update(actor=users["manager"], activity=workshop, status="cancelled")
    post_file(client_as("manager"), workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(1)))
    job = last_job()
    assert job.status == Job.Status.FAILED and "cancelled" in job.message


def test_choice_labels_and_codes_are_both_understood(client_as, workshop):
    header = ["Given name", "Family name", "Sex", "Function"]
    rows = [["A", "B", "female", "committee_chair"], ["C", "D", "Prefer not to say", "Committee manager"]]
    post_file(client_as("manager"), workshop, "c.csv", csv_bytes(header, rows))
    assert last_job().status == Job.Status.SUCCEEDED
    assert set(Person.objects.filter(given_name__in=["A", "C"]).values_list("sex", "function")) == {
        ("female", "committee_chair"),
        ("undisclosed", "committee_manager"),
    }


def test_the_follow_up_survey_imports_and_cannot_come_before_the_activity(client_as, workshop):
    header = ["Given name", "Family name", "Applied what was learned", "Follow-up date"]
    rows = [["A", "B", "en partie", "15/09/2026"], ["C", "D", "Yes", "2026-09-15"]]
    post_file(client_as("manager"), workshop, "f.csv", csv_bytes(header, rows))
    assert last_job().status == Job.Status.SUCCEEDED
    assert set(Registration.objects.values_list("followup_applied", "followup_date__month")) == {
        ("partly", 9),
        ("yes", 9),
    }

    rows = [["E", "F", "no", "01/01/2026"]]
    post_file(client_as("manager"), workshop, "g.csv", csv_bytes(header, rows))
    assert last_job().result["errors"] == [
        {
            "row": 2,
            "column": "Follow-up date",
            "value": "2026-01-01",
            "message": "The follow-up cannot come before the activity (2026-03-02).",
        }
    ]


def test_a_session_header_means_its_rank_whatever_the_ids_of_the_sessions():
    """Was order-dependent: "Session 3" went to the session whose id was 3 when that one came first."""
    from jalon.activities.imports import session_columns
    from jalon.activities.models import ActivitySession
    from jalon.interop.tabular import Report, header_match

    day = datetime.date(2026, 3, 2)
    sessions = [
        ActivitySession(pk=3, date=day, title="Opening"),
        ActivitySession(pk=1, date=day + datetime.timedelta(days=1), title="Practice"),
        ActivitySession(pk=2, date=day + datetime.timedelta(days=2), title="Closing"),
    ]
    report = Report()
    header = header_match(1, ["Session 1", "Session 2", "Session 3"], session_columns(sessions), report)
    assert not report
    assert [column.key for column in header.positions.values()] == ["session:3", "session:1", "session:2"]


def test_a_focal_points_import_does_not_take_a_participant_it_may_not_see(users, client_as, workshop, other_nsb):
    """An address known only as another organisation's participant is not linked: the file makes a new
    record (for the team's duplicates tool), and the other person's details stay as they were."""
    elsewhere = Person.objects.create(
        given_name="Grace", family_name="Wanjiru", email="grace@kebs.example", organisation=other_nsb
    )
    header = ["Prénom", "Nom", "Courriel", "Sexe", "Organisation"]
    post_file(
        client_as("focal"),
        workshop,
        "people.xlsx",
        xlsx_bytes(header, [["G.", "W.", "grace@kebs.example", "F", "ASN"]]),
    )
    job = last_job()
    assert job.status == Job.Status.SUCCEEDED, job.result.get("errors")
    assert job.result["people_created"] == 1 and not job.result.get("people_recognised")
    elsewhere.refresh_from_db()
    assert (elsewhere.given_name, elsewhere.sex, elsewhere.organisation) == ("Grace", "", other_nsb)
    assert not Registration.objects.filter(person=elsewhere).exists()


def test_attendance_at_a_session_that_has_not_taken_place_is_refused_on_its_row(client_as, workshop):
    from jalon.activities.services import session_create

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    type(workshop).objects.filter(pk=workshop.pk).update(end_date=tomorrow)
    workshop.refresh_from_db()
    later = session_create(actor=None, activity=workshop, date=tomorrow)
    header = ["Given name", "Family name", f"Session {workshop.sessions.count()}"]
    post_file(client_as("manager"), workshop, "f.csv", csv_bytes(header, [["A", "B", ""], ["C", "D", "yes"]]))
    job = last_job()
    assert job.status == Job.Status.FAILED
    assert [(error["row"], error["column"]) for error in job.result["errors"]] == [(3, header[2])]
    assert "attendance can be recorded from that day" in job.result["errors"][0]["message"]
    assert not Attendance.objects.filter(session=later).exists() and not Registration.objects.exists()
