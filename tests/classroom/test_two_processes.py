"""Two app processes on one PostgreSQL, started at the same moment (so they migrate together): a
student who joined through one is seen, and recognised, by the other. Nothing is in process memory."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import httpx2 as httpx
import pytest

from app.settings import REPO_ROOT
from tests.classroom.conftest import TOKEN


def _start(url: str) -> tuple[subprocess.Popen, str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "PLAB_DATABASE_URL": url,
        "PLAB_DATA_DIR": tempfile.mkdtemp(prefix="plab-replica-"),  # each its own folder: only the database is shared
        "PLAB_TEACHER_TOKEN": TOKEN,
        "PLAB_CELLS_ENABLED": "false",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--fd",
        str(listener.fileno()),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, pass_fds=(listener.fileno(),))
    listener.close()
    return process, f"http://127.0.0.1:{port}"


def _wait(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the app at {base} did not start")
        time.sleep(0.3)


@pytest.fixture()
def two_apps(postgres):
    url = postgres.create_database("plab_two_processes")
    started = [_start(url), _start(url)]
    try:
        for process, base in started:
            _wait(process, base)
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            process.terminate()
            process.wait(timeout=20)


def test_a_student_who_joined_through_one_process_is_seen_by_the_other(two_apps):
    first, second = two_apps
    with httpx.Client(base_url=first) as teacher, httpx.Client(base_url=first) as student:
        assert teacher.post("/teacher/sign-in", data={"token": TOKEN}).status_code == 303
        ends = (date.today() + timedelta(days=10)).isoformat()
        class_page = teacher.post(
            "/teacher/classes", data={"name": "Two replicas", "ends_on": ends}, follow_redirects=True
        )
        code = re.search(r"data-join-code>([^<]+)<", class_page.text).group(1)
        path = class_page.url.path
        assert student.post("/join", data={"code": code, "name": "Zoë 张"}).status_code == 201
        device = student.cookies.get("plab_device")
    with httpx.Client(base_url=second) as teacher, httpx.Client(base_url=second) as student:
        teacher.post("/teacher/sign-in", data={"token": TOKEN})
        assert "Zoë 张" in teacher.get(path).text
        student.cookies.set("plab_device", device)
        assert "Zoë 张" in student.get("/class/me").text
        taken = httpx.post(second + "/join", data={"code": code, "name": "zoë 张"})
        assert taken.status_code == 409  # the name is taken, as the other process recorded it
