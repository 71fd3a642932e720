"""A report's rendering at the size of a large programme: a synthetic snapshot of `--results` results with
`--indicators` indicators each over `--periods` periods (about 40 pages of annual report with the
defaults), written in French and in English by the report's writer and the typst engine
(jalon/reporting/annual.py, documents.py, pdf.py), as a run does once its snapshot is frozen. `--kind`: the
annual report (with its sections on assessments, twinning and the gap), the indicator tracking table, the
donor report (every result served, 40 contributions with their allocations) or the country profile (every
period's reach, 30 assessments, 30 twinning arrangements).

    .venv/bin/python -m bench.reports [--kind annual|iptt|donor|country] [--results 52] [--indicators 4]
                                      [--periods 6] [--repeat 3]

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

from jalon.reporting.documents import document_for  # noqa: E402
from jalon.reporting.pdf import pdf_render  # noqa: E402
from jalon.reporting.snapshot import FORMAT  # noqa: E402
from jalon.web.maps import shapes  # noqa: E402

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
        # The map of the people trained by country: 80 countries with a shape, and two small states (symbols).
        "reach_map": {
            "period": codes[-1],
            "countries": [
                {
                    "m49": code,
                    "name": {"en": f"Country {code}", "fr": f"Pays {code}"},
                    "people": rng.choice([None, rng.randint(5, 900)]),
                    "latitude": None,
                    "longitude": None,
                }
                for code in sorted(shapes())[:80]
            ]
            + [
                {
                    "m49": "132",
                    "name": {"en": "Cabo Verde", "fr": "Cabo Verde"},
                    "people": 12,
                    "latitude": "16.0",
                    "longitude": "-24.0",
                },
                {
                    "m49": "690",
                    "name": {"en": "Seychelles", "fr": "Seychelles"},
                    "people": None,
                    "latitude": "-4.6",
                    "longitude": "55.5",
                },
            ],
        },  # fmt: skip
        # The sections on the newer modules: published assessments (7 sections, 4 bands), twinning (every status
        # and kind) and the gap index of 60 developing countries.
        "assessments": {
            "framework": {"code": "gsp", "version": 2, "title": {"en": "GSP self-assessment", "fr": "Autoévaluation"}},
            "organisations": 40,
            "bands": [
                {"code": code, "label": {"en": code.title(), "fr": code.title()}, "organisations": n}
                for code, n in (("initial", 6), ("developing", 14), ("established", 15), ("advanced", 5))
            ],
            "sections": [
                {
                    "code": f"S{n}",
                    "title": {"en": f"Section {n}", "fr": f"Section {n}"},
                    "assessments": 40,
                    "mean": f"0.{rng.randint(30, 90)}",
                }
                for n in range(7)
            ],
        },
        "twinning": {
            "counts": [
                {"status": status, "kind": kind, "arrangements": rng.randint(1, 9)}
                for status in ("proposed", "active", "in_review", "completed", "terminated")
                for kind in ("p_member", "convenor", "chair", "secretariat")
            ],
            "outcomes": {
                "started": 60,
                "o_to_p": 21,
                "joined_p": 4,
                "roles": 9,
                "meetings": 140,
                "contributions": 75,
                "spill_over": 33,
            },
        },  # fmt: skip
        "gap": {
            "as_of": "2026-06-30",
            "ranked": 70,
            "countries": [
                {
                    "iso3": f"C{n:02}",
                    "name": {"en": f"Country {n}", "fr": f"Pays {n}"},
                    "scored": n < 55,
                    "rank": n + 11 if n < 55 else None,
                    "index": f"{60 - n * 0.5:.2f}" if n < 55 else None,
                    "gap": f"{10 + n * 0.5:.2f}" if n < 55 else None,
                    "moved": rng.randint(-9, 9) if n < 55 else None,
                    "closure": f"0.{rng.randint(0, 400):03}" if n < 55 else None,
                }
                for n in range(60)
            ],
        },
    }


def with_kind(snapshot: dict, kind: str, seed: int = 21) -> dict:
    """The snapshot of another kind: the same tree and periods, with what that kind adds."""
    rng = random.Random(seed)  # noqa: S311 - synthetic figures
    codes = [period["code"] for period in snapshot["periods"]]
    snapshot = {**snapshot, "kind": kind}
    if kind == "donor":
        snapshot["donor"] = {
            "name": {"en": "Benchmark donor agency", "fr": "Agence donatrice de mesure"},
            "served": [result["code"] for result in snapshot["results"]],
            "contributions": [
                {
                    "reference": f"BENCH-{n:03}",
                    "fund": {"en": "Trust fund", "fr": "Fonds fiduciaire"},
                    "value_date": f"{codes[n % len(codes)]}-03-01",
                    "status": "received",
                    "modality": "B",
                    "earmarked_for": [snapshot["results"][n % len(snapshot["results"])]["code"]],
                    "currency": "CHF" if n % 2 else "EUR",
                    "amount": str(rng.randint(10_000, 900_000)),
                    "received": str(rng.randint(0, 10_000)),
                    "allocations": [
                        {
                            "result": snapshot["results"][(n + k) % len(snapshot["results"])]["code"],
                            "period": codes[k % len(codes)],
                            "amount": str(rng.randint(1000, 90_000)),
                            "spent": str(rng.randint(0, 1000)),
                        }
                        for k in range(3)
                    ],
                }
                for n in range(40)
            ],
        }
    if kind == "country":
        snapshot["country"] = {
            "iso3": "SEN",
            "name": {"en": "Senegal", "fr": "Sénégal"},
            "reach": [{"period": code, "people": rng.choice([None, rng.randint(5, 400)])} for code in codes],
            "participation": {
                "p": 40, "o": 25, "leadership": 3, "meetings": 120, "contributions": 14, "committees": 800,
                "p_share": "5.0",
            },
            "assessments": [
                {
                    "organisation": {"en": f"Body {n}", "fr": f"Organisme {n}"},
                    "framework": {"en": "GSP self-assessment", "fr": "Auto-évaluation BPN"},
                    "start": "2024-01-01",
                    "end": "2024-12-31",
                    "score": str(rng.randint(20, 95)),
                    "coverage": str(rng.randint(50, 100)),
                }
                for n in range(30)
            ],
            "gap": None,
            "twinning": [
                {
                    "kind": "p_member",
                    "committee": f"ISO/TC {n + 1}",
                    "twinned": {"en": "ASN", "fr": "ASN"},
                    "lead": {"en": "AFNOR", "fr": "AFNOR"},
                    "status": "active",
                    "start": "2024-02-01",
                }
                for n in range(30)
            ],
        }  # fmt: skip
    return snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["annual", "iptt", "donor", "country"], default="annual")
    parser.add_argument("--results", type=int, default=52)
    parser.add_argument("--indicators", type=int, default=4)
    parser.add_argument("--periods", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    snapshot = with_kind(synthetic(options.results, options.indicators, options.periods), options.kind)
    print(
        f"{options.kind}: {options.results} results x {options.indicators} indicators x {options.periods} periods, "
        f"{options.repeat} repeats"
    )
    for language in ("fr", "en"):
        times, write_times, digests = [], [], set()
        for _ in range(options.repeat):
            start = time.perf_counter()
            document = document_for(snapshot, language)
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
