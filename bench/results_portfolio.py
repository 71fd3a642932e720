"""A large, deterministic portfolio of results frameworks, for benchmarks (not for tests, not for the demo).

    DJANGO_SETTINGS_MODULE=jalon.settings DATABASE_URL=sqlite:////work/main/var/bench.sqlite3 \\
        .venv/bin/python -m bench.results_portfolio --programmes 20 --indicators 100 --periods 10

Each programme has three levels (impact, outcome, output), a result tree, `--indicators` indicators
(counts, percentages, amounts; ascending and descending; the three cumulative modes; baselines absolute,
missing, or "to be set"; targets absolute or relative to the baseline), one milestone per indicator and
period, and two dimensions on every indicator: sex (2 values) and country (`--countries` values, real
countries from the reference data). For every indicator x period, each of `--reporters` organisations
reports an approved total, its split by sex and its split by country (the splits add up to the total),
so a cell holds reporters x (1 + 2 + countries) approved rows. A share of the cells also carries a second
report waiting (submitted), returned or in draft, which must not count. With the defaults:

    20 programmes x 100 indicators x 10 periods x 2 reporters x 53 = 2,120,000 approved measurements
    + about 5 % not approved = about 2.2 million rows.

A control programme `bench-mini` (5 indicators, same periods and dimensions) is added so that the timing
script can show that the number of queries per request does not depend on the programme's size.

Speed: nothing goes through jalon.results.services, which validate, audit and check versions one
measurement at a time: right for users, far too slow for millions of rows. The framework (programmes,
results, indicators, milestones, dimensions) is written with bulk_create in batches of 5,000. The
measurements are written as plain tuples: on PostgreSQL with COPY through psycopg, elsewhere with one
prepared INSERT through executemany, in batches of 5,000. (bulk_create was measured at about 2,500
measurements a second on SQLite, where Django splits each batch into INSERTs of 47 rows and compiles
each of them: 15 minutes for the portfolio; with executemany it takes 4 minutes, generation included.)
Everything is written in one transaction; then ANALYZE (VACUUM ANALYZE on PostgreSQL) so that the
planners know the sizes, as autovacuum would in production.

The database is migrated first, and the reference data and ISO members are loaded if missing (the
programme owner and the reporting organisations are ISO members). Use a database of its own:
var/bench.sqlite3, or PostgreSQL `jalon_bench` (created here if missing, through psql).
"""

import argparse
import datetime
import io
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass

PREFIX = "bench-"
MINI = "bench-mini"
FIRST_YEAR = 2017  # periods 2017, 2018, ... : fixed, so that a run does not depend on today's date
BATCH = 5000

MEASUREMENT_COLUMNS = (
    "indicator_id",
    "period_id",
    "dimension_value_id",
    "organisation_id",
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "evidence",
    "evidence_url",
    "status",
    "review_note",
    "computed",
    "author_id",
    "reviewer_id",
    "submitted_at",
    "reviewed_at",
    "created_at",
    "updated_at",
    "version",
)


