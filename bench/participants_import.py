"""Participant import at scale: 100,000 rows, end to end, in this process and through the queue to a real worker,
against a plain bulk insert of the same rows; and how long a queued job waits for an idle worker.

    DATABASE_URL=sqlite:////work/main/var/bench-import.sqlite3 .venv/bin/python -m bench.participants_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jalon_bench_import .venv/bin/python -m bench.participants_import

Generates `--rows` participants (deterministic, `--seed`) of one workshop with three sessions, with every
column of the template filled: names, email, sex, organisation (acronyms of ISO members), country,
function, three attendance cells, pre- and post-test scores, satisfaction and completion. Writes them
as an XLSX workbook (as Excel would: shared strings) and as a CSV file (semicolons, UTF-8 with a BOM,
French decimal commas, as French Excel saves it), into bench/out/.

For each format, times the import end to end as the background job runs it (jalon.jobs.job_run over the
import's work: reading the file, parsing and checking every cell, matching people against those recorded,
saving people, registrations and attendance in one transaction, the audit entry, the refresh of computed
indicators), two ways:
- "process": run here, as `jalon import-participants` does (job_start without the queue, then job_run), from
  the stored upload to the job marked done;
- "queue": as an upload does it: job_start stores the upload and enqueues the job in the database queue, a
  `jalon worker` subprocess (default interval, 1 s) takes it and runs it; timed from the call to job_start to
  the job seen finished here (polled every 50 ms), with the job's own times (queued, started, finished) and the
  worker's CPU time.
Then the latency of the queue: with an idle worker polling every `--intervals` seconds (1 s, the default, and
0.1 s), `--latency-jobs` small imports (one row) enqueued one at a time, each at a random moment of the
worker's polling cycle; the wait is the job's started_at minus its created_at (median, 90th percentile).

Before that, on the same database, times the "plain bulk
insert" of the same rows: the same Person, Registration and Attendance records built from already-typed
Python values, in one transaction, with no file, no checks and no matching, written two ways:
- `bulk_create` (batches of 1,000), the ORM's bulk insert;
- "raw": the writer the import itself uses (jalon.lib.bulk: one prepared INSERT run with executemany
  on SQLite, COPY on PostgreSQL), the floor for these rows on this database.
The ratio import / raw insert is the price of reading and checking a file.

Each measurement starts from the same state: the workshop's registrations and the generated people are
deleted before it. Use a database of its own (created and migrated if needed; reference data and ISO
members loaded if missing).
"""

import argparse
import csv
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
CODE = "bench-import"
DOMAIN = "bench-import.example"
FUNCTIONS = ["Committee chair", "NSB staff", "Regulator", "Industry", "Academia", "Other", ""]
HEADERS = [
    "Prénom",
    "Nom",
    "Courriel",
    "Sexe",
    "Organisation",
    "Pays",
    "Fonction",
    "Séance 1",
    "Séance 2",
    "Séance 3",
    "Note au test initial",
    "Note au test final",
    "Satisfaction (1-5)",
    "Terminé",
]


def rows_generate(count: int, seed: int, organisations: list[tuple[str, str]]) -> list[list]:
    """Participants as typed values (what a spreadsheet holds): numbers as numbers."""
    rng = random.Random(seed)
    given = ["Awa", "Moussa", "Fatou", "Jean", "Zoé", "Éric", "Amina", "Kofi", "Grace", "Hélène", "Omar", "Lina"]
    family = ["Diop", "Sall", "Ndiaye", "Mensah", "Otieno", "Kamau", "Traoré", "Haddad", "Nguyen", "Silva"]
    rows = []
    for number in range(count):
        acronym, country = organisations[rng.randrange(len(organisations))]
        pre = rng.randrange(0, 80)
        rows.append(
            [
                rng.choice(given),
                f"{rng.choice(family)}-{number}",
                f"p{number}@{DOMAIN}",
                rng.choice(["F", "M"]),
                acronym,
                country,
                rng.choice(FUNCTIONS),
                "oui",
                rng.choice(["oui", "non"]),
                rng.choice(["oui", "non", ""]),
                pre,
                min(100.0, pre + rng.randrange(0, 40) + 0.5),
                rng.randrange(1, 6),
                rng.choice(["oui", "non"]),
            ]
        )
    return rows


