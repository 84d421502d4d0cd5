"""Lab for lesson 4: replay a history of forward, backward, zero_grad, step and freeze actions.

The whole state is the history in the inputs, so every request rebuilds the seeded model and replays
each action with torch, recording after each one the values, the grads and what the optimizer holds.
"""

from typing import Literal

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, computed_field, field_validator, model_validator

from app.i18n import N_
from app.labs.base import Lab
from app.labs.gradients.actions import (
    LR_MAX,
    LR_MIN,
    MAX_ACTION_CHARS,
    MAX_ACTIONS,
    OPTIMIZERS,
    PARAMETER_NAMES,
    SHIFT,
    Action,
    FormDefaults,
    check_history,
)
from app.labs.gradients.notes import Facts, Note, Snapshot, explain
from app.labs.gradients.pictures import TensorPictures, draw_losses, draw_tensor
from app.labs.seeding import seed_cpu
from app.labs.zoo import MODELS, build, example_input

ModelId = Literal["linear_bias", "matmul3"]
OptimizerId = Literal["sgd", "rmsprop", "adam"]


class Params(BaseModel):
    """Inputs of the lab: the model, its seed, the history, and the form's choices for a new step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: ModelId = Field("linear_bias", description="The gallery model to train.")
    seed: int = Field(
        0, ge=0, le=2**31 - 1, description="Seed of the weights; the input and target use seed+1 and seed+2."
    )
    opt: OptimizerId = Field("sgd", description="Optimizer a short `step` action uses.")
    lr: float = Field(
        0.1, ge=LR_MIN, le=LR_MAX, allow_inf_nan=False, description="Learning rate a short `step` action uses."
    )
    a: list[str] = Field(
        default_factory=list,
        description=f"The history, one action per item (at most {MAX_ACTIONS}): forward, backward, zero_grad, "
        "zero_grad:false, step:<sgd|rmsprop|adam>:<lr>, freeze:<name>, unfreeze:<name>, add_tensor.",
    )

    add: str | None = Field(
        None,
        max_length=MAX_ACTION_CHARS,
        description="One more action appended to the history: what the lab's buttons send (a form cannot append to `a`).",
    )

    @model_validator(mode="before")
    @classmethod
    def _append_added_action(cls, data):
        # htmx replaces same-named form values with the clicked button's, so buttons send `add`
        if isinstance(data, dict) and isinstance(data.get("add"), str) and isinstance(data.get("a", []), list):
            data = {**data, "a": [*data.get("a", []), data["add"]], "add": None}
        return data

    @field_validator("a")
    @classmethod
    def _check_history(cls, texts: list[str], info: ValidationInfo) -> list[str]:
        if "model" not in info.data or "opt" not in info.data or "lr" not in info.data:
            return texts  # another field is already wrong; it is reported on its own
        defaults = FormDefaults(optimizer=info.data["opt"], lr=info.data["lr"])
        return [action.text for action in check_history(texts, info.data["model"], defaults)]

    @computed_field
    @property
    def parameter_names(self) -> list[str]:
        """Name the model's parameters (the form offers to freeze each)."""
        return list(PARAMETER_NAMES[self.model])

    @computed_field
    @property
    def frozen(self) -> list[str]:
        """Name the parameters frozen at the end of the history."""
        state: dict[str, bool] = {}
        for text in self.a:
            kind, _sep, name = text.partition(":")
            if kind in ("freeze", "unfreeze"):
                state[name] = kind == "freeze"
        return [name for name, is_frozen in state.items() if is_frozen]

    @computed_field
    @property
    def optimizer_in_use(self) -> str | None:
        """Name the optimizer the history's first step created (None before any step)."""
        return next((text.split(":")[1] for text in self.a if text.startswith("step:")), None)

    @computed_field
    @property
    def actions_left(self) -> int:
        """Count how many more actions the history may take."""
        return max(0, MAX_ACTIONS - len(self.a))


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


