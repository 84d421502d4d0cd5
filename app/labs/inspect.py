"""Turn a Module or a Tensor into plain rows that templates and the JSON API can show."""

import torch
from pydantic import BaseModel
from torch import nn


class TensorRow(BaseModel):
    """One named tensor of a module: what named_parameters() or buffers() would report."""

    name: str
    shape: list[int]
    numel: int
    dtype: str
    requires_grad: bool


class TensorSummary(BaseModel):
    """min/max/mean/std of a tensor, for tensors too large to print."""

    shape: list[int]
    min: float
    max: float
    mean: float
    std: float


def tensor_row(name: str, tensor: torch.Tensor) -> TensorRow:
    return TensorRow(
        name=name,
        shape=list(tensor.shape),
        numel=tensor.numel(),
        dtype=str(tensor.dtype),
        requires_grad=tensor.requires_grad,
    )


def parameter_rows(module: nn.Module) -> list[TensorRow]:
    """List named_parameters() as rows, in registration order, with dotted names."""
    return [tensor_row(name, parameter) for name, parameter in module.named_parameters()]


def buffer_rows(module: nn.Module) -> list[TensorRow]:
    """List named_buffers() as rows."""
    return [tensor_row(name, buffer) for name, buffer in module.named_buffers()]


def summarize(tensor: torch.Tensor, float64_values: torch.Tensor | None = None) -> TensorSummary:
    """Summarise a tensor's values (std is 0 for a single element).

    `float64_values` may pass in the same values already converted to float64, when the caller has them.
    """
    tensor = tensor.detach()
    values = (tensor.double() if float64_values is None else float64_values).flatten()
    # min and max are exact in any float dtype, so they are read from the original: for float32
    # that is half the bytes of the float64 copy. Mean and std need float64 sums.
    low, high = (tensor if tensor.is_floating_point() else values).aminmax()
    return TensorSummary(
        shape=list(tensor.shape),
        min=low.item(),
        max=high.item(),
        mean=values.mean().item(),
        std=values.std().item() if values.numel() > 1 else 0.0,
    )
