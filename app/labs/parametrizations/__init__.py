"""Lab for lesson 13: put a parametrization on a layer's weight and see where the learned tensors went.

The learner picks a parametrization (a custom symmetric one, torch's orthogonal or weight norm, or
none to compare), then the lab takes one SGD step and optionally removes the parametrization again.
"""

import inspect
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn
from torch.nn.utils import parametrizations, parametrize

from app.i18n import N_
from app.labs.base import Lab
from app.labs.errors import one_line
from app.labs.seeding import seed_cpu


class Symmetric(nn.Module):
    """Build a symmetric matrix from the upper triangle of X (the lower triangle of X is ignored)."""

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X.triu() + X.triu(1).transpose(-1, -2)


SYMMETRIC_SOURCE = inspect.getsource(Symmetric)

Kind = Literal["symmetric", "orthogonal", "weight_norm", "none"]
Removal = Literal["keep", "leave_true", "leave_false"]

REGISTER_CODE: dict[str, str] = {
    "symmetric": 'parametrize.register_parametrization(layer, "weight", Symmetric())',
    "orthogonal": "layer = parametrizations.orthogonal(layer)",
    "weight_norm": "layer = parametrizations.weight_norm(layer)",
    "none": "# no parametrization: weight stays an ordinary Parameter",
}
REMOVAL_CODE: dict[str, str] = {
    "keep": "",
    "leave_true": 'parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)',
    "leave_false": 'parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)',
}
# What each parametrization promises about the weight, and how the lab measures it (0 means kept).
CONSTRAINT: dict[str, str] = {
    "symmetric": "max |W - Wᵀ|",
    "orthogonal": "max |W Wᵀ - I|",
    "weight_norm": "max | ‖W[i]‖ - |original0[i]| |",  # a step may make the length g negative
    "none": "",
}


class Params(BaseModel):
    """Inputs of the lab: which parametrization, the layer's size, the step and what to remove."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parametrization: Kind = Field("symmetric", description="What computes layer.weight.")
    size: int = Field(3, ge=2, le=6, description="The layer is nn.Linear(size, size): a square weight.")
    lr: float = Field(0.1, gt=0, le=10, description="Learning rate of the one SGD step.")
    remove: Removal = Field("keep", description="Whether, and how, remove_parametrizations runs after the step.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before anything is made.")


class TensorFate(BaseModel):
    """One tensor of the layer (a Parameter or a buffer) and what the SGD step did to it."""

    name: str
    kind: Literal["parameter", "buffer"]
    shape: list[int]
    in_optimizer: bool
    changed_by_step: bool
    largest_change: float


class WeightView(BaseModel):
    """What `layer.weight` is once the parametrization is in place."""

    type_name: str
    is_parameter: bool
    listed_as_parameter: bool = Field(description='"weight" is a name in named_parameters()')
    is_leaf: bool
    grad_fn: str | None
    same_object_on_each_read: bool = Field(description="layer.weight is layer.weight")
    before: list[list[float]]
    after: list[list[float]]
    changed_by_step: bool
    constraint: str
    violation_before: float | None
    violation_after: float | None


class RemovalView(BaseModel):
    """What remains after remove_parametrizations, or torch's refusal."""

    code: str
    error: str | None = None
    class_name: str | None = None
    parameter_names: list[str] = []
    state_dict_keys: list[str] = []
    weight_is_parameter: bool | None = None
    equals_computed_weight: bool | None = Field(None, description="weight equals the value it computed before")
    equals_original: bool | None = Field(None, description="weight equals parametrizations.weight.original")


class Result(BaseModel):
    code: str
    symmetric_source: str
    class_name: str
    parameter_names: list[str]
    state_dict_keys: list[str]
    tensors: list[TensorFate]
    weight: WeightView
    removal: RemovalView | None


def code_for(params: Params) -> str:
    """Write the Python that the lab runs, step by step."""
    lines = [
        f"torch.manual_seed({params.seed})",
        f"layer = nn.Linear({params.size}, {params.size})",
        REGISTER_CODE[params.parametrization],
        f"optimizer = torch.optim.SGD(layer.parameters(), lr={params.lr})",
        f"x = torch.randn(4, {params.size})",
        "layer(x).pow(2).sum().backward()",
        "optimizer.step()",
    ]
    if params.remove != "keep":
        lines.append(REMOVAL_CODE[params.remove])
    return "\n".join(lines)


