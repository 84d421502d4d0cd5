"""Facts quoted by lessons 2 (live registration) and 3 (model gallery), computed by torch per request."""

from collections.abc import Callable

import torch
from torch import nn

from app.labs.zoo import MODELS, build


def _module_with(**attributes: object) -> nn.Module:
    module = nn.Module()
    for name, value in attributes.items():
        setattr(module, name, value)
    return module


def _names(pairs) -> str:
    return ", ".join(name for name, _ in pairs)


def _shapes(module: nn.Module) -> str:
    return ", ".join(f"{name} {tuple(p.shape)}" for name, p in module.named_parameters())


def _buffer_keys(persistent: bool) -> str:
    module = nn.Module()
    module.register_buffer("running", torch.zeros(2), persistent=persistent)
    return f"named_buffers(): [{_names(module.named_buffers())}], state_dict(): [{', '.join(module.state_dict())}]"


def _buffer_only_parameter_count() -> int:
    module = nn.Module()
    module.register_buffer("running", torch.zeros(2))
    return len(list(module.parameters()))


def _error_of(action: Callable[[], object]) -> str:
    try:
        action()
    except Exception as exc:  # the message itself is the fact
        return f"{type(exc).__name__}: {exc}"
    return "(no error)"


def _assign_tensor_to_parameter() -> None:
    module = _module_with(weight=nn.Parameter(torch.zeros(3)))
    module.weight = torch.zeros(3)


def _default(model_id: str) -> nn.Module:
    return build(model_id, MODELS[model_id].params())


def _lstm_outputs() -> str:
    lstm = nn.LSTM(4, 3)
    output, (h_n, c_n) = lstm(torch.zeros(5, 1, 4))
    return f"output {tuple(output.shape)}, h_n {tuple(h_n.shape)}, c_n {tuple(c_n.shape)}"


FACTS: dict[str, Callable[[], object]] = {
    "registered_parameter_names": lambda: _names(_module_with(weight=nn.Parameter(torch.zeros(3))).named_parameters()),
    "plain_tensor_names": lambda: (
        f"[{_names(_module_with(scale=torch.ones(3, requires_grad=True)).named_parameters())}]"
    ),
    "plain_tensor_requires_grad": lambda: _module_with(scale=torch.ones(3, requires_grad=True)).scale.requires_grad,
    "buffer_views": lambda: _buffer_keys(True),
    "non_persistent_buffer_views": lambda: _buffer_keys(False),
    "buffer_parameters": _buffer_only_parameter_count,
    "submodule_names": lambda: _names(_module_with(head=nn.Linear(4, 2)).named_parameters()),
    "python_list_count": lambda: len(
        list(_module_with(blocks=[nn.Parameter(torch.zeros(2)) for _ in range(3)]).parameters())
    ),
    "parameter_list_names": lambda: _names(
        _module_with(blocks=nn.ParameterList(nn.Parameter(torch.zeros(2)) for _ in range(3))).named_parameters()
    ),
    "assign_tensor_error": lambda: _error_of(_assign_tensor_to_parameter),
    "empty_optimizer_error": lambda: _error_of(lambda: torch.optim.SGD(nn.Module().parameters(), lr=0.1)),
    "lstm_outputs": _lstm_outputs,
    "lstm_state_dict_keys": lambda: ", ".join(nn.LSTM(4, 3).state_dict()),
    "gallery_linear_bias_shapes": lambda: _shapes(_default("linear_bias")),
    "gallery_matmul3_shapes": lambda: _shapes(_default("matmul3")),
    "gallery_sge_shapes": lambda: _shapes(_default("sge")),
    "gallery_sge_starts_at_zero": lambda: all(bool((p == 0).all()) for p in _default("sge").parameters()),
    "gallery_pool_and_sigmoid_parameters": lambda: (
        len(list(nn.AdaptiveAvgPool2d(1).parameters())) + len(list(nn.Sigmoid().parameters()))
    ),
    "gallery_vit_shapes": lambda: _shapes(_default("vit_tokens")),
    "gallery_lstm_shapes": lambda: _shapes(_default("lstm")),
    "gallery_lstm_hidden_size": lambda: _default("lstm").hidden_size,
    "gallery_lstm_buffers": lambda: len(list(_default("lstm").buffers())),
}
