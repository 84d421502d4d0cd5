"""Lesson 1's facts (Tensor or Parameter?) say what plain torch says."""

from collections.abc import Callable

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import error_of


def _parameter_made_in_no_grad() -> nn.Parameter:
    with torch.no_grad():
        return nn.Parameter(torch.zeros(2))


def _shares_storage() -> bool:
    source = torch.zeros(2)
    return nn.Parameter(source).untyped_storage().data_ptr() == source.untyped_storage().data_ptr()


EXPECTED: dict[str, Callable[[], object]] = {
    "parameter_is_tensor": lambda: issubclass(nn.Parameter, torch.Tensor),
    "tensor_is_parameter": lambda: isinstance(torch.ones(3), nn.Parameter),
    "parameter_mro": lambda: " → ".join(cls.__name__ for cls in nn.Parameter.__mro__),
    "parameter_repr_first_line": lambda: repr(nn.Parameter(torch.ones(3))).split("\n")[0],
    "parameter_requires_grad": lambda: nn.Parameter(torch.ones(3)).requires_grad,
    "tensor_requires_grad": lambda: torch.ones(3).requires_grad,
    "parameter_requires_grad_in_no_grad": lambda: _parameter_made_in_no_grad().requires_grad,
    "frozen_parameter_requires_grad": lambda: nn.Parameter(torch.ones(3), requires_grad=False).requires_grad,
    "parameter_is_leaf": lambda: nn.Parameter(torch.ones(3)).is_leaf,
    "parameter_shares_storage": _shares_storage,
    "int_parameter_error": lambda: error_of(lambda: nn.Parameter(torch.arange(3)), RuntimeError),
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
