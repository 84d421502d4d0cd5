"""Draw the gradients lab's pictures: heat maps of values, grads and step deltas, and the loss line.

Pictures are for HTML pages only (the JSON API leaves them out); every one comes with the same
numbers as table rows, and a tensor holding inf or NaN gets its table but no colour scale.
"""

import math

import torch
from pydantic import BaseModel, Field

from app.i18n import gettext as _
from app.pictures.svg import grid_rows, heatmap, line_chart


class Picture(BaseModel):
    """One tensor drawn as a heat map, with its values as text rows for the table alternative."""

    svg: str = Field(
        "", description="The heat map (empty when the tensor holds inf or NaN, or is shown as a table only)."
    )
    rows: list[list[str]] | None = Field(None, description="Values as text, or None when too big for a table.")


class TensorPictures(BaseModel):
    """The pictures of one tensor after an action: value, grad (None stays None) and a step's change."""

    value: Picture
    grad: Picture | None
    before: Picture | None = None
    delta: Picture | None = None


def draw(values: torch.Tensor, title: str) -> Picture:
    """Draw one tensor and keep its values for a table."""
    tensor = values.detach().double()
    # The lab's tensors hold at most 50 values: checking them as Python floats takes half the time
    # of torch.isfinite(...).all(), whose two small ops cost more than the work.
    finite = all(map(math.isfinite, tensor.reshape(-1).tolist()))
    rows = grid_rows(tensor)
    return Picture(svg=str(heatmap(tensor, title, labels=rows).svg) if finite else "", rows=rows)


def table(values: torch.Tensor) -> Picture:
    """Keep one tensor's values for a table only (the page draws no picture of it)."""
    return Picture(rows=grid_rows(values.detach().double()))


def draw_tensor(
    name: str, value: torch.Tensor, grad: torch.Tensor | None, before: torch.Tensor | None, delta: torch.Tensor | None
) -> TensorPictures:
    """Draw every view of one tensor that the page shows after an action (values, grad, a step's change)."""
    return TensorPictures(
        value=draw(value, _("%(name)s: values") % {"name": name}),
        grad=None if grad is None else draw(grad, _("%(name)s.grad") % {"name": name}),
        before=None if before is None else table(before),  # the page shows the values before a step as a table
        delta=None if delta is None else draw(delta, _("%(name)s: change made by the step") % {"name": name}),
    )


def draw_losses(losses: list[float]) -> str:
    """Draw the loss of each forward as a line (finite losses only; a diverged run shows in the table)."""
    finite = [loss for loss in losses if math.isfinite(loss)]
    return str(line_chart(finite, _("Loss after each forward"))) if finite else ""
