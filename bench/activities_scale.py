"""Activities at scale (issue 21): a generated history of activities, people, registrations and attendance,
and the timing of the pages that read it, against the raw SQL of the same numbers.

    DATABASE_URL=sqlite:////work/main/var/bench-activities.sqlite3 \\
        .venv/bin/python -m bench.activities_scale load --people 20000
    DATABASE_URL=sqlite:////work/main/var/bench-activities.sqlite3 \\
        .venv/bin/python -m bench.activities_scale time --requests 5 --warmup 1
    DATABASE_URL=... .venv/bin/python -m bench.activities_scale save --requests 20    # the attendance save alone
    DATABASE_URL=... .venv/bin/python -m bench.activities_scale teams --requests 3    # organisers' own views

`load` generates, deterministically (`--seed`), a history of 10 years (2016-2025) scaled on `--people`
(the issue's scale is 200,000): people/40 activities, 4 bench programmes ("bench-act-1" to 4) with yearly
periods and the eight computed activity indicators each, about 2.5 registrations a person (90 % not
cancelled, half of them completed) and about 2 attendance rows a registration (1 to 3 sessions an activity,
attendance taken at 9 sessions in 10, present 85 % of the time). At 200,000 people: 5,000 activities,
500,000 registrations, about a million attendance rows. Nothing goes through the services (too slow for
this size, as in bench/results_portfolio.py): people, registrations and attendance are written as plain
tuples, with COPY on PostgreSQL and one prepared INSERT through executemany elsewhere, in one transaction;
then ANALYZE. The reach summary is then built and the computed indicators filled once (`refresh-computed`), as a
deployment has them; `--rows-only` stops before (build them later: `jalon reach_summary --rebuild`, then
`jalon refresh_computed --programme bench-act-N`).

`time` times, through Django's test Client (the whole middleware stack, DEBUG off), anonymous and as a
platform-wide programme manager ("bench-manager"):

- the reach dashboard (all years, one year, one programme, one programme and year, one activity type, one level,
  a date range), a country's reach page
  (the country with most people),
- the activity list (no filter; one programme's activities sorted by title),

each "cold" (the first request after a write: an attendance row is flipped through the service first,
untimed) and "warm" (the same request again); an attendance save (POST of one session's sheet with one
person flipped, as the manager); one programme's indicator refresh (`programme_computed_refresh`, the
worker's task); and the raw SQL of the same numbers (the dashboard's distinct participants and countries,
the country's participants, the list's first 25 rows with their counts, one programme's per-period totals
of people trained). It prints p50 and p95 (nearest rank) in ms, the ratio of each p95 to its raw SQL's p95,
and the queries of one request. It then checks that every figure of the reach report (headline and every
cell of every breakdown, for the manager, who sees exact figures; all activities, each bench programme's, one
type, one level, the date range, a type and level in a programme; and every figure the public is shown)
and of the computed "participants trained"
indicator equals the one computed from the raw rows; it exits non-zero if one differs or a page is not 200.

`teams` does the same for two viewers who see the published activities and their own, and the participants of
their own only (created if missing): a manager of bench-act-1 (a quarter of the activities) and a focal point of
the organisation that organises the fewest bench activities, one of them unpublished at least; the dashboard (all
years, one year, bench-act-1) and the country page, against the raw SQL of the activities they see, then every
figure they are shown.
"""

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from collections import defaultdict

FIRST_YEAR = 2016
YEARS = 10
PROGRAMMES = 4
PREFIX = "bench-act-"
ACTIVITY_PREFIX = "bench-a"
MANAGER = "bench-manager"
BATCH = 5000
PASSWORD = "bench-password-not-secret"

# The views the summary's cells do not key (counted in its facts): one activity type, one level, dates that are
# not whole years (the public's are widened to 2019-2021).
TYPE = "webinar"
LEVEL = "regional"
DATES = (datetime.date(2019, 3, 15), datetime.date(2021, 9, 30))

WORDS = [
    "Écoles",
    "normes",
    "Évaluation",
    "conformité",
    "Métrologie",
    "qualité",
    "accréditation",
    "Énergie",
    "sécurité",
    "Zones",
    "agriculture",
    "Alimentation",
    "étiquetage",
    "Innovation",
    "numérique",
    "Öko",
    "climat",
    "Écoconception",
    "eau",
    "Santé",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from bench.results_portfolio import ensure_postgres_database

        ensure_postgres_database(url)
    import django

    django.setup()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# Loading --------------------------------------------------------------------------------------------------


def write_rows(table: str, columns: tuple[str, ...], rows) -> int:
    """Rows (tuples in `columns` order) -> `table`, with COPY on PostgreSQL, executemany elsewhere."""
    from django.db import connection

    written = 0
    batch: list[tuple] = []

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in batch:
                    copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", batch
                )
        written += len(batch)
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    flush()
    return written


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def delete_history() -> None:
    """Earlier bench data, in SQL (the ORM's cascade would load every row)."""
    from django.db import connection, transaction

    from jalon.activities.models import Activity
    from jalon.results.models import Measurement, Programme, Result, SpanValue

    with transaction.atomic(), connection.cursor() as cursor:
        ids = list(Activity.objects.filter(code__startswith=ACTIVITY_PREFIX).values_list("pk", flat=True))
        if ids:
            log(f"deleting {len(ids)} earlier bench activities and their participants")
            inner = "SELECT id FROM activities_activity WHERE code LIKE %s"
            pattern = [f"{ACTIVITY_PREFIX}%"]
            cursor.execute(
                "DELETE FROM activities_attendance WHERE registration_id IN (SELECT id FROM activities_registration"
                f" WHERE activity_id IN ({inner}))",
                pattern,
            )
            cursor.execute(f"DELETE FROM activities_registration WHERE activity_id IN ({inner})", pattern)
            cursor.execute(f"DELETE FROM activities_activitysession WHERE activity_id IN ({inner})", pattern)
            for through in ("activities_activity_outputs", "activities_activity_countries"):
                cursor.execute(f"DELETE FROM {through} WHERE activity_id IN ({inner})", pattern)
            cursor.execute("DELETE FROM activities_activity WHERE code LIKE %s", pattern)
        cursor.execute("DELETE FROM organisations_person WHERE email LIKE %s", ["%@bench.invalid"])
        programmes = Programme.objects.filter(code__startswith=PREFIX)
        Measurement.objects.filter(indicator__result__programme__in=programmes).delete()
        SpanValue.objects.filter(indicator__result__programme__in=programmes).delete()
        Result.objects.filter(programme__in=programmes).delete()
        programmes.delete()


