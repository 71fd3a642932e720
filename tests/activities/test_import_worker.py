"""Participant imports as people run them: uploaded on the import page of a real web server, run by a real
`jalon worker` process on a database of the suite's kind (SQLite or PostgreSQL), their progress moving on the
job's page, cancelled from that page; and queued from the command line while no worker runs, then run once
one starts (tests/jobs/rig.py)."""

import csv
import io
import re

import pytest

from tests.jobs.rig import Rig, WebSession

# The rig's processes use a database of their own, but the suite's must be set up too (its conftest loads the
# reference data there): without a test using it, pytest-django would set none up.
pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
CODE = "rig-workshop"
HEADERS = [
    "Given name",
    "Family name",
    "Email",
    "Sex",
    "Organisation",
    "Function",
    "Session 1",
    "Session 2",
    "Session 3",
    "Pre-test score",
    "Post-test score",
    "Satisfaction (1-5)",
    "Completed",
]
# The rig's records: an organiser (a programme manager may import into any activity) and a workshop with three
# sessions, organised by a body of the rig's own (no reference data needed).
SETUP = f"""
import datetime
from jalon.accounts.models import Role
from jalon.accounts.services import role_assign, user_create
from jalon.activities.models import Activity, ActivitySession
from jalon.organisations.models import Organisation

organiser = Organisation.objects.create(name={{"en": "Rig Standards Body"}}, acronym="RSB", kind="nsb")
workshop = Activity.objects.create(
    code="{CODE}", title={{"en": "Rig workshop"}}, type="workshop", modality="in_person", level="national",
    start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 3, 4), organiser=organiser, status="ongoing",
)
for day in range(3):
    ActivitySession.objects.create(activity=workshop, date=workshop.start_date + datetime.timedelta(days=day))
user = user_create(actor=None, username="organiser", password="{PASSWORD}", email="organiser@example.org")
role_assign(actor=None, user=user, role=Role.PROGRAMME_MANAGER)
"""


def participants_csv(count: int, *, start: int = 0) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for number in range(start, start + count):
        writer.writerow(
            [
                f"Given{number}",
                f"Family{number}",
                f"p{number}@rig.example",
                "F" if number % 2 else "M",
                "RSB",
                "NSB staff",
                "yes",
                "yes" if number % 3 else "no",
                "",
                40 + number % 20,
                70.5,
                4,
                "yes" if number % 4 else "no",
            ]
        )
    return buffer.getvalue().encode()


@pytest.fixture(scope="module")
def rig(rig_make):
    made = rig_make("rig_imports")
    made.python(SETUP)
    yield made
    made.stop_all()


@pytest.fixture(autouse=True)
def stop_processes(rig):
    yield
    rig.stop_all()


def registrations(rig: Rig, emails_from: int, emails_to: int) -> int:
    """The workshop's registrations of the people numbered [emails_from, emails_to) in the files."""
    rows = rig.query(
        "SELECT p.email FROM activities_registration r JOIN organisations_person p ON p.id = r.person_id "
        "JOIN activities_activity a ON a.id = r.activity_id WHERE a.code = %s",
        (CODE,),
    )
    numbers = [int(email.removeprefix("p").removesuffix("@rig.example")) for (email,) in rows]
    return sum(1 for number in numbers if emails_from <= number < emails_to)


def page_showing(rig: Rig, browser: WebSession, path: str, text: str):
    """The page at `path` once it shows `text` (it refreshes itself while the job runs: so does this)."""

    def shown():
        page = browser.get(path)
        return page if text in page.text() else None

    return rig.wait_for(shown)


def progress(page) -> tuple[str, int | None]:
    """The job's status and its count done, as its page shows them."""
    status = re.search(r'<span id="job-status">([^<]*)</span>', page.html).group(1)
    bar = re.search(r'<progress id="job-progress" max="(\d+)" value="(\d+)">', page.html)
    return status, int(bar.group(2)) if bar else None


def test_an_upload_runs_in_the_worker_its_progress_moves_on_its_page_and_another_is_cancelled_there(rig):
    base = rig.serve(interval=0.2)
    browser = WebSession(base)
    browser.login("organiser", PASSWORD)
    form = f"/en/activities/{CODE}/participants/import/"

    # A file of a few thousand rows: the upload answers at once with the job's page, the worker imports it.
    page = browser.post(form, {}, files={"file": ("participants.csv", participants_csv(3000))})
    assert re.fullmatch(r"/en/activities/imports/\d+/", page.path), page.text()[:500]
    first = int(page.path.split("/")[-2])
    page = page_showing(rig, browser, f"/en/activities/imports/{first}/", "Status: Done")
    assert "The file was imported." in page.text() and "Registrations created 3000" in page.text()
    assert registrations(rig, 0, 3000) == 3000
    job = rig.job(first)
    assert job["status"] == "succeeded" and job["worker"] and job["started_at"]

    # A large file: its progress moves between two reads of its page, then its owner cancels it there.
    # (Large enough that its reading outlasts the cancel on a fast machine: the cancel stops it at once.)
    page = browser.post(form, {}, files={"file": ("large.csv", participants_csv(150_000, start=1_000_000))})
    second = int(page.path.split("/")[-2])
    job_page = f"/en/activities/imports/{second}/"
    seen: list[int] = []

    def moved() -> bool:
        status, done = progress(browser.get(job_page))
        assert status != "Done", "the import ended before its progress was seen moving"
        if status == "Running" and done is not None:
            seen.append(done)
        return len(seen) >= 2 and seen[-1] > seen[0]

    rig.wait_for(moved, every=0.1)
    page = browser.post(f"/en/jobs/{second}/cancel/", {"next": job_page}, token_from=job_page)
    assert page.path == job_page
    page = page_showing(rig, browser, job_page, "Status: Cancelled")
    assert "Cancelled: nothing was saved." in page.text() and 'http-equiv="refresh"' not in page.html
    job = rig.job(second)
    assert job["status"] == "cancelled" and job["started_at"], "cancelled while it ran"
    assert registrations(rig, 1_000_000, 1_150_000) == 0
    assert rig.query("SELECT COUNT(*) FROM organisations_person WHERE email LIKE %s", ("p1______@rig.example",)) == [
        (0,)
    ]


def test_an_import_queued_from_the_command_line_waits_for_a_worker_then_runs(rig, tmp_path):
    path = tmp_path / "queued.csv"
    path.write_bytes(participants_csv(500, start=200_000))
    pk = int(rig.jalon("import-participants", str(path), "--activity", CODE, "--queue").split()[-1])
    job = rig.job(pk)
    assert job["status"] == "queued" and not job["started_at"]
    assert registrations(rig, 200_000, 200_500) == 0

    worker = rig.start("worker", "--batch")
    assert worker.wait(timeout=120) == 0, worker.stdout.read()
    job = rig.job(pk)
    assert job["status"] == "succeeded", job["message"]
    assert registrations(rig, 200_000, 200_500) == 500
