"""The lesson-1 lab reports exactly what plain torch reports for the same choices."""

import itertools
from contextlib import nullcontext

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.tensor_or_parameter import Params, run


def plain_torch(wrapper: str, context: str, dtype=torch.float32, shape=(2, 3), seed=0):
    torch.manual_seed(seed)
    source = torch.randn(shape, dtype=dtype)
    with torch.no_grad() if context == "no_grad" else nullcontext():
        if wrapper == "tensor":
            x = source
        elif wrapper == "tensor_requires_grad":
            x = source.requires_grad_(True)
        elif wrapper == "computed":
            x = source.requires_grad_(True) * 2
        elif wrapper == "parameter":
            x = nn.Parameter(source)
        else:
            x = nn.Parameter(source, requires_grad=False)
    return source, x


@pytest.mark.parametrize(
    "wrapper, context",
    list(
        itertools.product(
            ["tensor", "tensor_requires_grad", "computed", "parameter", "parameter_frozen"], ["normal", "no_grad"]
        )
    ),
)
def test_matches_plain_torch(wrapper, context):
    result = run(Params(wrapper=wrapper, context=context, seed=3, shape="4,2"))
    source, x = plain_torch(wrapper, context, shape=(4, 2), seed=3)
    assert result.error is None
    assert result.is_tensor is isinstance(x, torch.Tensor)
    assert result.is_parameter is isinstance(x, nn.Parameter)
    assert result.type_mro == [f"{c.__module__}.{c.__qualname__}".removeprefix("builtins.") for c in type(x).__mro__]
    assert result.requires_grad is x.requires_grad
    assert result.is_leaf is x.is_leaf
    assert result.grad_fn == (None if x.grad_fn is None else type(x.grad_fn).__name__)
    assert result.shares_storage is (x.data_ptr() == source.data_ptr())
    assert result.repr == repr(x)
    assert result.shape == [4, 2]


def test_parameter_facts_the_lesson_teaches():
    in_no_grad = run(Params(wrapper="parameter", context="no_grad"))
    assert in_no_grad.requires_grad is True and in_no_grad.repr.startswith("Parameter containing")
    assert run(Params(wrapper="parameter_frozen")).requires_grad is False
    assert run(Params(wrapper="parameter")).shares_storage is True
    computed = run(Params(wrapper="computed"))
    assert computed.is_leaf is False and computed.grad_fn == "MulBackward0"


def test_integer_parameter_shows_torchs_own_error():
    result = run(Params(wrapper="parameter", dtype="int64"))
    with pytest.raises(RuntimeError) as expected:
        nn.Parameter(torch.zeros(2, dtype=torch.int64))
    assert result.error == f"RuntimeError: {expected.value}"


@pytest.mark.parametrize("fill", ["zeros", "ones", "arange", "randn"])
def test_fill_and_code_agree(fill):
    result = run(Params(fill=fill, wrapper="tensor", shape="2,2", seed=5))
    namespace = {"torch": torch, "nn": nn}
    exec(result.code, namespace)
    assert result.repr == repr(namespace["x"])


@pytest.mark.parametrize(
    "shape, message",
    [
        ("0,3", "between 1 and 64"),
        ("65", "between 1 and 64"),
        ("1,1,1,1,1", "at most 4 dimensions"),
        ("64,64,2", "at most 4096 elements"),
        ("a,b", "separated by commas"),
        ("", "separated by commas"),
    ],
)
def test_shape_bounds(shape, message):
    with pytest.raises(ValidationError) as error:
        Params(shape=shape)
    assert message in str(error.value)
