"""The views the registration lab reads from torch, and how each is laid out as a table."""

from dataclasses import dataclass
from typing import NamedTuple

from app.i18n import N_


class Entry(NamedTuple):
    """One entry of a view as read from torch; equal entries mean the view did not change there."""

    name: str
    identity: int  # id() of the object, kept alive for the request so it names no other object
    what: str  # the object's type (or a list's summary)
    shape: tuple[int, ...] | None
    requires_grad: bool | None
    persistent: bool | None  # buffers only


@dataclass(frozen=True)
class ViewTable:
    """How a page lays out one view: its caption, its column headers and which cells a row has."""

    key: str
    caption: str  # code, or an English msgid the template translates
    headers: tuple[str, ...]  # after the name column; msgids or code
    what: bool = False
    shape: bool = False
    requires_grad: bool = False
    persistent: bool = False


SHAPE = N_("shape")
TYPE = N_("type")
VIEW_TABLES = (
    ViewTable("parameters_dict", "m._parameters", (N_("value"), SHAPE), what=True, shape=True),
    ViewTable("named_parameters", "m.named_parameters()", (SHAPE, "requires_grad"), shape=True, requires_grad=True),
    ViewTable("buffers", "m.named_buffers()", (SHAPE, "persistent"), shape=True, persistent=True),
    ViewTable("state_dict", "m.state_dict().keys()", (SHAPE,), shape=True),
    ViewTable("modules", "m._modules", (TYPE,), what=True),
    ViewTable(
        "plain_attributes",
        N_("Plain attributes nothing registered (in m.__dict__)"),
        (TYPE, SHAPE, "requires_grad"),
        what=True,
        shape=True,
        requires_grad=True,
    ),
    ViewTable("optimizer", N_("What torch.optim.SGD(m.parameters(), lr=0.1) receives"), (SHAPE,), shape=True),
)
VIEWS = tuple(table.key for table in VIEW_TABLES)
