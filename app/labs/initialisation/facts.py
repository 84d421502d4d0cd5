"""Facts lesson 6 (initialisation) quotes, computed with the lab's own code."""

from collections.abc import Callable

import torch
from torch import nn

from app.labs import initialisation as init_lab
from app.labs.errors import one_line
from app.labs.initialisation.models import SmallConvNet, init_weights


def init_keeps_parameter() -> bool:
    """Tell whether a Linear layer's weight is the same object after nn.init.normal_."""
    layer = nn.Linear(4, 2)
    weight = layer.weight
    nn.init.normal_(layer.weight, 0, 0.01)
    return layer.weight is weight


def init_returns_its_argument() -> bool:
    tensor = torch.empty(3, 3)
    return nn.init.xavier_uniform_(tensor) is tensor


def apply_returns_model() -> bool:
    model = SmallConvNet()
    return model.apply(init_weights) is model


def _visit_names(scheme: str) -> str:
    visits = init_lab.run(init_lab.Params(model="small_convnet", scheme=scheme)).visits or []
    return ", ".join(visit.name or "(model)" for visit in visits)


def modules_order() -> str:
    return _visit_names("modules_loop")


def apply_order() -> str:
    return _visit_names("apply_fn")


def apply_matches_loop() -> bool:
    """Tell whether apply(init_weights) and the modules() loop give identical values from the same seed."""
    looped = init_lab.build_model(init_lab.Params(seed=3))
    for module in looped.modules():
        init_weights(module)
    applied = init_lab.build_model(init_lab.Params(seed=3)).apply(init_weights)
    return all(torch.equal(a, b) for a, b in zip(looped.parameters(), applied.parameters()))


def xavier_1d_error() -> str:
    try:
        nn.init.xavier_uniform_(torch.empty(5))
    except ValueError as exc:
        return one_line(exc)
    return "(no error)"


def batchnorm_weight_starts_at_ones() -> bool:
    return torch.equal(nn.BatchNorm2d(4).weight, torch.ones(4))


def assign_tensor_error() -> str:
    """Assign a plain tensor to a Linear layer's weight, as a hand-written 'initialisation' might."""
    layer = nn.Linear(4, 2)
    try:
        layer.weight = torch.randn(2, 4) * 0.01
    except TypeError as exc:
        return one_line(exc)
    return "(no error)"


def relu_gain() -> str:
    return f"{nn.init.calculate_gain('relu'):.4f}"


FACTS: dict[str, Callable[[], object]] = {
    "init_keeps_parameter": init_keeps_parameter,
    "init_returns_its_argument": init_returns_its_argument,
    "apply_returns_model": apply_returns_model,
    "init_modules_order": modules_order,
    "init_apply_order": apply_order,
    "init_apply_matches_loop": apply_matches_loop,
    "init_xavier_1d_error": xavier_1d_error,
    "init_batchnorm_weight_starts_at_ones": batchnorm_weight_starts_at_ones,
    "init_relu_gain": relu_gain,
    "init_assign_tensor_error": assign_tensor_error,
}
