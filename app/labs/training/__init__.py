"""Lab for lesson 10: train the gallery's linear_bias model for a few steps, with frozen parameters
and parameter groups, and see the loss curve, the trainable count and what changed."""

import math
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, field_validator
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.zoo import LinearBiasParams, build
from app.pictures.svg import line_chart

ParameterName = Literal["linear.weight", "linear.bias", "bias"]
PARAMETER_NAMES: tuple[str, ...] = ("linear.weight", "linear.bias", "bias")
Optimizer = Literal["sgd", "sgd_momentum", "rmsprop", "adam", "adamw"]
GROUP_PARAMETER = "bias"  # the one parameter that may get its own learning rate
LOSS_TABLE_ROWS = 20  # the table alternative of the curve shows about this many steps

# Each optimizer choice: its class and extra keyword arguments; the code shown is written from these.
OPTIMIZERS: dict[str, tuple[type[torch.optim.Optimizer], dict[str, float]]] = {
    "sgd": (torch.optim.SGD, {}),
    "sgd_momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
}


class Params(BaseModel):
    """Inputs of the lab: data, optimizer, learning rates, frozen parameters and the number of steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: int = Field(50, ge=1, le=200, description="Training steps (full batch).")
    lr: float = Field(0.05, gt=0, le=10, description="Learning rate of the optimizer (its default group).")
    optimizer: Optimizer = Field("sgd", description="Which optimizer trains the model.")
    frozen: list[ParameterName] = Field(
        default_factory=list, description="Parameters frozen with requires_grad_(False) before training."
    )
    bias_lr: float | None = Field(
        None,
        gt=0,
        le=10,
        description="A separate learning rate for the extra `bias` in its own parameter group; empty for one group.",
    )
    samples: int = Field(64, ge=8, le=256, description="Size of the synthetic regression dataset.")
    noise: float = Field(0.1, ge=0, le=1, description="Standard deviation of the noise added to the targets.")
    seed: int = Field(
        0, ge=0, le=2**31 - 1, description="Seeds the model (torch.manual_seed) and the data (a torch.Generator)."
    )

    @field_validator("frozen", mode="before")
    @classmethod
    def _drop_blanks(cls, value):
        # A form always sends one empty 'frozen' so that unticking every box still overrides a lesson's start.
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            if len(value) > 2 * len(PARAMETER_NAMES) + 1:
                raise ValueError(
                    _("name each parameter at most once: %(names)s") % {"names": ", ".join(PARAMETER_NAMES)}
                )
            value = [item for item in value if item != ""]
        return value

    @field_validator("frozen")
    @classmethod
    def _in_model_order(cls, names: list[str]) -> list[str]:
        return [name for name in PARAMETER_NAMES if name in names]

    @field_validator("bias_lr", mode="before")
    @classmethod
    def _blank_means_no_group(cls, value):
        return None if isinstance(value, str) and not value.strip() else value


class ParameterOutcome(BaseModel):
    """One parameter of the model after training."""

    name: str
    shape: list[int]
    numel: int
    requires_grad: bool
    grad_is_none: bool = Field(description="p.grad is None after training")
    changed: bool = Field(description="not torch.equal(before, after)")
    max_abs_change: float | None = Field(description="max |after - before|; None when training blew the values up")


class GroupRow(BaseModel):
    """One of optimizer.param_groups: which parameters it holds and its learning rate."""

    names: list[str]
    lr: float
    numel: int


class LossRow(BaseModel):
    step: int
    loss: float


class Result(BaseModel):
    """The loss curve, the parameter counts, the optimizer's groups and what training changed."""

    code: str = Field(description="The Python statements the lab ran.")
    error: str | None = Field(None, description="The exception torch raised, verbatim, if any.")
    trainable_count: int = Field(description="sum(p.numel() for p in model.parameters() if p.requires_grad)")
    total_count: int = Field(description="sum(p.numel() for p in model.parameters())")
    param_groups: list[GroupRow] = Field(default_factory=list)
    losses: list[float] = Field(default_factory=list, description="The loss at each step, before that step's update.")
    final_loss: float | None = Field(None, description="The loss after the last step.")
    diverged_at: int | None = Field(
        None, description="The first step whose loss was not finite; training stopped there."
    )
    loss_table: list[LossRow] = Field(default_factory=list, description="A sample of the curve for a table.")
    chart_svg: str = Field("", description="The loss curve as SVG.")
    parameters: list[ParameterOutcome] = Field(default_factory=list)


def make_data(params: Params) -> tuple[torch.Tensor, torch.Tensor]:
    """Make a seeded regression dataset: targets from a random linear map plus noise."""
    data = torch.Generator().manual_seed(params.seed)
    x = torch.randn(params.samples, 10, generator=data)
    true_weight = torch.randn(5, 10, generator=data)
    true_bias = torch.randn(5, generator=data)
    y = x @ true_weight.T + true_bias + params.noise * torch.randn(params.samples, 5, generator=data)
    return x, y


