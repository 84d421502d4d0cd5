"""Lab for lesson 1: wrap some data as a Tensor or a Parameter and read what torch reports."""

from contextlib import nullcontext
from math import prod
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, field_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.numbers import DIGITS
from app.labs.seeding import seed_cpu

MAX_DIMS = 4
MAX_SIZE = 64
MAX_ELEMENTS = 4096

Fill = Literal["zeros", "ones", "randn", "arange"]
DType = Literal["float32", "float64", "int64"]
Wrapper = Literal["tensor", "tensor_requires_grad", "computed", "parameter", "parameter_frozen"]
Context = Literal["normal", "no_grad"]

# The statement each wrapper runs; the lab executes the same choice with torch below.
WRAPPER_CODE = {
    "tensor": "x = source",
    "tensor_requires_grad": "x = source.requires_grad_(True)",
    "computed": "x = source.requires_grad_(True) * 2",
    "parameter": "x = nn.Parameter(source)",
    "parameter_frozen": "x = nn.Parameter(source, requires_grad=False)",
}


def parse_shape(text: str) -> tuple[int, ...]:
    """Read '2,3' as (2, 3), enforcing the lab's bounds before torch sees the sizes."""
    parts = [part.strip() for part in text.replace("x", ",").replace("(", "").replace(")", "").split(",")]
    parts = [part for part in parts if part]
    if not parts or not all(DIGITS.fullmatch(part) for part in parts):
        raise ValueError(_("write sizes separated by commas, for example 2,3"))
    sizes = tuple(int(part) for part in parts)
    if len(sizes) > MAX_DIMS:
        raise ValueError(_("at most %(limit)s dimensions") % {"limit": MAX_DIMS})
    if not all(1 <= size <= MAX_SIZE for size in sizes):
        raise ValueError(_("each size must be between 1 and %(limit)s") % {"limit": MAX_SIZE})
    if prod(sizes) > MAX_ELEMENTS:
        raise ValueError(_("at most %(limit)s elements in all") % {"limit": MAX_ELEMENTS})
    return sizes


class Params(BaseModel):
    """Inputs of the lab: the data, the wrapper around it, and the autograd context."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shape: str = Field(
        "2,3", max_length=40, description="Sizes separated by commas: 1-4 dims, each 1-64, 4096 elements at most."
    )
    fill: Fill = Field("randn", description="How the source tensor is filled.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the data is made.")
    dtype: DType = Field("float32", description="dtype of the source tensor.")
    wrapper: Wrapper = Field("parameter", description="What is made from the source tensor.")
    context: Context = Field("normal", description="Run the wrapping normally or inside torch.no_grad().")

    @field_validator("shape")
    @classmethod
    def _check_shape(cls, value: str) -> str:
        return ",".join(str(size) for size in parse_shape(value))

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(int(size) for size in self.shape.split(","))


class Result(BaseModel):
    """What torch reported about x, or the exception it raised while making it."""

    code: str = Field(description="The Python statements the lab ran.")
    error: str | None = Field(None, description="The exception torch raised, verbatim, if any.")
    type_name: str | None = None
    is_tensor: bool | None = Field(None, description="isinstance(x, torch.Tensor)")
    is_parameter: bool | None = Field(None, description="isinstance(x, nn.Parameter)")
    type_mro: list[str] = Field(default_factory=list, description="type(x).__mro__, qualified names.")
    repr: str | None = None
    shape: list[int] = Field(default_factory=list)
    dtype: str | None = None
    requires_grad: bool | None = None
    is_leaf: bool | None = None
    grad_fn: str | None = Field(None, description="repr of x.grad_fn, None for a leaf.")
    shares_storage: bool | None = Field(None, description="x.data_ptr() == source.data_ptr()")
    same_object: bool | None = Field(None, description="x is source")


def _make_source(params: Params) -> torch.Tensor:
    dtype = getattr(torch, params.dtype)
    if params.fill == "zeros":
        return torch.zeros(params.sizes, dtype=dtype)
    if params.fill == "ones":
        return torch.ones(params.sizes, dtype=dtype)
    if params.fill == "arange":
        return torch.arange(prod(params.sizes), dtype=dtype).reshape(params.sizes)
    if dtype == torch.int64:
        return torch.randint(-9, 10, params.sizes)
    return torch.randn(params.sizes, dtype=dtype)


def _wrap(source: torch.Tensor, wrapper: str) -> torch.Tensor:
    if wrapper == "tensor":
        return source
    if wrapper == "tensor_requires_grad":
        return source.requires_grad_(True)
    if wrapper == "computed":
        return source.requires_grad_(True) * 2
    if wrapper == "parameter":
        return nn.Parameter(source)
    return nn.Parameter(source, requires_grad=False)


def code_for(params: Params) -> str:
    """Write the Python that the lab runs for these inputs, so a learner can repeat it."""
    sizes = ", ".join(str(size) for size in params.sizes)
    if params.fill == "arange":
        make = f"torch.arange({prod(params.sizes)}, dtype=torch.{params.dtype}).reshape({sizes})"
    elif params.fill == "randn" and params.dtype == "int64":
        make = f"torch.randint(-9, 10, ({sizes},))" if len(params.sizes) == 1 else f"torch.randint(-9, 10, ({sizes}))"
    else:
        make = f"torch.{params.fill}({sizes}, dtype=torch.{params.dtype})"
    lines = [f"torch.manual_seed({params.seed})", f"source = {make}"]
    if params.context == "no_grad":
        lines += ["with torch.no_grad():", f"    {WRAPPER_CODE[params.wrapper]}"]
    else:
        lines.append(WRAPPER_CODE[params.wrapper])
    return "\n".join(lines)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__qualname__


def run(params: Params) -> Result:
    """Make the source tensor, wrap it as asked, and report type, autograd state and storage."""
    seed_cpu(params.seed)
    source = _make_source(params)
    code = code_for(params)
    try:
        with torch.no_grad() if params.context == "no_grad" else nullcontext():
            x = _wrap(source, params.wrapper)
    except Exception as exc:  # torch's own error is the lesson here, shown verbatim
        return Result(code=code, error=f"{type(exc).__name__}: {exc}")
    return Result(
        code=code,
        type_name=_name(type(x)),
        is_tensor=isinstance(x, torch.Tensor),
        is_parameter=isinstance(x, nn.Parameter),
        type_mro=[_name(cls) for cls in type(x).__mro__],
        repr=repr(x),
        shape=list(x.shape),
        dtype=str(x.dtype),
        requires_grad=x.requires_grad,
        is_leaf=x.is_leaf,
        grad_fn=None if x.grad_fn is None else type(x.grad_fn).__name__,
        shares_storage=x.data_ptr() == source.data_ptr(),
        same_object=x is source,
    )


LAB = Lab(
    id="tensor_or_parameter",
    title=N_("Tensor or Parameter?"),
    summary=N_("Wrap data as a Tensor or a Parameter and read what torch says about it."),
    params=Params,
    result=Result,
    run=run,
)
