"""Facts that lesson prose quotes: each is computed by torch every time a page asks for it.

A lesson writes [[fact:<id>]] instead of typing a value, so the text and torch cannot disagree.
"""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.facts_devices_training import DEVICES_TRAINING_FACTS
from app.labs.facts_state import STATE_FACTS
from app.labs.gradients.facts import GRADIENT_FACTS
from app.labs.rebinding.facts import REBINDING_FACTS
from app.labs.registration.facts import REGISTRATION_FACTS


def _parameter() -> nn.Parameter:
    return nn.Parameter(torch.zeros(2))


def _parameter_in_no_grad() -> nn.Parameter:
    with torch.no_grad():
        return nn.Parameter(torch.zeros(2))


def _shares_storage() -> bool:
    source = torch.zeros(2)
    return nn.Parameter(source).data_ptr() == source.data_ptr()


def _int_parameter_error() -> str:
    try:
        nn.Parameter(torch.zeros(2, dtype=torch.int64))
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


FACTS: dict[str, Callable[[], object]] = {
    "parameter_is_tensor": lambda: isinstance(_parameter(), torch.Tensor),
    "tensor_is_parameter": lambda: isinstance(torch.zeros(2), nn.Parameter),
    "parameter_mro": lambda: " → ".join(cls.__name__ for cls in type(_parameter()).__mro__),
    "parameter_repr_first_line": lambda: repr(_parameter()).splitlines()[0],
    "parameter_requires_grad": lambda: _parameter().requires_grad,
    "tensor_requires_grad": lambda: torch.zeros(2).requires_grad,
    "parameter_requires_grad_in_no_grad": lambda: _parameter_in_no_grad().requires_grad,
    "frozen_parameter_requires_grad": lambda: nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad,
    "parameter_is_leaf": lambda: _parameter().is_leaf,
    "parameter_shares_storage": _shares_storage,
    "int_parameter_error": _int_parameter_error,
    **REGISTRATION_FACTS,
    **GRADIENT_FACTS,
    **REBINDING_FACTS,
    **DEVICES_TRAINING_FACTS,
    **STATE_FACTS,
}


def compute(fact_id: str) -> str:
    """Compute one fact now and return it as the text the page shows."""
    return str(FACTS[fact_id]())
