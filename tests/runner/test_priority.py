"""Code runs never starve the labs: the sandbox runs at the lowest CPU priority, and the server runs
at most as much code at once as it has cores (issue 17)."""

import os

import pytest

from app.runner.service import runner_config, runs_per_process
from app.settings import Settings
from tests.runner.conftest import run_many


def test_the_sandbox_parent_runs_at_the_lowest_cpu_priority(sandbox):
    pid = sandbox._process.pid
    assert os.getpriority(os.PRIO_PROCESS, pid) == 19
    assert os.sched_getscheduler(pid) == os.SCHED_IDLE


def test_every_worker_inherits_it(sandbox):
    code = "import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))"
    answers = run_many(sandbox, {str(i): code for i in range(3)})
    assert {answer["stdout"].strip() for answer in answers.values()} == {"19"}


def test_the_web_process_keeps_its_own_priority(sandbox):
    assert os.sched_getscheduler(0) != os.SCHED_IDLE


@pytest.mark.parametrize(
    ("cores", "workers", "setting", "each"), [(2, 1, 0, 2), (2, 2, 0, 1), (8, 3, 0, 2), (2, 4, 0, 1), (4, 2, 6, 3)]
)
def test_concurrent_runs_are_bounded_for_the_whole_server(monkeypatch, cores, workers, setting, each):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    settings = Settings(workers=workers, run_max_concurrent=setting)
    assert runs_per_process(settings) == each
    assert runner_config(settings).max_concurrent == each


def test_the_shared_sandbox_gets_the_whole_servers_bound(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(4)))
    assert runner_config(Settings(workers=4), sandboxes=1).max_concurrent == 4
