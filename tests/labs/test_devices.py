"""The devices lab reports exactly what plain torch does to a module's tensors under each conversion."""

import inspect

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs import devices
from app.labs.devices import Demo, Params, run

CPU_CONVERSIONS = ["to_float64", "to_float16", "double", "half", "float", "bfloat16", "cpu"]


def plain_torch(conversion: str, start: str = "float32", seed: int = 0):
    """Do the lab's experiment by hand: build, optionally double(), remember, convert, compare."""
    torch.manual_seed(seed)
    model = Demo()
    if start == "float64":
        model.double()
    old = {"weight": model.weight, "running_mean": model.running_mean, "steps": model.steps, "scale": model.scale}
    pointers = {name: t.data_ptr() for name, t in old.items()}
    dtypes = {name: str(t.dtype) for name, t in old.items()}
    values = {name: t.detach().double() for name, t in old.items()}
    if conversion == "to_float64":
        returned = model.to(torch.float64)
    elif conversion == "to_float16":
        returned = model.to(torch.float16)
    else:
        returned = getattr(model, conversion)()
    now = {name: getattr(model, name) for name in old}
    return model, returned, old, (pointers, dtypes, values), now


@pytest.mark.parametrize("start", ["float32", "float64"])
@pytest.mark.parametrize("conversion", CPU_CONVERSIONS)
def test_matches_plain_torch(conversion, start):
    result = run(Params(conversion=conversion, start=start, seed=4))
    model, returned, old, (pointers, dtypes, values), now = plain_torch(conversion, start, seed=4)
    assert result.returned_is_model is (returned is model)
    rows = {row.name: row for row in result.tensors}
    assert list(rows) == ["weight", "running_mean", "steps", "scale"]
    for name, tensor in now.items():
        row = rows[name]
        assert row.dtype_before == dtypes[name] and row.dtype_after == str(tensor.dtype)
        assert row.device_after == str(tensor.device)
        assert row.same_object is (tensor is old[name])
        assert row.same_data_ptr is (tensor.data_ptr() == pointers[name])
        assert row.type_after == type(tensor).__name__
        assert row.requires_grad_after is tensor.requires_grad
        assert row.max_value_change == (tensor.detach().double() - values[name]).abs().max().item()
    assert [row.kind for row in rows.values()] == ["parameter", "buffer", "buffer", "attribute"]


def test_the_rules_the_lesson_teaches():
    rows = {row.name: row for row in run(Params(conversion="double")).tensors}
    assert rows["weight"].same_object and not rows["weight"].same_data_ptr
    assert rows["weight"].type_after == "Parameter" and rows["weight"].dtype_after == "torch.float64"
    assert not rows["running_mean"].same_object and rows["running_mean"].dtype_after == "torch.float64"
    assert rows["steps"].dtype_after == "torch.int64" and rows["steps"].same_object
    assert rows["scale"].dtype_after == "torch.float32" and rows["scale"].same_object
    assert run(Params(conversion="half")).tensors[0].max_value_change > 0  # float16 rounds the weights
    no_op = {row.name: row for row in run(Params(conversion="float")).tensors}
    assert all(row.same_object and row.same_data_ptr for row in no_op.values())


def test_weights_keep_their_values_up_to_the_new_precision():
    torch.manual_seed(0)
    expected = Demo().weight.detach().clone()
    result_model, *_ = plain_torch("double")
    assert torch.equal(result_model.weight.float(), expected)


def test_apply_routes_are_read_from_torch():
    routes = {route.method: route.calls_apply for route in run(Params()).apply_routes}
    for method, calls in routes.items():
        assert calls is ("self._apply(" in inspect.getsource(getattr(nn.Module, method)))
    assert set(routes) == {"to", "cuda", "cpu", "double", "float", "half", "bfloat16"}


def test_gpu_status_comes_from_torch():
    result = run(Params())
    assert result.gpu_present is torch.cuda.is_available()
    assert result.gpu_count == torch.cuda.device_count()
    assert Params().gpu_present is torch.cuda.is_available()


def test_cuda_is_refused_without_a_gpu(monkeypatch):
    monkeypatch.setattr(devices.torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValidationError) as error:
        Params(conversion="cuda")
    assert "no GPU is present" in str(error.value) and "torch.cuda.is_available()" in str(error.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_cuda_moves_like_a_dtype_change():
    rows = {row.name: row for row in run(Params(conversion="cuda")).tensors}
    assert rows["weight"].same_object and rows["weight"].device_after.startswith("cuda")
    assert rows["running_mean"].device_after.startswith("cuda")
    assert rows["scale"].device_after == "cpu"


@pytest.mark.parametrize("conversion", CPU_CONVERSIONS)
def test_code_runs_and_agrees(conversion):
    result = run(Params(conversion=conversion, start="float64"))
    namespace = {"torch": torch, "nn": nn, "Demo": Demo}
    *setup, last = result.code.splitlines()
    exec("\n".join(setup), namespace)
    same_model, same_weight, same_buffer, same_scale = eval(last, namespace)
    rows = {row.name: row for row in result.tensors}
    assert same_model is result.returned_is_model
    assert (same_weight, same_buffer, same_scale) == (
        rows["weight"].same_object,
        rows["running_mean"].same_object,
        rows["scale"].same_object,
    )


@pytest.mark.parametrize(
    "inputs, field",
    [
        ({"conversion": "meta"}, "conversion"),
        ({"start": "int8"}, "start"),
        ({"seed": -1}, "seed"),
        ({"gpu_present": True}, "gpu_present"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_inputs_are_refused(inputs, field):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert error.value.errors()[0]["loc"][0] == field
