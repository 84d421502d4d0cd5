"""Run the whole benchmark suite and write docs/benchmarks.md and docs/benchmarks.json.

python -m benchmarks.run [--quick]   (scripts/bench sets everything up first)
Every load is bounded in time and aimed only at 127.0.0.1.
"""

import argparse
import asyncio
import gzip
import json
import os
import platform
import statistics
import sys
import time
import urllib.request

import torch

from benchmarks import alternatives, class_view, classroom, code_cells, in_process
from benchmarks.learners import simulate
from benchmarks.report import write_report
from benchmarks.scenarios import LAB_SCENARIOS, PAGE_SCENARIOS
from benchmarks.server import REPO_ROOT, memory_mb, running_server
from benchmarks.wrk import run_wrk

HTMX = {"HX-Request": "true", "Accept-Encoding": "gzip"}  # what a browser running htmx sends
WARM_UP_SECONDS = 3  # unmeasured load first: a classroom server has long passed its first requests


def measure(url: str, connections: int, seconds: float, headers: dict | None = None, warm_up: bool = False) -> dict:
    if warm_up:
        run_wrk(url, 10, WARM_UP_SECONDS, headers=headers)
    return run_wrk(url, connections, seconds, headers=headers)


def lab_load(seconds: float) -> list[dict]:
    rows = []
    for workers in (1, 2):
        with running_server(workers=workers) as (url, _, _):
            for scenario in LAB_SCENARIOS:
                for connections in (1, 10, 50):
                    figures = measure(
                        url + scenario.path,
                        connections,
                        seconds,
                        HTMX if scenario.htmx else None,
                        warm_up=connections == 1,
                    )
                    rows.append({"scenario": scenario.name, "workers": workers, "connections": connections, **figures})
                    print(rows[-1], flush=True)
    return rows


def serving_floor(seconds: float) -> dict:
    """Measure what serving costs with next to no handler: /healthz at 50 connections, 2 workers."""
    with running_server(workers=2) as (url, _, _):
        return measure(url + "/healthz", 50, seconds, warm_up=True)


UVICORN = [
    sys.executable,
    "-m",
    "uvicorn",
    "app.main:app",
    "--port",
    "{port}",
    "--log-level",
    "warning",
    "--no-access-log",
]


TUNING_ROUNDS = 3  # runs of each variant, alternating with its pair; the median run is reported


