"""Check what crosses a pipe: everything a worker says is untrusted, so only known, bounded fields pass.

Never pickle here: unpickling what a sandboxed process wrote would hand it the parent. JSON with a
size cap, then a field-by-field copy with types and lengths checked.
"""

import json
import struct

from app.runner.config import REQUIRED_LAYERS, RunnerConfig

HEADER = struct.Struct("<Q")  # the code's length, ahead of the code on the worker's pipe
WORKER_STATUSES = ("ok", "error", "memory", "timeout", "refused", "crashed")
REASONS = ("unsafe", "worker_error", "too_large", "busy", "wall")
OUTCOMES = ("parameter", "buffer", "module", "attribute", "error")


def _text(value, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _step(raw) -> dict | None:
    if not isinstance(raw, dict) or raw.get("outcome") not in OUTCOMES:
        return None
    shape = raw.get("shape")
    if not (isinstance(shape, list) and len(shape) <= 8 and all(_int(n) is not None for n in shape)):
        shape = None
    line = _int(raw.get("line"))
    requires_grad = raw.get("requires_grad")
    return {
        "owner": _text(raw.get("owner"), 100) or "?",
        "function": _text(raw.get("function"), 100) or "?",
        "line": line if line is not None and line > 0 else 0,
        "source": _text(raw.get("source"), 200) or "",
        "attribute": _text(raw.get("attribute"), 100) or "?",
        "outcome": raw["outcome"],
        "value_type": _text(raw.get("value_type"), 100) or "?",
        "is_module": raw.get("is_module") is True,
        "shape": shape,
        "requires_grad": requires_grad if isinstance(requires_grad, bool) else None,
        "error": _text(raw.get("error"), 300),
    }


def sanitize(raw: bytes, config: RunnerConfig) -> dict | None:
    """Return a clean copy of a worker's answer, or None when it is not a well-formed answer."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("status") not in WORKER_STATUSES:
        return None
    chars = _int(data.get("stdout_chars"))
    steps = data.get("registration") if isinstance(data.get("registration"), list) else []
    layers = data.get("layers") if isinstance(data.get("layers"), dict) else {}
    missing = data.get("missing") if isinstance(data.get("missing"), list) else []
    return {
        "status": data["status"],
        "stdout": _text(data.get("stdout"), config.output_limit) or "",
        "stdout_truncated": data.get("stdout_truncated") is True,
        "stdout_chars": chars if chars is not None and chars >= 0 else 0,
        "value": _text(data.get("value"), config.value_limit + 100),
        "error_type": _text(data.get("error_type"), 100),
        "traceback": _text(data.get("traceback"), config.traceback_limit + 100),
        "reason": data.get("reason") if data.get("reason") in REASONS else None,
        "detail": _text(data.get("detail"), 500),
        "registration": [step for step in map(_step, steps[: config.trace_limit]) if step],
        "missing": [name for name in missing if name in REQUIRED_LAYERS],
        "layers": {
            name: [state[0], state[1][:200]]
            for name, state in layers.items()
            if name in REQUIRED_LAYERS
            and isinstance(state, list)
            and len(state) == 2
            and isinstance(state[0], bool)
            and isinstance(state[1], str)
        },
    }
