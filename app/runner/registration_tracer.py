"""Trace how nn.Module files each attribute a learner's code assigns: the registration trace.

`Module.__setattr__` and the explicit register_* calls are wrapped so that every assignment made
by a line of the learner's cell is recorded with where the name ended up: `_parameters`,
`_buffers`, `_modules`, or the plain instance `__dict__`. The trace is plain data.

The warm parent wraps them once, before forking (changing a method of nn.Module touches every
subclass: ~2 ms of copy-on-write faults that each worker would pay again); a worker then only
points the trace at its own list. Outside a worker's cell nothing is recorded.
"""

import linecache
import sys

CELL_FILE = "<cell>"
_trace: dict = {"steps": None, "limit": 0}  # where this process records, once a worker set it


def describe_value(value) -> dict:
    """Say what kind of thing was assigned: Parameter, Tensor, a Module class, or a Python type."""
    import torch

    if isinstance(value, torch.nn.Parameter):
        kind = "Parameter"
    elif isinstance(value, torch.Tensor):
        kind = "Tensor"
    elif isinstance(value, torch.nn.Module):
        kind = type(value).__name__
    else:
        kind = type(value).__name__
    info = {"value_type": kind, "is_module": isinstance(value, torch.nn.Module), "shape": None, "requires_grad": None}
    if isinstance(value, torch.Tensor):
        info["shape"] = list(value.shape)
        info["requires_grad"] = bool(value.requires_grad)
    return info


def _where(module, name: str) -> str:
    for store, outcome in (("_parameters", "parameter"), ("_buffers", "buffer"), ("_modules", "module")):
        if name in module.__dict__.get(store, {}):
            return outcome
    return "attribute"


def install(steps: list | None, limit: int) -> None:
    """Record the cell's steps into `steps` (None: nowhere); wrap nn.Module's methods if not yet done."""
    import torch

    _trace["steps"], _trace["limit"] = steps, limit
    module_class = torch.nn.Module
    if getattr(module_class.__setattr__, "__wrapped__", None) is not None:
        return  # wrapped before the fork

    def record(module, name, value, statement_frame, call):
        frame = statement_frame
        steps, limit = _trace["steps"], _trace["limit"]
        if steps is None or frame is None or frame.f_code.co_filename != CELL_FILE:
            return call()
        error = None
        try:
            return call()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            if len(steps) < limit:
                line = frame.f_lineno
                steps.append(
                    {
                        "owner": type(module).__name__,
                        "function": frame.f_code.co_name,
                        "line": line,
                        "source": linecache.getline(CELL_FILE, line).strip()[:200],
                        "attribute": str(name)[:100],
                        "outcome": "error" if error else _where(module, name),
                        "error": error and error[:300],
                        **describe_value(value),
                    }
                )

    def wrap(method_name: str, value_from_args):
        original = getattr(module_class, method_name)

        def traced(self, name, *args, **kwargs):
            value = value_from_args(args, kwargs)
            return record(self, name, value, sys._getframe(1), lambda: original(self, name, *args, **kwargs))

        traced.__wrapped__ = original
        traced.__name__ = original.__name__
        setattr(module_class, method_name, traced)

    wrap("__setattr__", lambda args, kwargs: args[0] if args else kwargs.get("value"))
    wrap("register_parameter", lambda args, kwargs: args[0] if args else kwargs.get("param"))
    wrap("register_buffer", lambda args, kwargs: args[0] if args else kwargs.get("tensor"))
    wrap("add_module", lambda args, kwargs: args[0] if args else kwargs.get("module"))
    wrap("register_module", lambda args, kwargs: args[0] if args else kwargs.get("module"))
