"""The step grammar of the registration lab: parse, validate, write as Python, and apply with torch.

A step is one short text, so a whole step list fits in a URL as repeated `step=` values:

    add:<name>:<kind>[:<sizes>]   assign a new attribute (or register a buffer)
    set:<name>:<kind>[:<sizes>]   reassign an attribute that already exists (the same Python statement)
    del:<name>                    delattr(module, name)

Kinds and their sizes: param, tensor, tensor_grad, buffer, buffer_np take a shape (`3,4`); linear
takes `in,out`; list and paramlist take a count then each item's shape (`2,3` = two of shape (3,));
none takes no sizes.
"""

import keyword
from dataclasses import dataclass
from math import prod
from typing import Literal

import torch
from torch import nn

from app.i18n import gettext as _
from app.labs.tensor_or_parameter import MAX_ELEMENTS, parse_shape

Op = Literal["add", "set", "del"]
Kind = Literal["param", "tensor", "tensor_grad", "buffer", "buffer_np", "linear", "list", "paramlist", "none"]
OPS: tuple[str, ...] = Op.__args__
KINDS: tuple[str, ...] = Kind.__args__
SHAPED_KINDS = ("param", "tensor", "tensor_grad", "buffer", "buffer_np")
BUFFER_KINDS = ("buffer", "buffer_np")
LIST_KINDS = ("list", "paramlist")

MAX_STEPS = 20
MAX_NAME_LENGTH = 24
MAX_LINEAR_SIZE = 64
MAX_LIST_ITEMS = 8
# Names an nn.Module already uses (methods, `training`, internals): assigning them would break it.
MODULE_NAMES = frozenset(dir(nn.Module()))


def check_name(name: str) -> str:
    """Accept a public Python identifier that nn.Module does not already use."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            _("“%(name)s” is not a Python identifier (letters, digits and _, not starting with a digit)")
            % {"name": name}
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(_("names are at most %(limit)s characters") % {"limit": MAX_NAME_LENGTH})
    if name.startswith("_"):
        raise ValueError(_("names starting with _ are kept for nn.Module's own bookkeeping; choose another"))
    if name in MODULE_NAMES:
        raise ValueError(
            _("“%(name)s” is already a method or attribute of every nn.Module; choose another name") % {"name": name}
        )
    return name


def check_sizes(kind: str, text: str) -> tuple[int, ...]:
    """Read the sizes a kind needs, enforcing the lab's bounds before torch sees them."""
    if kind == "none":
        return ()
    sizes = parse_shape(text)
    if kind == "linear":
        if len(sizes) != 2 or max(sizes) > MAX_LINEAR_SIZE:
            raise ValueError(
                _("nn.Linear takes two sizes, in_features,out_features, each from 1 to %(limit)s")
                % {"limit": MAX_LINEAR_SIZE}
            )
    elif kind in LIST_KINDS:
        if len(sizes) < 2 or sizes[0] > MAX_LIST_ITEMS:
            raise ValueError(
                _("write a count from 1 to %(limit)s, then each item's shape, e.g. 2,3") % {"limit": MAX_LIST_ITEMS}
            )
        if prod(sizes) > MAX_ELEMENTS:
            raise ValueError(_("at most %(limit)s elements in all") % {"limit": MAX_ELEMENTS})
    return sizes


