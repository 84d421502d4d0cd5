"""Lab for lesson 4: replay a history of forward, backward, zero_grad, step and freeze actions.

The whole state is the history in the inputs, so every request rebuilds the seeded model and replays
each action with torch, recording after each one the values, the grads and what the optimizer holds.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, computed_field, field_validator, model_validator

from app.i18n import N_
from app.labs.base import Lab
from app.labs.gradients.actions import (
    LR_MAX,
    LR_MIN,
    MAX_ACTION_CHARS,
    MAX_ACTIONS,
    PARAMETER_NAMES,
    FormDefaults,
    check_history,
)
from app.labs.gradients.notes import explain
from app.labs.gradients.pictures import draw_losses, draw_tensor
from app.labs.gradients.replay import Replay
from app.labs.gradients.results import Result, Snapshot, StepRecord, TensorState

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
    replay = Replay(params.model, params.seed)
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
