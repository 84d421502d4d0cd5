"""The parametrizations lab reports what plain torch does when a weight is parametrized, stepped and unparametrized."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn
from torch.nn.utils import parametrizations, parametrize

from app.course.facts import compute
from app.labs.parametrizations import Params, Symmetric, run

KINDS = ["symmetric", "orthogonal", "weight_norm", "none"]


def run_shown_code(code: str) -> dict:
    """Run the code the lab shows, with plain torch, and return its namespace."""
    namespace = {
        "torch": torch,
        "nn": nn,
        "parametrize": parametrize,
        "parametrizations": parametrizations,
        "Symmetric": Symmetric,
    }
    exec(code, namespace)
    return namespace


@pytest.mark.parametrize("kind", KINDS)
def test_names_weight_and_step_match_plain_torch(kind):
    params = Params(parametrization=kind, size=4, lr=0.3, seed=5)
    result = run(params)
    torch.manual_seed(5)
    layer = nn.Linear(4, 4)
    if kind == "symmetric":
        parametrize.register_parametrization(layer, "weight", Symmetric())
    elif kind == "orthogonal":
        layer = parametrizations.orthogonal(layer)
    elif kind == "weight_norm":
        layer = parametrizations.weight_norm(layer)
    assert result.class_name == type(layer).__name__
    assert result.parameter_names == [name for name, _p in layer.named_parameters()]
    assert result.state_dict_keys == list(layer.state_dict())
    assert result.weight.type_name == type(layer.weight).__name__
    assert result.weight.is_parameter is isinstance(layer.weight, nn.Parameter)
    assert result.weight.is_parameter is (kind == "none")
    assert result.weight.same_object_on_each_read is (layer.weight is layer.weight)
    before = {name: t.detach().clone() for name, t in layer.state_dict().items()}
    weight_before = layer.weight.detach().clone()
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.3)
    layer(torch.randn(4, 4)).pow(2).sum().backward()
    optimizer.step()
    assert torch.equal(torch.tensor(result.weight.before), weight_before)
    assert torch.equal(torch.tensor(result.weight.after), layer.weight.detach())
    held = {id(p) for p in optimizer.param_groups[0]["params"]}
    named = dict(layer.named_parameters())
    for fate in result.tensors:
        assert fate.in_optimizer is (fate.name in named and id(named[fate.name]) in held)
        assert fate.changed_by_step is not torch.equal(before[fate.name], layer.state_dict()[fate.name])


def test_the_lab_runs_the_code_it_shows():
    for kind in KINDS:
        result = run(Params(parametrization=kind, remove="keep" if kind == "none" else "leave_true"))
        namespace = run_shown_code(result.code)
        layer = namespace["layer"]
        if result.removal and not result.removal.error:
            assert result.removal.parameter_names == [name for name, _p in layer.named_parameters()]
            assert result.removal.state_dict_keys == list(layer.state_dict())
            assert torch.equal(layer.weight.detach(), torch.tensor(result.weight.after))


@pytest.mark.parametrize("kind", ["symmetric", "orthogonal", "weight_norm"])
@pytest.mark.parametrize("lr", [0.1, 10.0])
def test_the_promise_holds_after_the_step(kind, lr):
    weight = run(Params(parametrization=kind, lr=lr)).weight
    assert weight.changed_by_step
    w = torch.tensor(weight.after)
    if kind == "symmetric":
        assert torch.equal(w, w.T) and weight.violation_after == 0.0
    elif kind == "orthogonal":
        assert torch.allclose(w @ w.T, torch.eye(3), atol=1e-5) and weight.violation_after < 1e-5
    else:
        assert weight.violation_after < 1e-5


def test_removal_keeps_the_computed_weight_or_the_original_as_torch_does():
    torch.manual_seed(0)
    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    computed, original = layer.weight.detach().clone(), layer.parametrizations.weight.original.detach().clone()
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    assert torch.equal(layer.weight, original) and not torch.equal(layer.weight, computed)
    kept = run(Params(remove="leave_true")).removal
    dropped = run(Params(remove="leave_false")).removal
    assert kept.equals_computed_weight and not kept.equals_original
    assert dropped.equals_original and not dropped.equals_computed_weight
    assert kept.parameter_names == dropped.parameter_names == ["bias", "weight"]
    assert kept.weight_is_parameter and kept.class_name == "Linear"


def test_refused_removals_show_torchs_error():
    layer = parametrizations.weight_norm(nn.Linear(3, 3))
    with pytest.raises(ValueError) as error:
        parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    removal = run(Params(parametrization="weight_norm", remove="leave_false")).removal
    assert removal.error == f"ValueError: {error.value}"
    assert "does not have a parametrization" in run(Params(parametrization="none", remove="leave_true")).removal.error


def test_facts_quote_torch():
    layer = parametrizations.weight_norm(nn.Linear(3, 3))
    assert compute("param_weight_norm_names") == ", ".join(name for name, _p in layer.named_parameters())
    assert compute("param_weight_is_parameter") == "False"
    with pytest.raises(RuntimeError, match="Missing key"):
        layer.load_state_dict(nn.Linear(3, 3).state_dict())
    assert "Missing key(s)" in compute("param_plain_checkpoint_error")
    assert "right_inverse" in compute("param_assign_without_right_inverse_error")


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"size": 7}, "size"),
        ({"size": 1}, "size"),
        ({"lr": 0}, "lr"),
        ({"lr": 11}, "lr"),
        ({"parametrization": "spectral"}, "parametrization"),
        ({"remove": "maybe"}, "remove"),
        ({"extra": 1}, "extra"),
    ],
)
def test_inputs_are_bounded(raw, field):
    with pytest.raises(ValidationError) as error:
        Params.model_validate(raw)
    assert error.value.errors()[0]["loc"][0] == field