def build_programmes(owner) -> list:
    from jalon.activities import computations as activity_computations  # noqa: F401 - registers the computations
    from jalon.results.computations import REGISTRY
    from jalon.results.models import Cumulation, Indicator, Level, Period, Programme, Result

    keys = sorted(key for key in REGISTRY if key.startswith("activities_"))
    outputs = []
    for number in range(1, PROGRAMMES + 1):
        programme = Programme.objects.create(
            code=f"{PREFIX}{number}",
            owner=owner,
            title={"en": f"Training programme {number}", "fr": f"Programme de formation {number}"},
            start_date=datetime.date(FIRST_YEAR, 1, 1),
            end_date=datetime.date(FIRST_YEAR + YEARS - 1, 12, 31),
            languages=["en", "fr"],
        )
        Period.objects.bulk_create(
            [
                Period(
                    programme=programme,
                    code=str(year),
                    name={"en": str(year), "fr": str(year)},
                    start=datetime.date(year, 1, 1),
                    end=datetime.date(year, 12, 31),
                )
                for year in range(FIRST_YEAR, FIRST_YEAR + YEARS)
            ]
        )
        level = Level.objects.create(
            programme=programme, key="output", name={"en": "Output", "fr": "Produit"}, iati_result_type=1
        )
        output = Result.objects.create(
            programme=programme, level=level, code="OP1", title={"en": "People trained", "fr": "Personnes formées"}
        )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    result=output,
                    code=f"C{k + 1}",
                    title=REGISTRY[key].title,
                    measure=REGISTRY[key].measure,
                    cumulation=Cumulation.NON_CUMULATIVE,
                    source=Indicator.Source.COMPUTED,
                    computation=key,
                    order=k,
                )
                for k, key in enumerate(keys)
            ]
        )
        outputs.append(output)
    return outputs


