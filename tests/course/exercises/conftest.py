"""Exercise fixtures: apps that share the session app's sandbox (default limits), without a rate limit."""

import pytest
from fastapi.testclient import TestClient

from app.course.exercise_harness import build_program, judge
from app.main import create_app
from app.settings import Settings


def _sharing_sandbox(app, **settings):
    mine = create_app(Settings(run_rate_limit=0, **settings))
    mine.state.runner.client = app.state.runner.client  # one warm sandbox for the whole session
    return mine


@pytest.fixture(scope="session")
def exercise_app(app):
    return _sharing_sandbox(app)


@pytest.fixture(scope="session")
def hidden_solutions_app(app):
    return _sharing_sandbox(app, show_solutions=False)


@pytest.fixture()
def web(exercise_app):
    with TestClient(exercise_app) as client:
        yield client


@pytest.fixture(scope="session")
def check_attempts(exercise_app):
    """Return a function that checks {name: (exercise_id, code)} in the sandbox, all at once."""
    runner = exercise_app.state.runner

    def check(attempts: dict[str, tuple[str, str]]):
        assert runner.client.wait_ready(), runner.client.status()
        specs = exercise_app.state.exercises
        futures = {
            name: (specs[ex], runner.client.submit(build_program(specs[ex], code)))
            for name, (ex, code) in attempts.items()
        }
        return {
            name: judge(spec, runner.to_result(future.result(timeout=180))) for name, (spec, future) in futures.items()
        }

    return check
