"""Say in words what one action of the gradients lab just did, from torch facts only.

Each note compares the tensors before and after the action (grads None or not, doubled, zeroed,
values changed) and what the optimizer holds; nothing is assumed from the action's name alone.
"""

import torch

from app.i18n import gettext as _
from app.labs.gradients.actions import OPTIMIZERS
from app.labs.gradients.results import Facts, Note, Snapshot


def _shape(tensor: torch.Tensor) -> str:
    return str(tuple(tensor.shape))


def _same(a: torch.Tensor | None, b: torch.Tensor | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return torch.equal(a, b)


def _doubled(before: torch.Tensor, after: torch.Tensor) -> bool:
    """Tell whether `after` is twice `before`, within float rounding.

    Tried exactly first: a second backward of the same forward adds the same gradient, and g + g
    is exactly 2 * g in floating point, so torch.equal settles the usual case for a twentieth of
    allclose's cost. allclose (true whenever equal is) answers every other case, so the answer is
    always allclose's.
    """
    twice = 2 * before
    return torch.equal(after, twice) or torch.allclose(after, twice, rtol=1e-5, atol=1e-7)


def _backward_notes(before: Snapshot, after: Snapshot) -> list[Note]:
    name = after.name
    notes: list[Note] = []
    if before.grad is None and after.grad is not None:
        same = after.grad.shape == after.value.shape
        text = (
            _(
                "%(name)s.grad was None; backward filled it with a tensor of shape %(shape)s, the same shape as "
                "%(name)s itself."
            )
            if same
            else _("%(name)s.grad was None; backward filled it with a tensor of shape %(shape)s.")
        )
        notes.append(Note(kind="grad_created", tensor=name, text=text % {"name": name, "shape": _shape(after.grad)}))
    elif before.grad is not None and after.grad is not None and not _same(before.grad, after.grad):
        if not before.grad.any():
            notes.append(
                Note(
                    kind="grad_from_zeros",
                    tensor=name,
                    text=_(
                        "%(name)s.grad was a tensor of zeros; backward added this loss's gradient to it, so it now holds just "
                        "that gradient."
                    )
                    % {"name": name},
                )
            )
        elif _doubled(before.grad, after.grad):
            notes.append(
                Note(
                    kind="grad_doubled",
                    tensor=name,
                    text=_(
                        "%(name)s.grad doubled: this backward added the same gradient again, because backward adds into "
                        ".grad instead of replacing it."
                    )
                    % {"name": name},
                )
            )
        else:
            notes.append(
                Note(
                    kind="grad_accumulated",
                    tensor=name,
                    text=_("%(name)s.grad changed: backward added this loss's gradient to the old .grad.")
                    % {"name": name},
                )
            )
    elif not after.requires_grad:
        kind, message = (
            ("frozen_no_grad", _("%(name)s has requires_grad=False, so backward gave it no grad: .grad is still None."))
            if after.grad is None
            else ("frozen_grad_kept", _("%(name)s has requires_grad=False: backward did not add to its old .grad."))
        )
        notes.append(Note(kind=kind, tensor=name, text=message % {"name": name}))
    else:
        notes.append(
            Note(
                kind="no_grad_from_backward",
                tensor=name,
                text=_("%(name)s.grad did not change: it did not require grad when forward built this graph.")
                % {"name": name},
            )
        )
    if not after.is_parameter and not _same(before.grad, after.grad):
        notes.append(
            Note(
                kind="plain_tensor_grad",
                tensor=name,
                text=_(
                    "%(name)s is a plain tensor, not a Parameter, yet backward gave it a .grad: autograd only looks at "
                    "requires_grad."
                )
                % {"name": name},
            )
        )
    return notes


def _backward_error_notes(facts: Facts, changed: bool) -> list[Note]:
    error = facts.error or ""
    if "backward through the graph a second time" in error:
        note = Note(
            kind="graph_freed",
            text=_(
                "The previous backward freed the values this graph had saved. Run forward again to build a new graph."
            ),
        )
    elif "does not require grad" in error:
        note = Note(
            kind="nothing_requires_grad",
            text=_("Nothing in this loss requires grad, so it has no graph to run backward through."),
        )
    else:
        note = Note(kind="backward_failed", text=_("torch refused this backward; its message says why."))
    notes = [note]
    if not changed:
        notes.append(Note(kind="grads_unchanged", text=_("No .grad changed.")))
    return notes


def _zero_grad_notes(facts: Facts, before: Snapshot, after: Snapshot) -> list[Note]:
    name = after.name
    if before.grad is not None and after.grad is None:
        return [
            Note(
                kind="grad_to_none",
                tensor=name,
                text=_("%(name)s.grad is None again: set_to_none=True is the default.") % {"name": name},
            )
        ]
    if after.grad is not None and not after.grad.any() and not _same(before.grad, after.grad):
        return [
            Note(
                kind="grad_to_zeros",
                tensor=name,
                text=_("%(name)s.grad is now a tensor of zeros, not None (set_to_none=False).") % {"name": name},
            )
        ]
    if not after.is_parameter and after.grad is not None and _same(before.grad, after.grad):
        return [
            Note(
                kind="plain_tensor_not_reset",
                tensor=name,
                text=_("%(name)s.grad kept its value: zero_grad only visits parameters, and %(name)s is not one.")
                % {"name": name},
            )
        ]
    return []


def _step_notes(facts: Facts, before: Snapshot, after: Snapshot) -> list[Note]:
    name = after.name
    kind = OPTIMIZERS[facts.action.optimizer or "sgd"]
    if not _same(before.value, after.value):
        delta = (after.value - before.value).abs().max().item()
        notes = [
            Note(
                kind="updated",
                tensor=name,
                text=_("%(name)s changed; the largest |delta| is %(delta)s.") % {"name": name, "delta": f"{delta:.3g}"},
            )
        ]
        if not after.requires_grad:
            notes.append(
                Note(
                    kind="frozen_but_updated",
                    tensor=name,
                    text=_(
                        "%(name)s is frozen, yet it changed: an optimizer updates every parameter whose .grad is not None, "
                        "whatever requires_grad says."
                    )
                    % {"name": name},
                )
            )
        if after.grad is not None and not after.grad.any():
            notes.append(
                Note(
                    kind="moved_by_state",
                    tensor=name,
                    text=_(
                        "%(name)s.grad is all zeros, yet %(name)s moved: %(kind)s still uses what it remembers from earlier "
                        "steps. A grad of None would have been skipped."
                    )
                    % {"name": name, "kind": kind},
                )
            )
        return notes
    if not after.in_optimizer:
        if after.grad is not None:
            return [
                Note(
                    kind="plain_tensor_not_updated",
                    tensor=name,
                    text=_("%(name)s has a .grad, but the optimizer does not hold it, so step left it unchanged.")
                    % {"name": name},
                )
            ]
        return [Note(kind="not_held", tensor=name, text=_("The optimizer does not hold %(name)s.") % {"name": name})]
    if after.grad is None:
        return [
            Note(
                kind="skipped_no_grad",
                tensor=name,
                text=_("%(name)s.grad is None, so step skipped it.") % {"name": name},
            )
        ]
    return [
        Note(
            kind="unchanged",
            tensor=name,
            text=_("%(name)s did not change: its .grad is all zeros.") % {"name": name}
            if not after.grad.any()
            else _("%(name)s did not change.") % {"name": name},
        )
    ]


def explain(facts: Facts, before: list[Snapshot], after: list[Snapshot]) -> list[Note]:
    """List the notes for one action, comparing each tensor before and after it."""
    kind = facts.action.kind
    earlier = {snapshot.name: snapshot for snapshot in before}
    pairs = [(earlier[snapshot.name], snapshot) for snapshot in after if snapshot.name in earlier]
    grads_changed = any(not _same(old.grad, new.grad) for old, new in pairs)
    notes: list[Note] = []
    if kind == "forward":
        notes.append(
            Note(
                kind="loss_computed",
                text=_("forward built a new graph and computed the loss: %(loss)s.") % {"loss": f"{facts.loss:.6g}"},
            )
        )
        if not grads_changed:
            notes.append(Note(kind="grads_unchanged", text=_("forward changed no .grad.")))
    elif kind == "backward":
        if facts.error:
            return _backward_error_notes(facts, grads_changed)
        for old, new in pairs:
            notes += _backward_notes(old, new)
    elif kind == "zero_grad":
        for old, new in pairs:
            notes += _zero_grad_notes(facts, old, new)
    elif kind == "step":
        if facts.optimizer_created:
            notes.append(
                Note(
                    kind="optimizer_created",
                    text=_(
                        "The first step created torch.optim.%(kind)s(model.parameters(), lr=%(lr)s); it holds: %(names)s."
                    )
                    % {
                        "kind": OPTIMIZERS[facts.action.optimizer],
                        "lr": facts.action.lr,
                        "names": ", ".join(facts.optimizer_names),
                    },
                )
            )
        if facts.lr_changed:
            notes.append(
                Note(
                    kind="lr_changed",
                    text=_("This step changed the learning rate to %(lr)s.") % {"lr": facts.action.lr},
                )
            )
        for old, new in pairs:
            notes += _step_notes(facts, old, new)
    elif kind in ("freeze", "unfreeze"):
        new = next(snapshot for snapshot in after if snapshot.name == facts.action.name)
        notes.append(
            Note(
                kind="requires_grad_set",
                tensor=new.name,
                text=_("%(name)s.requires_grad is now %(flag)s; its .grad was kept as it was (%(grad)s).")
                % {"name": new.name, "flag": new.requires_grad, "grad": "None" if new.grad is None else _("a tensor")},
            )
        )
    elif kind == "add_tensor":
        shift = after[-1]
        if not shift.is_parameter:
            notes.append(
                Note(
                    kind="plain_tensor_added",
                    tensor=shift.name,
                    text=_(
                        "model.%(name)s is a plain tensor with requires_grad=%(flag)s. It is not in model.parameters(), so an "
                        "optimizer built from parameters() will not hold it. From now on forward adds it to the output."
                    )
                    % {"name": shift.name, "flag": shift.requires_grad},
                )
            )
    return notes
