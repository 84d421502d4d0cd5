"""The buffers lab reports what plain torch does to a Parameter, buffers and a plain attribute."""

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.buffers import Params, RunningScaler, run


def run_shown_code(code: str) -> dict:
    namespace = {"torch": torch, "nn": nn, "RunningScaler": RunningScaler}
    exec(code, namespace)
    return namespace


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_table_matches_plain_torch(dtype, optimizer):
    params = Params(dtype=dtype, optimizer=optimizer, seed=4, features=5, batch=6)
    result = run(params)
    ns = run_shown_code(result.code)
    model, copy, state = ns["model"], ns["copy"], ns["state"]
    fates = {fate.name: fate for fate in result.attributes}
    assert result.state_dict_keys == list(state)
    assert set(fates) == {"weight", "running_mean", "last_input", "calls"}
    parameters = {name for name, _p in model.named_parameters()}
    buffers = {name for name, _b in model.named_buffers()}
    for name, fate in fates.items():
        tensor = getattr(model, name)
        assert fate.in_parameters is (name in parameters)
        assert fate.in_buffers is (name in buffers)
        assert fate.dtype_after == str(tensor.dtype)
        assert fate.in_state_dict is (name in state)
        assert fate.equal_after_load is torch.equal(getattr(copy, name), tensor)
        assert fate.has_grad is (tensor.grad is not None)
    assert fates["weight"].dtype_after == f"torch.{dtype}"
    assert fates["calls"].dtype_after == "torch.float32"  # the module never converts a plain attribute
    assert fates["weight"].changed_by_step and not fates["running_mean"].changed_by_step
    assert fates["running_mean"].changed_by_forward and fates["calls"].changed_by_forward
    assert [name for name, fate in fates.items() if fate.restored] == ["weight", "running_mean"]


def test_who_stays_the_same_object_after_to():
    torch.manual_seed(0)
    plain = RunningScaler()
    before = {name: getattr(plain, name) for name in ("weight", "running_mean", "last_input", "calls")}
    plain.to(torch.float64)
    expected = {name: getattr(plain, name) is tensor for name, tensor in before.items()}
    fates = {fate.name: fate.same_object_after_to for fate in run(Params(dtype="float64")).attributes}
    assert fates == expected
    assert fates["weight"] is True and fates["running_mean"] is False
    assert all(fate.same_object_after_to for fate in run(Params(dtype="float32")).attributes)


def test_load_result_is_torchs_repr():
    result = run(Params())
    ns = run_shown_code(result.code)
    assert result.load_result == repr(ns["copy"].load_state_dict(ns["state"]))


def test_batchnorm_buffers_change_in_train_mode_only():
    params = Params(features=4, batch=8, momentum=0.3, seed=7)
    torch.manual_seed(7)
    bn = nn.BatchNorm1d(4, momentum=0.3)
    batch = torch.randn(8, 4) * 2 + 1
    bn(batch)
    after_train = {name: b.clone() for name, b in bn.named_buffers()}
    bn.eval()
    bn(batch)
    result = run(params)
    rows = {(row.mode, row.name): row for row in result.batchnorm}
    for name, value in after_train.items():
        assert rows[("train", name)].after == pytest.approx(value.reshape(-1).tolist())
        assert rows[("train", name)].changed is True
        assert rows[("eval", name)].changed is False
        assert rows[("eval", name)].after == pytest.approx(dict(bn.named_buffers())[name].reshape(-1).tolist())
    assert result.batchnorm_error is None
    assert result.batchnorm_state_dict_keys == list(bn.state_dict())


def test_batch_of_one_shows_torchs_batchnorm_error():
    with pytest.raises(ValueError) as expected:
        nn.BatchNorm1d(3)(torch.randn(1, 3))
    result = run(Params(batch=1))
    assert result.batchnorm_error == f"ValueError: {expected.value}"


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"lr": 0}, "greater than 0"),
        ({"lr": 11}, "less than or equal to 10"),
        ({"features": 9}, "less than or equal to 8"),
        ({"batch": 0}, "greater than or equal to 1"),
        ({"batch": 65}, "less than or equal to 64"),
        ({"momentum": 1.5}, "less than or equal to 1"),
        ({"dtype": "int64"}, "float64"),
        ({"optimizer": "lbfgs"}, "sgd"),
    ],
)
def test_bad_inputs_are_refused(inputs, message):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert message in str(error.value)
