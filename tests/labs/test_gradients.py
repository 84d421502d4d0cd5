"""The gradients lab against the same action sequences written out in plain torch."""

import pytest
import torch
import torch.nn.functional as F
from pydantic import ValidationError

from app.labs.gradients import Params, run
from app.labs.gradients.notes import _backward_notes
from app.labs.gradients.results import Snapshot
from app.labs.zoo import LinearBias, MatMul3

OPTIMIZERS = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}


def reference(model_id: str, seed: int, actions: list[str]) -> list[dict]:
    """Run a history by hand with torch; return, after each action, loss/error and every tensor."""
    torch.manual_seed(seed)
    model = LinearBias(10, 5) if model_id == "linear_bias" else MatMul3()
    torch.manual_seed(seed + 1)
    x = torch.randn(4, 10 if model_id == "linear_bias" else 3)
    torch.manual_seed(seed + 2)
    target = torch.randn(4, 5 if model_id == "linear_bias" else 3)
    loss = shift = optimizer = None
    states = []
    for text in actions:
        kind, _, rest = text.partition(":")
        record = {"loss": None, "error": None}
        if kind == "forward":
            output = model(x) if shift is None else model(x) + shift
            loss = F.mse_loss(output, target)
            record["loss"] = loss.item()
        elif kind == "backward":
            try:
                loss.backward()
            except RuntimeError as exc:
                record["error"] = str(exc)
        elif kind == "zero_grad":
            (optimizer or model).zero_grad(set_to_none=rest != "false")
        elif kind == "step":
            name, lr = rest.split(":")
            if optimizer is None:
                optimizer = OPTIMIZERS[name](model.parameters(), lr=float(lr))
            optimizer.param_groups[0]["lr"] = float(lr)
            optimizer.step()
        elif kind in ("freeze", "unfreeze"):
            dict(model.named_parameters())[rest].requires_grad_(kind == "unfreeze")
        elif kind == "add_tensor":
            shift = torch.zeros(1, 5 if model_id == "linear_bias" else 3, requires_grad=True)
            model.shift = shift
        tensors = dict(model.named_parameters()) | ({"shift": shift} if shift is not None else {})
        record["tensors"] = {
            name: (t.detach().clone(), None if t.grad is None else t.grad.clone(), t.requires_grad)
            for name, t in tensors.items()
        }
        record["held"] = (
            None
            if optimizer is None
            else [next(n for n, t in tensors.items() if t is p) for g in optimizer.param_groups for p in g["params"]]
        )
        states.append(record)
    return states


CASES = [
    ("linear_bias", ["forward", "backward"]),
    ("linear_bias", ["forward", "backward", "forward", "backward"]),
    ("linear_bias", ["forward", "backward", "backward"]),
    ("linear_bias", ["forward", "backward", "zero_grad"]),
    ("linear_bias", ["forward", "backward", "zero_grad:false", "forward", "backward"]),
    ("linear_bias", ["freeze:linear.bias", "forward", "backward", "unfreeze:linear.bias", "forward", "backward"]),
    ("linear_bias", ["add_tensor", "forward", "backward", "step:sgd:0.1", "zero_grad", "forward", "backward"]),
    ("linear_bias", ["step:sgd:0.5", "forward", "backward", "step:sgd:0.5"]),
    ("linear_bias", ["forward", "backward", "freeze:bias", "step:sgd:0.3"]),
    ("matmul3", ["forward", "backward", "step:adam:0.01", "zero_grad:false", "step:adam:0.01", "step:adam:0.1"]),
    ("matmul3", ["freeze:weight", "forward", "backward"]),
    ("matmul3", ["add_tensor", "forward", "backward", "backward", "forward", "backward", "step:rmsprop:0.01"]),
] + [
    (model_id, ["forward", "backward", f"step:{kind}:0.01", "zero_grad", "forward", "backward", f"step:{kind}:0.01"])
    for model_id in ("linear_bias", "matmul3")
    for kind in OPTIMIZERS
]


