"""Measure the teacher's class page for a full class: 200 students x 10 lessons x 31 checks.

The records are seeded through the store (not over HTTP): every student opened the first 10
lessons, answered their 31 checks (about a third wrong) and made two attempts at each of their 4
exercises. Then the ASGI app is called in this process, as benchmarks/in_process.py does, with a
teacher's cookie: the whole page, the fragment an htmx poll gets when something changed, and the
204 it gets when nothing did. SQLite, one torch thread, the sandbox off.

    python -m benchmarks.class_view   # prints the figures, adds them to docs/benchmarks.{json,md}
"""

import asyncio
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import torch

from app.classroom.rules import read_display_name
from app.main import create_app
from app.settings import REPO_ROOT, Settings
from benchmarks.in_process import _median_ms, get_scope

STUDENTS, LESSONS, TARGET_MS = 200, 10, 50.0
TOKEN = "benchmark-teacher-token-0123456789"


async def _seed(app) -> str:
    """Make the class and its records; return the class id."""
    store = app.state.classroom
    lessons = app.state.lessons["en"][:LESSONS]
    created = await store.create_class("Benchmark", date.today() + timedelta(days=30))

    async def one_student(number: int) -> None:
        name, key = read_display_name(f"student {number:03d}")
        member = (await store.join(created["join_code"], name, key))[0]
        writes = []
        for lesson in lessons:
            writes.append(store.record_lesson(member, lesson.slug))
            for index, check in enumerate(lesson.check_ids):
                writes.append(store.record_check(member, lesson.slug, check, "x", (number + index) % 3 != 0))
            for exercise in lesson.exercise_ids:
                writes.append(store.record_exercise(member, lesson.slug, exercise, "failed", ["a"], ["b"], "x = 1"))
                outcome = "passed" if number % 2 else "failed"
                writes.append(store.record_exercise(member, lesson.slug, exercise, outcome, [], [], "x = 2"))
        await asyncio.gather(*writes)  # arrive together, as a class's answers do (group commit on SQLite)

    for first in range(0, STUDENTS, 20):
        await asyncio.gather(*(one_student(n) for n in range(first, first + 20)))
    return created["id"]


def _scope(path: str, query: str, cookie: str, htmx: bool) -> dict:
    headers = [(b"cookie", f"plab_teacher={cookie}".encode())]
    if htmx:
        headers.append((b"hx-request", b"true"))
    return get_scope(path, query, headers)


async def _request(app, scope: dict, status: int) -> int:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(dict(scope), receive, send)
    if sent[0]["status"] != status:
        raise RuntimeError(f"{scope['path']}?{scope['query_string'].decode()} answered {sent[0]['status']}")
    return sum(len(message.get("body", b"")) for message in sent)


async def _cpu_ms(call, times: int) -> float:
    """Return the CPU time one call costs this process (its threads included), which other jobs on a
    busy machine inflate less than the wall-clock time."""
    started = time.process_time()
    for _ in range(times):
        await call()
    return round((time.process_time() - started) * 1000 / times, 3)


async def _measure(app, requests: int) -> dict:
    async with app.router.lifespan_context(app):
        class_id = await _seed(app)
        store = app.state.classroom
        cookie = await store.open_teacher_session()
        version = await store.class_version(class_id)
        path = f"/teacher/classes/{class_id}"
        page = _scope(path, "sort=progress&dir=asc", cookie, htmx=False)
        fragment = _scope(path, "sort=progress&dir=asc&since=0-0", cookie, htmx=True)
        quiet = _scope(path, f"sort=progress&dir=asc&since={version}", cookie, htmx=True)
        figures = {
            "students": STUDENTS,
            "lessons": LESSONS,
            "checks": sum(len(lesson.check_ids) for lesson in app.state.lessons["en"][:LESSONS]),
            "page_kb": round(await _request(app, page, 200) / 1024, 1),
            "page_ms": await _median_ms(lambda: _request(app, page, 200), requests),
            "fragment_ms": await _median_ms(lambda: _request(app, fragment, 200), requests),
            "unchanged_poll_ms": await _median_ms(lambda: _request(app, quiet, 204), requests * 5),
            "page_cpu_ms": await _cpu_ms(lambda: _request(app, page, 200), requests),
            "target_ms": TARGET_MS,
            "load_average": round(os.getloadavg()[0], 1),
        }
    return figures


def measure(requests: int = 20) -> dict:
    """Return the class page's figures (median milliseconds per request) on a fresh SQLite database."""
    torch.set_num_threads(1)
    folder = Path(tempfile.mkdtemp(prefix="plab-class-view-"))
    settings = Settings(data_dir=folder, cells_enabled=False, teacher_token=TOKEN, gzip=False)
    return asyncio.run(_measure(create_app(settings), requests))


def class_view_section(figures: dict | None) -> str:
    """Render the figures for docs/benchmarks.md (benchmarks/report.py appends it)."""
    if not figures:
        return ""
    met = "met" if figures["page_ms"] < figures["target_ms"] else "**not met**"
    return f"""
## The teacher's class page (`python -m benchmarks.class_view`)

{figures["students"]} students x {figures["lessons"]} lessons x {figures["checks"]} checks, every check answered and
two attempts at each exercise, seeded through the store into SQLite; the ASGI app called in-process
with a teacher's cookie (median of 5 rounds). The page reads the class with a handful of grouped
queries and renders a {figures["page_kb"]} KB page (before gzip). The live view polls every few seconds: while nothing
changed the answer is an empty 204 after one small query (the count and largest id of the class's events).
Measured at a load average of {figures["load_average"]} on this shared machine (other jobs running): the CPU
figure is this process's own time per request.

| request | ms per request | target |
|---|---|---|
| whole class page | {figures["page_ms"]} ({figures["page_cpu_ms"]} CPU) | < {figures["target_ms"]:.0f} ms: {met} |
| htmx poll after a change (the live fragment) | {figures["fragment_ms"]} | |
| htmx poll, nothing changed (204) | {figures["unchanged_poll_ms"]} | |
"""


if __name__ == "__main__":
    from benchmarks.report import write_report

    docs = REPO_ROOT / "docs"
    results = json.loads((docs / "benchmarks.json").read_text())
    results["class_view"] = measure()
    (docs / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, docs / "benchmarks.md", quick=False)
    print(json.dumps(results["class_view"], indent=2))
