"""Matching people at scale (issue 21): how long recognising a person takes on the history of
bench/activities_scale.py (load it first), on the database of DATABASE_URL.

    DATABASE_URL=sqlite:////work/wt/scale/var/bench20k.sqlite3 .venv/bin/python -m bench.person_matching

Times, p50 and p95 over `--repeat` runs: `person_find` by email and by name in an organisation (the public
form, an organiser's registration), the people step of a 1,000-row participant import (recognising each row
among every person, then creating the others: run in a transaction rolled back), and the duplicates tool
(`people_duplicates` over everyone: the merge page). Each prints its queries.
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
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jalon.activities.imports import _people_save
    from jalon.activities.people import people_duplicates, person_find
    from jalon.organisations.models import Person

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

    series = {
        "person_find by email": lambda: person_find(email=rng.choice(people)[0]),
        "person_find by name and organisation": lambda: person_find(
            given_name=(p := rng.choice(people))[1], family_name=p[2], organisation_id=p[3]
        ),
        f"import: people step of {args.rows} rows": import_people,
        "duplicates tool (every person)": people_duplicates,
    }
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


if __name__ == "__main__":
    main()
