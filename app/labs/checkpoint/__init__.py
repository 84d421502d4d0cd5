"""Lab for lesson 14: save a model into memory, change what was saved or the model it goes into, load, compare keys.

Everything goes through io.BytesIO: the lab never touches a file.
"""

import dataclasses
import inspect
import io
import re
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from app.i18n import N_
from app.labs.base import Lab
from app.labs.seeding import seed_cpu


class Classifier(nn.Module):
    """Classify 4 features into 2 classes, keeping one of each kind of state a module can hold."""

    def __init__(self, hidden: int = 3, head_bias: bool = True):
        super().__init__()
        self.body = nn.Linear(4, hidden)
        self.head = nn.Linear(hidden, 2, bias=head_bias)
        self.register_buffer("mean", torch.zeros(4))  # saved with the model
        self.register_buffer("cache", torch.zeros(4), persistent=False)  # temporary: not saved
        self.temperature = torch.ones(())  # a plain tensor attribute: the module does not know it

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.cache = x.detach().mean(0)
        return self.head(torch.relu(self.body(x - self.mean))) / self.temperature


@dataclasses.dataclass
class Config:
    """Describe how a Classifier was built (an ordinary Python object, saved next to the weights)."""

    hidden: int = 3


SOURCE = inspect.getsource(Classifier)

Payload = Literal["state_dict", "with_epoch", "with_config", "whole_model"]
Edit = Literal["none", "prefix", "rename_head", "drop_key", "add_key"]
Target = Literal["same", "no_head_bias", "wider"]

