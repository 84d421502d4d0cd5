"""Lab for lesson 2: build a Module attribute by attribute and watch what torch registers.

The whole step list is the lab's input; every request replays it on a fresh, seeded nn.Module and
reads each view (named_parameters(), buffers(), state_dict(), an optimizer's params...) from torch.
"""

from typing import Annotated, Any

import torch
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails
from torch import nn

from app.i18n import N_
from app.i18n import gettext as _
from app.labs.base import Lab
from app.labs.registration.steps import (
    MAX_STEPS,
    Kind,
    Op,
    Step,
    build_step,
    check_name,
    check_sizes,
    parse_step,
    read_checked_step,
)
from app.labs.registration.views import VIEWS, Entry
from app.labs.seeding import seed_cpu

# What a bare nn.Module keeps in its __dict__; anything else there is a plain, unregistered attribute.
MODULE_INTERNALS = frozenset(nn.Module().__dict__)


def _canonical_step(text: Any) -> str:
    if not isinstance(text, str):
        raise ValueError(_("has the wrong type"))
    return parse_step(text).text


StepText = Annotated[str, BeforeValidator(_canonical_step)]


def _error(field: str, message: str, value: Any) -> ValidationError:
    detail = InitErrorDetails(type="value_error", loc=(field,), input=value, ctx={"error": ValueError(message)})
    return ValidationError.from_exception_data("Params", [detail])


