"""Facts lesson 10 (putting it together) quotes, computed by torch each time a page asks."""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.seeding import seed_cpu
from app.labs.zoo import LinearBias


def _linear_bias(frozen: tuple[str, ...] = ()) -> LinearBias:
    seed_cpu(0)
    model = LinearBias(10, 5)
    for name in frozen:
        model.get_parameter(name).requires_grad_(False)
    return model


def trainable_count(frozen: tuple[str, ...] = ()) -> int:
    return sum(p.numel() for p in _linear_bias(frozen).parameters() if p.requires_grad)


def named_parameter_order() -> str:
    return ", ".join(name for name, _ in _linear_bias().named_parameters())


def _one_step_with_frozen_weight() -> tuple[LinearBias, torch.Tensor]:
    model = _linear_bias(("linear.weight",))
    before = model.linear.weight.detach().clone()
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    nn.functional.mse_loss(model(torch.randn(4, 10)), torch.randn(4, 5)).backward()
    optimizer.step()
    return model, before


def frozen_grad_is_none() -> bool:
    model, _ = _one_step_with_frozen_weight()
    return model.linear.weight.grad is None


def frozen_unchanged_after_step() -> bool:
    model, before = _one_step_with_frozen_weight()
    return torch.equal(model.linear.weight, before)


def all_frozen_optimizer_error() -> str:
    try:
        torch.optim.SGD(
            [p for p in _linear_bias(("linear.weight", "linear.bias", "bias")).parameters() if p.requires_grad], lr=0.1
        )
    except ValueError as exc:
        return str(exc)
    return "(no error)"


def nothing_to_differentiate_error() -> str:
    model = _linear_bias(("linear.weight", "linear.bias", "bias"))
    try:
        nn.functional.mse_loss(model(torch.zeros(1, 10)), torch.zeros(1, 5)).backward()
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


def group_lrs() -> str:
    model = _linear_bias()
    optimizer = torch.optim.SGD(
        [
            {"params": [model.linear.weight, model.linear.bias]},
            {"params": [model.bias], "lr": 0.5},
        ],
        lr=0.05,
    )
    return ", ".join(str(group["lr"]) for group in optimizer.param_groups)


FACTS: dict[str, Callable[[], object]] = {
    "linear_bias_total": trainable_count,
    "linear_bias_trainable_weight_frozen": lambda: trainable_count(("linear.weight",)),
    "linear_bias_parameter_order": named_parameter_order,
    "frozen_grad_is_none": frozen_grad_is_none,
    "frozen_unchanged_after_step": frozen_unchanged_after_step,
    "all_frozen_optimizer_error": all_frozen_optimizer_error,
    "nothing_to_differentiate_error": nothing_to_differentiate_error,
    "group_lrs": group_lrs,
}