@dataclass(frozen=True)
class Step:
    """One validated step: what to do, to which attribute, with which kind of value."""

    op: str
    name: str
    kind: str | None = None
    sizes: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """Write the step in its canonical URL form."""
        if self.op == "del":
            return f"del:{self.name}"
        sizes = f":{','.join(map(str, self.sizes))}" if self.sizes else ""
        return f"{self.op}:{self.name}:{self.kind}{sizes}"

    def value_code(self) -> str:
        """Write the Python expression that makes the step's value."""
        shape = ", ".join(map(str, self.sizes[1:] if self.kind in LIST_KINDS else self.sizes))
        if self.kind == "param":
            return f"nn.Parameter(torch.randn({shape}))"
        if self.kind == "tensor_grad":
            return f"torch.randn({shape}, requires_grad=True)"
        if self.kind in ("tensor", *BUFFER_KINDS):
            return f"torch.randn({shape})"
        if self.kind == "linear":
            return f"nn.Linear({self.sizes[0]}, {self.sizes[1]})"
        if self.kind == "list":
            return f"[nn.Parameter(torch.randn({shape})) for _ in range({self.sizes[0]})]"
        if self.kind == "paramlist":
            return f"nn.ParameterList([nn.Parameter(torch.randn({shape})) for _ in range({self.sizes[0]})])"
        return "None"

    def statement(self, target: str = "m") -> str:
        """Write the Python statement the step runs on `target` (m in the lab, self in a class)."""
        if self.op == "del":
            return f"del {target}.{self.name}"
        if self.kind in BUFFER_KINDS:
            extra = ", persistent=False" if self.kind == "buffer_np" else ""
            return f'{target}.register_buffer("{self.name}", {self.value_code()}{extra})'
        return f"{target}.{self.name} = {self.value_code()}"

    def make_value(self) -> object:
        """Make the step's value with torch, consuming the random stream as value_code() would."""
        shape = self.sizes[1:] if self.kind in LIST_KINDS else self.sizes
        if self.kind == "param":
            return nn.Parameter(torch.randn(shape))
        if self.kind == "tensor_grad":
            return torch.randn(shape, requires_grad=True)
        if self.kind in ("tensor", *BUFFER_KINDS):
            return torch.randn(shape)
        if self.kind == "linear":
            return nn.Linear(self.sizes[0], self.sizes[1])
        if self.kind == "list":
            return [nn.Parameter(torch.randn(shape)) for _ in range(self.sizes[0])]
        if self.kind == "paramlist":
            return nn.ParameterList([nn.Parameter(torch.randn(shape)) for _ in range(self.sizes[0])])
        return None

    def apply(self, module: nn.Module) -> None:
        """Run the step on a module; torch's own exceptions propagate to the caller."""
        if self.op == "del":
            delattr(module, self.name)
            return
        value = self.make_value()
        if self.kind in BUFFER_KINDS:
            module.register_buffer(self.name, value, persistent=self.kind == "buffer")
        else:
            setattr(module, self.name, value)


def build_step(op: str, name: str, kind: str | None = None, sizes: str = "") -> Step:
    """Validate the pieces of a step (op, name, kind, sizes) and return it."""
    if op not in OPS:
        raise ValueError(_("the operation must be one of: %(choices)s") % {"choices": ", ".join(OPS)})
    check_name(name)
    if op == "del":
        return Step("del", name)
    if kind not in KINDS:
        raise ValueError(_("the kind must be one of: %(choices)s") % {"choices": ", ".join(KINDS)})
    return Step(op, name, kind, check_sizes(kind, sizes))


def parse_step(text: str) -> Step:
    """Read one step from its URL form, e.g. add:w:param:3,4 or del:w."""
    parts = text.strip().split(":")
    if len(parts) < 2 or len(parts) > 4 or (parts[0] == "del" and len(parts) != 2):
        raise ValueError(_("write a step as op:name:kind:sizes (e.g. add:w:param:3,4) or del:name"))
    if parts[0] != "del" and len(parts) < 3:
        raise ValueError(_("say which kind of value to assign, e.g. add:w:param:3,4"))
    return build_step(parts[0], parts[1], *parts[2:])


def read_checked_step(text: str) -> Step:
    """Read back a step that parse_step has already checked and written canonically (as Params
    holds them): it only needs splitting, not checking a second time."""
    op, name, *rest = text.split(":")
    if op == "del":
        return Step(op, name)
    sizes = tuple(int(size) for size in rest[1].split(",")) if len(rest) > 1 else ()
    return Step(op, name, rest[0], sizes)
