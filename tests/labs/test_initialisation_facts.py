"""Lesson 6's facts (initialisation) say what plain torch says for the lesson's small conv net."""

import math
from collections.abc import Callable

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import SmallConvNet, error_of, init_weights, one_line


def _init_keeps_parameter() -> bool:
    layer = nn.Linear(4, 2)
    before = layer.weight
    nn.init.normal_(layer.weight, 0, 0.01)
    return layer.weight is before


def _init_returns_its_argument() -> bool:
    tensor = torch.empty(3, 3)
    return nn.init.xavier_uniform_(tensor) is tensor


def _apply_returns_model() -> bool:
    model = SmallConvNet()
    return model.apply(init_weights) is model


def _visiting_order(scheme: str) -> str:
    """Name the modules the modules() loop, or apply(), visits, in order ('(model)' for the model itself)."""
    model = SmallConvNet()
    names = {id(module): name or "(model)" for name, module in model.named_modules()}
    order: list[str] = []
    if scheme == "modules_loop":
        for module in model.modules():
            order.append(names[id(module)])
    else:
        model.apply(lambda module: order.append(names[id(module)]))
    return ", ".join(order)


def _apply_matches_loop() -> bool:
    torch.manual_seed(3)
    looped = SmallConvNet()
    for module in looped.modules():
        init_weights(module)
    torch.manual_seed(3)
    applied = SmallConvNet().apply(init_weights)
    return all(torch.equal(a, b) for a, b in zip(looped.state_dict().values(), applied.state_dict().values()))


def _assign_tensor_to_weight() -> None:
    layer = nn.Linear(4, 2)
    layer.weight = torch.randn(2, 4) * 0.01


EXPECTED: dict[str, Callable[[], object]] = {
    "init_keeps_parameter": _init_keeps_parameter,
    "init_returns_its_argument": _init_returns_its_argument,
    "apply_returns_model": _apply_returns_model,
    "init_modules_order": lambda: _visiting_order("modules_loop"),
    "init_apply_order": lambda: _visiting_order("apply_fn"),
    "init_apply_matches_loop": _apply_matches_loop,
    "init_xavier_1d_error": lambda: one_line(error_of(lambda: nn.init.xavier_uniform_(torch.empty(5)), ValueError)),
    "init_batchnorm_weight_starts_at_ones": lambda: bool((nn.BatchNorm2d(4).weight == 1).all()),
    # torch documents the ReLU gain as sqrt(2).
    "init_relu_gain": lambda: f"{math.sqrt(2.0):.4f}",
    "init_assign_tensor_error": lambda: one_line(error_of(_assign_tensor_to_weight, TypeError)),
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