def _median_run(runs: list[dict]) -> dict:
    """Return the run with the median requests/s (its latencies are that run's own)."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def tuning(seconds: float) -> list[dict]:
    """Measure each knob's before/after on one scenario, 1 worker; the default is what won.

    Both servers of a pair run at once and wrk alternates between them, round after round: this
    machine's speed drifts by 10-30% over minutes, and a pair measured minutes apart compared the
    drift as much as the knob. Only the server under load uses the CPU; the other one idles.
    """
    lesson_1, registration, gallery = LAB_SCENARIOS[0], LAB_SCENARIOS[1], LAB_SCENARIOS[2]
    pairs = [  # (before label, how its server starts), default label, scenario, connections
        (
            (
                "event loop: uvloop (the default before)",
                {"command": UVICORN + ["--loop", "uvloop", "--http", "httptools"]},
            ),
            "event loop: asyncio (default)",
            registration,
            50,
        ),
        (
            ("HTTP parser: h11", {"command": UVICORN + ["--http", "h11", "--loop", "asyncio"]}),
            "HTTP parser: httptools (default)",
            lesson_1,
            10,
        ),
        (("torch threads: 2", {"torch_threads": 2}), "torch threads: 1 (default)", lesson_1, 10),
        (
            ("access log on", {"extra_env": {"PLAB_ACCESS_LOG": "true", "PLAB_LOG_LEVEL": "info"}}),
            "access log off (default)",
            lesson_1,
            10,
        ),
        (
            (
                "glibc returns freed memory at once (the default before)",
                {"extra_env": {"PLAB_KEEP_FREED_MEMORY": "false"}},
            ),
            "glibc keeps freed memory for the next request (default)",
            gallery,
            10,
        ),
        (("gzip off", {"extra_env": {"PLAB_GZIP": "false"}}), "gzip on, level 1 (default)", lesson_1, 10),
        (
            ("gzip level 5 (the default before)", {"extra_env": {"PLAB_GZIP_LEVEL": "5"}}),
            "gzip level 1 (default)",
            registration,
            10,
        ),
        (
            ("full garbage collections walk torch's objects", {"extra_env": {"PLAB_GC_FREEZE": "false"}}),
            "gc.freeze() after warm-up (default)",
            registration,
            1,
        ),
    ]
    rows = []
    for (before_label, before_options), default_label, scenario, connections in pairs:
        headers = HTMX if scenario.htmx else None
        with running_server(**before_options) as (before_url, _, _), running_server() as (default_url, _, _):
            urls = {before_label: before_url + scenario.path, default_label: default_url + scenario.path}
            for url in urls.values():
                run_wrk(url, 10, WARM_UP_SECONDS, headers=headers)
            runs = {label: [] for label in urls}
            for _ in range(TUNING_ROUNDS):
                for label, url in urls.items():
                    runs[label].append(run_wrk(url, connections, max(1, round(seconds / 2)), headers=headers))
        for label in urls:
            rows.append(
                {"variant": label, "scenario": scenario.name, "connections": connections, **_median_run(runs[label])}
            )
            print(rows[-1], flush=True)
    return rows


def pages(seconds: float) -> dict:
    with running_server() as (url, _, _):
        latency = [{"scenario": s.name, **measure(url + s.path, 1, seconds, warm_up=True)} for s in PAGE_SCENARIOS]
        html = urllib.request.urlopen(url + PAGE_SCENARIOS[0].path).read()
        assets = [
            url + "/static/css/site.css",
            url + "/static/vendor/htmx.min.js",
            url + "/static/js/progress.js",
            url + "/static/favicon.svg",
        ]
        bodies = [html] + [urllib.request.urlopen(asset).read() for asset in assets]
    return {
        "latency": latency,
        "first_visit_bytes": sum(map(len, bodies)),
        "first_visit_gzip_bytes": sum(len(gzip.compress(body)) for body in bodies),
        "html_bytes": len(html),
    }


def memory(learners: int) -> dict:
    result = {}
    servers = {  # the last is the "before" of forking workers after torch is loaded
        "1 worker": {"workers": 1},
        "2 workers": {"workers": 2},
        "2 workers started by uvicorn --workers 2": {"workers": 2, "command": UVICORN + ["--workers", "2"]},
    }
    for name, options in servers.items():
        with running_server(**options) as (url, pid, _):
            idle = memory_mb(pid)
            first = asyncio.run(simulate(url, learners))
            after_first = memory_mb(pid)
            second = asyncio.run(simulate(url, learners))
            after_second = memory_mb(pid)
        result[name] = {
            "idle": idle,
            f"after_{learners}_learners": after_first,
            f"after_{learners}_more": after_second,
            "requests": first["requests"] + second["requests"],
            "failures": first["failures"] + second["failures"],
        }
        print(result, flush=True)
    return result


def startup(runs: int = 3) -> dict:
    times = []
    for _ in range(runs):
        with running_server() as (_, _, ready):
            times.append(ready)
    return {"runs": runs, "median_s": round(statistics.median(times), 2), "max_s": round(max(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, to check the suite works")
    args = parser.parse_args()
    seconds = 2 if args.quick else 8
    started = time.time()
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "platform": platform.platform(),
            "date": time.strftime("%Y-%m-%d"),
        },
        "startup": startup(),
        "in_process_ms": in_process.measure(100 if args.quick else 300),
        "lab_run_ms": in_process.measure_lab_runs(100 if args.quick else 300),
        "lab_requests": lab_load(seconds),
        "serving_floor": serving_floor(seconds),
        "tuning": tuning(seconds),
        "tuning_rounds": TUNING_ROUNDS,
        "pages": pages(seconds),
        "memory": memory(50 if args.quick else 200),
        "fresh_process": alternatives.fresh_process(3 if args.quick else 5),
        "jupyter": alternatives.jupyter_kernels(kernels=2 if args.quick else 3, cells=20 if args.quick else 50),
        "code_cells": code_cells.measure(runs=20 if args.quick else 100, seconds=4 if args.quick else 15),
        "classroom": classroom.measure(students=50 if args.quick else 200),
        "class_view": class_view.measure(),
    }
    results["duration_s"] = round(time.time() - started)
    docs = REPO_ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, docs / "benchmarks.md", quick=args.quick)
    print(f"wrote docs/benchmarks.md and docs/benchmarks.json in {results['duration_s']} s")


if __name__ == "__main__":
    main()