def xlsx_write(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def csv_write(path: Path, rows: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([str(value).replace(".", ",") if isinstance(value, float) else value for value in row])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def workshop_get(log):
    import datetime

    from jalon.activities.models import Activity, ActivitySession
    from jalon.organisations.models import Organisation
    from jalon.reference.models import Country

    activity = Activity.objects.filter(code=CODE).first()
    if activity is None:
        log("creating the workshop")
        organiser = Organisation.objects.get(acronym="ASN")
        activity = Activity.objects.create(
            code=CODE,
            title={"en": "Import benchmark workshop", "fr": "Atelier du banc d'essai d'import"},
            type=Activity.Type.WORKSHOP,
            modality=Activity.Modality.IN_PERSON,
            level=Activity.Level.NATIONAL,
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 4),
            organiser=organiser,
            status=Activity.Status.ONGOING,
        )
        activity.countries.set([Country.objects.get(iso3="SEN")])
        for day in range(3):
            ActivitySession.objects.create(
                activity=activity, date=activity.start_date + datetime.timedelta(days=day), title=f"Day {day + 1}"
            )
    return activity


def reset(activity) -> None:
    """Back to an empty workshop: its registrations (and attendance), and the generated people, deleted."""
    from django.db import transaction

    from jalon.activities.models import Attendance, Registration
    from jalon.organisations.models import Person

    with transaction.atomic():
        Attendance.objects.filter(session__activity=activity)._raw_delete("default")
        Registration.objects.filter(activity=activity)._raw_delete("default")
        Person.objects.filter(email__endswith=f"@{DOMAIN}")._raw_delete("default")


def import_time(activity, path: Path, user) -> tuple[float, float, dict]:
    """In this process, as `jalon import-participants` runs it: the job recorded, then run here."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from jalon.activities.imports import participants_import_start, participants_import_work
    from jalon.jobs.models import Job
    from jalon.jobs.services import job_run

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    cpu = time.process_time()
    started = time.perf_counter()
    with override_settings(JALON_IMPORT_MAX_ROWS=1_000_000):
        job = participants_import_start(actor=user, activity=activity, upload=upload, language="fr", enqueue=False)
        job_run(job.pk, participants_import_work)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"import failed: {job.message} {job.result.get('errors', [])[:5]}")
    return elapsed, cpu, job.result


# Through the queue, to a real worker --------------------------------------------------------------------------


def worker_start(interval: float, log) -> subprocess.Popen:
    """`jalon worker` on this database, reading uploads where this process stores them; once it listens."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"worker-{os.getpid()}-{interval}.log"
    env = {**os.environ, "MEDIA_ROOT": str(OUT / "media"), "JALON_IMPORT_MAX_ROWS": "1000000"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "jalon.cli", "worker", "--interval", str(interval)],
        cwd=ROOT,
        env=env,
        stdout=path.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "jalon worker" not in path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start: {path.read_text()}")
        time.sleep(0.1)
    # Its first look at the queue comes after a random delay of up to a second (several workers spread out).
    time.sleep(1.5)
    log(f"worker {worker.pid} started (polling every {interval} s)")
    return worker


def worker_stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def job_wait(pk: int, *, every: float = 0.05, timeout: float = 3600):
    from jalon.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=pk)
        if job.finished:
            return job
        time.sleep(every)
    raise SystemExit(f"job {pk} still not finished after {timeout} s")


