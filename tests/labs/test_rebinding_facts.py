"""Lesson 5's facts (the rebinding pitfall) say what plain torch, and plain Python, say."""

from collections.abc import Callable

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import error_of


def _model() -> nn.Module:
    """A module with one (2, 3) weight of ones, like the lesson's."""
    model = nn.Module()
    model.weight = nn.Parameter(torch.ones(2, 3))
    return model


def _rebind_leaves_values() -> bool:
    model = _model()
    for p in model.parameters():
        p = torch.zeros_like(p)  # rebinds the name p: the mistake shown
    return bool((model.weight == 1).all())


def _rebind_p_is_weight() -> bool:
    model = _model()
    p = next(iter(model.parameters()))
    p = torch.zeros_like(p)
    return p is model.weight


def _zero_in_no_grad_leaves_values() -> bool:
    model = _model()
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    return bool((model.weight == 1).all())


def _in_place_on_leaf() -> None:
    p = _model().weight
    p += 1


def _version_change(statement: str) -> str:
    p = _model().weight
    before = p._version
    with torch.no_grad():
        if statement == "zero":
            p.zero_()
        else:
            p.data = torch.zeros(2, 3)
    return f"{before} → {p._version}"


def _data_moves_storage() -> bool:
    p = _model().weight
    before = p.untyped_storage().data_ptr()
    p.data = torch.zeros(2, 3)
    return p.untyped_storage().data_ptr() != before


def _grad_after_data_swap() -> str:
    w = nn.Parameter(torch.ones(2))
    loss = (w * w).sum()
    w.data = torch.zeros(2)
    loss.backward()
    return repr(w.grad)


def _true_grad_of_w_squared() -> str:
    w = nn.Parameter(torch.ones(2))
    (w**2).sum().backward()
    return repr(w.grad)


def _backward_after_in_place() -> None:
    w = nn.Parameter(torch.ones(2))
    loss = (w * w).sum()
    with torch.no_grad():
        w.mul_(0)
    loss.backward()


def _optimizer_holds(which: str) -> bool:
    model = _model()
    old = model.weight
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model.weight = nn.Parameter(torch.zeros(2, 3))
    held = optimizer.param_groups[0]["params"][0]
    return held is (model.weight if which == "new" else old)


def _python_ints() -> str:
    xs = [1, 2]
    for x in xs:
        x += 1  # rebinds the name x: the analogy
    return repr(xs)


def _python_rows() -> str:
    rows = [[1, 2], [3, 4]]
    for row in rows:
        row[0] += 1
    return repr(rows)


EXPECTED: dict[str, Callable[[], object]] = {
    "rebind_leaves_values": _rebind_leaves_values,
    "rebind_p_is_weight": _rebind_p_is_weight,
    "zero_in_no_grad_leaves_values": _zero_in_no_grad_leaves_values,
    "in_place_leaf_error": lambda: error_of(_in_place_on_leaf, RuntimeError),
    "zero_version_change": lambda: _version_change("zero"),
    "data_version_change": lambda: _version_change("data"),
    "data_moves_storage": _data_moves_storage,
    "grad_after_data_swap": _grad_after_data_swap,
    "true_grad_of_w_squared": _true_grad_of_w_squared,
    # The lesson quotes the cause and leaves out torch's hint about a debugging switch.
    "backward_after_in_place_error": lambda: str(error_of(_backward_after_in_place, RuntimeError)).split(" Hint:")[0],
    "replaced_optimizer_holds_new": lambda: _optimizer_holds("new"),
    "replaced_optimizer_holds_old": lambda: _optimizer_holds("old"),
    "python_ints_after_loop": _python_ints,
    "python_rows_after_loop": _python_rows,
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())


def test_the_quoted_backward_error_keeps_the_cause_and_drops_the_hint():
    quoted = compute("backward_after_in_place_error")
    assert str(error_of(_backward_after_in_place, RuntimeError)).startswith(quoted) and "Hint" not in quoted