def _close(actual, expected: torch.Tensor) -> bool:
    return torch.allclose(torch.tensor(actual, dtype=expected.dtype), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model_id, actions", CASES)
def test_every_state_matches_plain_torch(model_id, actions):
    result = run(Params(model=model_id, seed=3, a=actions))
    expected = reference(model_id, 3, actions)
    assert result.history == actions and len(result.steps) == len(actions) + 1
    for step, want in zip(result.steps[1:], expected):
        assert (step.loss is None) == (want["loss"] is None)
        if want["loss"] is not None:
            assert step.loss == pytest.approx(want["loss"], rel=1e-6)
        assert (step.error is None) == (want["error"] is None)
        if want["error"]:
            assert step.error == f"RuntimeError: {want['error']}"  # torch's own words, verbatim
        assert [t.name for t in step.tensors] == list(want["tensors"])
        for tensor in step.tensors:
            value, grad, requires_grad = want["tensors"][tensor.name]
            assert _close(tensor.value, value), (step.index, tensor.name)
            assert (tensor.grad is None) == (grad is None), (step.index, tensor.name)  # None is not zeros
            if grad is not None:
                assert _close(tensor.grad, grad), (step.index, tensor.name)
            assert tensor.requires_grad == requires_grad
        assert (step.optimizer is None) == (want["held"] is None)
        if step.optimizer is not None:
            assert step.optimizer.params == want["held"]


def test_start_state_is_the_seeded_model_with_no_grads():
    start = run(Params(model="matmul3", seed=5)).steps[0]
    torch.manual_seed(5)
    assert _close(start.tensors[0].value, MatMul3().weight.detach())
    assert start.tensors[0].grad is None and start.optimizer is None


def test_a_step_records_before_after_and_delta():
    step = run(Params(a=["forward", "backward", "step:sgd:0.1"])).steps[-1]
    for tensor in step.tensors:
        before, after, delta = (torch.tensor(v) for v in (tensor.before, tensor.value, tensor.delta))
        assert torch.allclose(after - before, delta)
        assert torch.allclose(delta, -0.1 * torch.tensor(tensor.grad), atol=1e-6)  # plain SGD: -lr * grad


def kinds(step, tensor=None):
    return [note.kind for note in step.notes if tensor is None or note.tensor == tensor]


def test_notes_say_what_torch_did():
    steps = run(Params(a=["forward", "backward", "forward", "backward", "backward", "zero_grad"])).steps
    assert kinds(steps[2], "linear.weight") == ["grad_created"]
    assert all(kinds(steps[4], name) == ["grad_doubled"] for name in ("bias", "linear.weight", "linear.bias"))
    assert kinds(steps[5]) == ["graph_freed", "grads_unchanged"]
    assert set(kinds(steps[6])) == {"grad_to_none"}
    zeroed = run(Params(a=["forward", "backward", "zero_grad:false"])).steps[-1]
    assert set(kinds(zeroed)) == {"grad_to_zeros"}


def test_notes_on_frozen_and_plain_tensors():
    steps = run(Params(a=["add_tensor", "freeze:bias", "forward", "backward", "zero_grad", "step:sgd:0.1"])).steps
    assert kinds(steps[1]) == ["plain_tensor_added"]
    assert kinds(steps[4], "bias") == ["frozen_no_grad"]
    assert kinds(steps[4], "shift") == ["grad_created", "plain_tensor_grad"]
    assert kinds(steps[5], "shift") == ["plain_tensor_not_reset"]
    assert "optimizer_created" in kinds(steps[6])
    assert kinds(steps[6], "shift") == ["plain_tensor_not_updated"]
    assert kinds(steps[6], "linear.weight") == ["skipped_no_grad"]
    assert "shift" not in steps[6].optimizer.params


def test_notes_on_optimizer_surprises():
    adam = run(
        Params(model="matmul3", a=["forward", "backward", "step:adam:0.01", "zero_grad:false", "step:adam:0.01"])
    )
    assert kinds(adam.steps[-1], "weight") == ["updated", "moved_by_state"]
    assert adam.steps[-1].optimizer.state["weight"] == ["step", "exp_avg", "exp_avg_sq"]
    assert adam.steps[-1].optimizer.steps == {"weight": 2}
    stale = run(Params(a=["forward", "backward", "freeze:bias", "step:sgd:0.1"])).steps[-1]
    assert kinds(stale, "bias") == ["updated", "frozen_but_updated"]
    sgd = run(Params(a=["forward", "backward", "step:sgd:0.1", "step:sgd:0.2"])).steps[-1]
    assert "lr_changed" in kinds(sgd) and sgd.optimizer.lr == 0.2 and sgd.optimizer.state == {}


def test_short_actions_are_completed_from_the_form_fields():
    params = Params(opt="adam", lr=0.5, a=["forward", "", "backward", "step", "zero_grad:true", "step:adam"])
    assert params.a == ["forward", "backward", "step:adam:0.5", "zero_grad", "step:adam:0.5"]
    assert params.optimizer_in_use == "adam" and params.actions_left == 25
    assert Params(a=["freeze:bias", "freeze:linear.bias", "unfreeze:bias"]).frozen == ["linear.bias"]


def test_a_button_appends_its_action_to_the_history():
    params = Params(a=["forward"], add="backward")
    assert params.a == ["forward", "backward"] and params.add is None
    assert Params(add="forward").a == ["forward"]
    with pytest.raises(ValidationError, match="action 2"):
        Params(a=["forward"], add="fly")


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"a": ["fly"]}, "action 1 (“fly”): unknown action; allowed: forward, backward, zero_grad"),
        ({"a": ["forward:now"]}, "takes no arguments"),
        ({"a": ["zero_grad:maybe"]}, "zero_grad:false"),
        ({"a": ["step:adam:0.1:2"]}, "step:<optimizer>:<lr>"),
        ({"a": ["step:lbfgs:0.1"]}, "must be one of: sgd, rmsprop, adam"),
        ({"a": ["step:sgd:100"]}, "between 1e-05 and 10"),
        ({"a": ["step:sgd:nan"]}, "“nan” is not a number"),  # only plain ASCII decimals are numbers
        ({"a": ["step:sgd:abc"]}, "“abc” is not a number"),
        (
            {"a": ["freeze:linear.weights"]},
            "“linear.weights” is not a parameter of linear_bias; choose one of: bias, linear.weight, linear.bias",
        ),
        ({"model": "matmul3", "a": ["freeze:linear.weight"]}, "choose one of: weight"),
        ({"a": ["freeze"]}, "write freeze:<name>"),
        ({"a": ["backward"]}, "add forward before backward"),
        ({"a": ["add_tensor", "add_tensor"]}, "action 2 (“add_tensor”): model.shift already exists"),
        ({"a": ["step:adam:0.1", "step:sgd:0.1"]}, "created as Adam by the first step"),
        ({"a": ["forward"] * 31}, "at most 30 actions, this one has 31"),
        ({"a": ["x" * 61]}, "at most 60 characters"),
    ],
)
def test_bad_histories_name_the_action_and_what_is_allowed(fields, expected):
    with pytest.raises(ValidationError) as error:
        Params(**fields)
    assert expected in str(error.value)


def test_a_doubled_grad_is_recognised_within_rounding():
    value = torch.zeros(2, 3)
    grad = torch.tensor([[0.1, -0.2, 0.3], [1e-3, 5.0, -7.0]])
    one_ulp_more = torch.nextafter(2 * grad, torch.full_like(grad, float("inf")))  # not exactly 2 * grad
    assert not torch.equal(one_ulp_more, 2 * grad)
    before = Snapshot("w", True, value, grad, True, None)
    for after_grad, kind in [
        (2 * grad, "grad_doubled"),
        (one_ulp_more, "grad_doubled"),
        (2.5 * grad, "grad_accumulated"),
    ]:
        after = Snapshot("w", True, value, after_grad, True, None)
        assert [note.kind for note in _backward_notes(before, after)] == [kind]
