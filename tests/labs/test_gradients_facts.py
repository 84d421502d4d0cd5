"""Lesson 4's facts (gradients) say what plain torch says for the gallery's Linear-plus-bias model."""

from collections.abc import Callable

import pytest
import torch

from app.course.facts import compute
from tests.helpers import LinearBias, error_of


def _setup() -> tuple[LinearBias, torch.Tensor, torch.Tensor]:
    """Build the model from seed 0, its input from seed 1 and the target from seed 2, as the lesson does."""
    torch.manual_seed(0)
    model = LinearBias(10, 5)
    torch.manual_seed(1)
    x = torch.randn(4, 10)
    torch.manual_seed(2)
    target = torch.randn(4, 5)
    return model, x, target


def _loss(model: LinearBias, x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((model(x) - target) ** 2).mean()


def _grad_before_backward() -> object:
    model, x, target = _setup()
    _loss(model, x, target)
    return model.linear.weight.grad


def _grad_shape_after_backward() -> tuple[int, ...]:
    model, x, target = _setup()
    _loss(model, x, target).backward()
    return tuple(model.linear.weight.grad.shape)


def _second_backward_doubles() -> bool:
    model, x, target = _setup()
    _loss(model, x, target).backward()
    first = model.linear.weight.grad.clone()
    _loss(model, x, target).backward()
    return torch.allclose(model.linear.weight.grad, first + first)


def _backward_twice() -> None:
    model, x, target = _setup()
    loss = _loss(model, x, target)
    loss.backward()
    loss.backward()


def _bias_grad_after_zero_grad(set_to_none: bool) -> str:
    model, x, target = _setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    _loss(model, x, target).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    return repr(model.bias.grad)


def _frozen_bias_grad() -> object:
    model, x, target = _setup()
    model.linear.bias.requires_grad = False
    _loss(model, x, target).backward()
    return model.linear.bias.grad


def _plain_tensor(question: str) -> bool:
    """Keep a requires-grad plain tensor on the model, train one SGD step, and answer one question about it."""
    model, x, target = _setup()
    model.shift = torch.zeros(1, 5, requires_grad=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    ((model(x) + model.shift - target) ** 2).mean().backward()
    before = model.shift.detach().clone()
    optimizer.step()
    return {
        "in_parameters": any(p is model.shift for p in model.parameters()),
        "grad_is_none": model.shift.grad is None,
        "unchanged": torch.equal(model.shift.detach(), before),
    }[question]


def _sgd_step_is_minus_lr_grad() -> bool:
    model, x, target = _setup()
    _loss(model, x, target).backward()
    expected = model.linear.weight.detach() - 0.1 * model.linear.weight.grad
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return torch.allclose(model.linear.weight.detach(), expected)


def _adam_after_one_step() -> tuple[LinearBias, torch.optim.Adam]:
    model, x, target = _setup()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    _loss(model, x, target).backward()
    optimizer.step()
    return model, optimizer


def _adam_state_keys() -> str:
    model, optimizer = _adam_after_one_step()
    return ", ".join(optimizer.state[model.linear.weight])


def _adam_moves_with_zero_grads() -> bool:
    model, optimizer = _adam_after_one_step()
    for p in model.parameters():
        p.grad.zero_()
    before = model.linear.weight.detach().clone()
    optimizer.step()
    return not torch.equal(model.linear.weight.detach(), before)


def _frozen_with_old_grad_moves() -> bool:
    model, x, target = _setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    _loss(model, x, target).backward()
    model.linear.bias.requires_grad = False
    before = model.linear.bias.detach().clone()
    optimizer.step()
    return not torch.equal(model.linear.bias.detach(), before)


EXPECTED: dict[str, Callable[[], object]] = {
    "linear_weight_shape": lambda: tuple(_setup()[0].linear.weight.shape),
    "grad_before_backward": _grad_before_backward,
    "grad_shape_after_backward": _grad_shape_after_backward,
    "second_backward_doubles": _second_backward_doubles,
    "backward_twice_error": lambda: error_of(_backward_twice, RuntimeError),
    "grad_after_zero_grad": lambda: _bias_grad_after_zero_grad(True),
    "grad_after_zero_grad_keep": lambda: _bias_grad_after_zero_grad(False),
    "frozen_parameter_grad": _frozen_bias_grad,
    "plain_tensor_in_parameters": lambda: _plain_tensor("in_parameters"),
    "plain_tensor_grad_is_none": lambda: _plain_tensor("grad_is_none"),
    "plain_tensor_unchanged_by_step": lambda: _plain_tensor("unchanged"),
    "sgd_step_is_minus_lr_grad": _sgd_step_is_minus_lr_grad,
    "adam_state_keys": _adam_state_keys,
    "adam_moves_with_zero_grads": _adam_moves_with_zero_grads,
    "frozen_with_old_grad_moves": _frozen_with_old_grad_moves,
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