def build(kind: str, size: int) -> nn.Linear:
    """Make nn.Linear(size, size) and parametrize its weight as `kind` says (seed first)."""
    layer = nn.Linear(size, size)
    if kind == "symmetric":
        parametrize.register_parametrization(layer, "weight", Symmetric())
    elif kind == "orthogonal":
        layer = parametrizations.orthogonal(layer)
    elif kind == "weight_norm":
        layer = parametrizations.weight_norm(layer)
    return layer


def violation(kind: str, layer: nn.Module, weight: torch.Tensor) -> float | None:
    """Measure how far `weight` is from what the parametrization promises (0 means the promise holds)."""
    w = weight.detach()
    if kind == "symmetric":
        return (w - w.T).abs().max().item()
    if kind == "orthogonal":
        return (w @ w.T - torch.eye(w.shape[0])).abs().max().item()
    if kind == "weight_norm":
        g = layer.parametrizations.weight.original0.detach().reshape(-1)
        return (w.norm(dim=1) - g.abs()).abs().max().item()
    return None


def _snapshot(layer: nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in layer.state_dict().items()}


def _matrix(tensor: torch.Tensor) -> list[list[float]]:
    return tensor.detach().tolist()


def remove(layer: nn.Module, params: Params, computed: torch.Tensor) -> RemovalView:
    """Run remove_parametrizations as chosen and describe what is left (or torch's error)."""
    code = REMOVAL_CODE[params.remove]
    original = getattr(getattr(getattr(layer, "parametrizations", None), "weight", None), "original", None)
    original = None if original is None else original.detach().clone()
    try:
        parametrize.remove_parametrizations(layer, "weight", leave_parametrized=params.remove == "leave_true")
    except (ValueError, RuntimeError) as exc:  # torch refuses some removals: that refusal is the answer
        return RemovalView(code=code, error=one_line(exc))
    weight = layer.weight.detach()
    return RemovalView(
        code=code,
        class_name=type(layer).__name__,
        parameter_names=[name for name, _p in layer.named_parameters()],
        state_dict_keys=list(layer.state_dict()),
        weight_is_parameter=isinstance(layer.weight, nn.Parameter),
        equals_computed_weight=torch.equal(weight, computed),
        equals_original=None if original is None else torch.equal(weight, original),
    )


def run(params: Params) -> Result:
    """Parametrize a layer's weight, take one SGD step, and optionally remove the parametrization."""
    kind = params.parametrization
    seed_cpu(params.seed)
    layer = build(kind, params.size)
    names = {id(p): name for name, p in layer.named_parameters()}
    parameter_names = list(names.values())
    weight = layer.weight
    weight_view = {
        "type_name": type(weight).__name__,
        "is_parameter": isinstance(weight, nn.Parameter),
        "listed_as_parameter": "weight" in parameter_names,
        "is_leaf": weight.is_leaf,
        "grad_fn": None if weight.grad_fn is None else type(weight.grad_fn).__name__,
        "same_object_on_each_read": layer.weight is layer.weight,
    }
    violation_before = violation(kind, layer, weight)
    optimizer = torch.optim.SGD(layer.parameters(), lr=params.lr)
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    x = torch.randn(4, params.size)
    before, weight_before = _snapshot(layer), weight.detach().clone()
    layer(x).pow(2).sum().backward()
    optimizer.step()
    after, weight_after = _snapshot(layer), layer.weight.detach().clone()
    buffers = {name for name, _b in layer.named_buffers()}
    tensors = [
        TensorFate(
            name=name,
            kind="buffer" if name in buffers else "parameter",
            shape=list(value.shape),
            in_optimizer=any(id(p) in held for n, p in layer.named_parameters() if n == name),
            changed_by_step=not torch.equal(value, after[name]),
            largest_change=(after[name] - value).abs().max().item() if value.is_floating_point() else 0.0,
        )
        for name, value in before.items()
    ]
    result = Result(
        code=code_for(params),
        symmetric_source=SYMMETRIC_SOURCE,
        class_name=type(layer).__name__,
        parameter_names=parameter_names,
        state_dict_keys=list(before),
        tensors=tensors,
        weight=WeightView(
            **weight_view,
            before=_matrix(weight_before),
            after=_matrix(weight_after),
            changed_by_step=not torch.equal(weight_before, weight_after),
            constraint=CONSTRAINT[kind],
            violation_before=violation_before,
            violation_after=violation(kind, layer, weight_after),
        ),
        removal=None if params.remove == "keep" else remove(layer, params, weight_after),
    )
    return result


LAB = Lab(
    id="parametrizations",
    title=N_("Parametrizations"),
    summary=N_(
        "Put a parametrization on a layer's weight and see the new names, the computed weight, "
        "what one optimizer step updates, and what removing it leaves behind."
    ),
    params=Params,
    result=Result,
    run=run,
)
