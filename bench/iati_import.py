"""IATI import throughput (issue 18) against an lxml parse of the same file.

    DATABASE_URL=sqlite:////tmp/bench-iati.sqlite3 .venv/bin/python -m bench.iati_import --megabytes 20

Builds a file of about `--megabytes` MB in bench/out/ from the three real samples (tests/results/data/iati/),
repeated with each activity's identifier made unique, then times, on that one file:
- "parse": `lxml.etree.iterparse` of the file, each activity cleared once read (the floor for reading it);
- "read": jalon.interop.iati_read.activities_read, which the import streams: the safety checks, a copy of each
  activity, upper-case codes normalised, the 2.03 XSD, the Validator's codelist rules and standard ruleset per
  activity;
- "read (reader process)": the same read in a child process, the activities sent back and parsed again here
  (jalon.interop.iati_read_process.activities_read_in_child, which the import uses for files of
  IATI_IMPORT_READER_PROCESS_BYTES or more: set it to 0 to time the import reading in process);
- "import": the whole import as a dry run (everything written, then rolled back), on the database given, by a
  platform administrator (so that values are written, approved with --trusted), with its number of queries.
It prints MB/s and the ratios to the parse, and the projection of each for the whole IATI Registry (about
10 GB). It asserts nothing about time. The database is created and migrated if needed.

With `--workers N` (N > 1, PostgreSQL: SQLite has one writer at a time), it then also runs N imports at once, one
process each, on N copies of the file whose identifiers differ (the Registry is thousands of files imported
independently; jalon's deployment runs several workers), and prints their wall time and the projection for the
Registry at that many workers: an additional line, never in place of the single-process one.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SAMPLES = ROOT / "tests" / "results" / "data" / "iati"
REGISTRY_GB = 10


def file_build(megabytes: int, copy_of: int = 0) -> Path:
    """The samples' activities repeated until the file holds `megabytes` MB, identifiers made unique (and, for
    the copy a worker imports, `copy_of` > 0, different from the other copies')."""
    OUT.mkdir(exist_ok=True)
    worker = f"-W{copy_of}" if copy_of else ""
    path = OUT / f"iati-{megabytes}mb{worker}.xml"
    if path.exists():
        return path
    activities = []
    for sample in sorted(SAMPLES.glob("*.xml")):
        text = sample.read_text(encoding="utf-8")
        activities += re.findall(r"<iati-activity[ >].*?</iati-activity>", text, flags=re.S)
    target, written, copy = megabytes * 1_000_000, 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        while written < target:
            copy += 1
            for activity in activities:
                unique = re.sub(
                    r"<iati-identifier>(.*?)</iati-identifier>",
                    rf"<iati-identifier>\1-B{copy}{worker}</iati-identifier>",
                    activity,
                    count=1,
                )
                out.write(unique + "\n")
                written += len(unique.encode("utf-8")) + 1
        out.write("</iati-activities>\n")
    return path


