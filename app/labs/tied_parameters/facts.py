"""Facts lesson 11 (shared and tied parameters) quotes, computed by torch each time a page asks."""

import warnings
from collections.abc import Callable

import torch
from torch import nn

from app.labs.seeding import seed_cpu
from app.labs.tied_parameters import TiedLM

VOCAB, DIM = 10, 4  # the sizes the lesson's prose uses


def _model(tied: bool = True) -> TiedLM:
    seed_cpu(0)
    model = TiedLM(VOCAB, DIM)
    if not tied:
        model.decoder.weight = nn.Parameter(model.embedding.weight.detach().clone())
    return model


def _names(remove_duplicate: bool = True) -> str:
    return ", ".join(name for name, _p in _model().named_parameters(remove_duplicate=remove_duplicate))


def _backward(model: TiedLM) -> None:
    tokens = torch.tensor([1, 3, 3, 0])
    nn.functional.cross_entropy(model(tokens[:-1]), tokens[1:]).backward()


def grad_is_sum_of_uses() -> bool:
    tied, untied = _model(), _model(tied=False)
    _backward(tied)
    _backward(untied)
    return torch.allclose(tied.embedding.weight.grad, untied.embedding.weight.grad + untied.decoder.weight.grad)


def duplicate_parameter_warning() -> str:
    model = _model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.optim.SGD([model.embedding.weight, model.decoder.weight], lr=0.1)
    return str(caught[0].message) if caught else "(no warning)"


def is_same_object() -> bool:
    model = _model()
    return model.decoder.weight is model.embedding.weight


def load_keeps_later_key() -> bool:
    """Load an untied state_dict (the two keys differ) into a tied model: do the later key's values remain?"""
    untied = _model(tied=False)
    with torch.no_grad():
        untied.decoder.weight.add_(1.0)
    tied = _model()
    tied.load_state_dict(untied.state_dict())
    return torch.equal(tied.embedding.weight, untied.decoder.weight)


def optimizer_holds() -> int:
    return len(torch.optim.SGD(_model().parameters(), lr=0.1).param_groups[0]["params"])


FACTS: dict[str, Callable[[], object]] = {
    "tied_is_same_object": is_same_object,
    "tied_parameter_names": _names,
    "tied_all_names": lambda: _names(remove_duplicate=False),
    "tied_state_dict_keys": lambda: ", ".join(_model().state_dict()),
    "tied_parameters_numel": lambda: sum(p.numel() for p in _model().parameters()),
    "tied_state_dict_numel": lambda: sum(t.numel() for t in _model().state_dict().values()),
    "untied_parameters_numel": lambda: sum(p.numel() for p in _model(tied=False).parameters()),
    "tied_optimizer_holds": optimizer_holds,
    "tied_load_keeps_later_key": load_keeps_later_key,
    "tied_grad_is_sum": grad_is_sum_of_uses,
    "tied_duplicate_warning": duplicate_parameter_warning,
}
