"""What the gradients lab observes and returns: snapshots while replaying, then every step of the history."""

from dataclasses import dataclass

import torch
from pydantic import BaseModel, Field

from app.labs.gradients.actions import Action
from app.labs.gradients.pictures import TensorPictures


class Note(BaseModel):
    """One sentence about what an action did, with a stable kind for programs and tests."""

    kind: str = Field(description="A stable code such as grad_doubled, grad_to_none, plain_tensor_not_updated.")
    tensor: str | None = Field(None, description="The tensor the note is about, if any.")
    text: str = Field(description="The sentence shown to the learner, in the request's language.")


@dataclass(frozen=True)
class Snapshot:
    """Holds one tensor's state at a moment: value, grad (None stays None), flags."""

    name: str
    is_parameter: bool
    value: torch.Tensor
    grad: torch.Tensor | None
    requires_grad: bool
    in_optimizer: bool | None  # None while no optimizer exists


@dataclass(frozen=True)
class Facts:
    """Holds what the replay observed around one action, beyond the tensors themselves."""

    action: Action
    error: str | None = None
    loss: float | None = None
    optimizer_created: bool = False
    optimizer_names: tuple[str, ...] = ()
    lr_changed: bool = False


class TensorState(BaseModel):
    """One tensor after an action: its value, its .grad (None stays None) and its flags."""

    name: str
    is_parameter: bool = Field(description="Whether model.parameters() yields this tensor.")
    shape: list[int]
    requires_grad: bool
    value: list = Field(description="tensor.tolist()")
    grad: list | None = Field(description=".grad.tolist(), or None when .grad is None.")
    grad_shape: list[int] | None = Field(description="The shape of .grad, or None when .grad is None.")
    in_optimizer: bool | None = Field(description="Whether the optimizer holds it; None while there is no optimizer.")
    before: list | None = Field(None, description="For a step: the value before it.")
    delta: list | None = Field(None, description="For a step: after minus before.")
    pictures: TensorPictures | None = Field(None, exclude=True, description="Heat maps (HTML pages only, last action).")


class OptimizerState(BaseModel):
    """What the optimizer holds: its class, learning rate, tensors (by name) and per-tensor state keys."""

    kind: str
    lr: float
    params: list[str] = Field(description="Names of the tensors in its param_groups, in order.")
    state: dict[str, list[str]] = Field(description="For each held tensor with state, the state's keys.")
    steps: dict[str, int] = Field(default_factory=dict, description="The 'step' counter per tensor, where kept.")


class StepRecord(BaseModel):
    """One point of the history: the action, the code it ran, what happened, and the state after it."""

    index: int = Field(description="0 is the start; action n of the history is index n.")
    action: str
    code: str
    loss: float | None = Field(None, description="The loss this forward computed.")
    error: str | None = Field(None, description="torch's exception, verbatim, when the action raised one.")
    notes: list[Note]
    tensors: list[TensorState]
    optimizer: OptimizerState | None


class Result(BaseModel):
    """The replayed history: the start plus one record per action, and the losses of each forward."""

    model: str
    history: list[str]
    steps: list[StepRecord]
    losses: list[float] = Field(description="The loss of every forward, in order.")
    loss_svg: str = Field("", exclude=True, description="The losses as a line chart (HTML pages only).")
