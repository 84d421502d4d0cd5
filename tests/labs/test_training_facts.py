"""Lesson 10's facts (putting it together) say what plain torch says for the gallery's Linear-plus-bias model."""

from collections.abc import Callable

import pytest
import torch

from app.course.facts import compute
from tests.helpers import LinearBias, error_of, names

EVERY_PARAMETER = ("linear.weight", "linear.bias", "bias")


def _model(frozen: tuple[str, ...] = ()) -> LinearBias:
    torch.manual_seed(0)
    model = LinearBias(10, 5)
    for name, p in model.named_parameters():
        p.requires_grad = name not in frozen
    return model


def _trainable_count(frozen: tuple[str, ...] = ()) -> int:
    return sum(p.numel() for p in _model(frozen).parameters() if p.requires_grad)


def _step_with_frozen_weight(question: str) -> bool:
    model = _model(("linear.weight",))
    before = model.linear.weight.detach().clone()
    optimizer = torch.optim.SGD((p for p in model.parameters() if p.requires_grad), lr=0.1)
    ((model(torch.randn(4, 10)) - torch.randn(4, 5)) ** 2).mean().backward()
    optimizer.step()
    if question == "grad_is_none":
        return model.linear.weight.grad is None
    return torch.equal(model.linear.weight.detach(), before)


def _optimizer_of_frozen_model() -> None:
    torch.optim.SGD([p for p in _model(EVERY_PARAMETER).parameters() if p.requires_grad], lr=0.1)


def _backward_through_frozen_model() -> None:
    model = _model(EVERY_PARAMETER)
    ((model(torch.ones(1, 10)) - torch.ones(1, 5)) ** 2).mean().backward()


def _group_lrs() -> str:
    model = _model()
    optimizer = torch.optim.SGD(
        [{"params": list(model.linear.parameters())}, {"params": [model.bias], "lr": 0.5}],
        lr=0.05,
    )
    return ", ".join(str(group["lr"]) for group in optimizer.param_groups)


EXPECTED: dict[str, Callable[[], object]] = {
    "linear_bias_total": lambda: sum(p.numel() for p in _model().parameters()),
    "linear_bias_trainable_weight_frozen": lambda: _trainable_count(("linear.weight",)),
    "linear_bias_parameter_order": lambda: names(_model().named_parameters()),
    "frozen_grad_is_none": lambda: _step_with_frozen_weight("grad_is_none"),
    "frozen_unchanged_after_step": lambda: _step_with_frozen_weight("unchanged"),
    "all_frozen_optimizer_error": lambda: error_of(_optimizer_of_frozen_model, ValueError),
    "nothing_to_differentiate_error": lambda: error_of(_backward_through_frozen_model, RuntimeError),
    "group_lrs": _group_lrs,
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
