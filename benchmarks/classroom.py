"""A class answering one check at once: 200 students within 2 seconds, 2 workers, SQLite and PostgreSQL.

Each student has joined first (not measured); then every one sends the answer htmx sends for a
predict-then-run check, spread evenly over the window. The server runs the check's torch probe and
records the answer in one upsert. Afterwards the database must hold exactly one answer per student
with one attempt each: none lost, none counted twice. Aimed only at 127.0.0.1, bounded in time.

    python -m benchmarks.classroom   # measures both databases and re-renders docs/benchmarks.md
"""

import asyncio
import json
import re
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx2 as httpx

from benchmarks.server import REPO_ROOT, running_server

TOKEN = "benchmark-teacher-token-0123456789"
CHECK_URL = "/lessons/tensor-or-parameter/check"
CHECK_FORM = {"check": "parameter_requires_grad_in_no_grad", "answer": "True"}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def _class_answering(base: str, students: int, window: float) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as teacher:
        await teacher.post("/teacher/sign-in", data={"token": TOKEN})
        ends = (date.today() + timedelta(days=7)).isoformat()
        page = await teacher.post("/teacher/classes", data={"name": "Load", "ends_on": ends}, follow_redirects=True)
        code = re.search(r"data-join-code>([^<]+)<", page.text).group(1)
    limits = httpx.Limits(max_connections=students)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(students)]
    try:

        async def join(number: int, client: httpx.AsyncClient) -> None:
            joined = await client.post("/join", data={"code": code, "name": f"student {number}"})
            assert joined.status_code == 201, joined.text

        # Joining is not measured; students join 25 at a time, as a class does, which also opens
        # the database connections the workers keep (a server that has been up has them open).
        for first in range(0, students, 25):
            await asyncio.gather(*(join(n, clients[n]) for n in range(first, min(first + 25, students))))
        for client in clients:  # one connection each, open before the burst, as a classroom's browsers are
            await client.get("/healthz")
        latencies: list[float] = []
        failures = 0
        start = time.perf_counter() + 0.1

        async def answer(number: int, client: httpx.AsyncClient) -> None:
            nonlocal failures
            await asyncio.sleep(max(0.0, start + number * window / students - time.perf_counter()))
            sent = time.perf_counter()
            response = await client.post(CHECK_URL, data=CHECK_FORM, headers={"HX-Request": "true"})
            latencies.append((time.perf_counter() - sent) * 1000)
            failures += response.status_code != 200 or "data-check-result" not in response.text

        await asyncio.wait_for(asyncio.gather(*(answer(n, c) for n, c in enumerate(clients))), timeout=120)
        elapsed = time.perf_counter() - start
        device = clients[0].cookies.get("plab_device")
        mine = (await clients[0].get("/class/me/data.json")).json()["check_answers"]
        in_class = latencies
        # The same burst from learners outside any class: what the recording itself adds.
        for client in clients:
            client.cookies.clear()
        latencies = []
        start = time.perf_counter() + 0.5
        await asyncio.wait_for(asyncio.gather(*(answer(n, c) for n, c in enumerate(clients))), timeout=120)
        outside, latencies = latencies, in_class
    finally:
        for client in clients:
            await client.aclose()
    return {
        "outside_p50_ms": round(statistics.median(outside), 1),
        "outside_p99_ms": round(_percentile(outside, 0.99), 1),
        "students": students,
        "window_s": window,
        "elapsed_s": round(elapsed, 2),
        "failures": failures,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "first_student_attempts": mine[0]["attempts"] if mine and device else 0,
    }


async def _stored_answers(url: str) -> list[dict]:
    from app.classroom.database import make_engine
    from app.classroom.store import ClassStore

    engine = make_engine(url)
    try:
        store = ClassStore(engine)
        (classroom,) = await store.classes()
        return await store.class_answers(classroom["id"])
    finally:
        await engine.dispose()


def fresh_database(database: str, prefix: str):
    """Return (data folder, URL, cluster or None, server environment) for a fresh 'sqlite' or
    'postgresql' database; the caller stops the cluster."""
    cluster = None
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if database == "postgresql":
        from tests.classroom.postgres import Cluster  # the tests' throwaway cluster, reused

        cluster = Cluster().start()
        url = cluster.create_database("plab_bench")
    else:
        url = f"sqlite+aiosqlite:///{folder / 'classroom.sqlite3'}"
    env = {"PLAB_DATA_DIR": str(folder), "PLAB_DATABASE_URL": url, "PLAB_TEACHER_TOKEN": TOKEN}
    env |= {"PLAB_CELLS_ENABLED": "false", "PLAB_JOIN_RATE_LIMIT": "10000"}
    return folder, url, cluster, env


def run_one(database: str, students: int = 200, window: float = 2.0, workers: int = 2) -> dict:
    """Measure one database kind ('sqlite' or 'postgresql') with a fresh database."""
    folder, url, cluster, env = fresh_database(database, "plab-bench-class-")
    try:
        with running_server(workers=workers, extra_env=env) as (base, _pid, _ready):
            figures = asyncio.run(_class_answering(base, students, window))
        answers = asyncio.run(_stored_answers(url))
    finally:
        if cluster is not None:
            cluster.stop()
    figures["database"] = database
    figures["workers"] = workers
    figures["stored_answers"] = len(answers)
    figures["stored_attempts"] = sum(row["attempts"] for row in answers)
    figures["none_lost_or_doubled"] = len(answers) == students and figures["stored_attempts"] == students
    return figures


def measure(students: int = 200, window: float = 2.0) -> list[dict]:
    return [run_one(database, students, window) for database in ("sqlite", "postgresql")]


if __name__ == "__main__":
    from benchmarks.report import write_report

    docs = REPO_ROOT / "docs"
    results = json.loads((docs / "benchmarks.json").read_text())
    results["classroom"] = measure()
    (docs / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, docs / "benchmarks.md", quick=False)
    print(json.dumps(results["classroom"], indent=2))
