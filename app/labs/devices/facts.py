"""Facts lesson 9 (devices and dtypes) quotes, computed by torch each time a page asks.

Each function builds what it needs afresh, so a fact is true of this torch, now.
"""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.devices import Demo, calls_apply
from app.labs.seeding import seed_cpu


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


FACTS: dict[str, Callable[[], object]] = {
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
}
