"""python-calamine against jalon's XLSX reader (jalon.interop.spreadsheets) on the 100,000-row participant
sheet of bench/participants_import.py (issue 19): wall clock, CPU and peak memory of reading every cell.

    .venv/bin/pip install python-calamine   # not a dependency of jalon: measured here only
    .venv/bin/python -m bench.spreadsheet_readers --rows 100000 --json bench/out/readers.json

Writes the rows (the same generator and seed as the import benchmark) as XLSX with openpyxl (inline strings),
and as an OpenDocument spreadsheet (.ods, written here as plain XML: no library writes one in this
environment). Each reading runs in a fresh Python process, so that its peak resident memory (ru_maxrss) is its
own (VmHWM); a process that only imports the modules gives the baseline subtracted. The readers:
- "jalon": `sheet_read` (lxml, streaming, typed cells: Decimal, dates), every row consumed;
- "calamine iter": CalamineWorkbook.from_path(...).get_sheet_by_index(0).iter_rows(), every row consumed;
- "calamine to_python": the whole sheet as a list of lists.
Calamine also reads the .ods file (jalon's reader refuses .ods and .xls with a message).
"""

import argparse
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from bench.participants_import import HEADERS, OUT, rows_generate, xlsx_write

ORGANISATIONS = [("ASN", "SEN"), ("KEBS", "KEN"), ("ABNT", "BRA"), ("AFNOR", "FRA"), ("SABS", "ZAF")]

PROBE = r"""
import sys, time
mode, path = sys.argv[1], sys.argv[2]
if mode == "baseline-jalon":
    import django, os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings"); django.setup()
    from jalon.interop import spreadsheets  # noqa
    cells = 0
    start = time.perf_counter(); cpu = time.process_time()
elif mode == "baseline-calamine":
    import python_calamine  # noqa
    cells = 0
    start = time.perf_counter(); cpu = time.process_time()
elif mode == "jalon":
    import django, os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings"); django.setup()
    from jalon.interop.spreadsheets import sheet_read
    start = time.perf_counter(); cpu = time.process_time()
    with open(path, "rb") as file:
        cells = sum(len(row) for _number, row in sheet_read(file, name=path).rows)
else:
    from python_calamine import CalamineWorkbook
    start = time.perf_counter(); cpu = time.process_time()
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    if mode == "calamine-iter":
        cells = sum(len(row) for row in sheet.iter_rows())
    else:
        cells = sum(len(row) for row in sheet.to_python())
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
# VmHWM, not ru_maxrss: the latter is inherited from the parent across fork and exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"{wall} {cpu} {peak} {cells}")
"""


def ods_write(path: Path, rows: list[list]) -> None:
    """A minimal OpenDocument spreadsheet: one table, strings and floats."""

    def cell(value) -> str:
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in [HEADERS, *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Participants">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def run(mode: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    wall, cpu, rss, cells = float(output[0]), float(output[1]), int(output[2]), int(output[3])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mib": round(rss / 1024, 1), "cells": cells}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--repeat", type=int, default=3, help="keep the best of N runs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    rows = rows_generate(args.rows, args.seed, ORGANISATIONS)
    xlsx, ods = OUT / f"readers-{args.rows}.xlsx", OUT / f"readers-{args.rows}.ods"
    xlsx_write(xlsx, rows)
    ods_write(ods, rows)
    results = {"rows": args.rows, "xlsx_bytes": xlsx.stat().st_size, "ods_bytes": ods.stat().st_size}
    for name in ("jalon", "calamine"):
        results[f"baseline {name}"] = run(f"baseline-{name}", xlsx)
    for mode, path in [
        ("jalon", xlsx),
        ("calamine-iter", xlsx),
        ("calamine-to_python", xlsx),
        ("calamine-iter", ods),
    ]:
        runs = [run(mode, path) for _ in range(args.repeat)]
        best = min(runs, key=lambda item: item["wall_s"])
        baseline = results["baseline jalon" if mode == "jalon" else "baseline calamine"]["peak_rss_mib"]
        best["peak_rss_mib_over_baseline"] = round(best["peak_rss_mib"] - baseline, 1)
        results[f"{mode} {path.suffix}"] = best
        print(f"{mode:20} {path.suffix:6} {best}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
