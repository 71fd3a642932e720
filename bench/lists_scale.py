"""People lists at scale (issue 21): pages that list people, timed on a history of bench/activities_scale.py
with their query counts, as its platform-wide manager.

    DATABASE_URL=sqlite:////work/wt/scale/var/bench20k.sqlite3 .venv/bin/python -m bench.lists_scale

The pages: the organisation with most recorded people (its contacts), the activity with most registrations
(its page with the participants, and its participants page). Each is requested `--warmup` times, then
`--requests` times; it prints p50 and p95 (nearest rank) in ms, the queries of one request and the size of
the page. Where committees are recorded (the demo: ISO's 813 committees and 34,700 memberships; the bench
history has none), the committee list (by reference, and by number of P-members), the page of the committee
with most members and its new-leadership-role form too: run it on the demo's database for those. With
`--committee`, one bench committee is recorded first (if none is) so that the new-role form is timed on the
bench history's people.
"""

import argparse
import time

from bench.activities_scale import MANAGER, log, percentile, setup_django


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--committee", action="store_true", help="record a bench committee if there is none")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import jalon.wsgi  # noqa: F401 - the process as served
    from jalon.accounts.models import User
    from jalon.activities.models import Activity
    from jalon.committees.models import Committee
    from jalon.organisations.models import Organisation, Person

    organisation = Organisation.objects.get(
        pk=Person.objects.filter(organisation__isnull=False)
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["organisation"]
    )
    activity = Activity.objects.annotate(n=Count("registrations")).order_by("-n").first()
    people = Person.objects.filter(organisation=organisation).count()
    log(
        f"{connection.vendor}: {Person.objects.count():,} people; {organisation.acronym or organisation.name} has"
        f" {people:,}; {activity.code} has {activity.n:,} registrations; {Committee.objects.count():,} committees"
    )
    client = Client()
    manager = User.objects.filter(username__in=[MANAGER, "manager"]).order_by("username").first()
    client.force_login(manager)
    pages = {
        "organisation page (its contacts)": f"/en/organisations/{organisation.pk}/",
        "organisation page, last page of contacts": f"/en/organisations/{organisation.pk}/?page=999999",
        "activity page (its participants)": f"/en/activities/{activity.code}/",
        "participants page": f"/en/activities/{activity.code}/participants/",
        # Forms that name a person (a search since issue 21; they listed every person the user may see).
        "trainer form (its trainers)": f"/en/activities/{activity.code}/trainers/",
        "expert invitation form": "/en/knowledge/experts/invite/",
    }
    if args.committee and not Committee.objects.exists():
        Committee.objects.create(body="other", kind="tc", reference="BENCH/TC 1", sort_key="BENCH/TC 1", title={})
    largest = Committee.objects.annotate(n=Count("memberships")).order_by("-n").first()
    if largest is not None:
        pages["committee list"] = "/en/committees/"
        pages["committee list, by P-members"] = "/en/committees/?sort=-p"
        pages[f"committee page ({largest.n} memberships)"] = f"/en/committees/{largest.pk}/"
        pages["new leadership role form"] = f"/en/committees/{largest.pk}/roles/new/"
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for name, url in pages.items():
        samples = []
        for round_ in range(args.warmup + args.requests):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            if round_ >= args.warmup:
                samples.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:44} {percentile(samples, 50):8.1f} {percentile(samples, 95):8.1f} {len(captured):8}"
            f" {len(response.content) / 1024:6.0f}"
        )


if __name__ == "__main__":
    main()
