"""Lab for lesson 7: a Parameter, a buffer, a non-persistent buffer and a plain tensor attribute, side by side."""

import inspect
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from app.i18n import N_
from app.labs.base import Lab
from app.labs.seeding import seed_cpu


class RunningScaler(nn.Module):
    """Scale the input by a learned weight while keeping statistics about the inputs seen so far."""

    def __init__(self, features: int = 3):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(features))  # learned by the optimizer
        self.register_buffer("running_mean", torch.zeros(features))  # state saved with the model
        self.register_buffer("last_input", torch.zeros(features), persistent=False)  # temporary
        self.calls = torch.zeros(())  # a plain tensor attribute: the module does not know about it

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            with torch.no_grad():
                self.running_mean.mul_(0.9).add_(0.1 * x.mean(0))
        self.last_input = x.detach().mean(0)  # assigning to a buffer's name replaces the buffer
        self.calls += 1
        return x * self.weight


SOURCE = inspect.getsource(RunningScaler)
ATTRIBUTES = ("weight", "running_mean", "last_input", "calls")
KINDS = {"weight": "parameter", "running_mean": "buffer", "last_input": "buffer_not_persistent", "calls": "plain"}

DType = Literal["float64", "float32", "float16", "bfloat16"]
Optimizer = Literal["sgd", "adam"]
OPTIMIZER_CODE = {"sgd": "torch.optim.SGD", "adam": "torch.optim.Adam"}


