"""The action grammar of the gradients lab: parse, check and print a history of training actions.

A history is a list of short strings, one per action, kept in the URL as repeated `a=` values:

    forward                   loss = F.mse_loss(model(x), target)
    backward                  loss.backward()
    zero_grad                 zero_grad() with set_to_none=True (torch's default)
    zero_grad:false           zero_grad(set_to_none=False)
    step:<kind>:<lr>          optimizer.step(); kind is sgd, rmsprop or adam
    freeze:<name>             model.<name>.requires_grad_(False)
    unfreeze:<name>           model.<name>.requires_grad_(True)
    add_tensor                model.shift = torch.zeros(..., requires_grad=True), a plain tensor

`step` and `step:<kind>` are accepted from the lab's form and completed from its optimizer and
learning-rate fields; every history is stored in the complete (canonical) form.
Checking needs no torch: it walks the history symbolically, so bad input never reaches torch.
"""

import math
from dataclasses import dataclass

from app.i18n import gettext as _
from app.labs.numbers import parse_float
from app.labs.zoo import MODELS, build

MAX_ACTIONS = 30
MAX_ACTION_CHARS = 60
LR_MIN, LR_MAX = 1e-5, 10.0
OPTIMIZERS = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}  # id -> torch.optim class name
LAB_MODELS = ("linear_bias", "matmul3")
SHIFT = "shift"  # the plain tensor attribute the add_tensor action creates
KINDS = ("forward", "backward", "zero_grad", "step", "freeze", "unfreeze", "add_tensor")


def _parameter_names(model_id: str) -> tuple[str, ...]:
    module = build(model_id, MODELS[model_id].params())
    return tuple(name for name, _parameter in module.named_parameters())


# Read from the real modules once, so the allowed names can never drift from the gallery.
PARAMETER_NAMES: dict[str, tuple[str, ...]] = {model_id: _parameter_names(model_id) for model_id in LAB_MODELS}


@dataclass(frozen=True)
class Action:
    """Describes one action of a history, complete with every argument it needs."""

    kind: str
    optimizer: str | None = None  # step: sgd, rmsprop or adam
    lr: float | None = None  # step: the learning rate
    set_to_none: bool = True  # zero_grad
    name: str | None = None  # freeze/unfreeze: a parameter name

    @property
    def text(self) -> str:
        """Return the canonical action string that the URL keeps."""
        if self.kind == "step":
            return f"step:{self.optimizer}:{self.lr!r}"
        if self.kind == "zero_grad":
            return "zero_grad" if self.set_to_none else "zero_grad:false"
        if self.kind in ("freeze", "unfreeze"):
            return f"{self.kind}:{self.name}"
        return self.kind


@dataclass(frozen=True)
class FormDefaults:
    """Holds the form's fields that complete a short `step` action."""

    optimizer: str
    lr: float


def _grammar() -> str:
    return "forward, backward, zero_grad, zero_grad:false, step:<sgd|rmsprop|adam>:<lr>, freeze:<name>, unfreeze:<name>, add_tensor"


def _parse_lr(text: str) -> float:
    try:
        lr = parse_float(text)
    except ValueError:
        raise ValueError(_("the learning rate “%(lr)s” is not a number") % {"lr": text}) from None
    if not math.isfinite(lr) or not LR_MIN <= lr <= LR_MAX:
        raise ValueError(_("the learning rate must be between %(low)s and %(high)s") % {"low": LR_MIN, "high": LR_MAX})
    return lr


def parse_action(text: str, model_id: str, defaults: FormDefaults) -> Action:
    """Read one action string, completing a short form from the lab's form fields."""
    if len(text) > MAX_ACTION_CHARS:
        raise ValueError(_("an action has at most %(limit)s characters") % {"limit": MAX_ACTION_CHARS})
    kind, _sep, rest = text.strip().partition(":")
    args = rest.split(":") if rest else []
    if kind not in KINDS:
        raise ValueError(_("unknown action; allowed: %(grammar)s") % {"grammar": _grammar()})
    if kind in ("forward", "backward", "add_tensor"):
        if args:
            raise ValueError(_("“%(kind)s” takes no arguments") % {"kind": kind})
        return Action(kind)
    if kind == "zero_grad":
        if len(args) > 1 or (args and args[0] not in ("true", "false")):
            raise ValueError(_("write zero_grad, zero_grad:true or zero_grad:false"))
        return Action(kind, set_to_none=not args or args[0] == "true")
    if kind == "step":
        if len(args) > 2:
            raise ValueError(_("write step:<optimizer>:<lr>, for example step:adam:0.01"))
        optimizer = args[0] if args else defaults.optimizer
        if optimizer not in OPTIMIZERS:
            raise ValueError(_("the optimizer must be one of: %(choices)s") % {"choices": ", ".join(OPTIMIZERS)})
        lr = _parse_lr(args[1]) if len(args) == 2 else defaults.lr
        return Action(kind, optimizer=optimizer, lr=lr)
    allowed = PARAMETER_NAMES[model_id]
    if len(args) != 1:
        raise ValueError(
            _("write %(kind)s:<name> with one of: %(choices)s") % {"kind": kind, "choices": ", ".join(allowed)}
        )
    name = args[0]
    if name not in allowed:
        raise ValueError(
            _("“%(name)s” is not a parameter of %(model)s; choose one of: %(choices)s")
            % {"name": name, "model": model_id, "choices": ", ".join(allowed)}
        )
    return Action(kind, name=name)


def check_history(texts: list[str], model_id: str, defaults: FormDefaults) -> list[Action]:
    """Parse a whole history and check it makes sense in order; raise ValueError naming the action."""
    texts = [text for text in texts if text.strip()]  # an empty a= only marks an empty history
    if len(texts) > MAX_ACTIONS:
        raise ValueError(
            _("a history holds at most %(limit)s actions, this one has %(count)s; go back to an earlier state or reset")
            % {"limit": MAX_ACTIONS, "count": len(texts)}
        )
    actions: list[Action] = []
    has_loss, has_shift, optimizer = False, False, None
    for number, text in enumerate(texts, start=1):
        try:
            action = parse_action(text, model_id, defaults)
            if action.kind == "backward" and not has_loss:
                raise ValueError(_("there is no loss yet: add forward before backward"))
            if action.kind == "add_tensor" and has_shift:
                raise ValueError(_("model.shift already exists; a history adds it once"))
            if action.kind == "step" and optimizer not in (None, action.optimizer):
                raise ValueError(
                    _(
                        "the optimizer was created as %(first)s by the first step; one history keeps one optimizer. "
                        "Go back to before that step or reset to choose another"
                    )
                    % {"first": OPTIMIZERS[optimizer]}
                )
        except ValueError as exc:
            raise ValueError(
                _("action %(number)s (“%(text)s”): %(problem)s")
                % {"number": number, "text": text[:MAX_ACTION_CHARS], "problem": exc}
            ) from None
        has_loss = has_loss or action.kind == "forward"
        has_shift = has_shift or action.kind == "add_tensor"
        optimizer = action.optimizer if action.kind == "step" and optimizer is None else optimizer
        actions.append(action)
    return actions
