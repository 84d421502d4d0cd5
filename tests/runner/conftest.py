"""A small sandbox for the runner tests: short limits, so timeouts and bombs end in about a second."""

import os

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.runner.client import SandboxClient
from app.runner.service import runner_config
from app.settings import Settings

SECRET = "plab-secret-canary-7f3a9"
TEST_SETTINGS = Settings(
    run_time_limit=1.5,
    run_memory_mb=192,
    run_output_limit=2_000,
    run_code_limit=5_000,
    run_pool_size=2,
    run_max_concurrent=8,
    run_rate_limit=0,
)
TEST_CONFIG = runner_config(TEST_SETTINGS)


@pytest.fixture(scope="session")
def sandbox():
    # A secret in the app's own environment: the sandbox must never see it.
    os.environ["PLAB_SECRET_TEST"] = SECRET
    client = SandboxClient(TEST_CONFIG)
    assert client.wait_ready(), client.status()
    yield client
    client.close()


def run_many(sandbox: SandboxClient, snippets: dict[str, str]) -> dict[str, dict]:
    """Run snippets concurrently (the parent queues beyond max_concurrent); wait for all answers."""
    futures = {name: sandbox.submit(code) for name, code in snippets.items()}
    return {name: future.result(timeout=120) for name, future in futures.items()}


@pytest.fixture(scope="session")
def run_app(sandbox):
    app = create_app(TEST_SETTINGS)
    app.state.runner.client = sandbox  # share the session's sandbox instead of starting another
    return app


@pytest.fixture()
def api(run_app):
    with TestClient(run_app) as client:
        yield client
