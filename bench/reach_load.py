"""The reach dashboard under load (issue 21): requests a second it serves to 16 concurrent clients, against
the programme page's, through a real server (`jalon serve`, waitress with 16 threads) on the database of
DATABASE_URL (a bench history of bench/activities_scale.py, or the demo).

    DATABASE_URL=sqlite:////work/wt/scale/var/bench20k.sqlite3 .venv/bin/python -m bench.reach_load

Each page in turn: the server is started, the page requested once (warm), then `--clients` threads each
request it over a kept-alive connection for `--seconds`; it prints requests a second, p50 and p99 latency, and
non-200 answers. Target (issue 21): the dashboard serves at least half the programme page's requests a second.
"""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time

from bench.activities_scale import percentile


def hammer(port: int, path: str, clients: int, seconds: float) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--programme", default="bench-act-1", help="the programme page's code")
    args = parser.parse_args(argv)
    pages = {
        "programme page": f"/en/programmes/{args.programme}/",
        "reach dashboard": "/en/activities/reach/",
    }
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "jalon"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--threads",
            str(args.clients),
        ],
        env={**os.environ, "DJANGO_DEBUG": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                probe.request("GET", pages["reach dashboard"])
                status = probe.getresponse().status
                break
            except OSError:
                time.sleep(1)
        else:
            raise SystemExit("the server did not start")
        results = {}
        for name, path in pages.items():
            probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
            probe.request("GET", path)
            status = probe.getresponse().status
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            count, latencies, errors = hammer(args.port, path, args.clients, args.seconds)
            results[name] = count / args.seconds
            print(
                f"{name:18} {count / args.seconds:8.1f} req/s  p50 {percentile(latencies, 50):7.1f} ms  "
                f"p99 {percentile(latencies, 99):7.1f} ms  non-200 {errors}  ({args.clients} clients, "
                f"{args.seconds:.0f} s)",
                flush=True,
            )
        ratio = results["reach dashboard"] / results["programme page"]
        print(f"dashboard / programme page: {ratio:.2f} (target at least 0.5)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
