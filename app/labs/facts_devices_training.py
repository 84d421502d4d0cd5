"""Facts quoted by lessons 9 (devices and dtypes) and 10 (putting it together), computed by torch.

Each function builds what it needs afresh, so a fact is true of this torch, now.
"""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.devices import Demo, calls_apply
from app.labs.seeding import seed_cpu
from app.labs.zoo import LinearBias


def _converted(conversion: str = "double") -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, int], nn.Module]:
    """Build Demo, remember its tensors and pointers, convert it; return model, old tensors, old pointers, returned."""
    seed_cpu(0)
    model = Demo()
    old = {"weight": model.weight, "running_mean": model.running_mean, "steps": model.steps, "scale": model.scale}
    pointers = {name: tensor.data_ptr() for name, tensor in old.items()}
    returned = getattr(model, conversion)()
    return model, old, pointers, returned


def module_to_returns_self() -> bool:
    model = Demo()
    return model.to(torch.float64) is model


def tensor_to_returns_new() -> bool:
    tensor = torch.zeros(2)
    return tensor.to(torch.float64) is tensor


def tensor_to_same_dtype_is_self() -> bool:
    tensor = torch.zeros(2)
    return tensor.to(torch.float32) is tensor


def double_keeps_parameter() -> bool:
    model, old, _, _ = _converted()
    return model.weight is old["weight"]


def double_parameter_same_pointer() -> bool:
    model, _, pointers, _ = _converted()
    return model.weight.data_ptr() == pointers["weight"]


def double_dtype(name: str) -> str:
    model, _, _, _ = _converted()
    return str(getattr(model, name).dtype)


def double_keeps_buffer() -> bool:
    model, old, _, _ = _converted()
    return model.running_mean is old["running_mean"]


def float_keeps_pointer() -> bool:
    model, _, pointers, _ = _converted("float")
    return model.weight.data_ptr() == pointers["weight"]


def dtype_mismatch_error() -> str:
    try:
        nn.Linear(2, 2).double()(torch.zeros(1, 2))
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


def cuda_calls_apply() -> bool:
    return calls_apply("cuda") and calls_apply("double")


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


def empty_optimizer_error() -> str:
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


# The facts lessons 9 and 10 quote, merged into app.course.facts.FACTS.
DEVICES_TRAINING_FACTS: dict[str, Callable[[], object]] = {
    "module_to_returns_self": module_to_returns_self,
    "tensor_to_returns_new": tensor_to_returns_new,
    "tensor_to_same_dtype_is_self": tensor_to_same_dtype_is_self,
    "double_keeps_parameter": double_keeps_parameter,
    "double_parameter_same_pointer": double_parameter_same_pointer,
    "double_parameter_dtype": lambda: double_dtype("weight"),
    "double_buffer_dtype": lambda: double_dtype("running_mean"),
    "double_int_buffer_dtype": lambda: double_dtype("steps"),
    "double_plain_attribute_dtype": lambda: double_dtype("scale"),
    "double_keeps_buffer": double_keeps_buffer,
    "float_keeps_pointer": float_keeps_pointer,
    "dtype_mismatch_error": dtype_mismatch_error,
    "cuda_available": torch.cuda.is_available,
    "cuda_calls_apply": cuda_calls_apply,
    "linear_bias_total": trainable_count,
    "linear_bias_trainable_weight_frozen": lambda: trainable_count(("linear.weight",)),
    "linear_bias_parameter_order": named_parameter_order,
    "frozen_grad_is_none": frozen_grad_is_none,
    "frozen_unchanged_after_step": frozen_unchanged_after_step,
    "empty_optimizer_error": empty_optimizer_error,
    "nothing_to_differentiate_error": nothing_to_differentiate_error,
    "group_lrs": group_lrs,
}
