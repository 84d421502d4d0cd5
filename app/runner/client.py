"""The app's side of the sandbox: start the parent process, send runs, await answers.

The parent gets a clean environment (no secrets from the app's), one OpenMP/BLAS thread, and its
own session. A reader thread turns its JSON lines into resolved futures, so any number of event
loops (uvicorn's, a test client's) can await runs without holding a request thread.
"""

import asyncio
import atexit
import itertools
import json
import logging
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

from app.runner.config import REQUIRED_LAYERS, RunnerConfig

# A child of uvicorn's logger, so the start-up report appears in the server log at INFO level.
logger = logging.getLogger("uvicorn.error.sandbox")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLEAN_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "LC_ALL": "C.UTF-8",
}
BOOT = f"import sys; sys.path.insert(0, {REPO_ROOT!r}); from app.runner.parent import main; main()"
START_TIMEOUT = 120.0  # importing torch on a busy classroom server can take a while
MAX_LINE = 32 * 1024 * 1024
RESTART_AFTER = 30.0


class SandboxClient:
    """Owns one sandbox parent process; thread-safe; restarts it lazily when it has died."""

    def __init__(self, config: RunnerConfig):
        self.config = config
        self.state = "stopped"  # stopped, starting, ready, unsafe, failed
        self.layers: dict[str, list] = {}
        self.missing: list[str] = []
        self.detail = ""
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._ready: Future = Future()
        self._pending: dict[int, Future] = {}
        self._ids = itertools.count(1)
        self._started_at = 0.0
        self._exit_hook = False

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the parent unless it is starting or running; return at once (it warms up alone)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self.state, self._ready, self._started_at = "starting", Future(), time.monotonic()
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-X", "utf8", "-c", BOOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=dict(CLEAN_ENV),
                cwd="/",
                close_fds=True,
                start_new_session=True,
            )
            self._process.stdin.write((self.config.to_json() + "\n").encode())
            self._process.stdin.flush()
            if not self._exit_hook:
                atexit.register(self.close)
                self._exit_hook = True
            threading.Thread(target=self._read, args=(self._process,), name="sandbox-reader", daemon=True).start()

    def close(self) -> None:
        """Stop the parent (closing its stdin makes it kill its workers and exit)."""
        with self._lock:
            process, self._process = self._process, None
            self.state = "stopped"
        self._stop(process)

    @staticmethod
    def _stop(process: subprocess.Popen | None) -> None:
        if process is not None:
            try:
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()

    def _read(self, process: subprocess.Popen) -> None:
        for line in iter(lambda: process.stdout.readline(MAX_LINE), b""):
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("type") == "ready":
                self._on_ready(message)
            elif message.get("type") == "result":
                future = self._pending.pop(message.get("id"), None)
                if future is not None and not future.done():
                    future.set_result(message)
        with self._lock:
            if self._process is process:
                self.state = "failed" if self.state != "unsafe" else self.state
                self.detail = self.detail or f"the sandbox process ended (exit code {process.wait()})"
                self._process = None
        for future in list(self._pending.values()):
            if not future.done():
                future.set_result({"status": "crashed", "reason": "sandbox_stopped"})
        self._pending.clear()
        if not self._ready.done():
            self._ready.set_result(False)

    def _on_ready(self, message: dict) -> None:
        probe = message.get("probe", {})
        self.layers = {name: probe.get("layers", {}).get(name, [False, "not reported"]) for name in REQUIRED_LAYERS}
        self.missing = [name for name in REQUIRED_LAYERS if not self.layers[name][0]]
        seconds = time.monotonic() - self._started_at
        summary = "; ".join(f"{name}: {'on' if on else 'OFF'} ({detail})" for name, (on, detail) in self.layers.items())
        if probe.get("status") != "ok":
            self.state, self.detail = "failed", f"the start-up probe run failed: {probe.get('status')}"
            logger.error("code cells: sandbox probe failed (%s); layers: %s", probe.get("status"), summary)
        elif self.missing and not self.config.allow_weak:
            self.state, self.detail = "unsafe", "required layers missing: " + ", ".join(self.missing)
            logger.error(
                "code cells OFF: %s. Layers: %s. Set PLAB_RUN_ALLOW_WEAK_SANDBOX=true to run anyway.",
                self.detail,
                summary,
            )
        else:
            self.state, self.detail = "ready", ""
            if self.missing:
                logger.warning(
                    "code cells ON WITH A WEAKER SANDBOX (operator opt-in); missing: %s", ", ".join(self.missing)
                )
            logger.info("code cells ready in %.1f s; sandbox layers: %s", seconds, summary)
        self._ready.set_result(self.state == "ready")
        if self.state != "ready":
            with self._lock:
                process, self._process = self._process, None
            self._stop(process)

    # --- runs ---------------------------------------------------------------------------------
    def submit(self, code: str) -> Future:
        """Send one run to the parent; the future resolves to the parent's answer (a dict)."""
        future: Future = Future()
        with self._lock:
            process = self._process
            if process is None or self.state != "ready":
                future.set_result({"status": "refused", "reason": "unavailable"})
                return future
            request_id = next(self._ids)
            self._pending[request_id] = future
            try:
                process.stdin.write((json.dumps({"op": "run", "id": request_id, "code": code}) + "\n").encode())
                process.stdin.flush()
            except (OSError, ValueError):
                self._pending.pop(request_id, None)
                future.set_result({"status": "crashed", "reason": "sandbox_stopped"})
        return future

    def _start_if_needed(self) -> None:
        # A sandbox that failed is retried, but not more than once per RESTART_AFTER seconds.
        if self.state == "stopped" or (self.state == "failed" and time.monotonic() - self._started_at > RESTART_AFTER):
            self.start()

    async def run(self, code: str) -> dict:
        """Run code once, starting (or restarting) the sandbox first when needed."""
        self._start_if_needed()
        try:
            ready = await asyncio.wait_for(asyncio.wrap_future(self._ready), START_TIMEOUT)
        except TimeoutError:
            ready = False
        if not ready:
            return {"status": "refused", "reason": "unavailable"}
        future = self.submit(code)
        # The parent enforces the real limit; this only guards against a parent that hangs.
        patience = self.config.time_limit + max(10.0, 4 * self.config.time_limit) + 5.0
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), patience)
        except TimeoutError:
            return {"status": "timeout", "reason": "wall"}

    def wait_ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Block until the sandbox is ready (for tests and scripts); start it if needed."""
        self._start_if_needed()
        return bool(self._ready.result(timeout))

    def status(self) -> dict:
        """Describe the sandbox for the status endpoint and the start-up log."""
        return {"state": self.state, "layers": self.layers, "missing": self.missing, "detail": self.detail}
