"""The annual report's rendering at the size of a large programme: a synthetic snapshot of `--results`
results with `--indicators` indicators each over `--periods` periods (about 40 pages with the defaults),
written in French and in English by the report's writer and the typst engine (jalon/reporting/annual.py,
pdf.py), as a run does once its snapshot is frozen.

    .venv/bin/python -m bench.reports [--results 52] [--indicators 4] [--periods 6] [--repeat 3]

No database: the snapshot is made here (deterministic), so that the figure is the writing and the engine's,
not the demo's size. Printed per language: pages, bytes, the best and median of `--repeat` times, and
whether every repeat gave the same bytes (the SHA-256 of a fixed timestamp's file)."""

import argparse
import datetime
import hashlib
import io
import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
django.setup()

import pypdf  # noqa: E402

from jalon.reporting.annual import annual_document  # noqa: E402
from jalon.reporting.pdf import pdf_render  # noqa: E402
from jalon.reporting.snapshot import FORMAT  # noqa: E402

AS_OF = datetime.datetime(2026, 6, 30, 12, tzinfo=datetime.UTC)
STATUSES = ["on_track", "at_risk", "off_track", "no_data", "no_target"]


def synthetic(results: int, indicators: int, periods: int, seed: int = 20) -> dict:
    rng = random.Random(seed)  # noqa: S311 - synthetic figures
    codes = [str(2020 + i) for i in range(periods)]

    def cell(code):
        target = rng.randint(10, 5000)
        actual = rng.randint(0, target * 2)
        return {
            "period": code,
            "target": str(target),
            "pending": False,
            "actual": str(actual),
            "progress": f"{actual / target:.4f}",
            "status": rng.choice(STATUSES),
        }

    tree = []
    for r in range(results):
        items = []
        for i in range(indicators):
            cells = [cell(code) for code in codes]
            items.append(
                {
                    "code": f"{r + 1}.{i + 1}",
                    "title": {
                        "en": f"Share of national standards bodies applying practice {i + 1} of result {r + 1}",
                        "fr": f"Part des organismes nationaux appliquant la bonne pratique {i + 1} du résultat {r + 1}",
                    },
                    "unit": {"en": "%", "fr": "%"},
                    "measure": "count",
                    "baseline": str(rng.randint(0, 100)),
                    "target": str(rng.randint(1000, 9000)),
                    "target_pending": False,
                    "actual": cells[-1]["actual"],
                    "overall_progress": cells[-1]["progress"],
                    "overall_status": cells[-1]["status"],
                    "latest": cells[-1],
                    "cells": cells,
                    "is_demo": False,
                }
            )
        tree.append(
            {
                "code": f"R{r + 1}",
                "title": {
                    "en": f"Result {r + 1}: developing-country members take part in standardization",
                    "fr": f"Résultat {r + 1} : les membres des pays en développement participent à la normalisation",
                },
                "level": {"en": "Outcome", "fr": "Effet"},
                "depth": 0,
                "indicators": items,
            }
        )
    return {
        "format": FORMAT,
        "as_of": AS_OF.isoformat(),
        "programme": {
            "code": "bench",
            "title": {"en": "Benchmark programme", "fr": "Programme de mesure"},
            "owner": "ISO",
            "start": "2020-01-01",
            "end": f"{2020 + periods - 1}-12-31",
            "source": "",
            "is_demo": False,
        },
        "periods": [{"code": c, "name": {"en": c, "fr": c}, "start": f"{c}-01-01", "end": f"{c}-12-31"} for c in codes],
        "results": tree,
        "reach": [{"period": c, "participants": rng.randint(0, 900), "countries": rng.randint(0, 90)} for c in codes],
        "participation": {
            "rule": "OECD DAC",
            "rows": [
                {
                    "year": 2020 + i,
                    "committees": 800,
                    "developing_p": 1200 + i,
                    "developing_o": 600,
                    "developing_leadership": 90,
                    "developed_p": 3000,
                    "developed_o": 900,
                    "share": "28.5",
                }
                for i in range(5)
            ],
        },  # fmt: skip
        "support": [
            {
                "year": 2024,
                "scheme": "iso_sponsorship",
                "currency": "CHF",
                "awards": 40,
                "estimated": "120000",
                "actual": "98000",
            }
        ],  # fmt: skip
        "table_one": [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=52)
    parser.add_argument("--indicators", type=int, default=4)
    parser.add_argument("--periods", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    snapshot = synthetic(options.results, options.indicators, options.periods)
    print(
        f"{options.results} results x {options.indicators} indicators x {options.periods} periods, "
        f"{options.repeat} repeats"
    )
    for language in ("fr", "en"):
        times, write_times, digests = [], [], set()
        for _ in range(options.repeat):
            start = time.perf_counter()
            document = annual_document(snapshot, language)
            written = time.perf_counter()
            content = pdf_render(document, timestamp=AS_OF)
            times.append(time.perf_counter() - start)
            write_times.append(written - start)
            digests.add(hashlib.sha256(content).hexdigest())
        pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
        print(
            f"{language}: {pages} pages, {len(content) / 1024:.0f} KB, total best {min(times):.2f} s, "
            f"median {statistics.median(times):.2f} s (writing the blocks: {statistics.median(write_times):.3f} s); "
            f"same bytes each time: {len(digests) == 1}"
        )


if __name__ == "__main__":
    main()