@dataclass
class Scale:
    programmes: int = 20
    indicators: int = 100
    periods: int = 10
    countries: int = 50
    reporters: int = 2
    pending_share: float = 0.05
    seed: int = 20250101


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist (psql, as the README says)."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    base = [
        "psql",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    exists = subprocess.run(
        [*base, "-d", "postgres", "-Atc", f"select 1 from pg_database where datname = '{name}'"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([*base, "-d", "postgres", "-c", f'create database "{name}"'], check=True, env=env)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    import django

    django.setup()


def prepare_database(log) -> None:
    from django.core.management import call_command

    from jalon.organisations.models import Organisation
    from jalon.reference.models import Country

    call_command("migrate", verbosity=0)
    if not Country.objects.exists():
        log("loading reference data (jalon load-reference)")
        call_command("load_reference", verbosity=0)
    if not Organisation.objects.filter(iso_member_id__isnull=False).exists():
        log("loading ISO members (jalon load-iso-members)")
        call_command("load_iso_members", verbosity=0)


def delete_portfolio(log) -> None:
    """Remove earlier bench programmes: measurements first, in SQL (the ORM's cascade would load them
    all), then the results (a result's level is protected), then the programmes with the rest."""
    from django.db import connection, transaction

    from jalon.results.models import Programme, Result

    ids = list(Programme.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    if not ids:
        return
    log(f"deleting {len(ids)} earlier bench programmes")
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM results_measurement WHERE indicator_id IN (SELECT i.id FROM results_indicator i"
            f" JOIN results_result r ON r.id = i.result_id WHERE r.programme_id IN ({marks}))",
            ids,
        )
        Result.objects.filter(programme_id__in=ids).delete()
        Programme.objects.filter(pk__in=ids).delete()


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up to `total` (the remainder goes to the first)."""
    parts = [int(total * w) for w in weights]
    parts[0] += total - sum(parts)
    return parts


class Writer:
    """Measurement rows (tuples in MEASUREMENT_COLUMNS order) -> the database, in batches of 5,000.

    "insert": one prepared multi-row INSERT through executemany (any database); "copy": PostgreSQL's COPY."""

    def __init__(self, method: str):
        from django.db import connection

        self.method = method
        self.connection = connection
        self.rows: list[tuple] = []
        self.written = 0
        self.insert_sql = (
            f"INSERT INTO results_measurement ({', '.join(MEASUREMENT_COLUMNS)})"
            f" VALUES ({', '.join(['%s'] * len(MEASUREMENT_COLUMNS))})"
        )

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.method == "copy":
            self.connection.ensure_connection()
            columns = ", ".join(MEASUREMENT_COLUMNS)
            with (
                self.connection.connection.cursor() as cursor,
                cursor.copy(f"COPY results_measurement ({columns}) FROM STDIN") as copy,
            ):
                for row in self.rows:
                    copy.write_row(row)
        else:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.insert_sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


def build_programme(
    *, code: str, n_indicators: int, scale: Scale, rng: random.Random, refs: dict, writer: Writer
) -> None:
    from django.db import connection
    from django.utils import timezone

    from jalon.results.models import (
        Cumulation,
        Dimension,
        DimensionValue,
        Indicator,
        Level,
        Measure,
        Measurement,
        Milestone,
        Period,
        Programme,
        Result,
    )

    number = code.removeprefix(PREFIX)
    last_year = FIRST_YEAR + scale.periods - 1
    programme = Programme.objects.create(
        code=code,
        owner=refs["owner"],
        title={"en": f"Benchmark programme {number}", "fr": f"Programme de test de charge {number}"},
        description={"en": "Generated by bench/results_portfolio.py.", "fr": "Généré par bench/results_portfolio.py."},
        start_date=datetime.date(FIRST_YEAR, 1, 1),
        end_date=datetime.date(last_year, 12, 31),
        languages=["en", "fr"],
    )
    periods = Period.objects.bulk_create(
        [
            Period(
                programme=programme,
                code=str(y),
                name={"en": str(y), "fr": str(y)},
                start=datetime.date(y, 1, 1),
                end=datetime.date(y, 12, 31),
            )
            for y in range(FIRST_YEAR, last_year + 1)
        ]
    )
    impact, outcome, output = Level.objects.bulk_create(
        [
            Level(
                programme=programme, key="impact", name={"en": "Impact", "fr": "Impact"}, order=0, iati_result_type=3
            ),
            Level(
                programme=programme, key="outcome", name={"en": "Outcome", "fr": "Effet"}, order=1, iati_result_type=2
            ),
            Level(
                programme=programme, key="output", name={"en": "Output", "fr": "Produit"}, order=2, iati_result_type=1
            ),
        ]
    )
    # Tree: one impact, one outcome per 20 indicators, four outputs per outcome.
    root = Result.objects.create(
        programme=programme, level=impact, code="I", title={"en": "Impact", "fr": "Impact"}, order=0
    )
    n_outcomes = max(1, n_indicators // 20)
    outcomes = Result.objects.bulk_create(
        [
            Result(
                programme=programme,
                level=outcome,
                parent=root,
                code=f"O{o}",
                title={"en": f"Outcome {o}", "fr": f"Effet {o}"},
                order=o * 10,
            )
            for o in range(1, n_outcomes + 1)
        ]
    )
    outputs = Result.objects.bulk_create(
        [
            Result(
                programme=programme,
                level=output,
                parent=parent,
                code=f"{parent.code}.{k}",
                title={"en": f"Output {parent.code}.{k}", "fr": f"Produit {parent.code}.{k}"},
                order=parent.order + k,
            )
            for parent in outcomes
            for k in range(1, 5)
        ]
    )
    nodes = [root, *outcomes, *outputs]
    sex = Dimension.objects.create(
        programme=programme, kind=Dimension.Kind.SEX, code="sex", name={"en": "Sex", "fr": "Sexe"}
    )
    country = Dimension.objects.create(
        programme=programme, kind=Dimension.Kind.COUNTRY, code="country", name={"en": "Country", "fr": "Pays"}
    )
    women, men = DimensionValue.objects.bulk_create(
        [
            DimensionValue(dimension=sex, code="female", name={"en": "Women", "fr": "Femmes"}, order=1),
            DimensionValue(dimension=sex, code="male", name={"en": "Men", "fr": "Hommes"}, order=2),
        ]
    )
    chosen = sorted(rng.sample(refs["countries"], scale.countries))
    country_values = DimensionValue.objects.bulk_create(
        [
            DimensionValue(dimension=country, code=iso3, name={"en": en, "fr": fr}, order=n)
            for n, (iso3, en, fr) in enumerate(chosen)
        ]
    )
    weights = [rng.uniform(0.2, 3.0) for _ in country_values]
    weights = [w / sum(weights) for w in weights]

    specs = []
    for n in range(n_indicators):
        r = rng.random()
        measure = Measure.COUNT if r < 0.55 else Measure.PERCENTAGE if r < 0.85 else Measure.CURRENCY
        cumulation = rng.choice(
            [Cumulation.NON_CUMULATIVE, Cumulation.NON_CUMULATIVE, Cumulation.CUMULATIVE, Cumulation.LATEST]
        )
        if measure == Measure.PERCENTAGE:
            cumulation = rng.choice([Cumulation.NON_CUMULATIVE, Cumulation.LATEST])
        descending = measure != Measure.PERCENTAGE and cumulation != Cumulation.CUMULATIVE and rng.random() < 0.15
        baseline_kind = rng.choices(["set", "none", "later"], weights=[85, 10, 5])[0]
        if measure == Measure.PERCENTAGE:
            base = rng.randint(10, 50)
            top = min(95, base + rng.randint(10, 40))
        else:
            base = rng.randint(20, 400) * (10 if measure == Measure.CURRENCY else 1)
            top = base * rng.choice([2, 3, 4])
        if descending:
            base, top = top, base
        relative = baseline_kind != "none" and measure != Measure.PERCENTAGE and not descending and rng.random() < 0.2
        node = nodes[n % len(nodes)] if n < len(nodes) else nodes[1 + n % (len(nodes) - 1)]
        specs.append((node, measure, cumulation, descending, baseline_kind, base, top, relative))

    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                result=node,
                code=f"{node.code}-{n + 1}",
                title={"en": f"Indicator {n + 1} of {node.code}", "fr": f"Indicateur {n + 1} de {node.code}"},
                definition={"en": "Benchmark indicator.", "fr": "Indicateur de test de charge."},
                measure=measure,
                currency="USD" if measure == Measure.CURRENCY else "",
                direction=Indicator.Direction.DESCENDING if descending else Indicator.Direction.ASCENDING,
                cumulation=cumulation,
                baseline_value=base if baseline_kind == "set" else None,
                baseline_year=FIRST_YEAR - 1 if baseline_kind == "set" else None,
                baseline_to_be_set_in=FIRST_YEAR + 1 if baseline_kind == "later" else None,
                target_value=None if relative else top,
                target_relative_percent=(top - base) * 100 // base if relative else None,
                is_demo=True,
                order=n,
            )
            for n, (node, measure, cumulation, descending, baseline_kind, base, top, relative) in enumerate(specs)
        ]
    )
    Through = Indicator.dimensions.through
    Through.objects.bulk_create(
        [Through(indicator_id=i.pk, dimension_id=d.pk) for i in indicators for d in (sex, country)]
    )
    milestones = []
    plans = []  # per indicator: the level (or the flow, for cumulative ones) expected in each period
    for indicator, (_node, _measure, cumulation, _descending, _kind, base, top, relative) in zip(
        indicators, specs, strict=True
    ):
        plan = []
        for k, period in enumerate(periods):
            level = base + (top - base) * (k + 1) // scale.periods
            if relative:
                milestones.append(
                    Milestone(indicator=indicator, period=period, relative_percent=(level - base) * 100 // base)
                )
            else:
                milestones.append(Milestone(indicator=indicator, period=period, value=level))
            plan.append((top - base) // scale.periods or 1 if cumulation == Cumulation.CUMULATIVE else level)
        plans.append(plan)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)

    # Datetimes as the backend stores them (SQLite: text in UTC; PostgreSQL: aware datetimes).
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else (lambda dt: dt)
    now = adapt(timezone.now())
    reporters = rng.sample(refs["reporters"], scale.reporters)
    share_of = [rng.uniform(0.3, 0.7) for _ in reporters]
    share_of = [s / sum(share_of) for s in share_of]
    approved, waiting = (
        Measurement.Status.APPROVED,
        [Measurement.Status.SUBMITTED, Measurement.Status.RETURNED, Measurement.Status.DRAFT],
    )
    # Each cell: (dimension value id or None, value part, numerator part, denominator part)
    for indicator, (_node, measure, _cumulation, _descending, _kind, _base, _top, _relative), plan in zip(
        indicators, specs, plans, strict=True
    ):
        percentage = measure == Measure.PERCENTAGE
        for period, expected in zip(periods, plan, strict=True):
            reported = datetime.datetime(period.end.year + 1, 1, 15, tzinfo=datetime.UTC)
            reported_at, reviewed_at = adapt(reported), adapt(reported + datetime.timedelta(days=20))
            for organisation, share in zip(reporters, share_of, strict=True):
                factor = rng.uniform(0.4, 1.3)
                for status in [approved, *([rng.choice(waiting)] if rng.random() < scale.pending_share else [])]:
                    if percentage:
                        denominator = rng.randint(100, 400)
                        numerator = min(denominator, int(denominator * min(100, expected * factor) / 100))
                        dens = _split(denominator, weights)
                        nums = [min(d, int(numerator * w)) for d, w in zip(dens, weights, strict=True)]
                        sex_dens = _split(denominator, [0.5, 0.5])
                        sex_nums = [min(sex_dens[0], numerator // 2)]
                        sex_nums.append(min(sex_dens[1], numerator - sex_nums[0]))
                        cells = [(None, None, numerator, denominator)]
                        cells += [
                            (v.pk, None, n_, d_) for v, n_, d_ in zip((women, men), sex_nums, sex_dens, strict=True)
                        ]
                        cells += [(v.pk, None, n_, d_) for v, n_, d_ in zip(country_values, nums, dens, strict=True)]
                    else:
                        value = max(1, int(expected * factor * share))
                        female = int(value * rng.uniform(0.35, 0.6))
                        cells = [
                            (None, value, None, None),
                            (women.pk, female, None, None),
                            (men.pk, value - female, None, None),
                        ]
                        cells += [
                            (v.pk, part, None, None)
                            for v, part in zip(country_values, _split(value, weights), strict=True)
                        ]
                    decided = status in (approved, Measurement.Status.RETURNED)
                    for dimension_value_id, value, numerator, denominator in cells:
                        writer.add(
                            (
                                indicator.pk,
                                period.pk,
                                dimension_value_id,
                                organisation.pk,
                                value,
                                numerator,
                                denominator,
                                "",
                                "",
                                "",
                                "",
                                status,
                                "Please attach the attendance lists." if status == Measurement.Status.RETURNED else "",
                                False,
                                None,
                                None,
                                reported_at if status != Measurement.Status.DRAFT else None,
                                reviewed_at if decided else None,
                                now,
                                now,
                                1,
                            )
                        )


def generate(*, scale: Scale, method: str = "auto", reset: bool = False, log=print) -> dict:
    """Build the portfolio; returns row counts. Refuses to add a second portfolio unless `reset`."""
    from django.db import connection, transaction

    from jalon.organisations.models import Organisation
    from jalon.reference.models import Country
    from jalon.results.models import Indicator, Measurement, Programme

    prepare_database(log)
    if Programme.objects.filter(code__startswith=PREFIX).exists():
        if not reset:
            raise SystemExit("bench programmes exist already: pass --reset to build them again")
        delete_portfolio(log)
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "insert"
    if method == "copy" and connection.vendor != "postgresql":
        raise SystemExit("--method copy needs PostgreSQL")
    rng = random.Random(scale.seed)  # noqa: S311 - deterministic benchmark data, not security
    members = list(Organisation.objects.filter(iso_member_id__isnull=False).order_by("iso_member_id"))
    refs = {
        "owner": Organisation.objects.filter(acronym="ISO").first() or members[0],
        "reporters": members,
        "countries": sorted(
            (iso3, name.get("en", ""), name.get("fr", "")) for iso3, name in Country.objects.values_list("iso3", "name")
        ),
    }
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throw-away database: no fsync while loading.
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -200000")
    started = time.perf_counter()
    writer = Writer(method)
    with transaction.atomic():
        for p in range(1, scale.programmes + 1):
            build_programme(
                code=f"{PREFIX}{p:02d}", n_indicators=scale.indicators, scale=scale, rng=rng, refs=refs, writer=writer
            )
            writer.flush()
            log(f"{PREFIX}{p:02d}: {writer.written:,} measurements so far ({time.perf_counter() - started:.0f} s)")
        build_programme(code=MINI, n_indicators=5, scale=scale, rng=rng, refs=refs, writer=writer)
        writer.flush()
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Statistics for both planners; on PostgreSQL also the visibility map, without which an
        # index-only scan still visits the table (autovacuum would do it later on its own).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    bench = Measurement.objects.filter(indicator__result__programme__code__startswith=PREFIX)
    counts = {
        "programmes": Programme.objects.filter(code__startswith=PREFIX).count(),
        "indicators": Indicator.objects.filter(result__programme__code__startswith=PREFIX).count(),
        "measurements": bench.count(),
        "approved": bench.filter(status=Measurement.Status.APPROVED).count(),
        "approved totals": bench.filter(status=Measurement.Status.APPROVED, dimension_value__isnull=True).count(),
        "method": method,
        "load seconds": round(loaded),
        "total seconds": round(time.perf_counter() - started),
    }
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=Scale.programmes)
    parser.add_argument("--indicators", type=int, default=Scale.indicators, help="per programme")
    parser.add_argument("--periods", type=int, default=Scale.periods)
    parser.add_argument("--countries", type=int, default=Scale.countries, help="values of the country dimension")
    parser.add_argument("--reporters", type=int, default=Scale.reporters, help="organisations reporting each cell")
    parser.add_argument(
        "--pending-share",
        type=float,
        default=Scale.pending_share,
        help="share of reports also waiting, returned or in draft",
    )
    parser.add_argument("--seed", type=int, default=Scale.seed)
    parser.add_argument(
        "--method",
        choices=["auto", "insert", "copy"],
        default="auto",
        help="auto: COPY on PostgreSQL, executemany elsewhere",
    )
    parser.add_argument("--reset", action="store_true", help="delete the bench programmes first")
    args = parser.parse_args(argv)
    setup_django()
    scale = Scale(
        args.programmes, args.indicators, args.periods, args.countries, args.reporters, args.pending_share, args.seed
    )
    counts = generate(
        scale=scale, method=args.method, reset=args.reset, log=lambda m: print(m, file=sys.stderr, flush=True)
    )
    out = io.StringIO()
    for key, value in counts.items():
        print(f"{key:>16}: {value:,}" if isinstance(value, int) else f"{key:>16}: {value}", file=out)
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
