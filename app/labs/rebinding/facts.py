"""Facts that lesson 5 (the rebinding pitfall) quotes, each computed by torch or Python on request."""

from collections.abc import Callable

import torch
from torch import nn


class _Weight(nn.Module):
    """A tiny module with one (2, 3) weight: small enough to read, enough to show every effect."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(2, 3))


def _rebind_leaves_values() -> bool:
    model = _Weight()
    before = model.weight.detach().clone()
    for p in model.parameters():
        with torch.no_grad():
            p = torch.zeros(p.shape)
    return torch.equal(before, model.weight)


def _rebind_p_is_weight() -> bool:
    model = _Weight()
    for p in model.parameters():
        p = torch.zeros(p.shape)
    return p is model.weight


def _zero_in_no_grad_leaves_values() -> bool:
    model = _Weight()
    before = model.weight.detach().clone()
    for p in model.parameters():
        with torch.no_grad():
            p.zero_()
    return torch.equal(before, model.weight)


def _in_place_error() -> str:
    model = _Weight()
    try:
        for p in model.parameters():
            p += 1
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


def _version_change(statement: str) -> str:
    model = _Weight()
    p = model.weight
    before = p._version
    with torch.no_grad():
        if statement == "zero":
            p.zero_()
        else:
            p.data = torch.zeros_like(p)
    return f"{before} → {p._version}"


def _data_moves_storage() -> bool:
    model = _Weight()
    p = model.weight
    before = p.data_ptr()
    p.data = torch.zeros_like(p)
    return p.data_ptr() != before


def _grad_after_data_swap() -> str:
    w = nn.Parameter(torch.ones(2))
    loss = (w * w).sum()
    w.data = torch.zeros(2)
    loss.backward()
    return repr(w.grad)


def _true_grad() -> str:
    w = nn.Parameter(torch.ones(2))
    (w * w).sum().backward()
    return repr(w.grad)


def _backward_after_in_place() -> str:
    w = nn.Parameter(torch.ones(2))
    loss = (w * w).sum()
    with torch.no_grad():
        w.zero_()
    try:
        loss.backward()
    except RuntimeError as exc:
        return str(exc).split(" Hint:")[0]  # the hint names a debugging switch, not the cause
    return "(no error)"


def _replacement() -> tuple[bool, bool]:
    model = _Weight()
    old = model.weight
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with torch.no_grad():
        model.weight = nn.Parameter(torch.zeros(2, 3))
    held = opt.param_groups[0]["params"][0]
    return held is model.weight, held is old


def _python_ints() -> str:
    xs = [1, 2]
    for x in xs:
        x += 1
    return repr(xs)


def _python_rows() -> str:
    rows = [[1, 2], [3, 4]]
    for s in rows:
        s[0] += 1
    return repr(rows)


FACTS: dict[str, Callable[[], object]] = {
    "rebind_leaves_values": _rebind_leaves_values,
    "rebind_p_is_weight": _rebind_p_is_weight,
    "zero_in_no_grad_leaves_values": _zero_in_no_grad_leaves_values,
    "in_place_leaf_error": _in_place_error,
    "zero_version_change": lambda: _version_change("zero"),
    "data_version_change": lambda: _version_change("data"),
    "data_moves_storage": _data_moves_storage,
    "grad_after_data_swap": _grad_after_data_swap,
    "true_grad_of_w_squared": _true_grad,
    "backward_after_in_place_error": _backward_after_in_place,
    "replaced_optimizer_holds_new": lambda: _replacement()[0],
    "replaced_optimizer_holds_old": lambda: _replacement()[1],
    "python_ints_after_loop": _python_ints,
    "python_rows_after_loop": _python_rows,
}
