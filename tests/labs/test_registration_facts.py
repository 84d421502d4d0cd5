"""Lesson 2's and 3's facts (registration and the model gallery) say what plain torch says."""

from collections.abc import Callable

import pytest
import torch
from torch import nn

from app.course.facts import compute
from tests.helpers import LinearBias, error_of, names, shapes, typed


class _Holder(nn.Module):
    """A module that keeps whatever it is given as attributes, the way a learner's __init__ would."""

    def __init__(self, **attributes: object):
        super().__init__()
        for name, value in attributes.items():
            setattr(self, name, value)


def _buffer_views(persistent: bool) -> str:
    module = nn.Module()
    module.register_buffer("running", torch.ones(4), persistent=persistent)
    return f"named_buffers(): [{names(module.named_buffers())}], state_dict(): [{', '.join(module.state_dict())}]"


def _buffer_only_parameters() -> int:
    module = nn.Module()
    module.register_buffer("running", torch.ones(4))
    return sum(1 for _ in module.parameters())


def _assign_tensor_to_parameter() -> None:
    module = _Holder(weight=nn.Parameter(torch.ones(2)))
    module.weight = torch.ones(2)


def _lstm_outputs() -> str:
    output, (h_n, c_n) = nn.LSTM(4, 3)(torch.randn(5, 1, 4))
    return f"output {tuple(output.shape)}, h_n {tuple(h_n.shape)}, c_n {tuple(c_n.shape)}"


def _sge_parameters() -> nn.Module:
    """The gallery's Spatial Group Enhance holds a (1, 8, 1, 1) weight and bias, both zeros."""
    return _Holder(weight=nn.Parameter(torch.zeros(1, 8, 1, 1)), bias=nn.Parameter(torch.zeros(1, 8, 1, 1)))


def _vit_parameters() -> nn.Module:
    """The gallery's ViT head: a class token and a position embedding for 16 patches plus that token, dim 64."""
    return _Holder(cls_token=nn.Parameter(torch.randn(1, 1, 64)), pos_embedding=nn.Parameter(torch.randn(1, 17, 64)))


EXPECTED: dict[str, Callable[[], object]] = {
    "registered_parameter_names": lambda: names(_Holder(weight=nn.Parameter(torch.ones(2))).named_parameters()),
    "plain_tensor_names": lambda: f"[{names(_Holder(scale=torch.ones(2, requires_grad=True)).named_parameters())}]",
    "plain_tensor_requires_grad": lambda: _Holder(scale=torch.ones(2, requires_grad=True)).scale.requires_grad,
    "buffer_views": lambda: _buffer_views(True),
    "non_persistent_buffer_views": lambda: _buffer_views(False),
    "buffer_parameters": _buffer_only_parameters,
    "submodule_names": lambda: names(_Holder(head=nn.Linear(4, 2)).named_parameters()),
    "python_list_count": lambda: sum(
        1 for _ in _Holder(blocks=[nn.Parameter(torch.ones(2)) for _ in range(3)]).parameters()
    ),
    "parameter_list_names": lambda: names(
        _Holder(blocks=nn.ParameterList([nn.Parameter(torch.ones(2)) for _ in range(3)])).named_parameters()
    ),
    "assign_tensor_error": lambda: typed(error_of(_assign_tensor_to_parameter, TypeError)),
    "empty_optimizer_error": lambda: typed(error_of(lambda: torch.optim.SGD([], lr=0.1), ValueError)),
    "lstm_outputs": _lstm_outputs,
    "lstm_state_dict_keys": lambda: names(nn.LSTM(4, 3).named_parameters()),
    "gallery_linear_bias_shapes": lambda: shapes(LinearBias(10, 5)),
    "gallery_matmul3_shapes": lambda: shapes(_Holder(weight=nn.Parameter(torch.randn(3, 3)))),
    "gallery_sge_shapes": lambda: shapes(_sge_parameters()),
    "gallery_sge_starts_at_zero": lambda: all(torch.count_nonzero(p) == 0 for p in _sge_parameters().parameters()),
    "gallery_pool_and_sigmoid_parameters": lambda: sum(
        1 for _ in nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Sigmoid()).parameters()
    ),
    "gallery_vit_shapes": lambda: shapes(_vit_parameters()),
    "gallery_lstm_shapes": lambda: shapes(nn.LSTM(512, 64)),
    "gallery_lstm_hidden_size": lambda: nn.LSTM(512, 64).hidden_size,
    "gallery_lstm_buffers": lambda: sum(1 for _ in nn.LSTM(512, 64).buffers()),
}


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_fact_says_what_plain_torch_says(fact_id):
    assert compute(fact_id) == str(EXPECTED[fact_id]())
