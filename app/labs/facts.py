"""Facts that lesson prose quotes: each is computed by torch every time a page asks for it.

A lesson writes [[fact:<id>]] instead of typing a value, so the text and torch cannot disagree.
"""

from typing import Callable

import torch
from torch import nn

from app.labs import facts_devices_training as late


def _parameter() -> nn.Parameter:
    return nn.Parameter(torch.zeros(2))


def _parameter_in_no_grad() -> nn.Parameter:
    with torch.no_grad():
        return nn.Parameter(torch.zeros(2))


def _shares_storage() -> bool:
    source = torch.zeros(2)
    return nn.Parameter(source).data_ptr() == source.data_ptr()


def _int_parameter_error() -> str:
    try:
        nn.Parameter(torch.zeros(2, dtype=torch.int64))
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


FACTS: dict[str, Callable[[], object]] = {
    "parameter_is_tensor": lambda: isinstance(_parameter(), torch.Tensor),
    "tensor_is_parameter": lambda: isinstance(torch.zeros(2), nn.Parameter),
    "parameter_mro": lambda: " → ".join(cls.__name__ for cls in type(_parameter()).__mro__),
    "parameter_repr_first_line": lambda: repr(_parameter()).splitlines()[0],
    "parameter_requires_grad": lambda: _parameter().requires_grad,
    "tensor_requires_grad": lambda: torch.zeros(2).requires_grad,
    "parameter_requires_grad_in_no_grad": lambda: _parameter_in_no_grad().requires_grad,
    "frozen_parameter_requires_grad": lambda: nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad,
    "parameter_is_leaf": lambda: _parameter().is_leaf,
    "parameter_shares_storage": _shares_storage,
    "int_parameter_error": _int_parameter_error,
    # --- lessons 9 (devices and dtypes) and 10 (putting it together): see facts_devices_training.py ---
    "module_to_returns_self": late.module_to_returns_self,
    "tensor_to_returns_new": late.tensor_to_returns_new,
    "tensor_to_same_dtype_is_self": late.tensor_to_same_dtype_is_self,
    "double_keeps_parameter": late.double_keeps_parameter,
    "double_parameter_same_pointer": late.double_parameter_same_pointer,
    "double_parameter_dtype": lambda: late.double_dtype("weight"),
    "double_buffer_dtype": lambda: late.double_dtype("running_mean"),
    "double_int_buffer_dtype": lambda: late.double_dtype("steps"),
    "double_plain_attribute_dtype": lambda: late.double_dtype("scale"),
    "double_keeps_buffer": late.double_keeps_buffer,
    "float_keeps_pointer": late.float_keeps_pointer,
    "dtype_mismatch_error": late.dtype_mismatch_error,
    "cuda_available": torch.cuda.is_available,
    "cuda_calls_apply": late.cuda_calls_apply,
    "linear_bias_total": late.trainable_count,
    "linear_bias_trainable_weight_frozen": lambda: late.trainable_count(("linear.weight",)),
    "linear_bias_parameter_order": late.named_parameter_order,
    "frozen_grad_is_none": late.frozen_grad_is_none,
    "frozen_unchanged_after_step": late.frozen_unchanged_after_step,
    "empty_optimizer_error": late.empty_optimizer_error,
    "nothing_to_differentiate_error": late.nothing_to_differentiate_error,
    "group_lrs": late.group_lrs,
}


def compute(fact_id: str) -> str:
    """Compute one fact now and return it as the text the page shows."""
    return str(FACTS[fact_id]())
