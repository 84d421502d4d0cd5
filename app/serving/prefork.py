"""Serve with several worker processes forked from one parent that has already imported torch and
built the app.

uvicorn's own --workers starts a fresh interpreter per worker, so each one holds a private copy of
torch's ~150 MB of import-time memory. Forked after the import, the workers share those pages
copy-on-write. The parent only supervises: it restarts a worker that dies and passes SIGINT/SIGTERM on.

With code cells on, it also forks the one sandbox service the workers share (app/runner/hub.py), so
the rate limit and the bound on concurrent runs hold for the whole server, and only one sandbox
(about 260 MB PSS) is kept warm however many workers there are.
"""

import gc
import logging
import os
import signal
import socket
import tempfile
import time

import uvicorn

logger = logging.getLogger("uvicorn.error")
RESTART_PAUSE = 1.0  # seconds between restarts, so a worker that cannot start does not spin


def port_socket(config: uvicorn.Config) -> socket.socket:
    """Bind a socket to the configured address, sharable with the other workers (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted connections inherit TCP_NODELAY. asyncio sets it only on sockets it made for TCP
    # itself; without it a response written in two parts waited ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((config.host, config.port))
    return sock


def serve(config: uvicorn.Config, workers: int) -> None:
    """Reserve the port, build the app once, fork `workers` uvicorn servers and keep them running.

    Each worker listens on a socket of its own bound to the same port, and the kernel spreads new
    connections over them. With one shared socket, asyncio's accept loop let the first worker to
    wake take a whole burst of connections (50 at once in the benchmark) while the other sat idle.
    """
    reserved = port_socket(config)  # bound, never listening: fails fast when the port is taken
    import app.main  # torch and the lessons, loaded before forking so workers share them

    if app.main.app.state.settings.gc_freeze:
        # Objects frozen here are never scanned by the collector, which would otherwise write to
        # (and so un-share) every page holding them in every worker.
        gc.freeze()
    children: set[int] = set()
    stopping = False
    parent = os.getpid()
    settings = app.main.app.state.settings
    hub = {"pid": 0}
    hub_path = os.path.join(tempfile.mkdtemp(prefix="plab-sandbox-"), "hub.sock")
    if settings.cells_enabled:
        # Before the workers fork, so each inherits a runner that sends its runs to the hub.
        app.main.app.state.runner.use_hub(hub_path, settings)

    def start_hub() -> None:
        from app.runner.hub import run_hub
        from app.runner.service import runner_config

        pid = os.fork()
        if pid == 0:
            reserved.close()
            try:
                os.unlink(hub_path)
            except FileNotFoundError:
                pass
            run_hub(runner_config(settings, sandboxes=1), settings.run_rate_limit, hub_path, parent)
            os._exit(0)
        hub["pid"] = pid

    def start_worker() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            reserved.close()
            uvicorn.Server(config).run(sockets=[port_socket(config)])
            os._exit(0)
        children.add(pid)

    def stop(signum, _frame) -> None:
        nonlocal stopping
        if os.getpid() != parent:  # a worker in the instant before it resets its handlers
            os._exit(0)
        stopping = True
        for pid in children | ({hub["pid"]} if hub["pid"] else set()):
            os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if settings.cells_enabled:
        start_hub()
    for _ in range(workers):
        start_worker()
    logger.info("Started %d workers forked from parent process [%d]", workers, os.getpid())
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid == hub["pid"]:
            if not stopping:
                logger.warning("The sandbox service [%d] ended (wait status %d); starting another", pid, status)
                time.sleep(RESTART_PAUSE)
                start_hub()
            else:
                hub["pid"] = 0
            continue
        children.discard(pid)
        if not stopping:
            logger.warning("Worker [%d] ended (wait status %d); starting another", pid, status)
            time.sleep(RESTART_PAUSE)
            if not stopping:
                start_worker()
    if hub["pid"]:
        os.kill(hub["pid"], signal.SIGTERM)
        os.waitpid(hub["pid"], 0)
    reserved.close()
