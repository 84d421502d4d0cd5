"""The rebinding lab reports exactly what the same statements do when written out in plain torch."""

import itertools
from contextlib import nullcontext

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.rebinding import Params, run
from app.labs.zoo import LinearBias, MatMul3, SpatialGroupEnhance, ViTTokens

VARIANTS = ["rebind", "slice", "zero", "fill", "copy", "add", "data", "replace"]

# (lab inputs, the same model built in plain torch, the parameter to picture)
MODELS = {
    "linear_bias": (
        {"model": "linear_bias", "in_features": 4, "out_features": 3, "seed": 2},
        lambda: LinearBias(4, 3),
        "linear.weight",
    ),
    "matmul3": ({"model": "matmul3", "seed": 7}, lambda: MatMul3(), "weight"),
    "sge": ({"model": "sge", "groups": 4, "channels": 8, "seed": 1}, lambda: SpatialGroupEnhance(4), "bias"),
    "vit_tokens": (
        {"model": "vit_tokens", "num_patches": 3, "dim": 5, "seed": 4},
        lambda: ViTTokens(3, 5),
        "pos_embedding",
    ),
    "lstm": (
        {"model": "lstm", "input_size": 6, "hidden_size": 2, "seed": 3},
        lambda: nn.LSTM(6, 2, num_layers=1, bidirectional=False),
        "bias_hh_l0",
    ),
}


def plain_torch(make, seed: int, variant: str, context: str, focus: str, v: float) -> dict:
    """Write each statement out by hand, run it, and record what the lab should report."""
    torch.manual_seed(seed)
    model = make()
    names = [name for name, _ in model.named_parameters()]
    originals = list(model.parameters())
    before = [p.detach().clone() for p in originals]
    focus_index = names.index(focus)
    version_before = originals[focus_index]._version
    ptr_before = originals[focus_index].data_ptr()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    error, p_is_focus_after = None, None
    try:
        if variant == "replace":
            owner, _, leaf = focus.rpartition(".")
            with torch.no_grad() if context == "no_grad" else nullcontext():
                setattr(model.get_submodule(owner), leaf, nn.Parameter(torch.full_like(model.get_parameter(focus), v)))
        else:
            for index, p in enumerate(model.parameters()):
                with torch.no_grad() if context == "no_grad" else nullcontext():
                    if variant == "rebind":
                        p = torch.zeros(p.shape)
                    elif variant == "slice":
                        p[:] = 0
                    elif variant == "zero":
                        p.zero_()
                    elif variant == "fill":
                        p.fill_(v)
                    elif variant == "copy":
                        p.copy_(torch.full_like(p, v))
                    elif variant == "add":
                        p += 1
                    elif variant == "data":
                        p.data = torch.zeros_like(p)
                if index == focus_index:
                    p_is_focus_after = p is model.get_parameter(focus)
    except RuntimeError as exc:
        error = f"RuntimeError: {exc}"
    after = [model.get_parameter(name).detach() for name in names]
    return {
        "error": error,
        "changed": [not torch.equal(b, a) for b, a in zip(before, after, strict=False)],
        "after": [a.flatten()[:4].tolist() for a in after],
        "registered_is_original": [model.get_parameter(n) is o for n, o in zip(names, originals, strict=False)],
        "optimizer_holds_registered": [
            opt.param_groups[0]["params"][i] is model.get_parameter(n) for i, n in enumerate(names)
        ],
        "optimizer_holds_old": opt.param_groups[0]["params"][focus_index] is originals[focus_index],
        "p_is_focus_after": p_is_focus_after,
        "focus_version": (version_before, originals[focus_index]._version),
        "focus_ptr_changed": originals[focus_index].data_ptr() != ptr_before,
    }


@pytest.mark.parametrize("model_id, variant, context", list(itertools.product(MODELS, VARIANTS, ["no_grad", "normal"])))
def test_matches_plain_torch(model_id, variant, context):
    inputs, make, focus = MODELS[model_id]
    result = run(Params(**inputs, variant=variant, context=context, value=2.5, parameter=focus))
    expected = plain_torch(make, inputs["seed"], variant, context, focus, 2.5)

    assert result.error == expected["error"]
    assert [row.changed for row in result.parameters] == expected["changed"]
    assert result.verdict == ("changed" if any(expected["changed"]) else "unchanged")
    assert [row.after for row in result.parameters] == expected["after"]
    assert [row.registered_is_original for row in result.parameters] == expected["registered_is_original"]
    assert [row.optimizer_holds_registered for row in result.parameters] == expected["optimizer_holds_registered"]

    panel_before = {arrow.name: arrow.target for arrow in result.before.names}
    panel_after = {arrow.name: arrow.target for arrow in result.after.names}
    objects_before = {box.key: box for box in result.before.objects}
    objects_after = {box.key: box for box in result.after.objects}
    registered = f"model.{result.pictured}"
    param_before = objects_before[panel_before[registered]]
    if variant == "replace":
        slot = next(name for name in panel_after if name.startswith("opt."))
        assert (panel_after[slot] == panel_before[registered]) is expected["optimizer_holds_old"]
        assert (
            result.identity_after
            is expected["optimizer_holds_registered"][[r.name for r in result.parameters].index(focus)]
        )
    elif expected["error"] is None:
        assert result.pictured == focus
        assert result.identity_after is expected["p_is_focus_after"]
        assert (panel_after["p"] == panel_after[registered]) is expected["p_is_focus_after"]
        param_after = objects_after[panel_after[registered]]
        assert (param_before.version, param_after.version) == expected["focus_version"]
        assert (param_after.data_ptr != param_before.data_ptr) is expected["focus_ptr_changed"]
        assert param_after.id == param_before.id  # the loop never replaces the registered Parameter