SAVE_CODE: dict[str, str] = {
    "state_dict": "torch.save(source.state_dict(), buffer)",
    "with_epoch": 'torch.save({"model": source.state_dict(), "epoch": 3, "lr": 0.1}, buffer)',
    "with_config": 'torch.save({"model": source.state_dict(), "config": Config(hidden=3)}, buffer)',
    "whole_model": "torch.save(source, buffer)  # the whole module object, pickled",
}
STATE_CODE: dict[str, str] = {
    "state_dict": "state = checkpoint",
    "with_epoch": 'state = checkpoint["model"]',
    "with_config": 'state = checkpoint["model"]',
    "whole_model": "state = checkpoint.state_dict()",
}
EDIT_CODE: dict[str, str] = {
    "none": "",
    "prefix": 'state = {"module." + key: value for key, value in state.items()}  # as nn.DataParallel names them',
    "rename_head": 'state = {key.replace("head.", "fc."): value for key, value in state.items()}  # an older name',
    "drop_key": 'del state["head.bias"]',
    "add_key": 'state["step"] = torch.tensor(100)',
}
TARGET_CODE: dict[str, str] = {
    "same": "model = Classifier()",
    "no_head_bias": "model = Classifier(head_bias=False)",
    "wider": "model = Classifier(hidden=5)",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Params(BaseModel):
    """Inputs of the lab: what is saved, how torch.load reads it, what changed, and how strictly it loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    payload: Payload = Field("state_dict", description="What torch.save writes into the buffer.")
    weights_only: bool = Field(True, description="torch.load's weights_only (True is torch's default).")
    edit: Edit = Field("none", description="A change to the loaded state_dict before load_state_dict.")
    target: Target = Field("same", description="The model the state is loaded into.")
    strict: bool = Field(True, description="load_state_dict's strict.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before anything is made.")


class StateRow(BaseModel):
    """One piece of state the source model holds, and whether state_dict() saves it."""

    name: str
    kind: Literal["parameter", "buffer", "buffer_not_persistent", "plain"]
    in_state_dict: bool


class KeyRow(BaseModel):
    """One key of the state or of the model, and how load_state_dict pairs it."""

    key: str
    checkpoint_shape: list[int] | None
    model_shape: list[int] | None
    status: Literal["matched", "missing", "unexpected", "shape_mismatch"]


class ParameterRow(BaseModel):
    """One Parameter of the receiving model after load_state_dict."""

    name: str
    same_object: bool = Field(description="the same Parameter object as before loading")
    held_by_optimizer: bool = Field(description="the optimizer built before loading holds this very object")
    equals_checkpoint: bool | None = Field(description="equal to the source model's value (None: not comparable)")


class Result(BaseModel):
    source: str
    code: str
    saved_state: list[StateRow]
    load_error: str | None = Field(description="torch.load's refusal, shortened to its first lines")
    checkpoint_type: str | None
    checkpoint_keys: list[str] = Field(description="the top-level keys when the checkpoint is a dict")
    keys: list[KeyRow]
    load_state_dict_error: str | None
    load_state_dict_result: str | None = Field(description="repr of what load_state_dict returned")
    missing_keys: list[str]
    unexpected_keys: list[str]
    parameters: list[ParameterRow]


def code_for(params: Params) -> str:
    """Write the Python that the lab runs, step by step."""
    lines = [
        f"torch.manual_seed({params.seed})",
        "source = Classifier()",
        "buffer = io.BytesIO()  # in memory, instead of a file",
        SAVE_CODE[params.payload],
        "buffer.seek(0)",
        f"checkpoint = torch.load(buffer, weights_only={params.weights_only})",
        STATE_CODE[params.payload],
    ]
    if params.edit != "none":
        lines.append(EDIT_CODE[params.edit])
    lines += [
        TARGET_CODE[params.target],
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)",
        f"model.load_state_dict(state, strict={params.strict})",
    ]
    return "\n".join(lines)


def saved_state(model: Classifier) -> list[StateRow]:
    """List every piece of state the module holds (registered or not) and whether state_dict() has it."""
    keys = set(model.state_dict())
    rows = [StateRow(name=name, kind="parameter", in_state_dict=name in keys) for name, _p in model.named_parameters()]
    for name, _b in model.named_buffers():
        kind = "buffer" if name in keys else "buffer_not_persistent"  # persistence shows only in state_dict()
        rows.append(StateRow(name=name, kind=kind, in_state_dict=name in keys))
    rows.append(StateRow(name="temperature", kind="plain", in_state_dict="temperature" in keys))
    return rows


def short_load_error(exc: Exception) -> str:
    """Shorten torch.load's refusal to its first sentence and the line that names the reason."""
    lines = [line.strip() for line in ANSI.sub("", str(exc)).splitlines() if line.strip()]
    first = lines[0].split(". ")[0].rstrip(".") + "." if lines else ""
    reason = next((line for line in lines if line.startswith("WeightsUnpickler error:")), "")
    reason = reason.split(" Please use")[0]
    return f"{type(exc).__name__}: {first} {reason}".strip()


def save_and_load(params: Params, source: Classifier):
    """Save the chosen payload into memory and read it back; return the checkpoint or torch's error."""
    payload = {
        "state_dict": lambda: source.state_dict(),
        "with_epoch": lambda: {"model": source.state_dict(), "epoch": 3, "lr": 0.1},
        "with_config": lambda: {"model": source.state_dict(), "config": Config(hidden=3)},
        "whole_model": lambda: source,
    }[params.payload]()
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    buffer.seek(0)
    try:
        return torch.load(buffer, weights_only=params.weights_only), None
    except Exception as exc:  # weights_only refuses some objects, with an UnpicklingError: that is the answer
        return None, short_load_error(exc)


def edited(params: Params, checkpoint) -> dict[str, torch.Tensor]:
    """Take the state out of the checkpoint and apply the chosen edit, as code_for() writes it."""
    if params.payload == "state_dict":
        state = checkpoint
    elif params.payload == "whole_model":
        state = checkpoint.state_dict()
    else:
        state = checkpoint["model"]
    if params.edit == "prefix":
        state = {"module." + key: value for key, value in state.items()}
    elif params.edit == "rename_head":
        state = {key.replace("head.", "fc."): value for key, value in state.items()}
    elif params.edit == "drop_key":
        del state["head.bias"]
    elif params.edit == "add_key":
        state["step"] = torch.tensor(100)
    return state


def key_rows(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> list[KeyRow]:
    """Pair the state's keys with the model's, in the model's order, then the state's extra keys."""
    rows = []
    for key in list(expected) + [key for key in state if key not in expected]:
        mine, theirs = expected.get(key), state.get(key)
        if mine is None:
            status = "unexpected"
        elif theirs is None:
            status = "missing"
        else:
            status = "matched" if mine.shape == theirs.shape else "shape_mismatch"
        rows.append(
            KeyRow(
                key=key,
                checkpoint_shape=None if theirs is None else list(theirs.shape),
                model_shape=None if mine is None else list(mine.shape),
                status=status,
            )
        )
    return rows


def run(params: Params) -> Result:
    """Save, reload, edit and load a Classifier's state; report every key and every Parameter."""
    seed_cpu(params.seed)
    source = Classifier()
    originals = {name: p.detach().clone() for name, p in source.named_parameters()}
    checkpoint, load_error = save_and_load(params, source)
    result = {
        "source": SOURCE,
        "code": code_for(params),
        "saved_state": saved_state(source),
        "load_error": load_error,
        "checkpoint_type": None if checkpoint is None else type(checkpoint).__name__,
        "checkpoint_keys": list(checkpoint) if isinstance(checkpoint, dict) and params.payload != "state_dict" else [],
        "keys": [],
        "load_state_dict_error": None,
        "load_state_dict_result": None,
        "missing_keys": [],
        "unexpected_keys": [],
        "parameters": [],
    }
    if checkpoint is None:
        return Result(**result)
    state = edited(params, checkpoint)
    model = Classifier(hidden=5 if params.target == "wider" else 3, head_bias=params.target != "no_head_bias")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = dict(model.named_parameters())
    result["keys"] = key_rows(state, model.state_dict())
    try:
        outcome = model.load_state_dict(state, strict=params.strict)
    except RuntimeError as exc:  # strict loading refuses, and a shape mismatch always does: torch's words
        result["load_state_dict_error"] = str(exc).strip()
    else:
        result["load_state_dict_result"] = repr(outcome)
        result["missing_keys"], result["unexpected_keys"] = list(outcome.missing_keys), list(outcome.unexpected_keys)
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    result["parameters"] = [
        ParameterRow(
            name=name,
            same_object=p is before[name],
            held_by_optimizer=id(p) in held,
            equals_checkpoint=(
                torch.equal(p.detach(), originals[name])
                if name in originals and originals[name].shape == p.shape
                else None
            ),
        )
        for name, p in model.named_parameters()
    ]
    return Result(**result)


LAB = Lab(
    id="checkpoint",
    title=N_("Saving and loading"),
    summary=N_(
        "Save a model into memory with torch.save, change what was saved or the model it goes into, "
        "load it back, and see which keys match and which Parameters keep their identity."
    ),
    params=Params,
    result=Result,
    run=run,
)
