"""Matching people at scale (issue 21): how long recognising a person takes on the history of
bench/activities_scale.py (load it first), on the database of DATABASE_URL.

    DATABASE_URL=sqlite:////work/wt/scale/var/bench20k.sqlite3 .venv/bin/python -m bench.person_matching

Times, p50 and p95 over `--repeat` runs: `person_find` by email (a person's own, and a joined record's) and by
name in an organisation (the public form, an organiser's registration), the form's person search
(`people_named`: a full name, a family name alone, the start of a name), the people step of a 1,000-row
participant import (recognising each row among every person, then creating the others), and the duplicates
tool (`people_duplicates` over everyone: the merge page). Each prints its queries. Everything runs in one
transaction rolled back at the end: the joined records' addresses the bench needs (one person in 100 gets
one) and the import's new people are not kept. `--explain` prints the database's plans of person_find's
queries by address and of the person search's (EXPLAIN ANALYZE on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_pickers_bench .venv/bin/python -m bench.person_matching --explain

A history of people alone loads faster: `bench.activities_scale load --people 200000 --people-only`.
"""

import argparse
import random
import time
import types

from bench.activities_scale import log, percentile, setup_django


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--explain", action="store_true", help="print the plans of the lookups' queries")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jalon.activities.imports import _people_save
    from jalon.activities.people import people_duplicates, person_find
    from jalon.organisations.models import Person, PersonEmail
    from jalon.organisations.selectors import people_named

    rng = random.Random(1)
    people = list(
        Person.objects.filter(email__endswith="@bench.invalid", organisation__isnull=False)
        .order_by("pk")
        .values_list("email", "given_name", "family_name", "organisation_id")[:5000]
    )
    if not people:
        raise SystemExit("no bench history here: run bench.activities_scale load first")
    log(f"{connection.vendor}: {Person.objects.count():,} people")

    def rows():
        chosen = rng.sample(people, args.rows // 2)
        found = [
            types.SimpleNamespace(values={"email": e, "given_name": g, "family_name": f, "organisation": o})
            for e, g, f, o in chosen
        ]
        fresh = [
            types.SimpleNamespace(
                values={
                    "email": f"new{k}@bench.invalid",
                    "given_name": f"New{k}",
                    "family_name": "Person",
                    "organisation": chosen[0][3],
                }
            )
            for k in range(args.rows - len(found))
        ]
        return found + fresh

    def import_people():
        with transaction.atomic():
            _people_save(rows(), {}, {"people_recognised": 0}, among=Person.objects.all())
            transaction.set_rollback(True)

    everyone = Person.objects.all()
    series = {
        "person_find by email": lambda: person_find(email=rng.choice(people)[0]),
        "person_find by a joined record's email": lambda: person_find(
            email=f"joined{rng.randrange(joined)}@old.invalid"
        ),
        "person_find by name and organisation": lambda: person_find(
            given_name=(p := rng.choice(people))[1], family_name=p[2], organisation_id=p[3]
        ),
        "people_named: a full name": lambda: people_named(people=everyone, text=" ".join(rng.choice(people)[1:3])),
        "people_named: a family name alone": lambda: people_named(people=everyone, text=rng.choice(people)[2]),
        "people_named: the start of a family name": lambda: people_named(
            people=everyone, text=rng.choice(people)[2][:4]
        ),
        f"import: people step of {args.rows} rows": import_people,
        "duplicates tool (every person)": people_duplicates,
    }
    with transaction.atomic():
        # Addresses of records joined into others' (the merge page's work), one person in 100.
        sample = people[:: max(1, len(people) // 50)]
        ids = dict(Person.objects.filter(email__in=[row[0] for row in sample]).values_list("email", "pk"))
        joined = len(ids)
        PersonEmail.objects.bulk_create(
            [PersonEmail(person_id=pk, email=f"joined{k}@old.invalid") for k, pk in enumerate(ids.values())]
        )
        others = everyone.order_by("pk").values_list("pk", flat=True)[::100]
        PersonEmail.objects.bulk_create(
            [PersonEmail(person_id=pk, email=f"other{pk}@old.invalid") for pk in others], batch_size=2000
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE organisations_personemail")
        log(f"{PersonEmail.objects.count():,} joined records' addresses (rolled back at the end)")
        if args.explain:
            explain(
                connection,
                {
                    "person_find, a joined record's address": lambda: person_find(email="joined0@old.invalid"),
                    "person_find, a person's own address": lambda: person_find(email=people[0][0]),
                    "people_named, a family name alone": lambda: people_named(people=everyone, text=people[0][2]),
                    "people_named, the start of a name": lambda: people_named(people=everyone, text=people[0][2][:4]),
                },
            )
        print(f"{'series':45} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
        for name, call in series.items():
            call()  # warm
            samples = []
            with CaptureQueriesContext(connection) as captured:
                call()
            for _ in range(args.repeat):
                started = time.perf_counter()
                call()
                samples.append((time.perf_counter() - started) * 1000)
            print(f"{name:45} {percentile(samples, 50):9.1f} {percentile(samples, 95):9.1f} {len(captured):8}")
        transaction.set_rollback(True)


def explain(connection, calls) -> None:
    """The plans of the queries of each call."""
    from django.test.utils import CaptureQueriesContext

    for label, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        for query in captured:
            log(f"{label}: {query['sql']}")
            with connection.cursor() as cursor:
                analyse = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
                cursor.execute(analyse + query["sql"])
                for row in cursor.fetchall():
                    log(f"    {row[-1]}")


if __name__ == "__main__":
    main()
