"""One sandbox service for the whole server, shared by the web workers, and the place for its limits.

With PLAB_WORKERS > 1, app/serving/prefork.py forks this service before the workers: it owns the
one sandbox (about 260 MB PSS, where each worker used to have its own) and the one rate limiter, so
a client gets PLAB_RUN_RATE_LIMIT runs a minute however many workers there are, and at most
PLAB_RUN_MAX_CONCURRENT runs execute at once on the server. Each worker's CodeRunner talks to it
through a HubClient over a Unix socket: one connection per request, one JSON line each way.
"""

import asyncio
import json
import os
import signal
import socket

from app.runner.client import SandboxClient
from app.runner.ratelimit import RateLimiter

MAX_LINE = 32 * 1024 * 1024  # a request holds code up to the code limit; an answer, its capped output
STATUS_TIMEOUT = 5.0


class Hub:
    """Answers the workers' requests: a run (rate limited per client, then sandboxed) or the status."""

    def __init__(self, config, per_minute: int):
        self.client = SandboxClient(config)
        self.limiter = RateLimiter(per_minute)

    async def answer(self, request: dict) -> dict:
        if request.get("op") == "status":
            return self.client.status()
        wait = self.limiter.acquire(str(request.get("client", "unknown")))
        if wait > 0:
            return {"status": "rate_limited", "wait": wait}
        return await self.client.run(str(request.get("code", "")))

    async def on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            answer = await self.answer(json.loads(line))
            writer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
            await writer.drain()
        except (ValueError, OSError, asyncio.LimitOverrunError):
            pass  # a worker that went away, or a malformed line: nothing to answer
        finally:
            writer.close()

    async def serve(self, path: str) -> None:
        self.client.start()
        server = await asyncio.start_unix_server(self.on_connection, path=path, limit=MAX_LINE)
        os.chmod(path, 0o600)
        async with server:
            await server.serve_forever()


def run_hub(config, per_minute: int, path: str, parent: int) -> None:
    """Serve the hub in this (forked) process until the server's parent process ends."""
    from app.runner.lockdown import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent, signal.SIGTERM)
    asyncio.run(Hub(config, per_minute).serve(path))


class HubClient:
    """Stands in for a SandboxClient in a web worker: every call goes to the server's one hub."""

    shared = True  # the hub applies the rate limit, not the worker

    def __init__(self, config, path: str):
        self.config, self.path = config, path

    def start(self) -> None:
        """Do nothing: the hub and its sandbox are started by the server's parent."""

    def close(self) -> None:
        """Do nothing: the hub belongs to the server's parent."""

    async def run(self, code: str, client: str = "unknown") -> dict:
        try:
            reader, writer = await asyncio.open_unix_connection(self.path, limit=MAX_LINE)
        except OSError:
            return {"status": "refused", "reason": "unavailable"}
        try:
            writer.write(json.dumps({"op": "run", "code": code, "client": client}).encode() + b"\n")
            await writer.drain()
            line = await reader.readline()
            return json.loads(line) if line else {"status": "crashed", "reason": "sandbox_stopped"}
        except (OSError, ValueError, asyncio.LimitOverrunError):
            return {"status": "crashed", "reason": "sandbox_stopped"}
        finally:
            writer.close()

    def status(self) -> dict:
        """Ask the hub for its sandbox's status (a blocking call: the status route is rare and quick)."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(STATUS_TIMEOUT)
                sock.connect(self.path)
                sock.sendall(b'{"op": "status"}\n')
                data = b""
                while not data.endswith(b"\n"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            return json.loads(data)
        except (OSError, ValueError):
            return {
                "state": "failed",
                "layers": {},
                "missing": [],
                "detail": "the shared sandbox service is not answering",
            }

    def wait_ready(self, timeout: float = 120.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.status()["state"]
            if state not in ("starting", "stopped", "failed"):
                return state == "ready"
            time.sleep(0.2)
        return False
