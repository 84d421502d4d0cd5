"""The gallery lab against plain torch: parameter names and shapes for several sizes, and the bounds."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.errors import field_errors
from app.labs.gallery import Params, run
from app.labs.zoo import MODELS, build


def gallery(**raw):
    return run(Params.model_validate(raw))


def shapes(report) -> dict[str, tuple[int, ...]]:
    return {p.row.name: tuple(p.row.shape) for p in report.parameters}


def test_default_shapes_are_exactly_the_curriculums():
    assert shapes(gallery(model="lstm")) == {
        "weight_ih_l0": (256, 512),
        "weight_hh_l0": (256, 64),
        "bias_ih_l0": (256,),
        "bias_hh_l0": (256,),
    }
    assert shapes(gallery(model="linear_bias")) == {"bias": (1, 5), "linear.weight": (5, 10), "linear.bias": (5,)}
    assert shapes(gallery(model="matmul3")) == {"weight": (3, 3)}
    assert shapes(gallery(model="sge", groups=8)) == {"weight": (1, 8, 1, 1), "bias": (1, 8, 1, 1)}
    assert shapes(gallery(model="vit_tokens", num_patches=16, dim=64)) == {
        "cls_token": (1, 1, 64),
        "pos_embedding": (1, 17, 64),
    }


@pytest.mark.parametrize(
    "input_size, hidden_size, num_layers, bidirectional",
    [(512, 64, 1, False), (7, 3, 2, False), (5, 4, 3, True), (1, 1, 1, True)],
)
def test_lstm_matches_torch(input_size, hidden_size, num_layers, bidirectional):
    reference = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    report = gallery(
        model="lstm", input_size=input_size, hidden_size=hidden_size, num_layers=num_layers, bidirectional=bidirectional
    )
    assert shapes(report) == {name: tuple(p.shape) for name, p in reference.named_parameters()}
    assert report.state_dict_keys == list(reference.state_dict())
    assert report.total == sum(p.numel() for p in reference.parameters())
    output, (h_n, c_n) = reference(torch.zeros(5, 2, input_size))
    assert [tuple(o.shape) for o in report.outputs] == [tuple(output.shape), tuple(h_n.shape), tuple(c_n.shape)]


@pytest.mark.parametrize("in_features, out_features", [(10, 5), (1, 1), (33, 7)])
def test_linear_bias_matches_torch(in_features, out_features):
    linear = nn.Linear(in_features, out_features)
    expected = {"bias": (1, out_features), **{f"linear.{n}": tuple(p.shape) for n, p in linear.named_parameters()}}
    report = gallery(model="linear_bias", in_features=in_features, out_features=out_features)
    assert shapes(report) == expected
    assert [o.shape for o in report.outputs] == [[4, out_features]]


@pytest.mark.parametrize("groups, channels", [(8, 32), (1, 5), (4, 12), (64, 64)])
def test_sge_parameters_start_at_zero_with_one_per_group(groups, channels):
    report = gallery(model="sge", groups=groups, channels=channels)
    assert shapes(report) == {"weight": (1, groups, 1, 1), "bias": (1, groups, 1, 1)}
    assert all(p.summary.min == p.summary.max == 0 for p in report.parameters)
    assert report.outputs[0].shape == [2, channels, 8, 8] and report.buffers == []


@pytest.mark.parametrize("num_patches, dim", [(16, 64), (1, 1), (49, 8)])
def test_vit_tokens_shapes(num_patches, dim):
    report = gallery(model="vit_tokens", num_patches=num_patches, dim=dim)
    assert shapes(report) == {"cls_token": (1, 1, dim), "pos_embedding": (1, num_patches + 1, dim)}
    assert report.outputs[0].shape == [2, num_patches + 1, dim]


def test_values_are_seeded_and_summarised():
    first, again, other = (
        gallery(model="matmul3", seed=3),
        gallery(model="matmul3", seed=3),
        gallery(model="matmul3", seed=4),
    )
    assert first.parameters[0].values == again.parameters[0].values != other.parameters[0].values
    torch.manual_seed(3)
    weight = torch.randn(3, 3)
    assert first.parameters[0].summary.max == pytest.approx(weight.max().item())
    assert len(first.parameters[0].values) == 3 and "<svg" in first.parameters[0].heatmap_svg


@pytest.mark.parametrize("model, raw", [("lstm", {}), ("vit_tokens", {"dim": 3}), ("linear_bias", {})])
def test_summaries_are_torchs_float64_statistics(model, raw):
    report = gallery(model=model, seed=5, **raw)
    module = build(model, MODELS[model].params(seed=5, **raw))
    for picture, parameter in zip(report.parameters, module.parameters(), strict=False):
        values = parameter.detach().double()
        assert (picture.summary.min, picture.summary.max) == (values.min().item(), values.max().item())
        # An LSTM's gated tensors pool their four blocks' means and variances: equal up to rounding.
        assert picture.summary.mean == pytest.approx(values.mean().item(), rel=1e-12, abs=1e-15)
        assert picture.summary.std == pytest.approx(values.std().item(), rel=1e-12)


def test_large_tensors_are_drawn_as_block_averages_without_a_value_table():
    weight_ih = gallery(model="lstm").parameters[0]
    assert weight_ih.block_averages and weight_ih.values is None
    assert "heatmap_svg" not in weight_ih.model_dump()  # the JSON answer stays small


def test_other_models_sizes_are_ignored_and_defaults_filled_in():
    params = Params.model_validate({"model": "lstm", "groups": "3", "hidden_size": "8"})
    assert params.groups is None and params.hidden_size == 8 and params.input_size == 512


@pytest.mark.parametrize(
    "raw, field, text",
    [
        ({"model": "sge", "groups": 3, "channels": 32}, "channels", "must divide by groups (3)"),
        ({"model": "sge", "groups": 3}, "channels", "must divide by groups"),
        (
            {"model": "lstm", "input_size": 1024, "hidden_size": 512, "num_layers": 4, "bidirectional": True},
            "input",
            "at most 2,000,000",
        ),
        ({"model": "lstm", "hidden_size": 100000}, "hidden_size", "at most 512"),
        ({"model": "linear_bias", "in_features": 0}, "in_features", "at least 1"),
        ({"model": "resnet"}, "model", "one of: linear_bias"),
        ({"model": "matmul3", "colour": "red"}, "colour", "not an input"),
    ],
)
def test_bad_inputs_name_the_field_and_what_is_allowed(raw, field, text):
    with pytest.raises(ValidationError) as raised:
        Params.model_validate(raw)
    errors = field_errors(raised.value)
    assert field in errors and text in errors[field], errors


def test_lstm_gate_blocks_follow_torchs_order_with_their_own_statistics():
    report = gallery(model="lstm", hidden_size=8, input_size=3)
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 8)
    for picture, (_name, parameter) in zip(report.parameters, lstm.named_parameters(), strict=True):
        assert [g.gate for g in picture.gates] == ["i: input", "f: forget", "g: cell", "o: output"]
        for index, gate in enumerate(picture.gates):
            block = parameter.detach()[index * 8 : (index + 1) * 8].double()
            assert (gate.first_row, gate.last_row) == (index * 8, index * 8 + 7)
            assert gate.summary.min == pytest.approx(block.min().item())
            assert gate.summary.max == pytest.approx(block.max().item())
            assert gate.summary.mean == pytest.approx(block.mean().item())
            assert gate.summary.std == pytest.approx(block.std().item())
    assert all(not p.gates for p in gallery(model="linear_bias").parameters)


def test_a_gate_block_of_one_value_has_std_zero_like_any_single_value():
    bias = gallery(model="lstm", hidden_size=1, input_size=3).parameters[2]  # bias_ih_l0: one value per gate
    assert [gate.summary.std for gate in bias.gates] == [0.0] * 4


def test_heat_map_scale_is_what_the_squares_hold():
    report = gallery(model="lstm")
    weight = report.parameters[0]  # (256, 512), drawn as 64 x 64 averages of 4 x 8 blocks
    torch.manual_seed(0)
    values = nn.LSTM(512, 64).weight_ih_l0.detach().double()
    averages = values.reshape(64, 4, 64, 8).mean(dim=(1, 3))
    assert (weight.block_rows, weight.block_cols) == (4.0, 8.0) and weight.block_averages
    assert weight.scale == pytest.approx(averages.abs().max().item())
    assert weight.scale < weight.summary.max  # why the caption must say the squares are averages