def load(people: int, seed: int, reset: bool, people_only: bool = False, rows_only: bool = False) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.results_portfolio import prepare_database
    from jalon.accounts.models import Role, RoleAssignment
    from jalon.activities.models import Activity, ActivitySession, Attendance, Registration, title_sort_keys
    from jalon.activities.reach_cache import reach_changed
    from jalon.organisations.models import Organisation, Person, person_match_fields, person_match_reversed
    from jalon.reference.models import Country
    from jalon.results.models import Programme

    prepare_database(log)
    if Programme.objects.filter(code__startswith=PREFIX).exists():
        if not reset:
            raise SystemExit("a bench history is here already: --reset to rebuild it")
        delete_history()
    rng = random.Random(seed)
    started = time.perf_counter()
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else (lambda value: value)
    now = timezone.now()
    stamp = adapt(now)
    countries = list(Country.objects.order_by("iso3").values_list("pk", flat=True))
    countries = rng.sample(countries, min(120, len(countries)))
    organisations = list(
        Organisation.objects.filter(country__isnull=False).order_by("pk").values_list("pk", "country_id")
    )
    owner = Organisation.objects.get(acronym="ISO")
    n_activities = max(40, people // 40)
    with transaction.atomic():
        outputs = build_programmes(owner)
        log(f"{len(outputs)} programmes with their computed indicators")

        # People: a country of their own for 4 in 5 (weighted: a few countries send many), else their
        # organisation's.
        weights = [rng.paretovariate(1.2) for _ in countries]
        sexes = ["female"] * 40 + ["male"] * 45 + ["other"] + ["undisclosed"] * 4 + [""] * 10
        functions = ["", "nsb_staff", "regulator", "industry", "academia", "committee_manager", "secretary", "other"]
        first_person = next_id(Person)
        person_rows = []
        for k in range(people):
            organisation, organisation_country = rng.choice(organisations)
            own = rng.choices(countries, weights)[0] if rng.random() < 0.8 else None
            person_rows.append(
                (
                    first_person + k,
                    f"Given{k}",
                    family := f"{rng.choice(WORDS)}-{k}",
                    f"person{k}@bench.invalid",
                    "",
                    "",
                    rng.choice(sexes),
                    organisation if rng.random() < 0.9 else None,
                    own,
                    rng.choice(functions),
                    None,
                    stamp,
                    stamp,
                    *person_match_fields(f"person{k}@bench.invalid", f"Given{k}", family),
                    person_match_reversed(f"Given{k}", family),
                )
            )
        write_rows(
            "organisations_person",
            (
                "id",
                "given_name",
                "family_name",
                "email",
                "phone",
                "job_title",
                "sex",
                "organisation_id",
                "country_id",
                "function",
                "anonymised_at",
                "created_at",
                "updated_at",
                "match_email",
                "match_name",
                "match_name_reversed",
            ),
            person_rows,
        )
        log(f"{people:,} people")
        if people_only:  # enough for matching people (bench/person_matching.py); analysed by main()
            reset_sequences(Person)
            return

        types = [value for value, _label in Activity.Type.choices]
        levels = [value for value, _label in Activity.Level.choices]
        activities = []
        for k in range(n_activities):
            start = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(YEARS * 365))
            title = f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {k}"
            activities.append(
                Activity(
                    code=f"{ACTIVITY_PREFIX}{k:05d}",
                    title={"en": title, "fr": title},
                    type=rng.choice(types),
                    modality=Activity.Modality.IN_PERSON,
                    level=rng.choice(levels),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randrange(3)),
                    venue_country_id=rng.choice(countries),
                    organiser_id=rng.choice(organisations)[0],
                    status=Activity.Status.CANCELLED if rng.random() < 0.03 else Activity.Status.COMPLETED,
                    published=rng.random() < 0.95,
                )
            )
        for activity in activities:
            title_sort_keys(activity)  # bulk_create sends no pre_save signal
        activities = Activity.objects.bulk_create(activities, batch_size=1000)
        Outputs = Activity.outputs.through
        links = []
        for k, activity in enumerate(activities):
            links.append(Outputs(activity_id=activity.pk, result_id=outputs[k % PROGRAMMES].pk))
            if rng.random() < 0.1:
                links.append(Outputs(activity_id=activity.pk, result_id=outputs[(k + 1) % PROGRAMMES].pk))
        Outputs.objects.bulk_create(links, batch_size=BATCH)
        Countries = Activity.countries.through
        Countries.objects.bulk_create(
            [Countries(activity_id=a.pk, country_id=a.venue_country_id) for a in activities if a.level == "national"],
            batch_size=BATCH,
        )
        sessions = ActivitySession.objects.bulk_create(
            [
                ActivitySession(activity=a, date=a.start_date + datetime.timedelta(days=d), title=f"Day {d + 1}")
                for a in activities
                for d in range(rng.choice((1, 2, 2, 3)))
            ],
            batch_size=BATCH,
        )
        sessions_of = defaultdict(list)
        for session in sessions:
            sessions_of[session.activity_id].append(session.pk)
        log(f"{len(activities):,} activities, {len(sessions):,} sessions")

        # Registrations: 2.5 a person, spread unevenly over the activities; attendance at 9 sessions in 10.
        n_registrations = int(people * 2.5)
        sizes = [rng.uniform(0.2, 1.8) for _ in activities]
        scale = n_registrations / sum(sizes)
        registration_id = next_id(Registration)
        registration_rows, attendance_rows = [], []
        statuses = ["registered"] * 18 + ["waiting", "cancelled"]
        for activity, size in zip(activities, sizes, strict=True):
            count = min(people, max(1, round(size * scale)))
            for person in rng.sample(range(first_person, first_person + people), count):
                status = rng.choice(statuses)
                completed = status == "registered" and rng.random() < 0.5
                tested = rng.random() < 0.3
                pre = rng.randint(20, 70) if tested else None
                registration_rows.append(
                    (
                        registration_id,
                        activity.pk,
                        person,
                        stamp,
                        status,
                        "import",
                        "",
                        "",
                        completed,
                        activity.end_date if completed else None,
                        None,
                        None,
                        pre,
                        min(100, pre + rng.randint(-5, 30)) if tested else None,
                        rng.randint(1, 5) if rng.random() < 0.4 else None,
                        "",
                        rng.choice(("yes", "partly", "no")) if rng.random() < 0.2 else "",
                        "",
                        None,
                        stamp,
                        stamp,
                        1,
                    )
                )
                for session in sessions_of[activity.pk]:
                    if rng.random() < 0.9:
                        attendance_rows.append((registration_id, session, rng.random() < 0.85, stamp))
                registration_id += 1
        write_rows(
            "activities_registration",
            (
                "id",
                "activity_id",
                "person_id",
                "registered_at",
                "status",
                "source",
                "import_reference",
                "language",
                "completed",
                "completed_on",
                "certificate_code",
                "certificate_issued_at",
                "pre_test_score",
                "post_test_score",
                "satisfaction",
                "satisfaction_comment",
                "followup_applied",
                "followup_comment",
                "followup_date",
                "created_at",
                "updated_at",
                "version",
            ),
            registration_rows,
        )
        write_rows(
            "activities_attendance", ("registration_id", "session_id", "present", "recorded_at"), attendance_rows
        )
        log(f"{len(registration_rows):,} registrations, {len(attendance_rows):,} attendance rows")
        reset_sequences(Person, Registration, Attendance)
        User = get_user_model()
        if not User.objects.filter(username=MANAGER).exists():
            user = User.objects.create_user(username=MANAGER, password=PASSWORD, email="manager@bench.invalid")
            RoleAssignment.objects.create(user=user, role=Role.PROGRAMME_MANAGER)
        reach_changed(everything=True)  # written in bulk, without the models' signals
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"loaded in {time.perf_counter() - started:.0f} s")
    if rows_only:
        return
    # The summary first: the indicators' refresh then reads its cells for whole years, instead of the rows.
    summary_started = time.perf_counter()
    from jalon.activities.reach_summary import reach_summary_rebuild

    reach_summary_rebuild()
    log(f"reach summary built in {time.perf_counter() - summary_started:.0f} s; filling the computed indicators")
    refresh_started = time.perf_counter()
    for code in (f"{PREFIX}{n}" for n in range(1, PROGRAMMES + 1)):
        call_command("refresh_computed", programme=code, verbosity=0)
    log(f"computed indicators filled in {time.perf_counter() - refresh_started:.0f} s")


