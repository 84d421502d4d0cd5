"""The lazy-modules lab and lesson 12's facts report what plain torch does with an nn.LazyLinear."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.course.facts import compute
from app.labs.lazy_modules import QUESTIONS, Params, run


def raised(action) -> str:
    """Return torch's exception as the lab writes it (type, then the message on one line)."""
    try:
        action()
    except Exception as exc:
        return f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    raise AssertionError("expected torch to raise")


def answers(result) -> dict[str, tuple[str, str]]:
    return {a.expression: (a.before, a.after) for a in result.answers}


@pytest.mark.parametrize("out_features, in_features, bias", [(3, 4, True), (1, 16, False), (8, 1, True)])
def test_before_and_after_match_plain_torch(out_features, in_features, bias):
    result = run(Params(out_features=out_features, in_features=in_features, bias=bias, batch=3, seed=1))
    seen = answers(result)
    torch.manual_seed(1)
    layer = nn.LazyLinear(out_features, bias=bias)
    assert seen["type(layer).__name__"][0] == type(layer).__name__ == "LazyLinear"
    assert seen["layer"][0] == repr(layer)
    assert seen["type(layer.weight).__name__"][0] == type(layer.weight).__name__ == "UninitializedParameter"
    assert seen["isinstance(layer, nn.Linear)"][0] == str(isinstance(layer, nn.Linear))
    assert seen["layer.weight.numel()"][0] == raised(lambda: layer.weight.numel())
    assert seen["layer.weight.shape"][0] == raised(lambda: layer.weight.shape)
    assert seen["layer.weight.numel()"][0].startswith("ValueError: Attempted to use an uninitialized parameter")
    assert seen["len(list(layer.parameters()))"][0] == str(len(list(layer.parameters())))
    assert seen["list(layer.state_dict())"][0] == str(list(layer.state_dict()))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    weight = layer.weight
    y = layer(torch.randn(3, in_features))
    assert seen["type(layer).__name__"][1] == type(layer).__name__ == "Linear"
    assert seen["layer"][1] == repr(layer)
    assert seen["layer.in_features"][1] == str(layer.in_features) == str(in_features)
    assert seen["layer.weight.shape"][1] == str(layer.weight.shape)
    assert seen["layer.weight.numel()"][1] == str(layer.weight.numel()) == str(out_features * in_features)
    assert seen["type(layer.weight).__name__"][1] == type(layer.weight).__name__
    assert seen["layer.has_uninitialized_params()"][1] == raised(lambda: layer.has_uninitialized_params())
    assert result.output_shape == list(y.shape)
    assert result.same_weight_object is (layer.weight is weight)
    assert result.optimizer_holds_weight is (optimizer.param_groups[0]["params"][0] is layer.weight)
    before = layer.weight.detach().clone()
    y.pow(2).mean().backward()
    optimizer.step()
    assert result.changed_by_step is not torch.equal(before, layer.weight)


def test_every_question_is_answered_before_and_after():
    result = run(Params())
    assert [a.expression for a in result.answers] == [expression for expression, _q in QUESTIONS]
    raised_before = {a.expression for a in result.answers if a.before_raised}
    assert raised_before == {"layer.weight.shape", "layer.weight.numel()"}


@pytest.mark.parametrize("second", [4, 5, 1])
def test_a_second_input_size_fails_like_plain_torch(second):
    result = run(Params(in_features=4, then_in_features=second, batch=2))
    torch.manual_seed(0)
    layer = nn.LazyLinear(3)
    layer(torch.randn(2, 4))
    if second == 4:
        assert result.second_output_shape == list(layer(torch.randn(2, 4)).shape) and result.second_error is None
    else:
        assert result.second_error == raised(lambda: layer(torch.randn(2, second)))
        assert result.second_output_shape is None


def test_the_shown_code_runs():
    result = run(Params(then_in_features=5))
    namespace = {"torch": torch, "nn": nn}
    with pytest.raises(RuntimeError):
        exec(result.code, namespace)
    assert list(namespace["y"].shape) == result.output_shape


def test_a_blank_second_size_means_no_second_forward():
    assert Params(then_in_features="").then_in_features is None
    assert run(Params(then_in_features=" ")).second_error is None


@pytest.mark.parametrize(
    "inputs, field",
    [
        ({"out_features": 0}, "out_features"),
        ({"out_features": 9}, "out_features"),
        ({"in_features": 17}, "in_features"),
        ({"batch": 0}, "batch"),
        ({"then_in_features": 99}, "then_in_features"),
        ({"bias": "maybe"}, "bias"),
    ],
)
def test_inputs_are_bounded(inputs, field):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert error.value.errors()[0]["loc"] == (field,)


def test_lesson_12_facts_match_plain_torch():
    layer = nn.LazyLinear(3)
    assert compute("lazy_repr_before") == repr(layer)
    assert compute("lazy_weight_type_before") == type(layer.weight).__name__
    assert compute("lazy_weight_is_parameter") == str(isinstance(layer.weight, nn.Parameter))
    assert compute("lazy_is_linear_before") == str(isinstance(layer, nn.Linear))
    assert compute("lazy_numel_error") == raised(lambda: layer.weight.numel())
    assert "Attempted to use an uninitialized parameter" in compute("lazy_numel_error")
    assert compute("lazy_shape_error") == raised(lambda: layer.weight.shape)
    assert compute("lazy_parameters_before") == str(len(list(layer.parameters())))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    weight = layer.weight
    layer(torch.randn(2, 4))
    assert compute("lazy_weight_shape_after") == str(tuple(layer.weight.shape)) == "(3, 4)"
    assert compute("lazy_class_after") == type(layer).__name__ == "Linear"
    assert compute("lazy_repr_after") == repr(layer)
    assert compute("lazy_weight_type_after") == type(layer.weight).__name__
    assert compute("lazy_same_weight_object") == str(layer.weight is weight)
    assert compute("lazy_optimizer_still_holds") == str(optimizer.param_groups[0]["params"][0] is layer.weight)
    assert compute("lazy_second_size_error") == raised(lambda: layer(torch.randn(2, 5)))
