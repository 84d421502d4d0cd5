"""The container's HEALTHCHECK: app.serving.healthcheck asks /healthz on the configured port."""

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.serving.healthcheck import healthy
from app.settings import REPO_ROOT


class _Health(BaseHTTPRequestHandler):
    """Answer /healthz with the status the test server was given, anything else with 404."""

    def do_GET(self):
        self.send_response(self.server.health_status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    """Yield a function that starts a local server answering /healthz with a status; returns the port."""
    servers = []

    def start(status: int) -> int:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
        server.health_status = status
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_healthy_when_healthz_answers_200(health_server):
    assert healthy(health_server(200)) is True


def test_unhealthy_when_healthz_answers_an_error(health_server):
    assert healthy(health_server(503)) is False


def test_unhealthy_when_nothing_listens():
    with socket.socket() as probe:  # take a free port, then release it so nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert healthy(port, timeout=1.0) is False


def test_module_exit_code_follows_plab_port(health_server):
    port = health_server(200)

    def exit_code(port: int) -> int:
        env = {**os.environ, "PLAB_PORT": str(port)}
        return subprocess.run([sys.executable, "-m", "app.serving.healthcheck"], cwd=REPO_ROOT, env=env).returncode

    assert exit_code(port) == 0
    assert exit_code(health_server(500)) == 1
