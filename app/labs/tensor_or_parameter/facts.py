"""Facts lesson 1 (Tensor or Parameter?) quotes, computed by torch each time a page asks."""

from collections.abc import Callable

import torch
from torch import nn


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
}
