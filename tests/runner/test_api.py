"""POST /api/run and GET /api/run/status through the app, on the short-limit test sandbox."""

import threading

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.runner.ratelimit import RateLimiter
from app.settings import Settings
from tests.runner.conftest import TEST_SETTINGS


def run(api, code: str):
    return api.post("/api/run", json={"code": code})


def test_a_run_returns_output_value_and_duration(api):
    response = run(api, "import torch\nprint('hello')\ntorch.tensor([1.0, 2.0]).sum()")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["stdout"] == "hello\n" and body["value"] == "tensor(3.)"
    assert body["message"] is None and body["duration_ms"] > 0


def test_an_error_names_the_line_in_the_cell(api):
    body = run(api, "x = 1\ny = 2\nz = x / 0\n").json()
    assert body["status"] == "error" and body["error_type"] == "ZeroDivisionError"
    assert 'File "<cell>", line 3' in body["traceback"] and body["message"] == "ZeroDivisionError: division by zero"


@pytest.mark.parametrize(
    "code, status, message",
    [
        ("while True:\n    pass", "timeout", "Stopped after 1.5 s"),
        ("x = bytearray(10 ** 10)", "memory", "Memory limit exceeded"),
        ("import ctypes\nctypes.string_at(0)", "crashed", "The run crashed (the process got SIGSEGV)"),
    ],
)
def test_faults_give_a_clear_result(api, code, status, message):
    response = run(api, code)
    assert response.status_code == 200
    assert response.json()["status"] == status and message in response.json()["message"]


def test_an_output_flood_is_cut(api):
    body = run(api, "print('x' * 100_000)").json()
    assert body["status"] == "ok" and body["stdout_truncated"] and len(body["stdout"]) == TEST_SETTINGS.run_output_limit


def test_oversized_code_is_refused_with_the_limit(api):
    response = run(api, "x = 1\n" * 2_000)
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["field"] == "code" and "12000 bytes" in error["message"] and "5000" in error["message"]


@pytest.mark.parametrize(
    "body, status, field",
    [
        (b'{"code": "\xff\xfe"}', 400, "body"),
        (b'{"code": ', 400, "body"),
        (b'{"source": "1"}', 422, "body"),
        (b'{"code": 5}', 422, "code"),
        (b'{"code": "\\ud800"}', 400, "code"),
    ],
)
def test_bad_bodies_get_a_4xx_naming_the_problem(api, body, status, field):
    response = api.post("/api/run", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_status_lists_the_active_layers(api):
    body = api.get("/api/run/status").json()
    assert body["enabled"] and body["state"] == "ready" and body["missing"] == []
    assert all(layer["active"] for layer in body["layers"].values())
    assert body["limits"]["time_limit_s"] == 1.5


def test_the_run_route_is_documented(api):
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/run"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "code" in document["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert {"200", "413", "429", "503"} <= set(operation["responses"])


def test_a_client_over_the_rate_limit_gets_429_with_retry_after(run_app, api):
    saved = run_app.state.runner.limiter
    run_app.state.runner.limiter = RateLimiter(1)
    try:
        assert run(api, "1").status_code == 200
        response = run(api, "1")
    finally:
        run_app.state.runner.limiter = saved
    assert response.status_code == 429 and response.json()["status"] == "rate_limited"
    assert int(response.headers["retry-after"]) == response.json()["retry_after"] > 0
    assert "try again in" in response.json()["message"]


def test_switched_off_cells_refuse_with_503():
    app = create_app(Settings(cells_enabled=False))
    with TestClient(app) as client:
        response = client.post("/api/run", json={"code": "1"})
        assert response.status_code == 503 and response.json()["status"] == "refused"
        assert client.get("/api/run/status").json()["state"] == "off"


def test_lab_requests_do_not_wait_behind_code_runs(api):
    slow = threading.Thread(target=run, args=(api, "import time\ntime.sleep(60)"))
    slow.start()
    try:
        response = api.post("/api/labs/tensor_or_parameter", json={})
        assert response.status_code == 200
        assert slow.is_alive()  # the lab answered while the run was still going
    finally:
        slow.join()
