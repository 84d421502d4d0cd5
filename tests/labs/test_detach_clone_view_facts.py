"""Lesson 8's facts (detach, clone, view and .data) say what plain torch says."""

from collections.abc import Callable
from contextlib import nullcontext

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import error_of, typed

MAKE: dict[str, Callable[[nn.Parameter], torch.Tensor]] = {
    "detach": lambda p: p.detach(),
    "clone": lambda p: p.clone(),
    "index": lambda p: p[0],
    "data": lambda p: p.data,
    "detach_clone": lambda p: p.detach().clone(),
}


def _parameter() -> nn.Parameter:
    torch.manual_seed(0)
    return nn.Parameter(torch.randn(2, 3))


def _shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _outcome(operation: str, question: str, in_no_grad: bool = False) -> Callable[[], object]:
    """Make y from a seeded (2, 3) Parameter p, add 1 to y in place, and answer one question about y or p."""

    def answer() -> object:
        p = _parameter()
        original = p.detach().clone()
        y = MAKE[operation](p)
        answers: dict[str, object] = {
            "requires_grad": y.requires_grad,
            "is_leaf": y.is_leaf,
            "type_name": type(y).__name__,
            "grad_fn": type(y.grad_fn).__name__ if y.grad_fn is not None else None,
            "same_storage": _shares_storage(y, p),
        }
        try:
            with torch.no_grad() if in_no_grad else nullcontext():
                y.add_(1)
        except RuntimeError as exc:
            answers["error"] = typed(exc)
        answers["parameter_changed"] = not torch.equal(p.detach(), original)
        answers["p_version_after"] = p._version
        return answers[question]

    return answer


def _backward_after_add(operation: str) -> tuple[nn.Parameter, torch.Tensor, Callable[[], None]]:
    """Build loss = (p * p).sum(), add 1 in place to y made from p, and hand back the backward call."""
    p = _parameter()
    original = p.detach().clone()
    loss = (p * p).sum()
    MAKE[operation](p).add_(1)
    return p, original, loss.backward


def _detach_backward_error() -> str:
    _p, _original, backward = _backward_after_add("detach")
    return " ".join(typed(error_of(backward, RuntimeError)).split())


def _data_grad_is_right() -> bool:
    p, original, backward = _backward_after_add("data")
    backward()
    return torch.allclose(p.grad, original * 2)


EXPECTED: dict[str, Callable[[], object]] = {
    "views_detach_requires_grad": _outcome("detach", "requires_grad"),
    "views_detach_shares_storage": _outcome("detach", "same_storage"),
    "views_detach_change_reaches_p": _outcome("detach", "parameter_changed"),
    "views_clone_type": _outcome("clone", "type_name"),
    "views_clone_grad_fn": _outcome("clone", "grad_fn"),
    "views_clone_shares_storage": _outcome("clone", "same_storage"),
    "views_clone_change_reaches_p": _outcome("clone", "parameter_changed"),
    "views_index_is_leaf": _outcome("index", "is_leaf"),
    "views_index_grad_fn": _outcome("index", "grad_fn"),
    "views_index_shares_storage": _outcome("index", "same_storage"),
    "views_index_in_place_error": _outcome("index", "error"),
    "views_index_in_place_no_grad_reaches_p": _outcome("index", "parameter_changed", in_no_grad=True),
    "views_data_requires_grad": _outcome("data", "requires_grad"),
    "views_data_change_reaches_p": _outcome("data", "parameter_changed"),
    "views_data_version_after": _outcome("data", "p_version_after"),
    "views_detach_version_after": _outcome("detach", "p_version_after"),
    "views_detach_backward_error": _detach_backward_error,
    "views_data_grad_is_right": _data_grad_is_right,
    "views_detach_clone_shares_storage": _outcome("detach_clone", "same_storage"),
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
