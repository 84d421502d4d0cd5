"""The life of one forked worker: lock down, wait for code, run it once, answer in JSON, exit."""

import json
import os
import signal
import sys
import tempfile

from app.runner.config import REQUIRED_LAYERS, RunnerConfig
from app.runner.execute import execute, prepare
from app.runner.lockdown import lockdown
from app.runner.protocol import HEADER


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_code(fd: int, limit: int) -> str | None:
    """Read one length-prefixed piece of code from the parent; None when the parent went away."""
    header = _read_exactly(fd, HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = _read_exactly(fd, min(size, limit))
    os.close(fd)
    return data.decode("utf-8", errors="replace")


def write_result(fd: int, result: dict) -> None:
    """Send the answer as one JSON document and close the pipe, so the parent need not wait for exit."""
    data = json.dumps(result, ensure_ascii=False, default=str).encode("utf-8", errors="replace")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.close(fd)


def serve(config: RunnerConfig, code_fd: int, result_fd: int, tmpdir: str, read_only: list[str]) -> None:
    """Run in the forked child; never returns."""
    result: dict
    signal.set_wakeup_fd(-1)  # the parent's wake-up pipe is not ours to write to
    try:
        layers = lockdown(config, tmpdir, (code_fd, result_fd), read_only)
        sys.dont_write_bytecode = True
        tempfile.tempdir = tmpdir
        missing = [name for name in REQUIRED_LAYERS if not layers.get(name, (False, ""))[0]]
        steps = prepare(config)
        code = read_code(code_fd, config.code_limit)
        if code is None:
            os._exit(0)
        if missing and not config.allow_weak:
            result = {"status": "refused", "reason": "unsafe", "missing": missing}
        else:
            result = execute(code, config, steps)
        result["layers"] = {name: list(state) for name, state in layers.items()}
    except BaseException as exc:  # the runner itself failed: say so instead of dying silently
        result = {"status": "crashed", "reason": "worker_error", "detail": f"{type(exc).__name__}: {exc}"[:500]}
    try:
        write_result(result_fd, result)
    finally:
        os._exit(0)