def queue_import_time(activity, path: Path, user, worker: subprocess.Popen) -> dict:
    """As an upload does it: job_start stores the file and enqueues the job; the worker runs it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jalon.activities.imports import participants_import_start
    from jalon.jobs.models import Job

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    cpu = process_cpu(worker.pid)
    started = time.perf_counter()
    job = participants_import_start(actor=user, activity=activity, upload=upload, language="fr")
    enqueued = time.perf_counter() - started
    job = job_wait(job.pk)
    elapsed = time.perf_counter() - started
    cpu = process_cpu(worker.pid) - cpu
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"import failed: {job.message} {job.result.get('errors', [])[:5]}")
    return {
        "enqueue_to_finished_seconds": round(elapsed, 2),
        "job_start_call_seconds": round(enqueued, 2),
        "queued_seconds": round((job.started_at - job.created_at).total_seconds(), 2),
        "running_seconds": round((job.finished_at - job.started_at).total_seconds(), 2),
        "worker_cpu_seconds": round(cpu, 2),
        "result": job.result,
    }


def latency(activity, user, interval: float, count: int, log) -> dict:
    """Enqueue-to-start waits of small imports with an idle worker, each enqueued at a random moment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jalon.activities.imports import participants_import_start

    content = csv_bytes_one_row()
    worker = worker_start(interval, log)
    waits = []
    try:
        for _number in range(count):
            # The worker is idle (the job before has finished); a random delay of one polling interval or more
            # puts this enqueue anywhere in its cycle.
            time.sleep(0.3 + random.uniform(0, max(interval, 0.1)))  # noqa: S311
            upload = SimpleUploadedFile("one.csv", content)
            job = participants_import_start(actor=user, activity=activity, upload=upload, language="fr")
            job = job_wait(job.pk, every=0.02)
            waits.append((job.started_at - job.created_at).total_seconds())
    finally:
        worker_stop(worker)
    ordered = sorted(waits)
    figures = {
        "interval_seconds": interval,
        "jobs": count,
        "median_seconds": round(statistics.median(waits), 3),
        "p90_seconds": round(ordered[max(0, -(-9 * len(ordered) // 10) - 1)], 3),
        "min_seconds": round(ordered[0], 3),
        "max_seconds": round(ordered[-1], 3),
    }
    log(
        f"enqueue to start, worker polling every {interval} s: median {figures['median_seconds']} s, "
        f"90th percentile {figures['p90_seconds']} s ({ordered[0]:.3f}-{ordered[-1]:.3f} s, {count} jobs)"
    )
    return figures


def csv_bytes_one_row() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADERS[:2] + [HEADERS[2]], ["Awa", "Latence", f"latency@{DOMAIN}"]])
    return buffer.getvalue().encode("utf-8-sig")


def plain_insert_time(activity, rows: list[list], method: str) -> float:
    """The same records from values already typed and resolved: with Django's bulk_create, or "raw" with
    the writer the import uses (jalon.lib.bulk: executemany on SQLite, COPY on PostgreSQL)."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from jalon.organisations.models import Organisation, Person
    from jalon.reference.models import Country

    organisations = dict(Organisation.objects.exclude(acronym="").values_list("acronym", "pk"))
    countries = dict(Country.objects.values_list("iso3", "pk"))
    sessions = list(activity.sessions.order_by("date").values_list("pk", flat=True))
    sexes = {"F": Person.Sex.FEMALE, "M": Person.Sex.MALE}
    functions = {"Committee chair": "committee_chair", "NSB staff": "nsb_staff", "": ""}
    typed = [
        (
            row[0],
            row[1],
            row[2],
            sexes[row[3]],
            functions.get(row[6], row[6].lower()),
            organisations[row[4]],
            countries[row[5]],
            [cell == "oui" if cell else None for cell in row[7:10]],
            Decimal(row[10]),
            Decimal(str(row[11])),
            row[12],
            row[13] == "oui",
        )
        for row in rows
    ]
    cpu = time.process_time()
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        if method == "raw":
            _plain_raw(activity, typed, sessions, now)
        else:
            _plain_bulk_create(activity, typed, sessions, now)
    return time.perf_counter() - started, time.process_time() - cpu


def _plain_bulk_create(activity, typed, sessions, now) -> None:
    from jalon.activities.models import Attendance, Registration
    from jalon.organisations.models import Person

    people = Person.objects.bulk_create(
        [
            Person(given_name=g, family_name=f, email=e, sex=s, function=fn, organisation_id=o, country_id=c)
            for g, f, e, s, fn, o, c, *_rest in typed
        ],
        batch_size=1000,
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                activity=activity,
                person_id=person.pk,
                registered_at=now,
                source=Registration.Source.IMPORT,
                pre_test_score=item[8],
                post_test_score=item[9],
                satisfaction=item[10],
                completed=item[11],
                completed_on=activity.end_date if item[11] else None,
            )
            for person, item in zip(people, typed, strict=True)
        ],
        batch_size=1000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(registration_id=registration.pk, session_id=session, present=present)
            for registration, item in zip(registrations, typed, strict=True)
            for session, present in zip(sessions, item[7], strict=True)
            if present is not None
        ],
        batch_size=1000,
    )


def _plain_raw(activity, typed, sessions, now) -> None:
    from jalon.activities.models import Attendance, Registration
    from jalon.lib import bulk
    from jalon.organisations.models import Person

    people = bulk.ids_reserve(Person, len(typed))
    bulk.rows_insert(
        Person,
        ("id", "given_name", "family_name", "email", "sex", "function", "organisation_id", "country_id"),
        ((pk, *item[:7]) for pk, item in zip(people, typed, strict=True)),
        now=now,
    )
    registrations = bulk.ids_reserve(Registration, len(typed))
    bulk.rows_insert(
        Registration,
        ("id", "activity_id", "person_id", "registered_at", "source", "pre_test_score", "post_test_score")
        + ("satisfaction", "completed", "completed_on"),
        (
            (pk, activity.pk, person, now, "import", item[8], item[9], item[10], item[11])
            + (activity.end_date if item[11] else None,)
            for pk, person, item in zip(registrations, people, typed, strict=True)
        ),
        now=now,
    )
    attendance = [
        (registration, session, present)
        for registration, item in zip(registrations, typed, strict=True)
        for session, present in zip(sessions, item[7], strict=True)
        if present is not None
    ]
    bulk.rows_insert(
        Attendance,
        ("id", "registration_id", "session_id", "present"),
        ((pk, *row) for pk, row in zip(bulk.ids_reserve(Attendance, len(attendance)), attendance, strict=True)),
        now=now,
    )


def main(argv=None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.results_portfolio import prepare_database, setup_django
    from bench.results_timing import cpu_ticks, others_share

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (the best one is kept)")
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--floors", default="bulk_create,raw", help="plain inserts to time (bulk_create is slow)")
    parser.add_argument("--modes", default="process,queue", help="process (run here), queue (by a worker)")
    parser.add_argument("--latency-jobs", type=int, default=20, help="small jobs per interval for the latency")
    parser.add_argument("--intervals", default="1,0.1", help="worker polling intervals to time the latency with")
    options = parser.parse_args(argv)

    setup_django()
    from django.conf import settings
    from django.db import connection

    from jalon.accounts.models import Role, User
    from jalon.accounts.services import role_assign
    from jalon.organisations.models import Organisation

    def log(message):
        print(message, flush=True)

    prepare_database(log)
    settings.MEDIA_ROOT = OUT / "media"
    OUT.mkdir(exist_ok=True)
    user, _created = User.objects.get_or_create(username="bench-import")
    # The uploader must manage the activity (the import's own rule): the platform-wide team does.
    role_assign(actor=None, user=user, role=Role.PROGRAMME_MANAGER)
    activity = workshop_get(log)
    organisations = list(
        Organisation.objects.filter(iso_member_id__isnull=False, country__isnull=False)
        .exclude(acronym="")
        .order_by("acronym")
        .values_list("acronym", "country__iso3")
    )
    # Acronyms that name one organisation only, so that every row is valid.
    counts = {}
    for acronym, _country in Organisation.objects.values_list("acronym", "country__iso3"):
        counts[acronym.casefold()] = counts.get(acronym.casefold(), 0) + 1
    organisations = [item for item in organisations if counts[item[0].casefold()] == 1]
    rows = rows_generate(options.rows, options.seed, organisations)
    files = {}
    for fmt in options.formats.split(","):
        path = OUT / f"participants-{options.rows}.{fmt}"
        started = time.perf_counter()
        (xlsx_write if fmt == "xlsx" else csv_write)(path, rows)
        files[fmt] = path
        log(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s")

    figures = {"database": connection.vendor, "rows": options.rows, "results": {}}
    before = cpu_ticks()
    floors = {}
    for method in options.floors.split(","):
        runs = []
        for _run in range(options.repeat):
            reset(activity)
            runs.append(plain_insert_time(activity, rows, method))
        elapsed, cpu = min(runs)
        floors[method] = elapsed
        figures[f"plain_insert_{method}_seconds"] = round(elapsed, 2)
        figures[f"plain_insert_{method}_cpu_seconds"] = round(cpu, 2)
        log(f"plain bulk insert ({method}): {elapsed:.2f} s (this process's CPU: {cpu:.2f} s)")
    plain = min(floors.values()) if floors else None
    modes = options.modes.split(",")
    if "process" in modes:
        for fmt, path in files.items():
            runs = []
            for _run in range(options.repeat):
                reset(activity)
                runs.append(import_time(activity, path, user))
            best, cpu, result = min(runs, key=lambda run: run[0])
            figures["results"][fmt] = {
                "import_seconds": round(best, 2),
                "import_cpu_seconds": round(cpu, 2),
                "rows_per_second": round(options.rows / best),
                "ratio_to_plain_insert": round(best / plain, 2) if plain else None,
                "ratio_to_bulk_create": round(best / floors["bulk_create"], 2) if "bulk_create" in floors else None,
                "result": result,
            }
            log(
                f"import {fmt}: {best:.2f} s (CPU {cpu:.2f} s, {options.rows / best:,.0f} rows/s)"
                + (f", {best / plain:.1f} x the plain insert" if plain else "")
            )
        # The same file again: every person recognised, every registration already there.
        fmt, path = next(iter(files.items()))
        elapsed, cpu, result = import_time(activity, path, user)
        figures["reimport_unchanged_seconds"] = round(elapsed, 2)
        figures["reimport_unchanged_cpu_seconds"] = round(cpu, 2)
        figures["reimport_result"] = result
        log(f"import {fmt} again, nothing to change: {elapsed:.2f} s (CPU {cpu:.2f} s)")
    if "queue" in modes:
        worker = worker_start(1.0, log)
        try:
            for fmt, path in files.items():
                runs = []
                for _run in range(options.repeat):
                    reset(activity)
                    runs.append(queue_import_time(activity, path, user, worker))
                best = min(runs, key=lambda run: run["enqueue_to_finished_seconds"])
                figures["results"].setdefault(fmt, {})["queue"] = best
                log(
                    f"import {fmt} through the queue: {best['enqueue_to_finished_seconds']:.2f} s from job_start to "
                    f"finished (job_start {best['job_start_call_seconds']:.2f} s, queued "
                    f"{best['queued_seconds']:.2f} s, running {best['running_seconds']:.2f} s, worker CPU "
                    f"{best['worker_cpu_seconds']:.2f} s)"
                )
        finally:
            worker_stop(worker)
        reset(activity)
        figures["latency"] = [
            latency(activity, user, float(interval), options.latency_jobs, log)
            for interval in options.intervals.split(",")
        ]
    others = others_share(before, cpu_ticks())
    figures["other_processes_cpu_share"] = None if others is None else round(others, 2)
    figures["load_average"] = os.getloadavg()
    # The worker's CPU counts as "other processes" here: it is given apart with each queued import.
    log(f"machine: other processes used {others:.0%} of the CPUs meanwhile" if others is not None else "")
    reset(activity)
    if options.json:
        Path(options.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