class Params(BaseModel):
    """Inputs of the lab: the dtype to convert to, the optimizer and sizes of the example batch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dtype: DType = Field("float64", description="The dtype passed to model.to(...).")
    optimizer: Optimizer = Field("sgd", description="The optimizer built from model.parameters().")
    lr: float = Field(0.1, gt=0, le=10, description="Learning rate of the optimizer.")
    features: int = Field(3, ge=1, le=8, description="Number of features (the size of every tensor of the module).")
    batch: int = Field(4, ge=1, le=64, description="Rows in the example batch.")
    momentum: float = Field(0.1, gt=0, le=1, description="BatchNorm1d momentum for its running statistics.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before anything is made.")


class AttributeFate(BaseModel):
    """What happened to one attribute of the module at each step."""

    name: str
    kind: Literal["parameter", "buffer", "buffer_not_persistent", "plain"]
    in_parameters: bool
    in_buffers: bool
    dtype_before: str
    dtype_after: str
    converted: bool = Field(description="dtype changed by model.to(dtype)")
    same_object_after_to: bool
    changed_by_forward: bool
    has_grad: bool = Field(description=".grad is not None after loss.backward()")
    changed_by_step: bool
    in_state_dict: bool
    equal_before_load: bool = Field(description="The fresh copy already held the same values before load_state_dict.")
    equal_after_load: bool
    restored: bool = Field(description="Different before load_state_dict, equal after it.")


class StatRow(BaseModel):
    """One BatchNorm buffer around one forward pass."""

    mode: Literal["train", "eval"]
    name: str
    before: list[float]
    after: list[float]
    changed: bool


class Result(BaseModel):
    source: str
    code: str
    attributes: list[AttributeFate]
    state_dict_keys: list[str]
    load_result: str = Field(description="repr of what load_state_dict returned.")
    batchnorm_code: str
    batchnorm_error: str | None = Field(None, description="torch's exception for the train-mode forward, verbatim.")
    batchnorm: list[StatRow]
    batchnorm_state_dict_keys: list[str]


def code_for(params: Params) -> str:
    """Write the Python that the lab runs, step by step."""
    dtype = f"torch.{params.dtype}"
    return "\n".join(
        [
            f"torch.manual_seed({params.seed})",
            f"model = RunningScaler({params.features})",
            f"model.to({dtype})",
            f"x = torch.randn({params.batch}, {params.features}, dtype={dtype})",
            "loss = model(x).pow(2).mean()  # a forward in train mode",
            "loss.backward()",
            f"optimizer = {OPTIMIZER_CODE[params.optimizer]}(model.parameters(), lr={params.lr})",
            "optimizer.step()",
            "state = model.state_dict()",
            f"copy = RunningScaler({params.features}).to({dtype})",
            "copy.load_state_dict(state)",
        ]
    )


def batchnorm_code(params: Params) -> str:
    return "\n".join(
        [
            f"bn = nn.BatchNorm1d({params.features}, momentum={params.momentum})",
            f"batch = torch.randn({params.batch}, {params.features}) * 2 + 1",
            "bn(batch)  # bn.training is True",
            "bn.eval()",
            "bn(batch)",
        ]
    )


def _values(module: nn.Module) -> dict[str, torch.Tensor]:
    return {name: getattr(module, name).detach().clone() for name in ATTRIBUTES}


def _changed(old: dict[str, torch.Tensor], new: dict[str, torch.Tensor]) -> dict[str, bool]:
    return {name: not torch.equal(old[name], new[name]) for name in ATTRIBUTES}


def attribute_fates(params: Params) -> tuple[list[AttributeFate], list[str], str]:
    """Run the steps of code_for() and record, per attribute, what each step did to it."""
    dtype = getattr(torch, params.dtype)
    seed_cpu(params.seed)
    model = RunningScaler(params.features)
    originals = {name: getattr(model, name) for name in ATTRIBUTES}
    dtypes_before = {name: str(tensor.dtype) for name, tensor in originals.items()}
    model.to(dtype)
    same_object = {name: getattr(model, name) is originals[name] for name in ATTRIBUTES}
    x = torch.randn(params.batch, params.features, dtype=dtype)
    before_forward = _values(model)
    loss = model(x).pow(2).mean()
    by_forward = _changed(before_forward, _values(model))
    loss.backward()
    has_grad = {name: getattr(model, name).grad is not None for name in ATTRIBUTES}
    optimizer = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[params.optimizer](model.parameters(), lr=params.lr)
    before_step = _values(model)
    optimizer.step()
    by_step = _changed(before_step, _values(model))
    state = model.state_dict()
    copy = RunningScaler(params.features).to(dtype)
    copy_before = _values(copy)
    load_result = copy.load_state_dict(state)
    saved, final, copy_after = set(state), _values(model), _values(copy)
    fates = []
    for name in ATTRIBUTES:
        tensor = getattr(model, name)
        equal_before, equal_after = (
            torch.equal(copy_before[name], final[name]),
            torch.equal(copy_after[name], final[name]),
        )
        fates.append(
            AttributeFate(
                name=name,
                kind=KINDS[name],
                in_parameters=any(p is tensor for p in model.parameters()),
                in_buffers=any(b is tensor for b in model.buffers()),
                dtype_before=dtypes_before[name],
                dtype_after=str(tensor.dtype),
                converted=dtypes_before[name] != str(tensor.dtype),
                same_object_after_to=same_object[name],
                changed_by_forward=by_forward[name],
                has_grad=has_grad[name],
                changed_by_step=by_step[name],
                in_state_dict=name in saved,
                equal_before_load=equal_before,
                equal_after_load=equal_after,
                restored=not equal_before and equal_after,
            )
        )
    return fates, list(state), repr(load_result)


def batchnorm_stats(params: Params) -> tuple[list[StatRow], str | None, list[str]]:
    """Run one BatchNorm1d forward in train mode and one in eval mode, recording its buffers around each."""
    seed_cpu(params.seed)
    bn = nn.BatchNorm1d(params.features, momentum=params.momentum)
    batch = torch.randn(params.batch, params.features) * 2 + 1
    rows: list[StatRow] = []
    error = None
    for mode in ("train", "eval"):
        bn.train(mode == "train")
        before = {name: buffer.clone() for name, buffer in bn.named_buffers()}
        try:
            bn(batch)
        except ValueError as exc:  # one value per channel cannot be normalised in train mode: torch says so
            error = f"ValueError: {exc}"
        for name, buffer in bn.named_buffers():
            rows.append(
                StatRow(
                    mode=mode,
                    name=name,
                    before=before[name].reshape(-1).tolist(),
                    after=buffer.reshape(-1).tolist(),
                    changed=not torch.equal(before[name], buffer),
                )
            )
    return rows, error, list(bn.state_dict())


def run(params: Params) -> Result:
    """Put the module through .to(), forward/backward, an optimizer step and a state_dict round trip."""
    attributes, keys, load_result = attribute_fates(params)
    rows, error, bn_keys = batchnorm_stats(params)
    return Result(
        source=SOURCE,
        code=code_for(params),
        attributes=attributes,
        state_dict_keys=keys,
        load_result=load_result,
        batchnorm_code=batchnorm_code(params),
        batchnorm_error=error,
        batchnorm=rows,
        batchnorm_state_dict_keys=bn_keys,
    )


LAB = Lab(
    id="buffers",
    title=N_("Buffers and temporary state"),
    summary=N_(
        "See which tensors of a module are converted, saved, restored and trained, and how BatchNorm keeps its statistics."
    ),
    params=Params,
    result=Result,
    run=run,
)