# Timing ---------------------------------------------------------------------------------------------------

RAW_REACH = """
SELECT COUNT(DISTINCT r.person_id), COUNT(DISTINCT COALESCE(p.country_id, o.country_id))
FROM activities_registration r
JOIN activities_activity a ON a.id = r.activity_id
JOIN organisations_person p ON p.id = r.person_id
LEFT JOIN organisations_organisation o ON o.id = p.organisation_id
WHERE r.status = 'registered' AND a.status <> 'cancelled' {where}
AND (r.completed OR EXISTS (SELECT 1 FROM activities_attendance t WHERE t.registration_id = r.id AND t.present))
"""

SERVING = """AND a.id IN (SELECT ao.activity_id FROM activities_activity_outputs ao
JOIN results_result rr ON rr.id = ao.result_id WHERE rr.programme_id = %s)"""

RAW_LIST = """
SELECT a.id, (SELECT COUNT(*) FROM activities_registration r WHERE r.activity_id = a.id AND r.status = 'registered')
FROM activities_activity a ORDER BY a.start_date DESC, a.code LIMIT 25
"""

RAW_TRAINED = """
SELECT p.id, COUNT(DISTINCT r.person_id)
FROM results_period p
JOIN activities_activity a ON a.start_date <= p."end" AND a.end_date >= p.start AND a.status <> 'cancelled'
JOIN activities_registration r ON r.activity_id = a.id AND r.status = 'registered'
WHERE p.programme_id = %s
AND a.id IN (SELECT ao.activity_id FROM activities_activity_outputs ao JOIN results_result rr ON rr.id = ao.result_id
             WHERE rr.programme_id = %s)
AND (r.completed OR EXISTS (SELECT 1 FROM activities_attendance t WHERE t.registration_id = r.id AND t.present))
GROUP BY p.id
"""


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def raw(sql: str, params=()) -> list[tuple]:
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def busiest_country() -> tuple[int, str]:
    from django.db.models import Count

    from jalon.organisations.models import Person
    from jalon.reference.models import Country

    row = (
        Person.objects.filter(email__endswith="@bench.invalid", country__isnull=False)
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if row is None:
        raise SystemExit("no bench history here: run `load` first")
    country = Country.objects.get(pk=row["country"])
    return country.pk, country.iso3


class Flipper:
    """An attendance row of a bench session, flipped through the service: a write, as a user would make."""

    def __init__(self, manager):
        from jalon.activities.models import ActivitySession, Registration

        self.manager = manager
        self.session = (
            ActivitySession.objects.filter(activity__code__startswith=ACTIVITY_PREFIX, activity__status="completed")
            .select_related("activity")
            .order_by("activity__code", "pk")
            .first()
        )
        self.registrations = list(
            Registration.objects.filter(activity=self.session.activity, status="registered")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.state = True

    def flip(self) -> None:
        from jalon.activities.services import attendance_record

        self.state = not self.state
        attendance_record(actor=self.manager, session=self.session, present={self.registrations[0]: self.state})

    def post_data(self) -> dict:
        """The session's sheet as the form posts it, with the first person flipped."""
        from jalon.activities.models import Attendance

        present = dict(Attendance.objects.filter(session=self.session).values_list("registration_id", "present"))
        ticked = [pk for pk in self.registrations if present.get(pk)]
        first = self.registrations[0]
        ticked = [pk for pk in ticked if pk != first] if first in ticked else [first, *ticked]
        return {"present": [str(pk) for pk in ticked]}


def timer(samples: dict[str, list[float]], queries: dict[str, int]):
    """timed(name, call, counted): call() timed into `samples` (ms), its queries counted into `queries` if asked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(name: str, call, counted: bool) -> object:
        started = time.perf_counter()
        if counted:
            with CaptureQueriesContext(connection) as captured:
                result = call()
            queries[name] = len(captured)
        else:
            result = call()
        samples[name].append((time.perf_counter() - started) * 1000)
        return result

    return timed


def time_all(*, requests: int, warmup: int) -> tuple[dict, dict]:
    from django.test import Client

    from jalon.accounts.models import User
    from jalon.activities.reach_summary import reach_summary_update
    from jalon.results.computations import programme_computed_refresh
    from jalon.results.models import Programme

    manager = User.objects.get(username=MANAGER)
    country_id, iso3 = busiest_country()
    flipper = Flipper(manager)
    # The programme whose indicators the writes below make stale: the flipped activity's.
    programme = Programme.objects.filter(results__activities=flipper.session.activity).order_by("code").first()
    year = FIRST_YEAR + YEARS // 2
    pages = {
        "reach dashboard": ("/en/activities/reach/", RAW_REACH.format(where=""), ()),
        "reach dashboard, one year": (
            f"/en/activities/reach/?year={year}",
            RAW_REACH.format(where="AND a.start_date >= %s AND a.start_date <= %s"),
            (datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        ),
        "reach dashboard, one programme": (
            f"/en/activities/reach/?programme={programme.code}",
            RAW_REACH.format(where=SERVING),
            (programme.pk,),
        ),
        "reach dashboard, one programme and year": (
            f"/en/activities/reach/?programme={programme.code}&year={year}",
            RAW_REACH.format(where=SERVING + " AND a.start_date >= %s AND a.start_date <= %s"),
            (programme.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        ),
        "reach dashboard, one type": (
            f"/en/activities/reach/?type={TYPE}",
            RAW_REACH.format(where="AND a.type = %s"),
            (TYPE,),
        ),
        "reach dashboard, one level": (
            f"/en/activities/reach/?level={LEVEL}",
            RAW_REACH.format(where="AND a.level = %s"),
            (LEVEL,),
        ),
        "reach dashboard, a date range": (
            f"/en/activities/reach/?date_from={DATES[0]}&date_to={DATES[1]}",
            RAW_REACH.format(where="AND a.start_date >= %s AND a.start_date <= %s"),
            DATES,
        ),
        "country reach page": (
            f"/en/activities/reach/{iso3}/",
            RAW_REACH.format(where="AND COALESCE(p.country_id, o.country_id) = %s"),
            (country_id,),
        ),
        "activity list": ("/en/activities/", RAW_LIST, ()),
        "activity list, programme by title": (f"/en/activities/?programme={programme.code}&sort=title", RAW_LIST, ()),
    }
    clients = {"anonymous": Client(), "manager": Client()}
    clients["manager"].force_login(manager)
    session = flipper.session
    save_url = f"/en/activities/{session.activity.code}/sessions/{session.pk}/attendance/"
    samples: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}

    timed = timer(samples, queries)

    for round_ in range(warmup + requests):
        counted = round_ == warmup
        for page, (url, sql, params) in pages.items():
            for who, client in clients.items():
                flipper.flip()
                # The worker's every-minute update of the reach summary, between the write and the page.
                timed("reach summary update after one write (worker)", reach_summary_update, counted)
                for state in ("cold", "warm"):
                    response = timed(f"{page}, {who}, {state}", lambda client=client, url=url: client.get(url), counted)
                    if response.status_code != 200:
                        raise SystemExit(f"{url} ({who}): HTTP {response.status_code}")
            timed(f"{page}: raw SQL", lambda sql=sql, params=params: raw(sql, params), counted)
        data = flipper.post_data()
        response = timed("attendance save, manager", lambda data=data: clients["manager"].post(save_url, data), counted)
        if response.status_code != 302:
            raise SystemExit(f"attendance save: HTTP {response.status_code}")
        timed(
            "indicator refresh, one programme", lambda: programme_computed_refresh(programme_id=programme.pk), counted
        )
        timed(
            "indicator refresh, one programme, nothing changed",
            lambda: programme_computed_refresh(programme_id=programme.pk),
            counted,
        )
        timed(
            "indicator refresh: raw SQL",
            lambda: raw(RAW_TRAINED, (programme.pk, programme.pk)),
            counted,
        )
        if round_ < warmup:
            samples.clear()
        log(f"round {round_ + 1}/{warmup + requests}")
    return dict(samples), queries


def time_save(*, requests: int, warmup: int) -> None:
    """The attendance save alone (the `save` command): the sheet POSTed with one person flipped, as the manager,
    `requests` times after `warmup`; p50, p95 and the queries of one save (the programme already waiting for
    its refresh after the first save: no flag set, no refresh queued, as between two refreshes of the worker)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jalon.accounts.models import User

    manager = User.objects.get(username=MANAGER)
    flipper = Flipper(manager)
    client = Client()
    client.force_login(manager)
    session = flipper.session
    url = f"/en/activities/{session.activity.code}/sessions/{session.pk}/attendance/"
    samples, queries = [], 0
    for round_ in range(warmup + requests):
        data = flipper.post_data()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise SystemExit(f"attendance save: HTTP {response.status_code}")
        if round_ >= warmup:
            samples.append(elapsed)
            queries = len(captured)
    print(
        f"attendance save, manager ({len(flipper.registrations)} registered): p50 {percentile(samples, 50):.1f} ms,"
        f" p95 {percentile(samples, 95):.1f} ms, {queries} queries"
    )


def raw_rows() -> list[tuple]:
    """Every participation the reach figures count, from the raw rows: (person, sex, function, country, type,
    level, start date, organisation if an NSB, activity, published)."""
    return raw(
        """
        SELECT r.person_id, p.sex, p.function, COALESCE(p.country_id, o.country_id), a.type, a.level, a.start_date,
               CASE WHEN o.kind = 'nsb' THEN o.id END, a.id, a.published
        FROM activities_registration r
        JOIN activities_activity a ON a.id = r.activity_id
        JOIN organisations_person p ON p.id = r.person_id
        LEFT JOIN organisations_organisation o ON o.id = p.organisation_id
        WHERE r.status = 'registered' AND a.status <> 'cancelled'
        AND (r.completed OR EXISTS (SELECT 1 FROM activities_attendance t WHERE t.registration_id = r.id
                                    AND t.present))
        """
    )


def verify() -> tuple[int, list[str]]:
    """Every figure of the manager's reach report (all years, and each bench programme's) and of the indicator
    "participants trained" against the same figures computed in Python from the raw rows."""
    from jalon.activities.reach import ReachFilters
    from jalon.results.models import Measurement, Programme

    everything = raw_rows()
    compared, problems = _verify_report(everything, ReachFilters(), "")
    serving: dict[int, set[int]] = defaultdict(set)
    for activity_id, programme_id in raw(
        "SELECT ao.activity_id, rr.programme_id FROM activities_activity_outputs ao"
        " JOIN results_result rr ON rr.id = ao.result_id"
    ):
        serving[programme_id].add(activity_id)
    for programme in Programme.objects.filter(code__startswith=PREFIX).order_by("code"):
        mine = [row for row in everything if row[8] in serving[programme.pk]]
        found, wrong = _verify_report(mine, ReachFilters(programme_id=programme.pk), f"{programme.code}: ")
        compared += found
        problems += wrong
    first_programme = min(serving)
    for label, filters, kept in (
        ("type", ReachFilters(type=TYPE), lambda row: row[4] == TYPE),
        ("level", ReachFilters(level=LEVEL), lambda row: row[5] == LEVEL),
        ("dates", ReachFilters(date_from=DATES[0], date_to=DATES[1]), lambda row: DATES[0] <= _day(row) <= DATES[1]),
        (
            "type and level in a programme",
            ReachFilters(type=TYPE, level=LEVEL, programme_id=first_programme),
            lambda row: row[4] == TYPE and row[5] == LEVEL and row[8] in serving[first_programme],
        ),
    ):
        found, wrong = _verify_report([row for row in everything if kept(row)], filters, f"{label}: ")
        compared += found
        problems += wrong
    # The public's figures: each one shown equals the published rows' (dates in whole years); the others hidden.
    years = (DATES[0].replace(month=1, day=1), DATES[1].replace(month=12, day=31))
    for label, filters, kept in (
        ("public", ReachFilters(), lambda row: True),
        ("public type", ReachFilters(type=TYPE), lambda row: row[4] == TYPE),
        ("public level", ReachFilters(level=LEVEL), lambda row: row[5] == LEVEL),
        (
            "public dates",
            ReachFilters(date_from=DATES[0], date_to=DATES[1]),
            lambda row: years[0] <= _day(row) <= years[1],
        ),
    ):
        rows = [row for row in everything if row[9] and kept(row)]
        found, wrong = _verify_report(rows, filters, f"{label}: ", public=True)
        compared += found
        problems += wrong
    for programme in Programme.objects.filter(code__startswith=PREFIX):
        stored = dict(
            Measurement.objects.filter(
                indicator__result__programme=programme,
                indicator__computation="activities_participants_trained",
                dimension_value__isnull=True,
            ).values_list("period_id", "value")
        )
        for period_id, people in raw(RAW_TRAINED, (programme.pk, programme.pk)):
            compared += 1
            if stored.get(period_id) != people:
                problems.append(f"{programme.code} period {period_id}: stored {stored.get(period_id)}, raw {people}")
    return compared, problems


def _verify_report(
    rows: list[tuple], filters, label: str, public: bool = False, viewer=None, exact: bool = True
) -> tuple[int, list[str]]:
    """The manager's report with these filters (or the public's, or `viewer`'s: the figures it shows, exactly or
    not) against these raw rows: (figures compared, differences)."""
    from django.contrib.auth.models import AnonymousUser

    from jalon.accounts.models import User
    from jalon.activities.reach import reach_report

    if viewer is None:
        viewer = AnonymousUser() if public else User.objects.get(username=MANAGER)
    else:
        public = not exact
    problems: list[str] = []
    compared = 0

    def distinct_by(index) -> dict:
        people: dict = defaultdict(set)
        for row in rows:
            key = index(row)
            people[key if key != "" else None].add(row[0])
        return {key: len(value) for key, value in people.items()}

    expected = {
        "sex": distinct_by(lambda row: row[1]),
        "function": distinct_by(lambda row: row[2]),
        "country": distinct_by(lambda row: row[3]),
        "type": distinct_by(lambda row: row[4]),
        "level": distinct_by(lambda row: row[5]),
        "year": distinct_by(lambda row: (row[6] if isinstance(row[6], datetime.date) else _date(row[6])).year),
    }
    nsb = distinct_by(lambda row: row[7])
    nsb.pop(None, None)
    expected["nsb"] = nsb
    report = reach_report(user=viewer, filters=filters, dimensions=tuple(expected))
    if report.exact == public:
        problems.append(f"{label}exact figures: {report.exact}")
    head = (len({row[0] for row in rows}), len({row[3] for row in rows if row[3] is not None}), len(nsb))
    got = (report.participants, report.countries, report.nsbs)
    if public and got[0] is None:
        head = (None, *head[1:])
    compared += 3
    if got != head:
        problems.append(f"{label}headline: report {got}, raw rows {head}")
    for dimension, counts in expected.items():
        cells = {cell.key: cell.value for cell in report.breakdowns[dimension].cells}
        if public:  # the hidden ones: not shown, so not compared
            counts = {key: None if cells.get(key, 0) is None else value for key, value in counts.items()}
        compared += len(counts)
        if cells != counts:
            wrong = {key for key in set(cells) | set(counts) if cells.get(key) != counts.get(key)}
            problems.append(f"{label}{dimension}: {len(wrong)} cells differ, e.g. {sorted(map(str, wrong))[:3]}")
    return compared, problems


# Organisers' and programme teams' own views (round 6): what they see is the published activities and their own.
TEAM = "bench-programme-team"
ORGANISER = "bench-organiser"


def team_viewers() -> list[tuple[str, object, str, tuple]]:
    """The two viewers with their own view, created if missing: a manager of bench-act-1 (a quarter of the
    activities) and a focal point of the organisation that organises the fewest bench activities. For each: (label,
    user, the raw SQL's condition on the activities they see, its parameters)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from jalon.accounts.models import Role, RoleAssignment
    from jalon.activities.models import Activity
    from jalon.results.models import Programme

    User = get_user_model()
    programme = Programme.objects.get(code=f"{PREFIX}1")
    # With an unpublished activity at least: what they see besides the public.
    organiser_id = (
        Activity.objects.filter(code__startswith=ACTIVITY_PREFIX)
        .values("organiser_id")
        .annotate(n=Count("pk"), unpublished=Count("pk", filter=Q(published=False)))
        .filter(unpublished__gt=0)
        .order_by("n", "organiser_id")
        .first()["organiser_id"]
    )
    team = User.objects.filter(username=TEAM).first()
    if team is None:
        team = User.objects.create_user(username=TEAM, password=PASSWORD, email="team@bench.invalid")
    RoleAssignment.objects.update_or_create(
        user=team, role=Role.PROGRAMME_MANAGER, defaults={"programme": programme, "organisation": None}
    )
    organiser = User.objects.filter(username=ORGANISER).first()
    if organiser is None:
        organiser = User.objects.create_user(username=ORGANISER, password=PASSWORD, email="organiser@bench.invalid")
    RoleAssignment.objects.update_or_create(
        user=organiser, role=Role.FOCAL_POINT, defaults={"organisation_id": organiser_id, "programme": None}
    )
    return [
        ("programme team", team, "AND (a.published OR " + SERVING.removeprefix("AND ") + ")", (programme.pk,)),
        ("organiser", organiser, "AND (a.published OR a.organiser_id = %s)", (organiser_id,)),
    ]


def time_teams(*, requests: int, warmup: int) -> tuple[dict, dict]:
    """The reach dashboard (all years, one year, the programme team's programme) and the country page as each
    viewer of `team_viewers`, cold (after a write and the summary's update) and warm, against the raw SQL of the
    same numbers (the activities they see)."""
    from django.test import Client

    from jalon.accounts.models import User
    from jalon.activities.reach_summary import reach_summary_update
    from jalon.results.models import Programme

    flipper = Flipper(User.objects.get(username=MANAGER))
    country_id, iso3 = busiest_country()
    programme = Programme.objects.get(code=f"{PREFIX}1")
    year = FIRST_YEAR + YEARS // 2
    samples: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    viewers = team_viewers()
    clients = {}
    for label, user, _where, _params in viewers:
        clients[label] = Client()
        clients[label].force_login(user)

    timed = timer(samples, queries)

    for round_ in range(warmup + requests):
        counted = round_ == warmup
        for label, _user, where, params in viewers:
            pages = {
                "reach dashboard": ("/en/activities/reach/", where, params),
                "reach dashboard, one year": (
                    f"/en/activities/reach/?year={year}",
                    where + " AND a.start_date >= %s AND a.start_date <= %s",
                    (*params, datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
                ),
                "reach dashboard, one programme": (
                    f"/en/activities/reach/?programme={programme.code}",
                    where + " " + SERVING,
                    (*params, programme.pk),
                ),
                "country reach page": (
                    f"/en/activities/reach/{iso3}/",
                    where + " AND COALESCE(p.country_id, o.country_id) = %s",
                    (*params, country_id),
                ),
            }
            for page, (url, condition, values) in pages.items():
                flipper.flip()
                reach_summary_update()  # the worker's, between the write and the page (timed in `time`)
                for state in ("cold", "warm"):
                    response = timed(
                        f"{page}, {label}, {state}", lambda label=label, url=url: clients[label].get(url), counted
                    )
                    if response.status_code != 200:
                        raise SystemExit(f"{url} ({label}): HTTP {response.status_code}")
                timed(
                    f"{page}, {label}: raw SQL",
                    lambda condition=condition, values=values: raw(RAW_REACH.format(where=condition), values),
                    counted,
                )
        if round_ < warmup:
            samples.clear()
        log(f"round {round_ + 1}/{warmup + requests}")
    return dict(samples), queries


def verify_teams() -> tuple[int, list[str]]:
    """Every figure each viewer of `team_viewers` is shown (all years, one year, the programme team's programme)
    against the raw rows of the activities they see; the programme team's own programme exactly."""
    from jalon.activities.models import Activity
    from jalon.activities.reach import ReachFilters
    from jalon.results.models import Programme

    everything = raw_rows()
    programme = Programme.objects.get(code=f"{PREFIX}1")
    serving = {
        activity_id
        for (activity_id,) in raw(
            "SELECT ao.activity_id FROM activities_activity_outputs ao JOIN results_result rr ON rr.id = ao.result_id"
            " WHERE rr.programme_id = %s",
            (programme.pk,),
        )
    }
    compared, problems = 0, []
    year = FIRST_YEAR + YEARS // 2
    for label, user, _where, params in team_viewers():
        own = (
            serving
            if label == "programme team"
            else set(Activity.objects.filter(organiser_id=params[0]).values_list("pk", flat=True))
        )
        seen = [row for row in everything if row[9] or row[8] in own]
        for name, filters, kept, exact in (
            ("all", ReachFilters(), lambda row: True, False),
            ("year", ReachFilters(year=year), lambda row: _day(row).year == year, False),
            (
                "programme",
                ReachFilters(programme_id=programme.pk),
                lambda row: row[8] in serving,
                label == "programme team",
            ),
        ):
            found, wrong = _verify_report(
                [row for row in seen if kept(row)], filters, f"{label} {name}: ", viewer=user, exact=exact
            )
            compared += found
            problems += wrong
    return compared, problems


def _day(row) -> datetime.date:
    return row[6] if isinstance(row[6], datetime.date) else _date(row[6])


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(str(value)[:10])


def scale_of() -> dict:
    from jalon.activities.models import Activity, Attendance, Registration
    from jalon.organisations.models import Person

    return {
        "people": Person.objects.count(),
        "activities": Activity.objects.count(),
        "registrations": Registration.objects.count(),
        "attendance": Attendance.objects.count(),
    }


def report(samples: dict, queries: dict) -> list[dict]:
    lines = []
    raws = {name.split(":")[0]: percentile(values, 95) for name, values in samples.items() if name.endswith("raw SQL")}
    for name, values in samples.items():
        p95 = percentile(values, 95)
        # "<page>, <who>, <state>": the page's own raw SQL, or the viewer's ("<page>, <who>: raw SQL", `teams`).
        base = None
        if not name.endswith("raw SQL"):
            base = raws.get(name.rsplit(", ", 1)[0]) or raws.get(name.rsplit(", ", 2)[0])
        if name.startswith("indicator refresh,"):
            base = raws.get("indicator refresh")
        lines.append(
            {
                "series": name,
                "p50": round(percentile(values, 50), 1),
                "p95": round(p95, 1),
                "ratio": round(p95 / base, 1) if base else None,
                "queries": queries.get(name),
            }
        )
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    loading = commands.add_parser("load", help="generate the history")
    loading.add_argument("--people", type=int, default=20000)
    loading.add_argument("--seed", type=int, default=20261205)
    loading.add_argument("--reset", action="store_true", help="rebuild an existing history")
    loading.add_argument("--people-only", action="store_true", help="only the people (for bench.person_matching)")
    loading.add_argument(
        "--rows-only",
        action="store_true",
        help="neither the summary nor the indicators (built later: reach_summary --rebuild, refresh_computed)",
    )
    timing = commands.add_parser("time", help="time the pages")
    timing.add_argument("--requests", type=int, default=5)
    timing.add_argument("--warmup", type=int, default=1)
    timing.add_argument("--json", help="also write the figures to this file")
    timing.add_argument("--no-verify", action="store_true")
    teams = commands.add_parser("teams", help="time organisers' and programme teams' own views")
    teams.add_argument("--requests", type=int, default=3)
    teams.add_argument("--warmup", type=int, default=1)
    teams.add_argument("--json", help="also write the figures to this file")
    teams.add_argument("--no-verify", action="store_true")
    saving = commands.add_parser("save", help="time the attendance save alone")
    saving.add_argument("--requests", type=int, default=20)
    saving.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args(argv)
    setup_django()
    if args.command == "load":
        load(args.people, args.seed, args.reset, args.people_only, args.rows_only)
        if args.people_only:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            log("people loaded and analysed")
        return
    if args.command == "save":
        import jalon.wsgi  # noqa: F401 - the process as served

        time_save(requests=args.requests, warmup=args.warmup)
        return
    from django.db import connection

    import jalon.wsgi  # noqa: F401 - the process as served

    scale = scale_of()
    log(f"{connection.vendor}: {', '.join(f'{value:,} {name}' for name, value in scale.items())}")
    if args.command == "teams":
        samples, queries = time_teams(requests=args.requests, warmup=args.warmup)
        checking = verify_teams
    else:
        samples, queries = time_all(requests=args.requests, warmup=args.warmup)
        checking = verify
    lines = report(samples, queries)
    print(f"{'series':58} {'p50 ms':>9} {'p95 ms':>9} {'x raw':>7} {'queries':>8}")
    for line in lines:
        ratio = "" if line["ratio"] is None else f"{line['ratio']:.1f}"
        count = "" if line["queries"] is None else str(line["queries"])
        print(f"{line['series']:58} {line['p50']:9.1f} {line['p95']:9.1f} {ratio:>7} {count:>8}")
    compared, problems = (0, []) if args.no_verify else checking()
    if not args.no_verify:
        print(f"verified {compared:,} figures against the raw rows: {len(problems)} differ")
        for problem in problems:
            print(f"  {problem}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"database": connection.vendor, "scale": scale, "lines": lines, "problems": problems}, handle)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
