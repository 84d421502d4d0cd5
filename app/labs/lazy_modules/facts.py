"""Facts lesson 12 (lazy modules) quotes, computed by torch each time a page asks."""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.errors import one_line
from app.labs.seeding import seed_cpu


def _fresh() -> nn.LazyLinear:
    seed_cpu(0)
    return nn.LazyLinear(3)


def _after_forward() -> tuple[nn.Module, torch.optim.Optimizer, nn.Parameter]:
    layer = _fresh()
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    weight = layer.weight
    layer(torch.randn(2, 4))
    return layer, optimizer, weight


def _raised(action: Callable[[], object]) -> str:
    try:
        action()
    except Exception as exc:  # torch's refusal is the fact
        return one_line(exc)
    return "(no error)"


def second_size_error() -> str:
    layer, _optimizer, _weight = _after_forward()
    return _raised(lambda: layer(torch.randn(2, 5)))


def optimizer_still_holds() -> bool:
    layer, optimizer, _weight = _after_forward()
    return optimizer.param_groups[0]["params"][0] is layer.weight


FACTS: dict[str, Callable[[], object]] = {
    "lazy_repr_before": lambda: repr(_fresh()),
    "lazy_weight_type_before": lambda: type(_fresh().weight).__name__,
    "lazy_weight_is_parameter": lambda: isinstance(_fresh().weight, nn.Parameter),
    "lazy_is_linear_before": lambda: isinstance(_fresh(), nn.Linear),
    "lazy_numel_error": lambda: _raised(lambda: _fresh().weight.numel()),
    "lazy_shape_error": lambda: _raised(lambda: _fresh().weight.shape),
    "lazy_parameters_before": lambda: len(list(_fresh().parameters())),
    "lazy_weight_shape_after": lambda: tuple(_after_forward()[0].weight.shape),
    "lazy_class_after": lambda: type(_after_forward()[0]).__name__,
    "lazy_repr_after": lambda: repr(_after_forward()[0]),
    "lazy_weight_type_after": lambda: type(_after_forward()[0].weight).__name__,
    "lazy_same_weight_object": lambda: (lambda layer, _o, weight: layer.weight is weight)(*_after_forward()),
    "lazy_optimizer_still_holds": optimizer_still_holds,
    "lazy_second_size_error": second_size_error,
}