def _optimizer_lines(params: Params) -> list[str]:
    optimizer_class, options = OPTIMIZERS[params.optimizer]
    cls = f"torch.optim.{optimizer_class.__name__}"
    extra = "".join(f", {key}={value}" for key, value in options.items())
    if params.bias_lr is None:
        return [
            "trainable = [p for p in model.parameters() if p.requires_grad]",
            f"optimizer = {cls}(trainable, lr={params.lr}{extra})",
        ]
    return [
        "named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]",
        f"optimizer = {cls}([",
        f'    {{"params": [p for n, p in named if n != "{GROUP_PARAMETER}"]}},',
        f'    {{"params": [p for n, p in named if n == "{GROUP_PARAMETER}"], "lr": {params.bias_lr}}},',
        f"], lr={params.lr}{extra})",
    ]


def code_for(params: Params) -> str:
    """Write the Python that the lab runs for these inputs, so a learner can repeat it."""
    lines = [
        f"torch.manual_seed({params.seed})",
        "model = LinearBias(10, 5)",
        f"data = torch.Generator().manual_seed({params.seed})",
        f"x = torch.randn({params.samples}, 10, generator=data)",
        "true_weight = torch.randn(5, 10, generator=data)",
        "true_bias = torch.randn(5, generator=data)",
        f"y = x @ true_weight.T + true_bias + {params.noise} * torch.randn({params.samples}, 5, generator=data)",
    ]
    lines += [f'model.get_parameter("{name}").requires_grad_(False)' for name in params.frozen]
    lines += _optimizer_lines(params)
    lines += [
        f"for step in range({params.steps}):",
        "    optimizer.zero_grad()",
        "    loss = nn.functional.mse_loss(model(x), y)",
        "    loss.backward()",
        "    optimizer.step()",
    ]
    return "\n".join(lines)


def build_optimizer(model: nn.Module, params: Params) -> torch.optim.Optimizer:
    """Build the chosen optimizer over the trainable parameters, in one or two groups as the code says."""
    cls, extra = OPTIMIZERS[params.optimizer]
    if params.bias_lr is None:
        return cls([p for p in model.parameters() if p.requires_grad], lr=params.lr, **extra)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    return cls(
        [
            {"params": [p for n, p in named if n != GROUP_PARAMETER]},
            {"params": [p for n, p in named if n == GROUP_PARAMETER], "lr": params.bias_lr},
        ],
        lr=params.lr,
        **extra,
    )


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _loss_table(losses: list[float], final: float | None) -> list[LossRow]:
    every = max(1, math.ceil(len(losses) / LOSS_TABLE_ROWS))
    rows = [LossRow(step=step, loss=loss) for step, loss in enumerate(losses) if step % every == 0]
    if final is not None:
        rows.append(LossRow(step=len(losses), loss=final))
    return rows


def run(params: Params) -> Result:
    """Train linear_bias on the seeded data and report the curve, the groups and what changed."""
    model = build("linear_bias", LinearBiasParams(seed=params.seed))
    x, y = make_data(params)
    for name in params.frozen:
        model.get_parameter(name).requires_grad_(False)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    counts = {
        "trainable_count": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "total_count": sum(p.numel() for p in model.parameters()),
    }
    code = code_for(params)
    losses: list[float] = []
    diverged_at = final_loss = None
    groups: list[GroupRow] = []
    try:
        optimizer = build_optimizer(model, params)
        names = {id(p): n for n, p in model.named_parameters()}
        groups = [
            GroupRow(
                names=[names[id(p)] for p in group["params"]],
                lr=group["lr"],
                numel=sum(p.numel() for p in group["params"]),
            )
            for group in optimizer.param_groups
        ]
        for step in range(params.steps):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            if not math.isfinite(loss.item()):
                diverged_at = step
                break
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
        else:
            with torch.no_grad():
                final_loss = nn.functional.mse_loss(model(x), y).item()
            if not math.isfinite(final_loss):
                diverged_at, final_loss = params.steps, None
    except Exception as exc:  # torch's own refusal (an empty parameter list, nothing to differentiate) is the lesson
        return Result(code=code, error=f"{type(exc).__name__}: {exc}", param_groups=groups, losses=losses, **counts)
    outcomes = [
        ParameterOutcome(
            name=name,
            shape=list(p.shape),
            numel=p.numel(),
            requires_grad=p.requires_grad,
            grad_is_none=p.grad is None,
            changed=not torch.equal(before[name], p.detach()),
            max_abs_change=_finite_or_none((p.detach() - before[name]).abs().max().item()),
        )
        for name, p in model.named_parameters()
    ]
    curve = losses + ([final_loss] if final_loss is not None else [])
    return Result(
        code=code,
        param_groups=groups,
        losses=losses,
        final_loss=final_loss,
        diverged_at=diverged_at,
        loss_table=_loss_table(losses, final_loss),
        chart_svg=str(line_chart(curve, _("Training loss per step"))),
        parameters=outcomes,
        **counts,
    )


LAB = Lab(
    id="training",
    title=N_("Putting it together: a training loop"),
    summary=N_(
        "Train linear_bias for a few steps with frozen parameters and parameter groups; watch the loss and see what changed."
    ),
    params=Params,
    result=Result,
    run=run,
)
