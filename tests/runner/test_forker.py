"""The fork server: workers come from a warm forker, not the parent; endings are still told apart.

The parent hands work to workers the forker made and kills them through pidfds; the forker reaps
them and reports their wait status. These tests watch the process tree from outside (/proc), kill
workers, the forker and the parent, and run a sandbox whose kernel refuses pidfd_open.
"""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from app.runner import client as client_module
from app.runner.client import SandboxClient
from app.runner.parent import RESPAWN_AFTER
from tests.runner.conftest import TEST_CONFIG, run_many

pytestmark = pytest.mark.sandbox_heavy  # slow: left out of scripts/test --quick


def children(pid: int) -> list[int]:
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie nobody reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def forker_of(sandbox: SandboxClient) -> int:
    found = children(sandbox._process.pid)
    assert len(found) == 1, found  # the parent's only child: workers are the forker's
    assert Path(f"/proc/{found[0]}/comm").read_text().strip() == "plab-forker"
    return found[0]


def marked_worker(sandbox: SandboxClient, marker: str, timeout: float = 3.0) -> int:
    """Find the worker whose temp dir (its cwd) holds `marker`: the one running that code."""
    found: list[int] = []

    def look() -> bool:
        found[:] = [pid for pid in children(forker_of(sandbox)) if os.path.exists(f"/proc/{pid}/cwd/{marker}")]
        return bool(found)

    assert wait_for(look, timeout), "the marked run never started"
    return found[0]


def marking(marker: str, then: str) -> str:
    return f"open({marker!r}, 'w').close()\n{then}"


def pidfds(pid: int) -> int:
    """Count the pidfds a process holds."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:[pidfd]"
        except OSError:  # closed meanwhile
            pass
    return count


def test_each_run_gets_a_fresh_worker_forked_by_the_forker(sandbox):
    forker = forker_of(sandbox)
    answers = [
        sandbox.submit("import os\nos.getpid(), os.getppid()").result(timeout=30)
        for _ in range(3 * TEST_CONFIG.pool_size + 2)
    ]
    assert all(a["status"] == "ok" for a in answers), answers
    pairs = [eval(a["value"]) for a in answers]
    assert len({pid for pid, _ in pairs}) == len(pairs)  # single use
    assert {ppid for _, ppid in pairs} == {forker}
    assert wait_for(lambda: pidfds(sandbox._process.pid) >= 1)  # the parent holds its workers by pidfd


def test_a_worker_killed_while_running_is_reported_crashed_with_the_signal(sandbox):
    marker = f"running-{uuid.uuid4().hex}"
    future = sandbox.submit(marking(marker, "import time\ntime.sleep(30)"))
    os.kill(marked_worker(sandbox, marker), signal.SIGUSR1)
    result = future.result(timeout=10)
    assert (result["status"], result["reason"], result["detail"]) == ("crashed", "signal", "SIGUSR1"), result


def test_many_runs_at_once_all_get_a_worker(sandbox):
    results = run_many(sandbox, {f"run{i}": f"{i} * 2" for i in range(4 * TEST_CONFIG.pool_size)})
    assert {name: r["value"] for name, r in results.items()} == {
        f"run{i}": str(i * 2) for i in range(4 * TEST_CONFIG.pool_size)
    }


@pytest.fixture(scope="module")
def own_sandbox():
    """A sandbox of this module's own, for tests that kill its forker and its parent."""
    client = SandboxClient(TEST_CONFIG)
    assert client.wait_ready(), client.status()
    yield client
    client.close()


def test_a_dead_forker_is_replaced_and_runs_go_on(own_sandbox):
    time.sleep(RESPAWN_AFTER + 0.1)  # one that dies sooner is not replaced (the parent exits instead)
    old = forker_of(own_sandbox)
    workers = children(old)
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: not any(map(alive, workers)))  # its workers die with it
    assert run_many(own_sandbox, {"after": "21 * 2"})["after"]["value"] == "42"
    assert forker_of(own_sandbox) != old and own_sandbox.state == "ready"


def test_the_forker_and_its_workers_end_when_the_parent_is_killed(own_sandbox):
    forker = forker_of(own_sandbox)
    dirs: list[str] = []

    def settled() -> bool:  # every worker forked and in its own temp dir (its cwd once locked down)
        try:
            dirs[:] = [os.readlink(f"/proc/{pid}/cwd") for pid in children(forker)]
        except OSError:  # one just ended
            return False
        return len(dirs) >= TEST_CONFIG.pool_size and all("plab-runner-" in d for d in dirs)

    assert wait_for(settled), dirs
    workers, base = children(forker), os.path.dirname(dirs[0])
    os.kill(own_sandbox._process.pid, signal.SIGKILL)
    assert wait_for(lambda: not alive(forker) and not any(map(alive, workers))), (forker, workers)
    assert wait_for(lambda: not os.path.exists(base))  # the forker removed the pool's temp dirs
    assert wait_for(lambda: own_sandbox.state == "failed")


@pytest.fixture(scope="module")
def sandbox_without_pidfd():
    """A sandbox whose pidfd_open always fails, like an older kernel or seccomp profile."""
    boot = client_module.BOOT.replace(
        "from app.runner.parent import main",
        "import os\ndef refuse(*_):\n    raise OSError(38, 'pidfd_open refused')\nos.pidfd_open = refuse\nfrom app.runner.parent import main",
    )
    assert boot != client_module.BOOT
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(client_module, "BOOT", boot)
        client = SandboxClient(TEST_CONFIG)
        assert client.wait_ready(), client.status()
    yield client
    client.close()


def test_without_pidfds_the_forker_kills_for_the_parent(sandbox_without_pidfd):
    sandbox = sandbox_without_pidfd
    assert pidfds(sandbox._process.pid) == 0
    results = run_many(
        sandbox, {f"run{i}": "import torch\ntorch.ones(3).sum().item()" for i in range(3 * TEST_CONFIG.pool_size)}
    )
    assert all(r["status"] == "ok" and r["value"] == "3.0" for r in results.values()), results
    marker = f"stuck-{uuid.uuid4().hex}"
    future = sandbox.submit(
        marking(
            marker, "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\ntime.sleep(30)"
        )
    )
    worker = marked_worker(sandbox, marker)
    result = future.result(timeout=10)
    assert (result["status"], result["reason"]) == ("timeout", "wall"), (
        result
    )  # the parent's wall clock, not the worker's
    assert wait_for(lambda: not alive(worker))
    segfault = run_many(sandbox, {"segfault": "import ctypes\nctypes.string_at(0)"})["segfault"]
    assert (segfault["status"], segfault["detail"]) == ("crashed", "SIGSEGV")


def _kernel_at_least(major: int, minor: int) -> bool:
    numbers = os.uname().release.split("-")[0].split(".")
    return (int(numbers[0]), int(numbers[1])) >= (major, minor)


@pytest.mark.skipif(
    not (_kernel_at_least(6, 1) and os.path.isdir("/sys/kernel/mm/transparent_hugepage")),
    reason="MADV_COLLAPSE needs Linux 6.1+ with transparent huge pages",
)
def test_the_warm_memory_the_forker_forks_is_in_huge_pages(sandbox):
    rollup = Path(f"/proc/{forker_of(sandbox)}/smaps_rollup").read_text()
    huge_kb = int(rollup.split("AnonHugePages:")[1].split()[0])
    assert huge_kb >= 32 * 1024, rollup  # most of it; the forker's own writes split a few
