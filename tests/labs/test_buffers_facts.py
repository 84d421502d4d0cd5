"""Lesson 7's facts (buffers and temporary state) say what plain torch says for the lesson's RunningScaler."""

from collections.abc import Callable
from functools import cache

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import RunningScaler, error_of, names, one_line

ATTRIBUTES = ("weight", "running_mean", "last_input", "calls")


def _values(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: getattr(model, name).detach().clone() for name in ATTRIBUTES}


@cache
def _story() -> dict[str, dict[str, object]]:
    """Follow the lesson's steps (seed 0, .to(float64), forward, backward, SGD step, state_dict round trip).

    Return, per attribute, the answer to each question the lesson asks about it.
    """
    torch.manual_seed(0)
    model = RunningScaler(3)
    originals = {name: getattr(model, name) for name in ATTRIBUTES}
    dtypes_before = {name: tensor.dtype for name, tensor in originals.items()}
    model.to(torch.float64)
    after_to = {name: getattr(model, name) for name in ATTRIBUTES}
    x = torch.randn(4, 3, dtype=torch.float64)
    model(x).pow(2).mean().backward()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before_step = _values(model)
    optimizer.step()
    after_step = _values(model)
    state = model.state_dict()
    copy = RunningScaler(3).to(torch.float64)
    copy_before = _values(copy)
    copy.load_state_dict(state)
    copy_after = _values(copy)
    parameter_ids = {id(p) for p in model.parameters()}
    return {
        name: {
            "dtype_after": str(after_to[name].dtype),
            "converted": after_to[name].dtype != dtypes_before[name],
            "same_object_after_to": after_to[name] is originals[name],
            "in_parameters": id(getattr(model, name)) in parameter_ids,
            "changed_by_step": not torch.equal(before_step[name], after_step[name]),
            "in_state_dict": name in state,
            "restored": not torch.equal(copy_before[name], after_step[name])
            and torch.equal(copy_after[name], after_step[name]),
        }
        for name in ATTRIBUTES
    }


def _fate(name: str, question: str) -> Callable[[], object]:
    return lambda: _story()[name][question]


def _missing_running_mean() -> None:
    state = RunningScaler().state_dict()
    state.pop("running_mean")
    RunningScaler().load_state_dict(state)


def _batchnorm_changes_running_mean(mode: str) -> bool:
    """Seed 0, BatchNorm1d(3) and a (4, 3) batch * 2 + 1: one forward in train mode, then one in eval mode."""
    torch.manual_seed(0)
    bn = nn.BatchNorm1d(3, momentum=0.1)
    batch = torch.randn(4, 3) * 2 + 1
    changed = {}
    for each in ("train", "eval"):
        bn.train(each == "train")
        before = bn.running_mean.clone()
        bn(batch)
        changed[each] = not torch.equal(before, bn.running_mean)
    return changed[mode]


def _batchnorm_keys() -> str:
    bn = nn.BatchNorm1d(3)
    return ", ".join([name for name, _ in bn.named_parameters()] + [name for name, _ in bn.named_buffers()])


EXPECTED: dict[str, Callable[[], object]] = {
    "buffers_state_dict_keys": lambda: ", ".join(RunningScaler().state_dict()),
    "buffers_buffer_names": lambda: names(RunningScaler().named_buffers()),
    "buffers_weight_dtype_after": _fate("weight", "dtype_after"),
    "buffers_running_mean_dtype_after": _fate("running_mean", "dtype_after"),
    "buffers_plain_dtype_after": _fate("calls", "dtype_after"),
    "buffers_running_mean_in_parameters": _fate("running_mean", "in_parameters"),
    **{
        f"buffers_{name}_{question}": _fate(name, question)
        for name in ATTRIBUTES
        for question in ("changed_by_step", "converted", "in_state_dict")
    },
    "buffers_last_input_restored": _fate("last_input", "restored"),
    "buffers_running_mean_restored": _fate("running_mean", "restored"),
    "buffers_weight_same_object_after_to": _fate("weight", "same_object_after_to"),
    "buffers_running_mean_same_object_after_to": _fate("running_mean", "same_object_after_to"),
    "buffers_load_report": lambda: repr(RunningScaler().load_state_dict(RunningScaler().state_dict())),
    "buffers_missing_key_error": lambda: one_line(error_of(_missing_running_mean, RuntimeError)),
    "batchnorm_state_dict_keys": _batchnorm_keys,
    "batchnorm_train_changes_running_mean": lambda: _batchnorm_changes_running_mean("train"),
    "batchnorm_eval_changes_running_mean": lambda: _batchnorm_changes_running_mean("eval"),
    "batchnorm_num_batches_tracked_dtype_after_double": lambda: str(
        nn.BatchNorm1d(3).to(torch.float64).num_batches_tracked.dtype
    ),
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
