"""Lesson 9's facts (devices and dtypes) say what plain torch, and this machine, say."""

from collections.abc import Callable

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import Demo, error_of


def _converted(conversion: str) -> tuple[Demo, dict[str, torch.Tensor], dict[str, int]]:
    """Build Demo from seed 0, remember its tensors and their memory, then call model.<conversion>()."""
    torch.manual_seed(0)
    model = Demo()
    old = {name: getattr(model, name) for name in ("weight", "running_mean", "steps", "scale")}
    pointers = {name: tensor.data_ptr() for name, tensor in old.items()}
    getattr(model, conversion)()
    return model, old, pointers


def _module_to_returns_self() -> bool:
    model = Demo()
    return model.to(torch.float64) is model


def _tensor_to_is_self(dtype: torch.dtype) -> bool:
    tensor = torch.ones(3)
    return tensor.to(dtype) is tensor


def _double(question: str, name: str = "weight") -> Callable[[], object]:
    def answer() -> object:
        model, old, pointers = _converted("double")
        tensor = getattr(model, name)
        return {
            "same_object": tensor is old[name],
            "same_pointer": tensor.data_ptr() == pointers[name],
            "dtype": str(tensor.dtype),
        }[question]

    return answer


def _float_keeps_pointer() -> bool:
    model, _old, pointers = _converted("float")
    return model.weight.data_ptr() == pointers["weight"]


def _conversions_go_through_apply() -> bool:
    """Tell whether .cuda() and .double() both hand their work to Module._apply (recorded, not run)."""
    routed: list[str] = []

    class Recorder(nn.Module):
        def _apply(self, fn, recurse=True):
            routed.append("apply")  # record the call and leave the tensors alone, so .cuda() needs no GPU
            return self

    Recorder().cuda()
    cuda_routed = routed == ["apply"]
    Recorder().double()
    return cuda_routed and routed == ["apply", "apply"]


EXPECTED: dict[str, Callable[[], object]] = {
    "module_to_returns_self": _module_to_returns_self,
    "tensor_to_returns_new": lambda: _tensor_to_is_self(torch.float64),
    "tensor_to_same_dtype_is_self": lambda: _tensor_to_is_self(torch.float32),
    "double_keeps_parameter": _double("same_object"),
    "double_parameter_same_pointer": _double("same_pointer"),
    "double_parameter_dtype": _double("dtype", "weight"),
    "double_buffer_dtype": _double("dtype", "running_mean"),
    "double_int_buffer_dtype": _double("dtype", "steps"),
    "double_plain_attribute_dtype": _double("dtype", "scale"),
    "double_keeps_buffer": _double("same_object", "running_mean"),
    "float_keeps_pointer": _float_keeps_pointer,
    "dtype_mismatch_error": lambda: error_of(lambda: nn.Linear(2, 2).to(torch.float64)(torch.ones(1, 2)), RuntimeError),
    "cuda_available": torch.cuda.is_available,
    "cuda_calls_apply": _conversions_go_through_apply,
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
