"""The views lab reports what plain torch does with detach(), clone(), views and .data of a Parameter."""

from contextlib import nullcontext

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.detach_clone_view import Params, run

# Written out again here, independently of the lab's table of operations.
PLAIN = {
    "itself": lambda p: p,
    "detach": lambda p: p.detach(),
    "clone": lambda p: p.clone(),
    "index": lambda p: p[0],
    "view": lambda p: p.view(-1),
    "data": lambda p: p.data,
    "detach_clone": lambda p: p.detach().clone(),
}


def plain_torch(operation: str, context: str, seed: int = 1, shape=(3, 2)):
    torch.manual_seed(seed)
    p = nn.Parameter(torch.randn(*shape))
    before = p.detach().clone()
    y = PLAIN[operation](p)
    facts = {
        "type_name": type(y).__name__,
        "requires_grad": y.requires_grad,
        "is_leaf": y.is_leaf,
        "grad_fn": None if y.grad_fn is None else type(y.grad_fn).__name__,
        "same_storage": y.untyped_storage().data_ptr() == p.untyped_storage().data_ptr(),
    }
    try:
        with torch.no_grad() if context == "no_grad" else nullcontext():
            y.add_(1)
        facts["error"] = None
    except RuntimeError as exc:
        facts["error"] = f"RuntimeError: {exc}"
    facts["parameter_changed"] = not torch.equal(before, p.detach())
    facts["p_version_after"] = p._version
    return facts


@pytest.mark.parametrize("context", ["normal", "no_grad"])
def test_every_operation_matches_plain_torch(context):
    result = run(Params(context=context, in_place="add_", seed=1, rows=3, cols=2))
    assert [o.operation for o in result.outcomes] == list(PLAIN)
    for outcome in result.outcomes:
        expected = plain_torch(outcome.operation, context)
        assert {key: getattr(outcome, key) for key in expected} == expected, outcome.operation


def test_the_facts_the_lesson_teaches():
    outcomes = {o.operation: o for o in run(Params()).outcomes}
    assert outcomes["detach"].requires_grad is False and outcomes["detach"].parameter_changed is True
    assert outcomes["clone"].type_name == "Tensor" and outcomes["clone"].grad_fn == "CloneBackward0"
    assert outcomes["clone"].parameter_changed is False and outcomes["clone"].same_storage is False
    assert outcomes["index"].is_leaf is False and "view of a leaf Variable" in outcomes["index"].error
    assert outcomes["data"].p_version_after == 0 and outcomes["detach"].p_version_after == 1
    assert outcomes["detach_clone"].same_storage is False


def test_detail_code_runs_and_gives_the_same_parameter():
    result = run(Params(operation="detach", in_place="mul_", seed=3))
    namespace = {"torch": torch, "nn": nn}
    exec(result.detail.code, namespace)
    assert torch.tensor(result.detail.p_after).equal(namespace["p"].detach())
    assert result.detail.y_after == namespace["y"].reshape(-1).tolist()


def test_backward_after_detach_raises_and_after_data_is_silently_wrong():
    torch.manual_seed(0)
    p = nn.Parameter(torch.randn(2, 3))
    loss = (p * p).sum()
    p.detach().add_(1)
    with pytest.raises(RuntimeError) as expected:
        loss.backward()
    detached = run(Params(operation="detach", graph="square")).detail
    assert detached.backward_error == f"RuntimeError: {expected.value}"

    torch.manual_seed(0)
    p = nn.Parameter(torch.randn(2, 3))
    right = 2 * p.detach().clone()
    loss = (p * p).sum()
    p.data.add_(1)
    loss.backward()
    data = run(Params(operation="data", graph="square")).detail
    assert data.backward_error is None
    assert torch.tensor(data.grad).equal(p.grad) and torch.tensor(data.grad_expected).equal(right)
    assert data.grad_is_right is False
    assert run(Params(operation="clone", graph="square")).detail.grad_is_right is True


def test_selected_row_is_the_chosen_operation():
    result = run(Params(operation="view", in_place="zero_"))
    assert result.selected.operation == "view" and result.selected.expression == "p.view(-1)"
    assert "view of a leaf Variable" in result.selected.error and result.detail.y_after is None


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"rows": 1}, "greater than or equal to 2"),
        ({"rows": 7}, "less than or equal to 6"),
        ({"cols": 0}, "greater than or equal to 1"),
        ({"operation": "copy"}, "detach"),
        ({"in_place": "sub_"}, "add_"),
        ({"graph": "cube"}, "square"),
    ],
)
def test_bad_inputs_are_refused(inputs, message):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert message in str(error.value)
