"""Lab for lesson 8: detach(), clone(), views and .data of a Parameter, and what in-place changes do."""

from collections.abc import Callable
from contextlib import nullcontext
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from app.i18n import N_
from app.labs.base import Lab
from app.labs.seeding import seed_cpu

Operation = Literal["itself", "detach", "clone", "index", "view", "data", "detach_clone"]
InPlace = Literal["add_", "mul_", "zero_"]
Context = Literal["normal", "no_grad"]
Graph = Literal["none", "square"]

# What each operation does to the Parameter p; the code column shows the same expression.
OPERATIONS: dict[str, tuple[str, Callable[[nn.Parameter], torch.Tensor]]] = {
    "itself": ("p", lambda p: p),
    "detach": ("p.detach()", lambda p: p.detach()),
    "clone": ("p.clone()", lambda p: p.clone()),
    "index": ("p[0]", lambda p: p[0]),
    "view": ("p.view(-1)", lambda p: p.view(-1)),
    "data": ("p.data", lambda p: p.data),
    "detach_clone": ("p.detach().clone()", lambda p: p.detach().clone()),
}

IN_PLACE: dict[str, tuple[str, Callable[[torch.Tensor], object]]] = {
    "add_": ("y.add_(1)", lambda y: y.add_(1)),
    "mul_": ("y.mul_(2)", lambda y: y.mul_(2)),
    "zero_": ("y.zero_()", lambda y: y.zero_()),
}


class Params(BaseModel):
    """Inputs of the lab: the Parameter's size, what is made from it, and how it is changed in place."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: Operation = Field("detach", description="What y is made from the Parameter p.")
    in_place: InPlace = Field("add_", description="The in-place change applied to y.")
    context: Context = Field("normal", description="Apply the in-place change normally or inside torch.no_grad().")
    graph: Graph = Field(
        "none", description="'square': build loss = (p * p).sum() first and call backward after the change."
    )
    rows: int = Field(2, ge=2, le=6, description="Rows of p.")
    cols: int = Field(3, ge=1, le=6, description="Columns of p.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before p is made.")


class Outcome(BaseModel):
    """What y is, and what the in-place change did to y and to p."""

    operation: str
    expression: str
    type_name: str
    is_parameter: bool
    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None
    same_data_ptr: bool = Field(description="y.data_ptr() == p.data_ptr()")
    same_storage: bool = Field(description="y.untyped_storage().data_ptr() == p.untyped_storage().data_ptr()")
    error: str | None = Field(None, description="The exception the in-place change raised, verbatim.")
    parameter_changed: bool = Field(description="p's values differ after the in-place change")
    p_version_before: int
    p_version_after: int


class Detail(BaseModel):
    """The chosen operation in full: values, versions and what backward made of it."""

    code: str
    p_before: list[list[float]]
    p_after: list[list[float]]
    y_after: list[float] | None
    backward_error: str | None = None
    grad: list[list[float]] | None = Field(None, description="p.grad after loss.backward(), if it ran.")
    grad_expected: list[list[float]] | None = Field(None, description="2 * p as it was when the loss was built.")
    grad_is_right: bool | None = None


class Result(BaseModel):
    outcomes: list[Outcome] = Field(description="Every operation, with the chosen in-place change and context.")
    selected: Outcome
    detail: Detail


def _make_parameter(params: Params) -> nn.Parameter:
    seed_cpu(params.seed)
    return nn.Parameter(torch.randn(params.rows, params.cols))


def code_for(params: Params) -> str:
    """Write the Python the lab runs for the chosen operation."""
    lines = [f"torch.manual_seed({params.seed})", f"p = nn.Parameter(torch.randn({params.rows}, {params.cols}))"]
    if params.graph == "square":
        lines.append("loss = (p * p).sum()  # autograd saves p to compute the gradient later")
    lines.append(f"y = {OPERATIONS[params.operation][0]}")
    change = IN_PLACE[params.in_place][0]
    lines += ["with torch.no_grad():", f"    {change}"] if params.context == "no_grad" else [change]
    if params.graph == "square":
        lines.append("loss.backward()")
    return "\n".join(lines)


def _modify(y: torch.Tensor, params: Params) -> str | None:
    try:
        with torch.no_grad() if params.context == "no_grad" else nullcontext():
            IN_PLACE[params.in_place][1](y)
    except RuntimeError as exc:  # the autograd rule the lesson is about: shown verbatim
        return f"RuntimeError: {exc}"
    return None


def outcome(
    operation: str, params: Params
) -> tuple[Outcome, nn.Parameter, torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """Make y from a fresh p with one operation, describe it, then change y in place and compare p."""
    p = _make_parameter(params)
    loss = (p * p).sum() if params.graph == "square" else None
    original = p.detach().clone()
    version_before = p._version
    expression, make = OPERATIONS[operation]
    y = make(p)
    described = dict(
        operation=operation,
        expression=expression,
        type_name=type(y).__name__,
        is_parameter=isinstance(y, nn.Parameter),
        requires_grad=y.requires_grad,
        is_leaf=y.is_leaf,
        grad_fn=None if y.grad_fn is None else type(y.grad_fn).__name__,
        same_data_ptr=y.data_ptr() == p.data_ptr(),
        same_storage=y.untyped_storage().data_ptr() == p.untyped_storage().data_ptr(),
    )
    error = _modify(y, params)
    result = Outcome(
        **described,
        error=error,
        parameter_changed=not torch.equal(original, p.detach()),
        p_version_before=version_before,
        p_version_after=p._version,
    )
    return result, p, y, loss, original


def _rows(tensor: torch.Tensor) -> list[list[float]]:
    return tensor.detach().reshape(tensor.shape[0], -1).tolist()


def run(params: Params) -> Result:
    """Describe every operation with the chosen change, then follow the chosen one through backward."""
    outcomes = [outcome(operation, params)[0] for operation in OPERATIONS]
    selected, p, y, loss, original = outcome(params.operation, params)
    detail = Detail(
        code=code_for(params),
        p_before=_rows(original),
        p_after=_rows(p),
        y_after=None if selected.error else y.detach().reshape(-1).tolist(),
    )
    if loss is not None:
        try:
            loss.backward()
        except RuntimeError as exc:  # autograd noticed that a saved tensor was changed in place
            detail.backward_error = f"RuntimeError: {exc}"
        else:
            expected = 2 * original
            detail.grad, detail.grad_expected = _rows(p.grad), _rows(expected)
            detail.grad_is_right = torch.allclose(p.grad, expected)
    return Result(outcomes=outcomes, selected=selected, detail=detail)


LAB = Lab(
    id="views",
    title=N_("detach, clone, view and .data"),
    summary=N_(
        "Make new tensors from a Parameter and see which share its memory, which autograd tracks, and what in-place changes do."
    ),
    params=Params,
    result=Result,
    run=run,
)
