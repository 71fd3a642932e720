"""The import pages: bad files get clear messages (never a 500), the progress page in each state, cancel, the
templates in both languages, and who sees an import. The tests' immediate backend runs an import in the
upload's request; tests/activities/test_import_worker.py runs it in a real worker behind a real server."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jalon.activities import imports as participants
from jalon.activities.imports import participants_import_start, participants_import_work
from jalon.activities.models import Registration
from jalon.activities.tasks import participants_import
from jalon.jobs import services as jobs
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


def url(name, prefix="en", **kwargs):
    with translation.override(prefix):
        return reverse(name, kwargs=kwargs)


def post(client, activity, name, content, language="en"):
    return client.post(
        url("activities:participant_import", language, code=activity.code), {"file": upload(name, content)}
    )


def form_error(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["file"])


def job_of(activity, owner, **fields) -> Job:
    """A participant import in the state `fields` give it."""
    defaults = {"kind": "participants", "upload_name": "participants.xlsx", "language": "en"}
    return Job.objects.create(subject_id=activity.pk, owner=owner, **{**defaults, **fields})


# Bad files --------------------------------------------------------------------------------------------------


def damaged_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("participants.pdf", b"%PDF-1.4 whatever", "Files of this type (.pdf) cannot be imported"),
        ("participants.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Old Excel workbooks (.xls)"),
        ("participants.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        ("participants.csv", b"%PDF-1.4 \x00\x01\x02", "not a spreadsheet"),
        ("participants.csv", b"\x00\x01\x02\x03binary", "not a spreadsheet"),
        ("participants.xlsx", b"Given name,Family name\n", "not a valid .xlsx workbook"),
        ("participants.xlsx", damaged_zip(), "a zip archive but not an .xlsx workbook"),
        ("participants.csv", b"", "file is empty"),
        ("noextension", b"a,b\n", "Files of this type (no extension)"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_on_the_form_with_a_clear_message(
    client_as, workshop, name, content, message, english
):
    response = post(client_as("manager"), workshop, name, content)
    assert message in form_error(response)
    assert not Job.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client_as, workshop, settings):
    settings.JALON_IMPORT_MAX_BYTES = 1000
    response = post(client_as("manager"), workshop, "big.csv", csv_bytes(HEADERS_EN, participant_rows(50)))
    assert "The file is too large" in form_error(response)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("blank.csv", b"\n\n \n", "The file is empty: there is no header row and no data."),
        ("headers.csv", csv_bytes(HEADERS_EN, []), "The file has a header row but no rows of data."),
        ("headers.xlsx", xlsx_bytes(HEADERS_FR, []), "The file has a header row but no rows of data."),
        ("random.csv", b"foo,bar\n1,2\n", "No known column header in the first row."),
    ],
)
def test_files_without_data_fail_with_a_clear_message(client_as, workshop, name, content, message):
    response = post(client_as("manager"), workshop, name, content)
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == Job.Status.FAILED
    assert message in job.message + " ".join(error["message"] for error in job.result.get("errors", []))
    page = client_as("manager").get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode()


def test_more_rows_than_the_limit_fail_without_saving(client_as, workshop, settings):
    settings.JALON_IMPORT_MAX_ROWS = 10
    post(client_as("manager"), workshop, "many.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(11)))
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message == "The file has more than 10 rows of data: split it into several files."
    assert not Registration.objects.exists()


def test_a_crashed_import_is_marked_failed_with_a_message_and_saves_nothing(client_as, workshop, monkeypatch, caplog):
    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("jalon.activities.imports.participants_save", crash)
    post(client_as("manager"), workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(2)))
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("The job stopped because of an unexpected error. Nothing was saved.")
    assert "disk on fire" not in job.message, "internal details stay in the server log"
    assert f"Job {job.pk} (participants) crashed" in caplog.text
    assert not Registration.objects.exists() and not job.upload


def test_a_crash_during_the_save_rolls_back_what_was_written(client_as, workshop, monkeypatch):
    original = participants._attendance_save

    def attendance_then_crash(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("late failure")

    monkeypatch.setattr(participants, "_attendance_save", attendance_then_crash)
    post(client_as("manager"), workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(5)))
    assert Job.objects.get().status == Job.Status.FAILED
    assert not Registration.objects.exists()


# Background jobs, the progress page and cancel --------------------------------------------------------------


def test_an_upload_queued_for_the_worker_keeps_its_file_and_the_page_waits_for_it(client_as, workshop, users):
    job = participants_import_start(
        actor=users["manager"],
        activity=workshop,
        upload=upload("p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(2))),
        language="en",
        enqueue=False,
    )
    assert (job.status, job.kind, job.subject_id, job.owner) == (
        "queued",
        "participants",
        workshop.pk,
        users["manager"],
    )
    assert job.upload and job.upload_name == "p.xlsx"
    page = client_as("manager").get(url("activities:import_job", pk=job.pk))
    html = page.content.decode()
    assert page["Refresh"] == "2" and page["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html and "Waiting for the worker to start it" in html
    assert url("jobs:job_cancel", pk=job.pk) in html, "its owner may cancel it"

    # What the worker does with it: the task runs the job, which saves the rows and removes the upload.
    participants_import.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and not job.upload
    assert Registration.objects.filter(activity=workshop).count() == 2


def test_the_progress_page_shows_a_bar_while_checking_rows_then_saving(client_as, workshop, users):
    job = job_of(
        workshop,
        users["manager"],
        status=Job.Status.RUNNING,
        step="Reading and checking the rows",
        total=1000,
        done=250,
        worker="elsewhere:1",
        heartbeat_at=timezone.now(),
    )
    client = client_as("manager")
    html = client.get(url("activities:import_job", pk=job.pk)).content.decode()
    assert '<progress id="job-progress" max="1000" value="250">25 %</progress>' in html
    assert "Reading and checking the rows 250 of 1000" in html
    Job.objects.filter(pk=job.pk).update(step="Every row is valid: saving 1000 rows…", total=None, done=0)
    html = client.get(url("activities:import_job", pk=job.pk)).content.decode()
    assert "Every row is valid: saving 1000 rows" in html and '<progress id="job-progress">' in html


def test_a_finished_job_page_does_not_refresh(client_as, workshop, users):
    job = job_of(workshop, users["manager"], status=Job.Status.SUCCEEDED, result={"rows": 3})
    response = client_as("manager").get(url("activities:import_job", pk=job.pk))
    assert "Refresh" not in response
    assert 'http-equiv="refresh"' not in response.content.decode()
    assert "The file was imported." in response.content.decode()


def test_the_generic_job_page_sends_an_import_to_its_own_page(client_as, workshop, users):
    job = job_of(workshop, users["focal"], status=Job.Status.SUCCEEDED, result={"rows": 3})
    response = client_as("contributor").get(url("jobs:job_detail", pk=job.pk))
    assert response.status_code == 302 and response["Location"] == url("activities:import_job", pk=job.pk)


def test_a_job_whose_worker_died_is_marked_failed_instead_of_running_forever(client_as, workshop, users):
    import socket

    job = job_of(
        workshop,
        users["manager"],
        status=Job.Status.RUNNING,
        worker=f"{socket.gethostname()}:{2**22 + 12345}",
        heartbeat_at=timezone.now(),
    )
    html = client_as("manager").get(url("activities:import_job", pk=job.pk)).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at
    assert "interrupted" in job.message and "interrupted" in html


def test_the_owner_cancels_a_queued_import_from_its_page_and_nothing_is_imported(client_as, workshop, users):
    job = participants_import_start(
        actor=users["focal"],
        activity=workshop,
        upload=upload("p.csv", csv_bytes(HEADERS_EN, participant_rows(3))),
        language="en",
        enqueue=False,
    )
    page = url("activities:import_job", pk=job.pk)
    client = client_as("focal")
    response = client.post(url("jobs:job_cancel", pk=job.pk), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.upload, "the upload (personal data) goes with the job"
    participants_import.enqueue(job.pk)  # the worker, later: nothing to do
    assert not Registration.objects.exists()
    html = client.get(page).content.decode()
    assert "Cancelled before it started: nothing was saved." in html
    assert "Import a file" in html and url("jobs:job_cancel", pk=job.pk) not in html


def test_only_its_owner_cancels_an_import_the_team_follows(client_as, workshop, users):
    job = job_of(workshop, users["focal"], status=Job.Status.QUEUED)
    client = client_as("contributor")
    assert url("jobs:job_cancel", pk=job.pk) not in client.get(url("activities:import_job", pk=job.pk)).content.decode()
    assert client.post(url("jobs:job_cancel", pk=job.pk)).status_code == 403
    assert Job.objects.get(pk=job.pk).status == "queued"


def test_a_cancel_asked_during_the_save_rolls_the_whole_import_back(workshop, users, monkeypatch):
    job = participants_import_start(
        actor=users["manager"],
        activity=workshop,
        upload=upload("p.csv", csv_bytes(HEADERS_EN, participant_rows(5))),
        language="en",
        enqueue=False,
    )
    original = participants._registrations_save

    def registrations_then_cancel(*args, **kwargs):
        saved = original(*args, **kwargs)
        assert Registration.objects.filter(activity=workshop).count() == 5
        jobs.job_cancel(actor=users["manager"], job=job)  # the owner, on the page, while the save runs
        return saved

    monkeypatch.setattr(participants, "_registrations_save", registrations_then_cancel)

    jobs.job_run(job.pk, participants_import_work)
    job.refresh_from_db()
    assert (job.status, job.message) == ("cancelled", "Cancelled: nothing was saved.")
    assert not Registration.objects.exists() and not Person.objects.filter(email__endswith="@example.org").exists()


# Templates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "headers"), [("fr", HEADERS_FR), ("en", HEADERS_EN)])
def test_the_xlsx_template_has_headers_drop_down_lists_and_instructions_in_each_language(client, db, language, headers):
    response = client.get(url("activities:import_template", language=language, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="jalon-participants-{language}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    written = [cell.value.rstrip(" *") for cell in data[1]]
    follow_up = (
        ["A appliqué les acquis", "Date du suivi"]
        if language == "fr"
        else ["Applied what was learned", "Follow-up date"]
    )
    comments = "Commentaires" if language == "fr" else "Comments"
    assert written == [*headers[:13], comments, *headers[13:], *follow_up]
    assert data["A1"].value.endswith(" *") and data["B1"].value.endswith(" *")
    lists = {str(validation.sqref)[0] for validation in data.data_validations.dataValidation}
    assert {"D", "G", "H", "M", "O", "P"} <= lists  # sex, function, sessions, satisfaction, completed, follow-up
    instructions = workbook.worksheets[2]
    column_names = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert headers[0] in column_names and len(column_names) > 15


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_csv_template_is_a_header_row_excel_opens_in_each_language(client, db, language):
    response = client.get(url("activities:import_template", language=language, format="csv"))
    text = response.content.decode("utf-8-sig")
    separator = ";" if language == "fr" else ","
    assert text.strip().split(separator)[:3] == (HEADERS_FR if language == "fr" else HEADERS_EN)[:3]


def test_a_downloaded_template_filled_in_imports(client_as, workshop):
    client = client_as("manager")
    response = client.get(
        url("activities:import_template", "fr", language="fr", format="xlsx"), {"activity": workshop.code}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    assert [cell.value for cell in data[1]][7:10] == [
        "Séance 1 (02/03/2026)",
        "Séance 2 (03/03/2026)",
        "Séance 3 (04/03/2026)",
    ]
    data.append(["Moussa", "Sall", "moussa@example.org", "Homme", "ASN", "SEN", "Régulateur", "oui", "non", "oui"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    post(client, workshop, "rempli.xlsx", buffer.getvalue(), language="fr")

    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["registrations_created"] == 2, "the example row and the added one"


def test_unknown_template_languages_and_formats_are_not_found(client, db):
    assert client.get("/en/activities/imports/template-de.xlsx").status_code == 404
    assert client.get("/en/activities/imports/template-en.ods").status_code == 404
    assert client.get("/en/activities/imports/template-en.csv?activity=nope").status_code == 404


# Who sees what ----------------------------------------------------------------------------------------------


def test_an_organiser_of_another_activity_neither_imports_nor_sees_its_imports(client_as, users, other_nsb):
    elsewhere = workshop_create(users["manager"], other_nsb, code="kenya-workshop")
    job = job_of(elsewhere, users["manager"], status=Job.Status.SUCCEEDED)
    client = client_as("focal")
    assert client.get(url("activities:participant_import", code=elsewhere.code)).status_code == 403
    assert client.get(url("activities:import_job", pk=job.pk)).status_code == 404
    assert client.get(url("jobs:job_detail", pk=job.pk)).status_code == 404


# The activity `nsb` organises: its focal point and contributor, and the programme team (manager, admin).
TEAM = {"focal", "contributor", "manager", "admin"}


@pytest.mark.parametrize("role", [None, "plain", "viewer", "contributor", "focal", "manager", "admin"])
def test_an_import_is_followed_by_the_activitys_team_and_by_nobody_else(client_as, workshop, users, role):
    errors = [{"row": 2, "column": "Email", "value": "awa@", "message": "Not a valid email address."}]
    job = job_of(
        workshop,
        users["focal"],
        status=Job.Status.FAILED,
        message="The file has 1 problem.",
        result={"errors": errors, "error_count": 1, "rows": 1},
    )
    client = client_as(role)
    page = client.get(url("activities:import_job", pk=job.pk))
    report = client.get(url("activities:import_report", pk=job.pk, format="csv"))
    if role is None:
        assert page.status_code == report.status_code == 302
    elif role in TEAM:
        assert page.status_code == report.status_code == 200
        assert "awa@" in page.content.decode() and "awa@" in report.content.decode("utf-8-sig")
        assert report["Cache-Control"] == "private, no-store"
    else:
        assert page.status_code == report.status_code == 404, "another person's import does not exist for them"


def test_the_import_page_lists_the_activitys_recent_imports(client_as, workshop, users, other_nsb):
    mine = job_of(workshop, users["focal"], upload_name="mine.xlsx", status=Job.Status.SUCCEEDED)
    theirs = job_of(workshop, users["contributor"], upload_name="theirs.xlsx")
    elsewhere = job_of(
        workshop_create(users["manager"], other_nsb, code="kenya"), users["manager"], upload_name="ke.xlsx"
    )
    for role in ("focal", "manager"):
        html = client_as(role).get(url("activities:participant_import", code=workshop.code)).content.decode()
        assert mine.upload_name in html and theirs.upload_name in html and elsewhere.upload_name not in html
        assert url("activities:import_job", pk=mine.pk) in html


def test_the_import_page_costs_a_constant_number_of_queries(client_as, workshop, users, django_assert_max_num_queries):
    for number in range(12):
        job_of(workshop, users["manager"], upload_name=f"f{number}.csv")
    client = client_as("manager")
    with django_assert_max_num_queries(12):
        assert client.get(url("activities:participant_import", code=workshop.code)).status_code == 200


# Weight ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_import_pages_fit_the_weight_budget_even_with_a_long_report(client_as, workshop, users, language):
    from tests.test_weight_budget import CACHED_PAGE_BUDGET, FIRST_VISIT_BUDGET, page_weight

    errors = [
        {"row": row, "column": "Courriel", "value": f"personne{row}@", "message": "Adresse électronique invalide."}
        for row in range(2, 5002)
    ]
    job = job_of(
        workshop,
        users["manager"],
        status=Job.Status.FAILED,
        message="Le fichier a 5000 problèmes.",
        result={"errors": errors, "error_count": len(errors), "rows": 5000},
    )
    client = client_as("manager")
    for path in (
        url("activities:participant_import", language, code=workshop.code),
        url("activities:import_job", language, pk=job.pk),
    ):
        weight = page_weight(client, path)
        assert weight["html"] <= CACHED_PAGE_BUDGET and weight["total"] <= FIRST_VISIT_BUDGET, (path, weight)