def timed(work) -> tuple[float, int, float, float]:
    """Wall seconds, the work's count, this process's CPU seconds (on a shared machine, less moved by the
    others' load than the wall time; on SQLite the database's work is in it, on PostgreSQL the server's is not),
    and the CPU seconds of the child processes it ended meanwhile (the reader process)."""
    start, cpu, children = time.perf_counter(), time.process_time(), children_cpu()
    count = work()
    return time.perf_counter() - start, count, time.process_time() - cpu, children_cpu() - children


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--skip-import", action="store_true", help="Time the parse and the read only.")
    parser.add_argument("--trusted", action="store_true", help="Import the values approved.")
    parser.add_argument("--workers", type=int, default=1, help="Also time this many imports at once (PostgreSQL).")
    parser.add_argument("--copy-of", type=int, default=0, help=argparse.SUPPRESS)  # one worker's own import
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from lxml import etree

    from jalon.interop.iati_read import activities_read
    from jalon.interop.iati_read_process import activities_read_in_child
    from jalon.results.iati_import import iati_import

    path = file_build(args.megabytes, args.copy_of)
    size = path.stat().st_size / 1_000_000

    def parse() -> int:
        count = 0
        for _event, node in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False, no_network=True):
            count += 1
            node.clear()
            while node.getprevious() is not None:
                del node.getparent()[0]
        return count

    def read() -> int:
        return sum(1 for _activity in activities_read(path, max_bytes=10**12))

    def read_in_child() -> int:
        return sum(1 for _activity in activities_read_in_child(path, max_bytes=10**12))

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    def bench_user():
        """The database migrated and the importing user made before the clock starts (a new database's
        migrations took longer than the import of 5 MB)."""
        from jalon.accounts.models import Role, User
        from jalon.accounts.services import role_assign, user_create

        call_command("migrate", verbosity=0)
        actor = User.objects.filter(username="bench-iati").first()
        if actor is None:
            actor = user_create(
                actor=None, username="bench-iati", password="bench-iati-import-2026-long", email="b@example.org"
            )
            role_assign(actor=None, user=actor, role=Role.PLATFORM_ADMIN)
        return actor

    actor = None if args.skip_import else bench_user()

    def full() -> int:
        from django.db import connection

        with connection.execute_wrapper(count):
            report = iati_import(path, actor=actor, dry_run=True, trusted=args.trusted)
        return len(report.activities)

    if args.copy_of:
        start = time.time()
        seconds, _count, _cpu, _children = timed(full)
        print(json.dumps({"start": start, "seconds": seconds, "queries": queries[0], "megabytes": size}))
        return
    rows = [("parse", *timed(parse)), ("read", *timed(read)), ("read (reader process)", *timed(read_in_child))]
    if not args.skip_import:
        rows.append(("import (dry run)", *timed(full)))
    floor = rows[0][1]
    print(f"file: {path.name}, {size:.1f} MB, {rows[0][2]} activities, import: {queries[0]} queries")
    for name, seconds, activities, cpu, children in rows:
        projection = seconds / size * REGISTRY_GB * 1000 / 3600
        reader = f", of the reader process {children:.2f} s" if children else ""
        print(
            f"{name:21} {seconds:8.2f} s  {size / seconds:7.2f} MB/s  {seconds / floor:6.1f} x parse  "
            f"{activities} activities  registry ({REGISTRY_GB} GB): {projection:6.1f} h  (CPU of this process "
            f"{cpu:.2f} s{reader})"
        )
    if args.workers > 1 and not args.skip_import:
        workers_run(args, floor)


def workers_run(args, floor: float) -> None:
    """N imports at once, each its own process and copy of the file (built before the clock starts); the wall time
    from the first import's start to the last one's end (the processes' start-up left out)."""
    for number in range(1, args.workers + 1):
        file_build(args.megabytes, number)
    command = [sys.executable, "-m", "bench.iati_import", "--megabytes", str(args.megabytes)]
    command += ["--trusted"] if args.trusted else []
    processes = [
        subprocess.Popen([*command, "--copy-of", str(number)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for number in range(1, args.workers + 1)
    ]
    results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    wall = max(result["start"] + result["seconds"] for result in results) - min(result["start"] for result in results)
    size = sum(result["megabytes"] for result in results)
    slowest = max(result["seconds"] for result in results)
    projection = REGISTRY_GB * 1000 / (size / wall) / 3600
    print(
        f"import (dry run), {args.workers} workers at once: {wall:.2f} s wall for {size:.1f} MB "
        f"({size / wall:.2f} MB/s together; each worker {slowest:.2f} s at most, {slowest / floor:.1f} x the parse "
        f"above); {sum(result['queries'] for result in results)} queries; "
        f"registry ({REGISTRY_GB} GB) at {args.workers} workers: {projection:.1f} h"
    )


if __name__ == "__main__":
    main()
