"""Do code runs starve the labs? Lab latency at moderate load, with and without 8 busy-loop runs.

    .venv/bin/python -m benchmarks.starvation [--seconds 10] [--rounds 2] [--workers 2]

Starts the app as a real server (2 workers), then alternates two phases of equal length, side by
side in one run (this machine's speed drifts over minutes): lab requests alone, and the same lab
requests while 8 clients keep a `while True: pass` code run going each (every run is stopped at the
time limit and sent again at once). The lab load is moderate, not saturating: 8 clients, each
waiting 10 ms between requests. Target (issue 17): p99 with the busy loops at most 2x p99 without.
The figures go into docs/benchmarks.json under "starvation", and docs/benchmarks.md is rendered again.
"""

import argparse
import http.client
import json
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.report import write_report
from benchmarks.scenarios import LAB_SCENARIOS
from benchmarks.server import running_server

REPO_ROOT = Path(__file__).resolve().parent.parent
LAB_CLIENTS = 8
THINK_S = 0.010
BUSY_RUNS = 8
BUSY_CODE = "while True:\n    pass\n"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1) if ordered else 0.0


def lab_load(port: int, seconds: float) -> tuple[list[float], int]:
    """Send the lab scenarios round-robin from LAB_CLIENTS clients for `seconds`; return latencies (ms) and errors."""
    latencies: list[float] = []
    errors = [0]
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        turn = offset
        while time.monotonic() < stop_at:
            scenario = LAB_SCENARIOS[turn % len(LAB_SCENARIOS)]
            turn += 1
            started = time.perf_counter()
            connection.request("GET", scenario.path, headers={"HX-Request": "true"} if scenario.htmx else {})
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            errors[0] += response.status != 200
            time.sleep(THINK_S)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(LAB_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


class BusyLoops:
    """Keep BUSY_RUNS code runs of a busy loop going until stopped."""

    def __init__(self, port: int):
        self.port, self.running, self.runs = port, threading.Event(), 0
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(BUSY_RUNS)]

    def _loop(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = json.dumps({"code": BUSY_CODE})
        while self.running.is_set():
            connection.request("POST", "/api/run", body=body, headers={"content-type": "application/json"})
            connection.getresponse().read()
            self.runs += 1

    def __enter__(self):
        self.running.set()
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # let every loop reach the CPU before measuring
        return self

    def __exit__(self, *_):
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=15)


def measure(seconds: float, rounds: int, workers: int) -> dict:
    env = {"PLAB_RUN_RATE_LIMIT": "0", "PLAB_RUN_TIME_LIMIT": "5", "PLAB_RUN_MAX_CONCURRENT": str(BUSY_RUNS)}
    alone: list[float] = []
    busy: list[float] = []
    errors = {"alone": 0, "busy": 0}
    runs = 0
    with running_server(workers=workers, extra_env=env) as (url, _pid, _ready):
        port = urlsplit(url).port
        lab_load(port, 2)  # warm every worker's caches once
        for _ in range(rounds):
            latencies, failed = lab_load(port, seconds)
            alone += latencies
            errors["alone"] += failed
            with BusyLoops(port) as loops:
                latencies, failed = lab_load(port, seconds)
            busy += latencies
            errors["busy"] += failed
            runs += loops.runs
    figures = {
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine, for reading the figures
        "workers": workers,
        "lab_clients": LAB_CLIENTS,
        "think_ms": THINK_S * 1000,
        "busy_runs": BUSY_RUNS,
        "seconds_per_phase": seconds,
        "rounds": rounds,
        "busy_runs_finished": runs,
    }
    for name, values in (("alone", alone), ("busy", busy)):
        figures[name] = {
            "requests": len(values),
            "p50_ms": _percentile(values, 0.50),
            "p99_ms": _percentile(values, 0.99),
            "max_ms": round(max(values), 1) if values else 0.0,
            "errors": errors[name],
        }
    figures["p99_ratio"] = round(figures["busy"]["p99_ms"] / max(figures["alone"]["p99_ms"], 0.1), 2)
    return figures


def save(key: str, figures: dict) -> None:
    """Put one benchmark's figures into docs/benchmarks.json and render docs/benchmarks.md again."""
    docs = REPO_ROOT / "docs"
    results = json.loads((docs / "benchmarks.json").read_text())
    results[key] = figures
    (docs / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, docs / "benchmarks.md", quick=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=2, help="alone/busy pairs")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    figures = measure(args.seconds, args.rounds, args.workers)
    print(json.dumps(figures, indent=2))
    save("starvation", figures)


if __name__ == "__main__":
    main()