def test_rebinding_moves_only_the_loop_name():
    result = run(Params(variant="rebind", model="matmul3"))
    before = {a.name: a.target for a in result.before.names}
    after = {a.name: a.target for a in result.after.names}
    assert before["p"] == before["model.weight"]
    assert after["p"] != after["model.weight"] and after["model.weight"] == before["model.weight"]
    new_object = next(box for box in result.after.objects if box.key == after["p"])
    assert new_object.kind == "Tensor"
    assert result.verdict == "unchanged" and result.identity_after is False
    assert "moved" in result.picture_svg


def test_data_assignment_swaps_storage_without_a_version_bump():
    result = run(Params(variant="data", model="matmul3"))
    param_before = next(box for box in result.before.objects if box.kind == "Parameter")
    param_after = next(box for box in result.after.objects if box.kind == "Parameter")
    new_tensor = next(box for box in result.after.objects if box.kind == "Tensor")
    assert param_after.id == param_before.id and param_after.version == param_before.version
    assert param_after.data_ptr == new_tensor.data_ptr != param_before.data_ptr


def test_leaf_error_is_torchs_own_text():
    result = run(Params(variant="add", context="normal", model="matmul3"))
    with pytest.raises(RuntimeError) as expected:
        p = nn.Parameter(torch.zeros(2))
        p += 1
    assert result.error == f"RuntimeError: {expected.value}"
    assert result.error_parameter == "weight" and result.verdict == "unchanged"


def test_code_runs_in_plain_python_to_the_same_values():
    result = run(Params(variant="fill", value=-3.0, model="linear_bias", in_features=2, out_features=2))
    namespace = {"torch": torch, "nn": nn, "LinearBias": LinearBias}
    exec(result.code, namespace)
    assert [row.after for row in result.parameters] == [
        p.detach().flatten()[:4].tolist() for p in namespace["model"].parameters()
    ]


def test_replacement_code_names_the_owner_module():
    result = run(Params(variant="replace", parameter="linear.bias", value=1.0))
    assert 'setattr(model.linear, "bias", nn.Parameter(torch.full_like(model.linear.bias, 1.0)))' in result.code


def test_python_analogy_is_really_run():
    ints, lists = run(Params()).analogy
    xs = [1, 2]
    for x in xs:
        x += 1
    rows = [[1, 2], [3, 4]]
    for s in rows:
        s[0] += 1
    assert (ints.after, ints.changed) == (repr(xs), False)
    assert (lists.after, lists.changed) == (repr(rows), True)
    assert ints.name_id_before != ints.name_id_after  # x was rebound to a new int
    assert lists.name_id_before == lists.name_id_after  # s kept pointing at the same inner list


def test_picture_has_no_inline_style_and_a_title():
    svg = run(Params(variant="replace")).picture_svg
    assert "style=" not in svg and "<title>" in svg and 'fill="currentColor"' in svg


@pytest.mark.parametrize(
    "inputs, field, message",
    [
        ({"variant": "p = 1"}, "variant", "must be one of"),
        ({"model": "resnet"}, "model", "must be one of"),
        ({"value": 1001}, "value", "at most 1000"),
        ({"value": -1e9}, "value", "at least -1000"),
        ({"value": "nan"}, "value", "finite number from -1000.0 to 1000.0"),
        ({"value": "-inf"}, "value", "finite number"),
        ({"parameter": "weight"}, "parameter", "linear.weight, linear.bias"),
        ({"model": "sge", "groups": 8, "channels": 30}, "channels", "must divide by groups"),
        ({"model": "lstm", "input_size": 1024, "hidden_size": 512, "num_layers": 4}, "bidirectional", "at most"),
        ({"in_features": 0}, "in_features", "at least 1"),
        ({"code": "import os"}, "code", "not an input"),
    ],
)
def test_bad_inputs_name_the_field(inputs, field, message):
    from app.labs.errors import field_errors

    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    errors = field_errors(error.value)
    assert field in errors and message in errors[field]


@pytest.mark.parametrize("variant", ["slice", "zero", "fill", "copy", "add", "data"])
def test_default_picture_shows_the_change_the_verdict_states(variant):
    result = run(Params(variant=variant, context="no_grad"))
    assert result.verdict == "changed"
    pictured = next(row for row in result.parameters if row.name == result.pictured)
    assert pictured.changed  # the picture is of a parameter whose values torch saw change
    before, after = result.before.objects[0].values, result.after.objects[0].values
    assert before != after and "(was " in result.picture_svg


def test_linear_bias_extra_bias_is_drawn_from_randn_like_the_article():
    torch.manual_seed(0)
    linear = nn.Linear(10, 5)
    expected = nn.Parameter(torch.randn(1, 5))
    result = run(Params(variant="rebind"))
    bias = next(row for row in result.parameters if row.name == "bias")
    assert bias.before == pytest.approx(expected.detach().flatten()[:4].tolist())
    assert linear.weight.shape == (5, 10)
