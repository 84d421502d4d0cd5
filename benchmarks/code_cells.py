"""Benchmark code runs end to end: HTTP -> app -> sandbox parent -> worker -> answer.

Starts the app (python -m app) on a free port with the rate limit off, then runs a tiny
nn.Linear forward+backward snippet:
  * at concurrency 1 (median and p90 latency),
  * at concurrency N for a fixed time (runs per second, median and p99 latency),
and reports the sandbox's memory (RSS and PSS of the parent, its forker and the warm workers).

Part of scripts/bench (benchmarks/run.py); alone, on a quiet machine:
    .venv/bin/python -m benchmarks.code_cells --seconds 15 --concurrency 20
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.server import REPO_ROOT, free_port

SNIPPET = """import torch
from torch import nn
layer = nn.Linear(4, 2)
loss = layer(torch.ones(3, 4)).pow(2).mean()
loss.backward()
layer.weight.grad.shape
"""


def start_server(port: int, args) -> subprocess.Popen:
    env = {
        **os.environ,
        "PLAB_PORT": str(port),
        "PLAB_LOG_LEVEL": "warning",
        "PLAB_RUN_RATE_LIMIT": "0",
        "PLAB_RUN_POOL_SIZE": str(args.pool_size),
        "PLAB_RUN_MAX_CONCURRENT": str(args.max_concurrent),
    }
    return subprocess.Popen([sys.executable, "-m", "app"], cwd=REPO_ROOT, env=env)


def request(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> dict:
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers={"content-type": "application/json"})
    return json.loads(connection.getresponse().read())


def wait_ready(port: int, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            answer = request(connection, "POST", "/api/run", {"code": "1"})  # starts the sandbox if needed
            if answer["status"] == "ok":
                return request(connection, "GET", "/api/run/status")
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server or its sandbox did not become ready")


def one_run(connection: http.client.HTTPConnection) -> float:
    started = time.perf_counter()
    answer = request(connection, "POST", "/api/run", {"code": SNIPPET})
    elapsed = (time.perf_counter() - started) * 1000
    if answer["status"] != "ok":
        raise RuntimeError(f"run failed: {answer}")
    return elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def sequential(port: int, runs: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    return [one_run(connection) for _ in range(runs)]


def concurrent(port: int, clients: int, seconds: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            elapsed = one_run(connection)
            with lock:
                latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.monotonic() - started


def children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for task in tasks for c in (task / "children").read_text().split()]
    except OSError:
        return []


def memory_kb(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) in kB from smaps_rollup (PSS splits shared pages among their users)."""
    values = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # a worker that just finished
        return 0, 0
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
    return values.get("Rss", 0), values.get("Pss", 0)


def sandbox_memory(server_pid: int) -> dict:
    parents = [p for p in children(server_pid) if b"app.runner.parent" in Path(f"/proc/{p}/cmdline").read_bytes()]
    if not parents:
        return {}
    parent = parents[0]
    rss, pss = memory_kb(parent)
    forkers = children(parent)  # the fork server; the warm workers are its children
    forker_mem = [memory_kb(f) for f in forkers]
    forker_rss, forker_pss = sum(r for r, _ in forker_mem), sum(p for _, p in forker_mem)
    worker_mem = [m for m in map(memory_kb, [w for f in forkers for w in children(f)]) if m[0]]
    return {
        "parent_rss_mb": rss / 1024,
        "parent_pss_mb": pss / 1024,
        "forker_rss_mb": forker_rss / 1024,
        "forker_pss_mb": forker_pss / 1024,
        "workers": len(worker_mem),
        "workers_rss_mb": sum(r for r, _ in worker_mem) / 1024,
        "workers_pss_mb": sum(p for _, p in worker_mem) / 1024,
        "total_pss_mb": (pss + forker_pss + sum(p for _, p in worker_mem)) / 1024,
    }


def measure(
    runs: int = 100, concurrency: int = 20, seconds: float = 15.0, pool_size: int = 4, max_concurrent: int = 4
) -> dict:
    """Start the app, time the snippet at concurrency 1 and at `concurrency`, read the sandbox's memory."""
    port = free_port()
    server = start_server(port, argparse.Namespace(pool_size=pool_size, max_concurrent=max_concurrent))
    try:
        status = wait_ready(port)
        sequential(port, 10)  # warm the HTTP path
        single = sequential(port, runs)
        time.sleep(1)  # let the pool refill: measure it at rest
        memory = sandbox_memory(server.pid)
        many, elapsed = concurrent(port, concurrency, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "layers": [name for name, layer in status["layers"].items() if layer["active"]],
        "pool_size": pool_size,
        "max_concurrent": max_concurrent,
        "concurrency": concurrency,
        "c1_runs": len(single),
        "c1_p50_ms": round(statistics.median(single), 1),
        "c1_p90_ms": round(percentile(single, 0.90), 1),
        "cn_runs": len(many),
        "cn_seconds": round(elapsed, 1),
        "cn_runs_per_s": round(len(many) / elapsed, 1),
        "cn_p50_ms": round(statistics.median(many), 1),
        "cn_p99_ms": round(percentile(many, 0.99), 1),
        "memory": {key: round(value, 1) if isinstance(value, float) else value for key, value in memory.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100, help="sequential runs at concurrency 1")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of the concurrent phase")
    parser.add_argument("--pool-size", type=int, default=4)
    parser.add_argument("--max-concurrent", type=int, default=4)
    args = parser.parse_args()
    result = measure(args.runs, args.concurrency, args.seconds, args.pool_size, args.max_concurrent)
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; sandbox layers: {', '.join(result['layers'])}"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
