"""Measure what one lab request costs the app itself: the ASGI app called in this process, no HTTP
server, no socket, no load generator. The difference to a wrk figure is uvicorn's and wrk's share.
Also measure the lab's own run alone (validate the inputs, build with torch, read every value): the
part of a request no rendering or serving change can take away.

python -m benchmarks.in_process   (prints milliseconds per request, and per lab run, for each scenario)
"""

import asyncio
import statistics
import time

import torch
from starlette.datastructures import QueryParams

from app.labs import LAB_BY_ID as LABS
from app.labs.base import Lab, evaluate
from app.main import create_app
from app.settings import Settings
from app.web.lab_inputs import query_inputs
from benchmarks.scenarios import LAB_SCENARIOS, Scenario

ROUNDS = 5  # the median round is reported: one slow round (another process woke up) does not count
FRESH_REGISTRATION = "registration lab, 10-step history never seen before"


def get_scope(path: str, query: str, headers: list[tuple[bytes, bytes]]) -> dict:
    """An ASGI scope for a GET of `path?query` from 127.0.0.1 (the in-process benchmarks share it)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }


def _scope(scenario: Scenario) -> dict:
    path, _, query = scenario.path.partition("?")
    headers = [(b"accept-encoding", b"gzip")]
    if scenario.htmx:
        headers.append((b"hx-request", b"true"))
    return get_scope(path, query, headers)


async def _request(app, scope: dict) -> None:
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(dict(scope), receive, send)
    if messages[0]["status"] != 200:
        raise RuntimeError(f"{scope['path']} answered {messages[0]['status']}")


async def _median_ms(call, times: int) -> float:
    """Return the median over ROUNDS rounds of the milliseconds one awaited call() takes."""
    for _ in range(times // 5):  # warm: first-use costs are not what a classroom server pays
        await call()
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(times):
            await call()
        rounds.append((time.perf_counter() - started) * 1000 / times)
    return round(statistics.median(rounds), 3)


async def _measure(app, requests: int) -> dict[str, float]:
    figures = {}
    for scenario in LAB_SCENARIOS:
        scope = _scope(scenario)
        figures[scenario.name] = await _median_ms(lambda scope=scope: _request(app, scope), requests)
    figures[FRESH_REGISTRATION] = await _fresh_registration(app, requests)
    return figures


def _lab_and_inputs(scenario: Scenario) -> tuple[Lab, dict]:
    """Return the lab a scenario's URL runs and the raw inputs its route would hand to evaluate()."""
    path, _, query = scenario.path.partition("?")
    section, _, name = path.strip("/").partition("/")
    lab, model = (LABS["gallery"], {"model": name}) if section == "models" else (LABS[name], {})
    return lab, {**query_inputs(QueryParams(query), lab), **model}


async def _measure_lab_runs(requests: int) -> dict[str, float]:
    figures = {}
    for scenario in LAB_SCENARIOS:
        lab, raw = _lab_and_inputs(scenario)

        async def run_once(lab=lab, raw=raw, scenario=scenario):
            if evaluate(lab, raw).errors:
                raise RuntimeError(f"{scenario.path} has invalid inputs")

        figures[scenario.name] = await _median_ms(run_once, requests)
    return figures


async def _fresh_registration(app, requests: int) -> float:
    """Time the registration request with a history no earlier request had (a new attribute name
    each time), so the colouring of the lines that name it, cached by line, always misses."""
    registration = LAB_SCENARIOS[1]
    started, count = time.perf_counter(), requests * ROUNDS
    for number in range(count):
        fresh = Scenario(registration.name, registration.path.replace(":weight:", f":w{number}:"))
        await _request(app, _scope(fresh))
    return round((time.perf_counter() - started) * 1000 / count, 3)


def measure(requests: int = 300) -> dict[str, float]:
    """Return the median milliseconds per request of each lab scenario, sandbox off, one torch thread."""
    torch.set_num_threads(1)
    # Code cells are not part of a lab request; the sandbox stays off (it only starts in a lifespan anyway).
    return asyncio.run(_measure(create_app(Settings(cells_enabled=False)), requests))


def measure_lab_runs(requests: int = 300) -> dict[str, float]:
    """Return the median milliseconds of each scenario's lab run alone (evaluate: no HTML, no HTTP)."""
    torch.set_num_threads(1)
    return asyncio.run(_measure_lab_runs(requests))


if __name__ == "__main__":
    runs = measure_lab_runs()
    for name, ms in measure().items():
        print(f"{ms:8.3f} ms  {name}" + (f"  (the lab run alone: {runs[name]:.3f} ms)" if name in runs else ""))