class Params(BaseModel):
    """The steps so far, plus the form's pending step (op, name, kind, sizes), which joins them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(0, ge=0, le=2**31 - 1, description="torch.manual_seed before the first step.")
    step: list[StepText] = Field(
        default_factory=list,
        max_length=MAX_STEPS,
        description="Steps in order, e.g. add:w:param:3,4, set:w:tensor:3,4, del:w (at most 20).",
    )
    op: Op = Field("add", description="Pending step: add, set (reassign) or del.")
    kind: Kind = Field("param", description="Pending step: the kind of value to assign.")
    sizes: str = Field("3", max_length=40, description="Pending step: shape (3,4), Linear in,out, or list count,shape.")
    name: str = Field("", max_length=40, description="Pending step: the attribute's name; empty adds no step.")

    @model_validator(mode="before")
    @classmethod
    def _append_pending_step(cls, data: Any) -> Any:
        """Turn a filled-in form (name given) into one more step, so the result is the canonical list."""
        if not isinstance(data, dict) or not str(data.get("name") or "").strip():
            return data
        name = str(data["name"]).strip()
        op, kind, sizes = data.get("op", "add"), data.get("kind", "param"), str(data.get("sizes", "3"))
        if op not in Op.__args__ or kind not in Kind.__args__:
            return data  # the op/kind fields report their own error
        steps = data.get("step", [])
        steps = [steps] if isinstance(steps, str) else list(steps)
        if len(steps) >= MAX_STEPS:
            raise _error(
                "name", _("at most %(limit)s steps: remove one before adding another") % {"limit": MAX_STEPS}, name
            )
        try:
            check_name(name)
        except ValueError as exc:
            raise _error("name", str(exc), name) from None
        try:
            check_sizes(kind, sizes) if op != "del" else ()
        except ValueError as exc:
            raise _error("sizes", str(exc), sizes) from None
        pending = build_step(op, name, kind, sizes).text
        return {**data, "step": [*steps, pending], "name": ""}

    @property
    def steps(self) -> list[Step]:
        # Validation checked each step and wrote it canonically, so reading it back is a split.
        return [read_checked_step(text) for text in self.step]


class Row(BaseModel):
    """One entry of a view, e.g. a name in named_parameters() with its shape."""

    # Frozen: one request's views share a Row wherever the same entry shows up the same way.
    model_config = ConfigDict(frozen=True)

    name: str
    what: str = Field(description="Type of the value: Parameter, Tensor, None, Linear, list of 2 Parameter...")
    shape: list[int] | None = None
    requires_grad: bool | None = None
    persistent: bool | None = Field(None, description="For buffers: whether state_dict() includes it.")
    new: bool = Field(False, description="True when this entry appeared or changed in this step.")


class Views(BaseModel):
    """What torch reports about the module after a step."""

    parameters_dict: list[Row] = Field(description="m._parameters: the module's own registered parameters.")
    named_parameters: list[Row] = Field(description="m.named_parameters(): dotted names for submodules.")
    buffers: list[Row] = Field(description="m.named_buffers().")
    state_dict: list[Row] = Field(description="m.state_dict() keys.")
    modules: list[Row] = Field(description="m._modules: registered submodules.")
    plain_attributes: list[Row] = Field(description="Attributes in m.__dict__ that nothing registered.")
    optimizer: list[Row] = Field(description="The tensors torch.optim.SGD(m.parameters()) receives.")
    optimizer_error: str | None = Field(None, description="What building that optimizer raised, verbatim.")
    total_parameters: int = Field(description="sum(p.numel() for p in m.parameters())")
    removed: dict[str, list[str]] = Field(default_factory=dict, description="Names each view lost in this step.")


class StepResult(BaseModel):
    number: int
    step: str = Field(description="The step in URL form.")
    statement: str = Field(description="The Python statement the step ran.")
    existed: bool = Field(description="hasattr(m, name) before the step: add/set on it reassigns.")
    error: str | None = Field(
        None, description="The exception torch raised, verbatim; the module stays as torch left it."
    )
    views: Views
    changed: list[str] = Field(
        default_factory=list,
        description="The views this step changed (an entry new, changed or gone), in the order of `views`.",
    )


class Result(BaseModel):
    seed: int
    initial: Views = Field(description="The views of the fresh nn.Module before any step.")
    steps: list[StepResult]
    code: str = Field(description="The Python class the steps amount to.")


def _describe(value: Any) -> tuple[str, tuple[int, ...] | None, bool | None]:
    if isinstance(value, torch.Tensor):
        return type(value).__name__, tuple(value.shape), value.requires_grad
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(item).__name__ for item in value}) or ["item"]
        return f"{type(value).__name__}[{'|'.join(kinds)}] × {len(value)}", None, None
    return type(value).__name__ if value is not None else "None", None, None


def snapshot(module: nn.Module, alive: list) -> tuple[dict[str, list[Entry]], str | None, int]:
    """Read every view from torch as entries, plus the optimizer's refusal and the total.

    An entry's identity and description spot an entry that changed between two readings.
    """
    parameters = list(module.named_parameters())
    state = module.state_dict(keep_vars=True)
    plain = [(name, value) for name, value in module.__dict__.items() if name not in MODULE_INTERNALS]
    non_persistent = {
        f"{prefix}{'.' if prefix else ''}{name}"
        for prefix, sub in module.named_modules()
        for name in sub._non_persistent_buffers_set
    }
    described: dict[int, tuple] = {}  # id -> (id, what, shape, requires_grad), for this reading

    def entry(name: str, value: Any, persistent: bool | None = None) -> Entry:
        # A parameter shows up in four views: describe each object once per reading.
        description = described.get(id(value))
        if description is None:
            description = described[id(value)] = (id(value), *_describe(value))
            alive.append(value)  # kept until the request ends, so its id() never names another object
        return Entry(name, *description, persistent)

    views = {
        "parameters_dict": [entry(name, value) for name, value in module._parameters.items()],
        "named_parameters": [entry(name, value) for name, value in parameters],
        "buffers": [entry(name, value, name not in non_persistent) for name, value in module.named_buffers()],
        "state_dict": [entry(name, value) for name, value in state.items()],
        "modules": [entry(name, value) for name, value in module._modules.items()],
        "plain_attributes": [entry(name, value) for name, value in plain],
    }
    error = None
    try:
        optimizer = torch.optim.SGD(module.parameters(), lr=0.1)  # what the lesson's code does
        names = {id(p): name for name, p in parameters}
        views["optimizer"] = [entry(names[id(p)], p) for p in optimizer.param_groups[0]["params"]]
    except ValueError as exc:  # an empty parameter list is refused: a real answer, shown verbatim
        error = f"{type(exc).__name__}: {exc}"
        views["optimizer"] = []
    return views, error, sum(p.numel() for _name, p in parameters)


def _row(entry: Entry, new: bool, made: dict) -> Row:
    """Return the Row of an entry (see snapshot), made once per request for each flag."""
    row = made.get((entry, new))
    if row is None:
        row = made[entry, new] = Row(
            name=entry.name,
            what=entry.what,
            shape=entry.shape,
            requires_grad=entry.requires_grad,
            persistent=entry.persistent,
            new=new,
        )
    return row


def _compare(now: dict, before: dict | None, error: str | None, total: int, made: dict) -> tuple[Views, list[str]]:
    """Make the rows of every view, marking entries that are new or changed since `before`, and
    name the views that changed (an entry new, changed or gone). `made` holds the rows made so far
    in this request, so an entry that stays the same is one Row throughout."""
    fields: dict[str, Any] = {"optimizer_error": error, "total_parameters": total, "removed": {}}
    changed = []
    for view in VIEWS:
        entries = now[view]
        if before is None or entries == before[view]:  # most views stay the same in a step
            fields[view] = [_row(entry, False, made) for entry in entries]
            continue
        old = set(before[view])
        fields[view] = [_row(entry, entry not in old, made) for entry in entries]
        names = {entry.name for entry in entries}
        gone = [entry.name for entry in before[view] if entry.name not in names]
        if gone:
            fields["removed"][view] = gone
        if gone or any(entry not in old for entry in entries):
            changed.append(view)
    return Views(**fields), changed


def code_for(steps: list[Step], errors: list[str | None], seed: int) -> str:
    """Write the class the steps amount to; a step torch refuses is wrapped in try/except."""
    lines = [
        "import torch",
        "from torch import nn",
        "",
        "",
        "class Built(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    for step, error in zip(steps, errors):
        if error is None:
            lines.append(f"        {step.statement('self')}")
        else:
            kind = error.split(":", 1)[0]
            lines += [
                "        try:",
                f"            {step.statement('self')}",
                f"        except {kind} as error:",
                f'            print("{kind}:", error)  # torch refused; the module stays as it was',
            ]
    return "\n".join(lines + ["", "", f"torch.manual_seed({seed})", "m = Built()", ""])


def run(params: Params) -> Result:
    """Replay the steps on a fresh nn.Module, reading every view after each one."""
    seed_cpu(params.seed)
    steps = params.steps
    module, alive, made = nn.Module(), [], {}
    current, error, total = snapshot(module, alive)
    initial, _unchanged = _compare(current, None, error, total, made)
    outcomes, errors = [], []
    for number, step in enumerate(steps, start=1):
        existed = hasattr(module, step.name)
        failure = None
        try:
            step.apply(module)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:  # torch's refusal is the lesson
            failure = f"{type(exc).__name__}: {exc}"
        now, error, total = snapshot(module, alive)
        views, changed = _compare(now, current, error, total, made)
        outcomes.append(
            StepResult(
                number=number,
                step=step.text,
                statement=step.statement(),
                existed=existed,
                error=failure,
                views=views,
                changed=changed,
            )
        )
        errors.append(failure)
        current = now
    return Result(seed=params.seed, initial=initial, steps=outcomes, code=code_for(steps, errors, params.seed))


LAB = Lab(
    id="registration",
    title=N_("Live registration"),
    summary=N_("Build a module attribute by attribute and watch what torch registers and what it ignores."),
    params=Params,
    result=Result,
    run=run,
)
