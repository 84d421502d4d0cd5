"""The fixed table of statements the rebinding lab runs, and the runs themselves.

Each statement is an ordinary Python function whose body is the statement a learner picks; the
lab never executes text. Around the statement we record, straight from torch, which object each
name points at (id(), data_ptr(), _version) just before and just after it.
"""

import copy
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

import torch
from torch import nn

from app.i18n import gettext as _
from app.pictures.names import NameArrow, ObjectBox, Panel

New = Callable[[torch.Tensor], torch.Tensor]  # records a tensor the statement creates, returns it


def _rebind(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p = new(torch.zeros(p.shape))
    return p


def _slice(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p[:] = 0
    return p


def _zero(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p.zero_()
    return p


def _fill(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p.fill_(v)
    return p


def _copy(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p.copy_(new(torch.full_like(p, v)))
    return p


def _add(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p += 1
    return p


def _data(p: torch.Tensor, v: float, new: New) -> torch.Tensor:
    p.data = new(torch.zeros_like(p))
    return p


@dataclass(frozen=True)
class Statement:
    """One loop body: the code a learner reads and the function that runs exactly that."""

    code: str  # may hold {v}
    run: Callable[[torch.Tensor, float, New], torch.Tensor]
    new_label: str = ""  # how the picture names a tensor the statement creates without a name

    def text(self, value: float) -> str:
        return self.code.format(v=value)


LOOP_STATEMENTS: dict[str, Statement] = {
    "rebind": Statement("p = torch.zeros(p.shape)", _rebind),
    "slice": Statement("p[:] = 0", _slice),
    "zero": Statement("p.zero_()", _zero),
    "fill": Statement("p.fill_({v})", _fill),
    "copy": Statement("p.copy_(torch.full_like(p, {v}))", _copy, "torch.full_like(p, {v})"),
    "add": Statement("p += 1", _add),
    "data": Statement("p.data = torch.zeros_like(p)", _data, "torch.zeros_like(p)"),
}


class ObjectKeys:
    """Name objects A, B, C... by identity; holding a reference keeps each id() unique meanwhile."""

    def __init__(self) -> None:
        self._objects: list[object] = []

    def key(self, obj: object) -> str:
        for index, seen in enumerate(self._objects):
            if seen is obj:
                return chr(ord("A") + index)
        self._objects.append(obj)
        return chr(ord("A") + len(self._objects) - 1)


def snapshot(title: str, named: list[tuple[str, torch.Tensor]], keys: ObjectKeys) -> Panel:
    """Read, from torch, which object each name points at and that object's id, storage and version."""
    arrows, boxes = [], {}
    for name, tensor in named:
        key = keys.key(tensor)
        arrows.append(NameArrow(name=name, target=key))
        boxes.setdefault(
            key,
            ObjectBox(
                key=key,
                kind=type(tensor).__name__,
                shape=list(tensor.shape),
                id=id(tensor),
                data_ptr=tensor.data_ptr(),
                version=tensor._version,
            ),
        )
    return Panel(title=title, names=arrows, objects=list(boxes.values()))


def _context(name: str):
    return torch.no_grad() if name == "no_grad" else nullcontext()


def optimizer_slot(index: int) -> str:
    return f'opt.param_groups[0]["params"][{index}]'


def attribute(name: str) -> str:
    return f"model.{name}"


@dataclass
class Outcome:
    """What happened: the exception torch raised (if any) and the two panels of the picture."""

    before: Panel
    after: Panel
    error: str | None = None
    error_parameter: str | None = None
    pictured: str = ""
    made: list[torch.Tensor] = field(default_factory=list)  # keeps new tensors alive, so no id() is reused meanwhile


def run_loop(
    model: nn.Module, opt: torch.optim.Optimizer, variant: str, value: float, context: str, focus: str
) -> Outcome:
    """Run `for p in model.parameters(): <statement>` and picture the focus parameter's turn.

    When torch raises, the loop stops there (as it would in a script), and the picture shows the
    turn that raised instead.
    """
    statement = LOOP_STATEMENTS[variant]
    names = [name for name, _ in model.named_parameters()]
    outcome: Outcome | None = None
    for index, p in enumerate(model.parameters()):
        name = names[index]
        keys = ObjectKeys()  # each turn's picture starts at A

        def named(
            current: torch.Tensor, made: list[torch.Tensor], name: str = name, index: int = index
        ) -> list[tuple[str, torch.Tensor]]:
            pairs = [
                ("p", current),
                (attribute(name), model.get_parameter(name)),
                (optimizer_slot(index), opt.param_groups[0]["params"][index]),
            ]
            return pairs + [(statement.new_label.format(v=value), t) for t in made if t is not current]

        before = snapshot(_("Before the statement"), named(p, []), keys)
        made: list[torch.Tensor] = []
        try:
            with _context(context):
                p = statement.run(p, value, lambda t, made=made: made.append(t) or t)
        except Exception as exc:  # torch's own error is what the lesson is about: a result
            after = snapshot(_("After the statement"), named(p, made), keys)
            return Outcome(before, after, f"{type(exc).__name__}: {exc}", name, name, made)
        if name == focus:
            outcome = Outcome(
                before, snapshot(_("After the statement"), named(p, made), keys), pictured=name, made=made
            )
    assert outcome is not None, "the focus is validated to be one of the model's parameters"
    return outcome


def run_replacement(model: nn.Module, opt: torch.optim.Optimizer, value: float, context: str, focus: str) -> Outcome:
    """Replace the focus parameter with a new nn.Parameter after the optimizer was built."""
    names = [name for name, _ in model.named_parameters()]
    index = names.index(focus)
    owner_path, _dot, leaf = focus.rpartition(".")
    owner = model.get_submodule(owner_path)
    keys = ObjectKeys()
    made: list[torch.Tensor] = []

    def named() -> list[tuple[str, torch.Tensor]]:
        pairs = [
            (attribute(focus), model.get_parameter(focus)),
            (optimizer_slot(index), opt.param_groups[0]["params"][index]),
        ]
        label = f"torch.full_like({attribute(focus)}, {value})"
        return pairs + [(label, t) for t in made]

    before = snapshot(_("Before the statement"), named(), keys)
    try:
        with _context(context):
            source = torch.full_like(model.get_parameter(focus), value)
            made.append(source)
            setattr(owner, leaf, nn.Parameter(source))
    except Exception as exc:  # shown verbatim, like any torch error the lesson is about
        return Outcome(
            before,
            snapshot(_("After the statement"), named(), keys),
            f"{type(exc).__name__}: {exc}",
            focus,
            focus,
            made,
        )
    return Outcome(before, snapshot(_("After the statement"), named(), keys), pictured=focus, made=made)


def replacement_code(focus: str, value: float) -> str:
    """Write the setattr statement for a (possibly dotted) parameter name."""
    owner_path, _dot, leaf = focus.rpartition(".")
    owner = attribute(owner_path) if owner_path else "model"
    return f'setattr({owner}, "{leaf}", nn.Parameter(torch.full_like({attribute(focus)}, {value})))'


@dataclass(frozen=True)
class AnalogyRun:
    """One plain-Python loop, run for real: the list before and after, and what the loop name did."""

    code: str
    before: str
    after: str
    changed: bool
    name_id_before: int  # id() of the loop name's object at the start of the first turn
    name_id_after: int  # ... and at its end


def python_analogy() -> list[AnalogyRun]:
    """Run the two loops from the curriculum: ints are rebound, inner lists are changed in place."""
    xs = [1, 2]
    xs_before = copy.deepcopy(xs)
    ids: list[tuple[int, int]] = []
    for x in xs:
        start = id(x)
        x += 1
        ids.append((start, id(x)))
    ints = AnalogyRun("xs = [1, 2]\nfor x in xs:\n    x += 1", repr(xs_before), repr(xs), xs != xs_before, *ids[0])

    rows = [[1, 2], [3, 4]]
    rows_before = copy.deepcopy(rows)
    ids = []
    for s in rows:
        start = id(s)
        s[0] += 1
        ids.append((start, id(s)))
    lists = AnalogyRun(
        "rows = [[1, 2], [3, 4]]\nfor s in rows:\n    s[0] += 1",
        repr(rows_before),
        repr(rows),
        rows != rows_before,
        *ids[0],
    )
    return [ints, lists]
