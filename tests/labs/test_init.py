"""The initialisation lab reports what plain torch does with the same model, seed and scheme."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.initialisation import Params, run
from app.labs.initialisation.models import SmallConvNet
from app.labs.zoo import LinearBias, MatMul3, SpatialGroupEnhance, ViTTokens

MODELS = ["small_convnet", "linear_bias", "matmul3", "sge", "vit_tokens", "lstm"]
SCHEMES = [
    "modules_loop",
    "apply_fn",
    "xavier_uniform",
    "kaiming_fan_in",
    "kaiming_fan_out",
    "normal_001",
    "zeros",
    "ones",
]
NAMESPACE = {
    "torch": torch,
    "nn": nn,
    "SmallConvNet": SmallConvNet,
    "LinearBias": LinearBias,
    "MatMul3": MatMul3,
    "SpatialGroupEnhance": SpatialGroupEnhance,
    "ViTTokens": ViTTokens,
    "print": lambda *args: None,
}


def run_shown_code(code: str) -> nn.Module:
    """Execute the code the lab shows, exactly as a learner would paste it."""
    namespace = dict(NAMESPACE)
    exec(code, namespace)
    return namespace["model"]


def histc_counts(tensor: torch.Tensor, bins: int) -> list[int]:
    values = tensor.detach().double().flatten()
    low, high = values.min().item(), values.max().item()
    if low == high:
        low, high = low - 0.5, high + 0.5
    return torch.histc(values, bins=bins, min=low, max=high).long().tolist()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("scheme", ["modules_loop", "xavier_uniform", "normal_001"])
def test_values_match_the_code_run_in_plain_torch(model, scheme):
    params = Params(model=model, scheme=scheme, seed=5, bins=12)
    result = run(params)
    plain = dict(run_shown_code(result.code).named_parameters())
    assert [row.name for row in result.parameters] == list(plain)
    for row in result.parameters:
        values = plain[row.name].detach().double()
        assert row.after.min == pytest.approx(values.min().item())
        assert row.after.max == pytest.approx(values.max().item())
        assert row.after.mean == pytest.approx(values.mean().item())
        assert [b.count for b in row.bins_after] == histc_counts(values, 12)
        assert row.shape == list(values.shape)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_parameters_stay_the_same_objects(scheme):
    result = run(Params(scheme=scheme))
    assert result.all_same_objects is True
    for row in result.parameters:
        assert row.same_object and row.same_storage and row.id_before == row.id_after


def test_changed_means_values_differ_from_a_fresh_build():
    result = run(Params(model="small_convnet", scheme="modules_loop", seed=2))
    torch.manual_seed(2)
    fresh = dict(SmallConvNet().named_parameters())
    changed = {row.name: row.changed for row in result.parameters}
    plain = dict(run_shown_code(result.code).named_parameters())
    assert changed == {name: not torch.equal(fresh[name], plain[name]) for name in fresh}
    assert changed["features.0.weight"] is True and changed["features.1.weight"] is False


def test_visit_orders_are_torchs_own():
    model = SmallConvNet()
    names = {id(m): name for name, m in model.named_modules()}
    applied: list[str] = []
    model.apply(lambda m: applied.append(names[id(m)]))
    loop = run(Params(scheme="modules_loop")).visits
    apply = run(Params(scheme="apply_fn")).visits
    assert [v.name for v in loop] == [name for name, _m in model.named_modules()]
    assert [v.name for v in apply] == applied
    assert apply[-1].name == "" and loop[0].name == ""
    by_name = {v.name: v for v in loop}
    assert by_name["features.0"].branch == "Conv2d" and by_name["features.0"].changed == ["weight", "bias"]
    assert by_name["features.1"].branch == "BatchNorm2d" and by_name["classifier"].branch == "Linear"
    assert by_name["features.2"].branch is None and by_name["features.2"].changed == []


def test_loop_and_apply_give_the_same_values():
    loop = run(Params(scheme="modules_loop", seed=9)).parameters
    applied = run(Params(scheme="apply_fn", seed=9)).parameters
    assert [row.after for row in loop] == [row.after for row in applied]


def test_fan_based_schemes_refuse_1d_tensors_with_torchs_message():
    with pytest.raises(ValueError) as expected:
        nn.init.kaiming_normal_(torch.empty(5), mode="fan_in")
    result = run(Params(model="linear_bias", scheme="kaiming_fan_in"))
    rows = {row.name: row for row in result.parameters}
    assert rows["linear.bias"].error == f"ValueError: {expected.value}"
    assert rows["linear.bias"].changed is False
    assert rows["linear.weight"].error is None and rows["linear.weight"].changed is True


def test_zeros_and_ones_fill_every_parameter():
    for scheme, value in (("zeros", 0.0), ("ones", 1.0)):
        for row in run(Params(model="vit_tokens", scheme=scheme)).parameters:
            assert row.after.min == row.after.max == value


def test_histograms_draw_with_a_title():
    row = run(Params()).parameters[0]
    svg = row.histogram("after", "Histogram <of> weight")
    assert svg.startswith("<svg") and "Histogram &lt;of&gt; weight" in svg
    assert svg.count("<rect") == len(row.bins_after)


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"bins": 3}, "greater than or equal to 4"),
        ({"bins": 41}, "less than or equal to 40"),
        ({"model": "resnet"}, "small_convnet"),
        ({"scheme": "orthogonal"}, "modules_loop"),
        ({"seed": -1}, "greater than or equal to 0"),
        ({"depth": 2}, "Extra inputs"),
    ],
)
def test_bad_inputs_are_refused(inputs, message):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert message in str(error.value)
