"""Lab for lesson 12: build an nn.LazyLinear, inspect it, build an optimizer, run a first forward
with a chosen input size, and inspect it again."""

from collections.abc import Callable

import torch
from pydantic import BaseModel, ConfigDict, Field, field_validator
from torch import nn

from app.i18n import N_
from app.labs.base import Lab
from app.labs.errors import one_line
from app.labs.seeding import seed_cpu

STEP_LR = 0.1

# What the lab asks the layer before and after its first forward: (expression shown, how torch answers it).
QUESTIONS: tuple[tuple[str, Callable[[nn.Module], object]], ...] = (
    ("type(layer).__name__", lambda layer: type(layer).__name__),
    ("isinstance(layer, nn.Linear)", lambda layer: isinstance(layer, nn.Linear)),
    ("layer", repr),
    ("layer.in_features", lambda layer: layer.in_features),
    ("layer.has_uninitialized_params()", lambda layer: layer.has_uninitialized_params()),
    ("type(layer.weight).__name__", lambda layer: type(layer.weight).__name__),
    ("isinstance(layer.weight, nn.Parameter)", lambda layer: isinstance(layer.weight, nn.Parameter)),
    ("layer.weight.shape", lambda layer: layer.weight.shape),
    ("layer.weight.numel()", lambda layer: layer.weight.numel()),
    ("len(list(layer.parameters()))", lambda layer: len(list(layer.parameters()))),
    ("list(layer.state_dict())", lambda layer: list(layer.state_dict())),
)


class Params(BaseModel):
    """Inputs of the lab: the layer's size, the first input's size and an optional second input size."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    out_features: int = Field(3, ge=1, le=8, description="nn.LazyLinear(out_features): the only size given up front.")
    bias: bool = Field(True, description="nn.LazyLinear(..., bias=...).")
    in_features: int = Field(4, ge=1, le=16, description="The size of the last dimension of the first input.")
    batch: int = Field(2, ge=1, le=8, description="Rows of every input.")
    then_in_features: int | None = Field(
        None, ge=1, le=16, description="If set, a second forward with this input size (after the shape is fixed)."
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before anything is made.")

    @field_validator("then_in_features", mode="before")
    @classmethod
    def _blank_means_no_second_forward(cls, value):
        return None if isinstance(value, str) and not value.strip() else value


class Answer(BaseModel):
    """One expression, asked before and after the first forward: its value or torch's exception."""

    expression: str
    before: str
    before_raised: bool
    after: str
    after_raised: bool


class Result(BaseModel):
    """The two inspections, what the optimizer built before still holds, and the second forward."""

    code: str
    answers: list[Answer]
    optimizer_holds_weight: bool = Field(description="optimizer.param_groups[0]['params'][0] is layer.weight, after")
    same_weight_object: bool = Field(description="layer.weight after the forward is the object it was before")
    output_shape: list[int]
    changed_by_step: bool = Field(description="optimizer.step() changed layer.weight")
    second_output_shape: list[int] | None = None
    second_error: str | None = Field(None, description="torch's exception from the second forward, verbatim.")


def code_for(params: Params) -> str:
    """Write the Python that the lab runs, so a learner can repeat it."""
    bias = "" if params.bias else ", bias=False"
    lines = [
        f"torch.manual_seed({params.seed})",
        f"layer = nn.LazyLinear({params.out_features}{bias})",
        "# inspect: before the first forward",
        f"optimizer = torch.optim.SGD(layer.parameters(), lr={STEP_LR})",
        f"x = torch.randn({params.batch}, {params.in_features})",
        "y = layer(x)  # the first forward infers in_features from x",
        "# inspect: after the first forward",
        "y.pow(2).mean().backward()",
        "optimizer.step()",
    ]
    if params.then_in_features is not None:
        lines.append(f"layer(torch.randn({params.batch}, {params.then_in_features}))  # a second input size")
    return "\n".join(lines)


def ask(layer: nn.Module, question: Callable[[nn.Module], object]) -> tuple[str, bool]:
    """Ask the layer one question; torch's exception is an answer too, shown as one line."""
    try:
        return str(question(layer)), False
    except Exception as exc:  # the uninitialized parameter's refusal is what lesson 12 shows
        return one_line(exc), True


def run(params: Params) -> Result:
    """Build the lazy layer, inspect it, build an optimizer, run the first forward and inspect again."""
    seed_cpu(params.seed)
    layer = nn.LazyLinear(params.out_features, bias=params.bias)
    before = [ask(layer, question) for _expression, question in QUESTIONS]
    weight_before = layer.weight
    optimizer = torch.optim.SGD(layer.parameters(), lr=STEP_LR)
    x = torch.randn(params.batch, params.in_features)
    y = layer(x)
    after = [ask(layer, question) for _expression, question in QUESTIONS]
    values_before_step = layer.weight.detach().clone()
    y.pow(2).mean().backward()
    optimizer.step()
    second_shape = second_error = None
    if params.then_in_features is not None:
        try:
            second_shape = list(layer(torch.randn(params.batch, params.then_in_features)).shape)
        except RuntimeError as exc:  # the inferred shape is fixed now: torch says so
            second_error = one_line(exc)
    return Result(
        code=code_for(params),
        answers=[
            Answer(expression=expression, before=b, before_raised=b_raised, after=a, after_raised=a_raised)
            for (expression, _q), (b, b_raised), (a, a_raised) in zip(QUESTIONS, before, after, strict=True)
        ],
        optimizer_holds_weight=optimizer.param_groups[0]["params"][0] is layer.weight,
        same_weight_object=layer.weight is weight_before,
        output_shape=list(y.shape),
        changed_by_step=not torch.equal(values_before_step, layer.weight.detach()),
        second_output_shape=second_shape,
        second_error=second_error,
    )


LAB = Lab(
    id="lazy_modules",
    title=N_("Lazy modules"),
    summary=N_(
        "Build an nn.LazyLinear, inspect its uninitialized weight, build an optimizer, "
        "run a first forward and inspect it again."
    ),
    params=Params,
    result=Result,
    run=run,
)
