"""Serve with several worker processes forked from one parent that has already imported torch and
built the app.

uvicorn's own --workers starts a fresh interpreter per worker, so each one holds a private copy of
torch's ~150 MB of import-time memory. Forked after the import, the workers share those pages
copy-on-write. The parent only supervises: it restarts a worker that dies and passes SIGINT/SIGTERM on.
"""

import gc
import logging
import os
import signal
import socket
import time

import uvicorn

logger = logging.getLogger("uvicorn.error")
RESTART_PAUSE = 1.0  # seconds between restarts, so a worker that cannot start does not spin


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """Bind the socket every worker accepts on, with Nagle's algorithm off."""
    sock = config.bind_socket()
    # Accepted connections inherit TCP_NODELAY. asyncio sets it only on sockets it made for TCP
    # itself; without it a response written in two parts waited ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def serve(config: uvicorn.Config, workers: int) -> None:
    """Bind once, build the app once, fork `workers` uvicorn servers and keep them running."""
    sock = listening_socket(config)
    import app.main  # torch and the lessons, loaded before forking so workers share them

    if app.main.app.state.settings.gc_freeze:
        # Objects frozen here are never scanned by the collector, which would otherwise write to
        # (and so un-share) every page holding them in every worker.
        gc.freeze()
    children: set[int] = set()
    stopping = False
    parent = os.getpid()

    def start_worker() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            uvicorn.Server(config).run(sockets=[sock])
            os._exit(0)
        children.add(pid)

    def stop(signum, _frame) -> None:
        nonlocal stopping
        if os.getpid() != parent:  # a worker in the instant before it resets its handlers
            os._exit(0)
        stopping = True
        for pid in children:
            os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        start_worker()
    logger.info("Started %d workers forked from parent process [%d]", workers, os.getpid())
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        if not stopping:
            logger.warning("Worker [%d] ended (wait status %d); starting another", pid, status)
            time.sleep(RESTART_PAUSE)
            if not stopping:
                start_worker()
    sock.close()
