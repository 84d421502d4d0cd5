"""The sandbox's pieces on their own: the BPF program, answer checking, the rate limit, REPL splitting."""

import json

import pytest

from app.runner import seccomp
from app.runner.config import RunnerConfig
from app.runner.execute import BoundedOutput, compile_cell
from app.runner.protocol import sanitize
from app.runner.ratelimit import RateLimiter
from app.runner.syscalls import TABLES


@pytest.mark.parametrize("arch", sorted(TABLES))
def test_the_filter_checks_the_architecture_first_and_jumps_stay_in_the_program(arch):
    program = seccomp.build_program(own_pid=4242, arch=arch)
    assert program[0] == (seccomp.LD_W_ABS, 0, 0, seccomp.ARCH)
    assert program[2] == (seccomp.RET_K, 0, 0, seccomp.RET_KILL_PROCESS)
    assert program[-1] == (seccomp.RET_K, 0, 0, seccomp.RET_ALLOW)
    for index, (code, jt, jf, _k) in enumerate(program):
        if code in (seccomp.JEQ_K, seccomp.JGE_K, seccomp.JSET_K):
            assert index + 1 + max(jt, jf) < len(program) and max(jt, jf) <= 255
    assert len(program) < 4096  # the kernel's BPF_MAXINSNS


def test_every_denied_call_has_a_number_on_every_architecture():
    for arch, numbers in TABLES.items():
        missing = [
            name
            for name in seccomp.DENIED + seccomp.SELF_SIGNALS + ("clone3", "prlimit64", "mmap")
            if name not in numbers and name not in seccomp.LEGACY_ONLY
        ]
        assert not missing, (arch, missing)


def test_signals_are_allowed_only_to_the_worker_itself():
    program = seccomp.build_program(own_pid=4242, arch="x86_64")
    kill = TABLES["x86_64"]["kill"]
    at = program.index((seccomp.JEQ_K, 0, 4, kill))
    assert program[at + 1 : at + 5] == [
        (seccomp.LD_W_ABS, 0, 0, seccomp.arg_low(0)),
        (seccomp.JEQ_K, 0, 1, 4242),
        (seccomp.RET_K, 0, 0, seccomp.RET_ALLOW),
        (seccomp.RET_K, 0, 0, seccomp.RET_ERRNO | 1),
    ]


CONFIG = RunnerConfig(output_limit=10, value_limit=20, trace_limit=2)


def test_answers_are_checked_field_by_field():
    raw = json.dumps(
        {
            "status": "ok",
            "stdout": "x" * 50,
            "value": "v",
            "layers": {"seccomp": [True, "on"], "evil": [True, "x"]},
            "registration": [
                {"outcome": "parameter", "line": 3, "shape": [2, "x"]},
                {"outcome": "nope"},
                {"outcome": "buffer"},
            ],
            "extra": "ignored",
        }
    ).encode()
    clean = sanitize(raw, CONFIG)
    assert clean["stdout"] == "x" * 10 and "extra" not in clean and list(clean["layers"]) == ["seccomp"]
    assert [step["outcome"] for step in clean["registration"]] == ["parameter"]  # cap 2, then the bad one dropped
    assert clean["registration"][0]["shape"] is None


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"status": "rate_limited"}', b'{"status": "ok"', b"\xff"])
def test_malformed_answers_are_rejected(raw):
    assert sanitize(raw, CONFIG) is None


def test_rate_limit_refills_over_time():
    limiter = RateLimiter(per_minute=2)
    assert limiter.acquire("a", now=0) == 0 and limiter.acquire("a", now=0) == 0
    assert limiter.acquire("a", now=0) == pytest.approx(30)
    assert limiter.acquire("b", now=0) == 0  # clients are counted apart
    assert limiter.acquire("a", now=31) == 0
    assert RateLimiter(per_minute=0).acquire("a") == 0


def test_a_cell_ending_in_an_expression_is_split_like_a_repl():
    body, last = compile_cell("x = 1\nx + 1")
    assert last is not None
    assert compile_cell("x = 1")[1] is None
    namespace: dict = {}
    exec(body, namespace)
    assert eval(last, namespace) == 2


def test_output_is_cut_but_counted():
    output = BoundedOutput(5)
    output.write("abc")
    output.write("defgh")
    assert output.getvalue() == "abcde" and output.total == 8


def _ready_message(landlock_active: bool) -> dict:
    layers = {name: [True, "on"] for name in ("rlimits", "fds", "env", "uid", "seccomp")}
    layers["landlock"] = [landlock_active, "on" if landlock_active else "not supported by this kernel"]
    return {"type": "ready", "probe": {"status": "ok", "layers": layers}}


@pytest.mark.parametrize("allow_weak, state", [(False, "unsafe"), (True, "ready")])
def test_a_missing_layer_keeps_cells_off_unless_the_operator_opts_in(allow_weak, state):
    from app.runner.client import SandboxClient

    client = SandboxClient(RunnerConfig(allow_weak=allow_weak))
    client._on_ready(_ready_message(landlock_active=False))
    assert client.state == state and client.missing == ["landlock"]
    if state == "unsafe":
        assert client.submit("1").result(timeout=1) == {"status": "refused", "reason": "unavailable"}
        assert "landlock" in client.status()["detail"]
