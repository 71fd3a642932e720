"""The import pages: bad files get clear messages (never a 500), the progress page in each state, the
templates in both languages, and who sees an import."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jalon.activities.models import Registration
from jalon.interop import jobs
from jalon.interop.models import ImportJob
from tests.activities.import_files import (
    HEADERS_EN,
    HEADERS_FR,
    csv_bytes,
    participant_rows,
    upload,
    workshop_create,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def inline(settings):
    settings.JALON_IMPORTS_INLINE = True


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


def job_of(**fields) -> ImportJob:
    defaults = {"kind": ImportJob.Kind.PARTICIPANTS, "file_name": "participants.xlsx", "language": "en"}
    return ImportJob.objects.create(**{**defaults, **fields})


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
    assert not ImportJob.objects.exists()


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
def test_files_without_data_fail_with_a_clear_message(client_as, workshop, inline, name, content, message):
    response = post(client_as("manager"), workshop, name, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert message in job.message + " ".join(error["message"] for error in job.errors)
    page = client_as("manager").get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode()


def test_more_rows_than_the_limit_fail_without_saving(client_as, workshop, inline, settings):
    settings.JALON_IMPORT_MAX_ROWS = 10
    post(client_as("manager"), workshop, "many.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(11)))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "The file has more than 10 rows of data: split it into several files."
    assert not Registration.objects.exists()


def test_a_crashed_import_is_marked_failed_with_a_message_and_saves_nothing(
    client_as, workshop, inline, monkeypatch, caplog
):
    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("jalon.activities.imports.participants_save", crash)
    post(client_as("manager"), workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(2)))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith("The import stopped because of an unexpected error. Nothing was saved.")
    assert "disk on fire" not in job.message, "internal details stay in the server log"
    assert "Import job" in caplog.text
    assert not Registration.objects.exists() and not job.file


def test_a_crash_during_the_save_rolls_back_what_was_written(client_as, workshop, inline, monkeypatch):
    from jalon.activities import imports as participants

    original = participants._attendance_save

    def attendance_then_crash(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("late failure")

    monkeypatch.setattr(participants, "_attendance_save", attendance_then_crash)
    post(client_as("manager"), workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(5)))
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert not Registration.objects.exists()


# Background jobs and the progress page -------------------------------------------------------------------


def test_an_upload_starts_a_background_job_after_commit_and_shows_its_progress(client_as, workshop, users):
    client = client_as("manager")
    response = post(client, workshop, "p.xlsx", xlsx_bytes(HEADERS_EN, participant_rows(2)))
    job = ImportJob.objects.get()
    # Outside the tests' inline mode, the job waits for the upload's transaction to commit (which a test never
    # does): it is queued, with its file kept until it runs.
    assert job.status == ImportJob.Status.QUEUED and job.file
    assert job.created_by == users["manager"] and job.language == "en"
    jobs._LIVE.add(job.pk)  # what the commit would do, as it starts the thread
    try:
        page = client.get(response["Location"])
    finally:
        jobs._LIVE.discard(job.pk)
    html = page.content.decode()
    assert page["Refresh"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html and "Waiting for another import" in html


def test_the_progress_page_shows_a_bar_while_checking_rows_then_saving(client_as, workshop, users):
    job = job_of(
        activity=workshop,
        created_by=users["manager"],
        status=ImportJob.Status.RUNNING,
        step=ImportJob.Step.READING,
        rows_total=1000,
        rows_done=250,
        worker=jobs.worker_name(),
    )
    jobs._LIVE.add(job.pk)
    try:
        client = client_as("manager")
        html = client.get(url("activities:import_job", pk=job.pk)).content.decode()
        assert '<progress id="import-progress" max="1000" value="250">25 %</progress>' in html
        assert "Checking the rows: 250 of about 1000." in html
        ImportJob.objects.filter(pk=job.pk).update(step=ImportJob.Step.SAVING, rows_done=1000)
        html = client.get(url("activities:import_job", pk=job.pk)).content.decode()
        assert "Every row is valid: saving 1000 rows" in html and "<progress" in html
    finally:
        jobs._LIVE.discard(job.pk)


def test_a_finished_job_page_does_not_refresh(client_as, workshop, users):
    job = job_of(activity=workshop, created_by=users["manager"], status=ImportJob.Status.DONE, result={"rows": 3})
    response = client_as("manager").get(url("activities:import_job", pk=job.pk))
    assert "Refresh" not in response
    assert 'http-equiv="refresh"' not in response.content.decode()
    assert "The file was imported." in response.content.decode()


def test_a_job_whose_process_died_is_marked_failed_instead_of_running_forever(client_as, workshop, users):
    import socket

    job = job_of(
        activity=workshop,
        created_by=users["manager"],
        status=ImportJob.Status.RUNNING,
        worker=f"{socket.gethostname()}:{2**22 + 12345}",
    )
    html = client_as("manager").get(url("activities:import_job", pk=job.pk)).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at
    assert "interrupted" in job.message and "interrupted" in html


def test_a_job_of_this_process_that_no_thread_runs_is_marked_failed(client_as, workshop, users):
    job = job_of(
        activity=workshop, created_by=users["manager"], status=ImportJob.Status.RUNNING, worker=jobs.worker_name()
    )
    client_as("manager").get(url("activities:import_job", pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_a_job_of_another_server_is_failed_only_after_a_long_silence(client_as, workshop, users, settings):
    job = job_of(activity=workshop, created_by=users["manager"], status=ImportJob.Status.RUNNING, worker="elsewhere:1")
    client = client_as("manager")
    client.get(url("activities:import_job", pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timezone.timedelta(hours=4))
    client.get(url("activities:import_job", pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_the_background_thread_runs_the_job_and_releases_its_connection(
    workshop, users, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The thread body, run here in the test's own thread and transaction (a real thread would not see the
    test's uncommitted records)."""
    with django_capture_on_commit_callbacks() as started:
        job = jobs.import_job_create(
            actor=users["manager"],
            kind=ImportJob.Kind.PARTICIPANTS,
            activity=workshop,
            upload=upload("p.csv", csv_bytes(HEADERS_EN, participant_rows(3))),
            language="fr",
        )
    # The thread starts once the upload is committed; until then the job is not live (a rolled-back job's
    # id may be given again and must not look live).
    assert len(started) == 1 and job.pk not in jobs._LIVE
    jobs.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["registrations_created"] == 3


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


