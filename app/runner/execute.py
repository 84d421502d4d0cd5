"""Run a learner's cell like a REPL: print output, the last expression's value, or a traceback.

This runs inside a locked-down worker. It returns plain data only; the parent treats all of it as
untrusted (the learner's code runs in this very process and may have changed anything here).
"""

import ast
import builtins
import io
import json
import linecache
import signal
import traceback

from app.runner import registration_tracer as registration
from app.runner.config import RunnerConfig

CELL_FILE = registration.CELL_FILE
MEMORY_MARKERS = ("can't allocate memory", "DefaultCPUAllocator", "out of memory")


class TimeLimitExceeded(BaseException):
    """Raised into the learner's code when the run's time is up (a BaseException, like Ctrl+C)."""


def _time_is_up(signum, frame):
    raise TimeLimitExceeded()


class BoundedOutput(io.TextIOBase):
    """Keep the first `limit` characters written and count the rest (an output flood is cut)."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.kept, self.total = limit, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self.total += len(text)
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n… ({len(text) - limit} characters left out) …\n{text[-half:]}"


def format_error(exc: BaseException, limit: int) -> str:
    """Format a traceback that starts at the learner's first line, not in this runner."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != CELL_FILE:
        tb = tb.tb_next
    return _clip("".join(traceback.TracebackException(type(exc), exc, tb, compact=True).format()), limit)


def compile_cell(code: str):
    """Split the cell into statements to exec and, like a REPL, a final expression to evaluate."""
    tree = ast.parse(code, CELL_FILE, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, CELL_FILE, "exec")
    return body, compile(last, CELL_FILE, "eval") if last is not None else None


def prepare(config: RunnerConfig) -> list:
    """Get the worker ready before code arrives; return the (empty) registration trace list.

    A tiny training step here takes the copy-on-write page faults a typical run would take, while
    no learner is waiting; then torch gets a fresh random seed, so runs do not all repeat the
    parent's random numbers.
    """
    import torch

    steps: list = []
    registration.install(steps, config.trace_limit)
    # Under seccomp a new thread is refused; keep torch from trying to start any.
    torch.set_num_threads = torch.set_num_interop_threads = lambda *args, **kwargs: None
    layer = torch.nn.Linear(4, 2)
    layer(torch.ones(3, 4)).pow(2).mean().backward()
    repr(layer.weight)
    compile_cell("x = 1\nx")
    json.dumps({"warm": [1, "up"]}, ensure_ascii=False)
    torch.seed()
    return steps


def execute(code: str, config: RunnerConfig, steps: list) -> dict:
    """Run `code` and describe what happened as a JSON-ready dict; `steps` comes from prepare()."""
    import sys

    linecache.cache[CELL_FILE] = (len(code), None, code.splitlines(True), CELL_FILE)
    output = BoundedOutput(config.output_limit)
    sys.stdout = sys.stderr = output
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    result: dict = {"status": "ok", "value": None}
    # Stop the code ourselves first, keeping its output; the parent kills it a little later if not.
    signal.signal(signal.SIGALRM, _time_is_up)
    signal.setitimer(signal.ITIMER_REAL, config.time_limit)
    try:
        body, last = compile_cell(code)
        exec(body, namespace)
        if last is not None:
            value = eval(last, namespace)
            if value is not None:
                result["value"] = _clip(repr(value), config.value_limit)
    except MemoryError as exc:
        result = {
            "status": "memory",
            "error_type": "MemoryError",
            "traceback": format_error(exc, config.traceback_limit),
        }
    except TimeLimitExceeded as exc:
        result = {"status": "timeout", "reason": "wall", "traceback": format_error(exc, config.traceback_limit)}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are the learner's too
        memory = isinstance(exc, RuntimeError) and any(marker in str(exc) for marker in MEMORY_MARKERS)
        result = {
            "status": "memory" if memory else "error",
            "error_type": type(exc).__name__,
            "traceback": format_error(exc, config.traceback_limit),
        }
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    result.update(
        stdout=output.getvalue(),
        stdout_truncated=output.total > output.kept,
        stdout_chars=output.total,
        registration=steps,
    )
    return result