class Replay:
    """Holds the live torch objects while one history is replayed (never kept between requests)."""

    def __init__(self, params: Params):
        hyper = MODELS[params.model].params(seed=params.seed)
        self.model = build(params.model, hyper)
        self.x = example_input(params.model, hyper)
        with torch.no_grad():
            out_shape = tuple(self.model(self.x).shape)
        seed_cpu(params.seed + 2)
        self.target = torch.randn(out_shape)
        self.out_shape = out_shape
        self.loss: torch.Tensor | None = None
        self.shift: torch.Tensor | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.setup_code = "\n".join(
            [
                f"torch.manual_seed({params.seed})",
                "model = "
                + (
                    f"LinearBias({hyper.in_features}, {hyper.out_features})"
                    if params.model == "linear_bias"
                    else "MatMul3()"
                ),
                f"torch.manual_seed({params.seed + 1})",
                f"x = torch.randn{tuple(self.x.shape)}",
                f"torch.manual_seed({params.seed + 2})",
                f"target = torch.randn{out_shape}",
            ]
        )
        self._read_tensors()

    def _read_tensors(self) -> None:
        """Ask the model which tensors it uses, by name, and which of them model.parameters() yields.

        Read at the start and again after add_tensor, the only action that changes the model's
        attributes: the others change values, grads and flags, never which tensors there are.
        (Reading them at every snapshot walked the module's parameters several times per action.)
        """
        self.named_tensors = list(self.model.named_parameters()) + (
            [(SHIFT, self.shift)] if self.shift is not None else []
        )
        parameters = {id(p) for p in self.model.parameters()}
        self.parameter_flags = [id(tensor) in parameters for _name, tensor in self.named_tensors]
        self.names = {id(tensor): name for name, tensor in self.named_tensors}

    def snapshot(self) -> list[Snapshot]:
        held = (
            None
            if self.optimizer is None
            else {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        )
        return [
            Snapshot(
                name,
                is_parameter,
                t.detach().clone(),
                None if t.grad is None else t.grad.clone(),
                t.requires_grad,
                None if held is None else id(t) in held,
            )
            for (name, t), is_parameter in zip(self.named_tensors, self.parameter_flags)
        ]

    def optimizer_state(self) -> OptimizerState | None:
        if self.optimizer is None:
            return None
        names, held = self.names, [p for group in self.optimizer.param_groups for p in group["params"]]
        state = {names[id(p)]: list(self.optimizer.state[p]) for p in held if self.optimizer.state.get(p)}
        steps = {names[id(p)]: int(s["step"]) for p in held if "step" in (s := self.optimizer.state.get(p, {}))}
        return OptimizerState(
            kind=type(self.optimizer).__name__,
            lr=self.optimizer.param_groups[0]["lr"],
            params=[names[id(p)] for p in held],
            state=state,
            steps=steps,
        )

    def apply(self, action: Action) -> tuple[str, Facts]:
        """Run one action with torch; return the code it ran and what was observed."""
        kind = action.kind
        if kind == "forward":
            prediction = "model(x) + model.shift" if self.shift is not None else "model(x)"
            output = self.model(self.x)
            self.loss = F.mse_loss(output + self.shift if self.shift is not None else output, self.target)
            return f"loss = F.mse_loss({prediction}, target)", Facts(action, loss=self.loss.item())
        if kind == "backward":
            try:
                self.loss.backward()
            except RuntimeError as exc:  # the freed graph is part of the lesson: show torch's words
                return "loss.backward()", Facts(action, error=f"{type(exc).__name__}: {exc}")
            return "loss.backward()", Facts(action)
        if kind == "zero_grad":
            owner = "optimizer" if self.optimizer is not None else "model"
            (self.optimizer or self.model).zero_grad(set_to_none=action.set_to_none)
            return f"{owner}.zero_grad({'' if action.set_to_none else 'set_to_none=False'})", Facts(action)
        if kind == "step":
            return self._step(action)
        if kind in ("freeze", "unfreeze"):
            self.model.get_parameter(action.name).requires_grad_(kind == "unfreeze")
            return f"model.{action.name}.requires_grad_({kind == 'unfreeze'})", Facts(action)
        self.shift = torch.zeros((1,) + self.out_shape[1:], requires_grad=True)
        self.model.shift = self.shift  # a plain attribute: nn.Module registers only Parameters
        self._read_tensors()
        sizes = ", ".join(str(size) for size in self.shift.shape)
        return f"model.{SHIFT} = torch.zeros({sizes}, requires_grad=True)", Facts(action)

    def _step(self, action: Action) -> tuple[str, Facts]:
        cls = getattr(torch.optim, OPTIMIZERS[action.optimizer])
        lines, created, lr_changed = [], False, False
        if self.optimizer is None:
            self.optimizer = cls(self.model.parameters(), lr=action.lr)
            lines.append(f"optimizer = torch.optim.{cls.__name__}(model.parameters(), lr={action.lr!r})")
            created = True
        elif self.optimizer.param_groups[0]["lr"] != action.lr:
            self.optimizer.param_groups[0]["lr"] = action.lr
            lines.append(f'optimizer.param_groups[0]["lr"] = {action.lr!r}')
            lr_changed = True
        self.optimizer.step()
        lines.append("optimizer.step()")
        held = tuple(self.names[id(p)] for group in self.optimizer.param_groups for p in group["params"])
        return "\n".join(lines), Facts(action, optimizer_created=created, optimizer_names=held, lr_changed=lr_changed)


def _states(snapshots: list[Snapshot], previous: list[Snapshot] | None) -> list[TensorState]:
    earlier = {s.name: s for s in previous} if previous is not None else {}
    rows = []
    for s in snapshots:
        before = earlier.get(s.name)
        rows.append(
            TensorState(
                name=s.name,
                is_parameter=s.is_parameter,
                shape=list(s.value.shape),
                requires_grad=s.requires_grad,
                value=s.value.tolist(),
                grad=None if s.grad is None else s.grad.tolist(),
                grad_shape=None if s.grad is None else list(s.grad.shape),
                in_optimizer=s.in_optimizer,
                before=before.value.tolist() if before is not None else None,
                delta=(s.value - before.value).tolist() if before is not None else None,
            )
        )
    return rows


def _draw(states: list[TensorState], snapshots: list[Snapshot], previous: list[Snapshot] | None) -> None:
    """Draw the pictures of the state the page shows in full, from the same tensors as its numbers."""
    earlier = {s.name: s for s in previous} if previous is not None else {}
    for state, s in zip(states, snapshots):
        before = earlier.get(s.name)
        state.pictures = draw_tensor(
            s.name,
            s.value,
            s.grad,
            None if before is None else before.value,
            None if before is None else s.value - before.value,
        )


def run(params: Params) -> Result:
    """Rebuild the seeded model and replay the history, recording the state after every action."""
    actions = check_history(params.a, params.model, FormDefaults(params.opt, params.lr))
    replay = Replay(params)
    snapshot = replay.snapshot()
    steps = [
        StepRecord(
            index=0, action="start", code=replay.setup_code, notes=[], tensors=_states(snapshot, None), optimizer=None
        )
    ]
    shown, compared = snapshot, None  # the last state and what its step compared it with
    losses: list[float] = []
    for index, action in enumerate(actions, start=1):
        code, facts = replay.apply(action)
        after = replay.snapshot()
        if facts.loss is not None:
            losses.append(facts.loss)
        shown, compared = after, snapshot if action.kind == "step" else None
        steps.append(
            StepRecord(
                index=index,
                action=action.text,
                code=code,
                loss=facts.loss,
                error=facts.error,
                notes=explain(facts, snapshot, after),
                tensors=_states(shown, compared),
                optimizer=replay.optimizer_state(),
            )
        )
        snapshot = after
    _draw(steps[-1].tensors, shown, compared)  # only the state the page shows in full is drawn
    return Result(
        model=params.model,
        history=[action.text for action in actions],
        steps=steps,
        losses=losses,
        loss_svg=draw_losses(losses),
    )


LAB = Lab(
    id="gradients",
    title=N_("Gradients after backward"),
    summary=N_("Step through forward, backward, zero_grad and optimizer.step() and watch every .grad and value."),
    params=Params,
    result=Result,
    run=run,
)