def test_a_downloaded_template_filled_in_imports(client_as, workshop, inline):
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

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.result["registrations_created"] == 2, "the example row and the added one"


def test_unknown_template_languages_and_formats_are_not_found(client, db):
    assert client.get("/en/activities/imports/template-de.xlsx").status_code == 404
    assert client.get("/en/activities/imports/template-en.ods").status_code == 404
    assert client.get("/en/activities/imports/template-en.csv?activity=nope").status_code == 404


# Who sees what ----------------------------------------------------------------------------------------------


def test_an_organiser_of_another_activity_neither_imports_nor_sees_its_imports(client_as, users, other_nsb):
    elsewhere = workshop_create(users["manager"], other_nsb, code="kenya-workshop")
    job = job_of(activity=elsewhere, created_by=users["manager"], status=ImportJob.Status.DONE)
    client = client_as("focal")
    assert client.get(url("activities:participant_import", code=elsewhere.code)).status_code == 403
    assert client.get(url("activities:import_job", pk=job.pk)).status_code == 404


def test_the_import_page_lists_recent_imports_visible_to_the_user(client_as, workshop, users):
    mine = job_of(activity=workshop, created_by=users["focal"], file_name="mine.xlsx", status=ImportJob.Status.DONE)
    theirs = job_of(activity=workshop, created_by=users["contributor"], file_name="theirs.xlsx")
    html = client_as("focal").get(url("activities:participant_import", code=workshop.code)).content.decode()
    assert mine.file_name in html and theirs.file_name not in html
    html = client_as("manager").get(url("activities:participant_import", code=workshop.code)).content.decode()
    assert mine.file_name in html and theirs.file_name in html


def test_the_import_page_costs_a_constant_number_of_queries(client_as, workshop, users, django_assert_max_num_queries):
    for number in range(12):
        job_of(activity=workshop, created_by=users["manager"], file_name=f"f{number}.csv")
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
        activity=workshop,
        created_by=users["manager"],
        status=ImportJob.Status.FAILED,
        message="Le fichier a 5000 problèmes.",
        errors=errors,
        error_count=len(errors),
    )
    client = client_as("manager")
    for path in (
        url("activities:participant_import", language, code=workshop.code),
        url("activities:import_job", language, pk=job.pk),
    ):
        weight = page_weight(client, path)
        assert weight["html"] <= CACHED_PAGE_BUDGET and weight["total"] <= FIRST_VISIT_BUDGET, (path, weight)
