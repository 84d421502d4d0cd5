"""python -m app with several workers: one parent imports torch and the app, then forks the workers
(app/serving/prefork.py); it restarts a worker that dies and stops them all on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from app.settings import REPO_ROOT
from benchmarks.server import _children, free_port


def _workers(parent: int) -> set[int]:
    """The parent's uvicorn workers: forks running the same command line (the sandbox is another)."""
    own = open(f"/proc/{parent}/cmdline", "rb").read()
    found = set()
    for pid in _children(parent):
        try:
            if open(f"/proc/{pid}/cmdline", "rb").read() == own:
                found.add(pid)
        except OSError:
            continue
    return found


def _wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/healthz", timeout=2).status == 200
    except OSError:
        return False


def test_forked_workers_serve_are_restarted_and_stop_together():
    port = free_port()
    env = {
        **os.environ,
        "PLAB_PORT": str(port),
        "PLAB_WORKERS": "2",
        "PLAB_CELLS_ENABLED": "false",
        "PLAB_LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app"], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        first = _wait_for(lambda: len(_workers(server.pid)) == 2 and _workers(server.pid))
        _wait_for(lambda: _healthy(url))
        page = urllib.request.urlopen(url + "/labs/tensor_or_parameter?lab=tensor_or_parameter&wrapper=parameter")
        assert b"lab-tensor_or_parameter" in page.read()

        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        second = _wait_for(
            lambda: len(_workers(server.pid)) == 2 and victim not in _workers(server.pid) and _workers(server.pid)
        )
        assert len(second - first) == 1, "exactly the killed worker was replaced"
        _wait_for(lambda: _healthy(url))

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert not any(os.path.exists(f"/proc/{pid}") for pid in second), "the parent waited for its workers"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_the_server_uses_asyncios_fair_loop_and_the_c_http_parser():
    """uvloop let some connections wait over a second under load (docs/benchmarks.md, tuning)."""
    from app.__main__ import server_config
    from app.settings import Settings

    config = server_config(Settings())
    assert (config.loop, config.http) == ("asyncio", "httptools")


def test_glibc_keeps_freed_memory_for_the_next_request():
    from app.serving.malloc_tuning import keep_freed_memory

    assert keep_freed_memory()  # this machine (and the Docker image) run glibc


def test_each_forked_worker_listens_on_its_own_socket_without_nagles_delay():
    """One shared socket let one worker take a whole burst of connections; asyncio leaves
    TCP_NODELAY off on a socket it did not make, and responses then waited ~40 ms."""
    import socket

    import uvicorn

    from app.serving.prefork import port_socket

    config = uvicorn.Config("app.main:app", host="127.0.0.1", port=free_port())
    first, second = port_socket(config), port_socket(config)  # a second worker can bind the same port
    try:
        for sock in (first, second):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
    finally:
        first.close()
        second.close()
