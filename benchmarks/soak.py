"""Does memory stay flat? Simulated learners for a while, PSS of the whole process tree every 10 s.

    .venv/bin/python -m benchmarks.soak [--minutes 15] [--learners 200] [--workers 2]

Starts the app as a real server, then runs rounds of `learners` simulated learners (each visits a
lesson and the labs with inputs of their own; every round uses new learners, so caches keyed by
request content keep meeting new keys) until the time is up, while a thread samples the PSS of the
web server and of its code-cell sandbox every 10 s. Target (issue 17): growth over the last 10
minutes of a 15-minute soak under 5 MB per worker. The figures go into docs/benchmarks.json under
"soak", and docs/benchmarks.md is rendered again.
"""

import argparse
import asyncio
import json
import os
import threading
import time

from benchmarks.learners import simulate
from benchmarks.server import memory_mb, running_server
from benchmarks.starvation import save

INTERVAL_S = 10.0


def soak(minutes: float, learners: int, workers: int) -> dict:
    samples: list[dict] = []
    counts = {"requests": 0, "failures": 0}
    with running_server(workers=workers, extra_env={"PLAB_RUN_RATE_LIMIT": "0"}) as (url, pid, _ready):
        started = time.monotonic()
        stop_at = started + minutes * 60
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                figures = memory_mb(pid)
                samples.append(
                    {
                        "t_s": round(time.monotonic() - started, 1),
                        "server_pss": figures["server_pss"],
                        "sandbox_pss": figures["sandbox_pss"],
                        "total_pss": round(figures["server_pss"] + figures["sandbox_pss"], 1),
                    }
                )
                done.wait(INTERVAL_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        round_number = 0
        while time.monotonic() < stop_at:
            result = asyncio.run(simulate(url, learners=learners, offset=round_number * learners))
            counts["requests"] += result["requests"]
            counts["failures"] += result["failures"]
            round_number += 1
        done.set()
        sampler.join()
        samples.append({**samples[-1], **_final(pid, started)})
    late_window = min(600.0, samples[-1]["t_s"] * 2 / 3)
    late = [s for s in samples if s["t_s"] >= samples[-1]["t_s"] - late_window]
    growth = (late[-1]["total_pss"] - late[0]["total_pss"]) / workers
    return {
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine, for reading the figures
        "minutes": minutes,
        "learners": learners,
        "workers": workers,
        "interval_s": INTERVAL_S,
        "rounds": round_number,
        **counts,
        "samples": samples,
        "late_window_s": round(late[-1]["t_s"] - late[0]["t_s"], 1),
        "late_growth_mb_per_worker": round(growth, 1),
    }


def _final(pid: int, started: float) -> dict:
    figures = memory_mb(pid)
    return {
        "t_s": round(time.monotonic() - started, 1),
        "server_pss": figures["server_pss"],
        "sandbox_pss": figures["sandbox_pss"],
        "total_pss": round(figures["server_pss"] + figures["sandbox_pss"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--note", default="", help="said next to the figures, e.g. that the run was short")
    args = parser.parse_args()
    figures = soak(args.minutes, args.learners, args.workers)
    if args.note:
        figures["note"] = args.note
    print(json.dumps({key: value for key, value in figures.items() if key != "samples"}, indent=2))
    save("soak", figures)


if __name__ == "__main__":
    main()
