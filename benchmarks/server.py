"""Start the app as a real uvicorn server for a benchmark and read its memory from /proc."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def process_tree(pid: int) -> list[int]:
    """Return pid and all its descendants."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(_children(current))
    return tree


def _smaps_mb(pid: int) -> dict[str, float]:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return {"rss": 0.0, "pss": 0.0, "uss": 0.0}
    kb = {key: int(value.strip().split()[0]) for key, value in (line.split(":", 1) for line in lines)}
    return {
        "rss": kb.get("Rss", 0) / 1024,
        "pss": kb.get("Pss", 0) / 1024,
        "uss": (kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024,
    }


def _is_sandbox(pid: int) -> bool:
    try:
        return b"app.runner" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def memory_mb(pid: int) -> dict[str, float]:
    """Sum RSS, PSS (shared pages split fairly) and USS (private) over a process tree, in MB.

    The code-cell sandbox (its warm parent, forker and workers, ~300 MB of mostly shared pages per
    app process) is counted apart, as sandbox_*, so the web server's own memory stays visible.
    """
    sandbox_roots = [member for member in process_tree(pid) if _is_sandbox(member)]
    sandbox = {member for root in sandbox_roots for member in process_tree(root)}
    totals = {f"{prefix}_{kind}": 0.0 for prefix in ("server", "sandbox") for kind in ("rss", "pss", "uss")}
    for member in process_tree(pid):
        prefix = "sandbox" if member in sandbox else "server"
        for kind, value in _smaps_mb(member).items():
            totals[f"{prefix}_{kind}"] += value
    return {key: round(value, 1) for key, value in totals.items()}


def _wait_for_sandbox(url: str, deadline: float) -> None:
    """Wait until the code-cell sandbox has started: its start-up (importing torch, forking its
    pool) is a one-off that would otherwise land inside the first measurement."""
    while time.perf_counter() < deadline:
        with urllib.request.urlopen(url + "/api/run/status", timeout=5) as answer:
            if json.load(answer)["state"] != "starting":
                return
        time.sleep(0.2)


@contextmanager
def running_server(
    workers: int = 1, torch_threads: int = 1, extra_env: dict | None = None, command: list[str] | None = None
):
    """Start `python -m app` (or another command serving the app on PLAB_PORT), wait for /healthz,
    yield (base_url, pid, seconds_to_ready), then stop it."""
    port = free_port()
    env = {
        **os.environ,
        "PLAB_PORT": str(port),
        "PLAB_HOST": "127.0.0.1",
        "PLAB_WORKERS": str(workers),
        "PLAB_TORCH_THREADS": str(torch_threads),
        "PLAB_LOG_LEVEL": "warning",
        **(extra_env or {}),
    }
    started = time.perf_counter()
    argv = [part.replace("{port}", str(port)) for part in command] if command else [sys.executable, "-m", "app"]
    process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    ready_after = None
    try:
        deadline = started + 60
        while ready_after is None:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                ready_after = time.perf_counter() - started
            except OSError:
                if process.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.02)
        _wait_for_sandbox(url, deadline)
        if workers > 1:  # the other workers' sandboxes start at the same time; give them a moment
            time.sleep(2)
        yield url, process.pid, ready_after
    finally:
        process.terminate()
        process.wait(timeout=20)
