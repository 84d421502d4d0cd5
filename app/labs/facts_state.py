"""Facts quoted by lessons 6-8 (initialisation, buffers, detach/clone/view), computed with the labs' own code."""

from collections.abc import Callable

import torch
from torch import nn

from app.labs import buffers as buffers_lab
from app.labs import detach_clone_view as views_lab
from app.labs import initialisation as init_lab
from app.labs.initialisation.models import SmallConvNet, init_weights


def _one_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


# --- lesson 6: initialisation ---


def init_keeps_parameter() -> bool:
    """Tell whether a Linear layer's weight is the same object after nn.init.normal_."""
    layer = nn.Linear(4, 2)
    weight = layer.weight
    nn.init.normal_(layer.weight, 0, 0.01)
    return layer.weight is weight


def init_returns_its_argument() -> bool:
    tensor = torch.empty(3, 3)
    return nn.init.xavier_uniform_(tensor) is tensor


def apply_returns_model() -> bool:
    model = SmallConvNet()
    return model.apply(init_weights) is model


def _visit_names(scheme: str) -> str:
    visits = init_lab.run(init_lab.Params(model="small_convnet", scheme=scheme)).visits or []
    return ", ".join(visit.name or "(model)" for visit in visits)


def modules_order() -> str:
    return _visit_names("modules_loop")


def apply_order() -> str:
    return _visit_names("apply_fn")


def apply_matches_loop() -> bool:
    """Tell whether apply(init_weights) and the modules() loop give identical values from the same seed."""
    looped = init_lab.build_model(init_lab.Params(seed=3))
    for module in looped.modules():
        init_weights(module)
    applied = init_lab.build_model(init_lab.Params(seed=3)).apply(init_weights)
    return all(torch.equal(a, b) for a, b in zip(looped.parameters(), applied.parameters()))


def xavier_1d_error() -> str:
    try:
        nn.init.xavier_uniform_(torch.empty(5))
    except ValueError as exc:
        return _one_line(exc)
    return "(no error)"


def batchnorm_weight_starts_at_ones() -> bool:
    return torch.equal(nn.BatchNorm2d(4).weight, torch.ones(4))


def assign_tensor_error() -> str:
    """Assign a plain tensor to a Linear layer's weight, as a hand-written 'initialisation' might."""
    layer = nn.Linear(4, 2)
    try:
        layer.weight = torch.randn(2, 4) * 0.01
    except TypeError as exc:
        return _one_line(exc)
    return "(no error)"


def relu_gain() -> str:
    return f"{nn.init.calculate_gain('relu'):.4f}"


# --- lesson 7: buffers ---


def _fates() -> dict[str, buffers_lab.AttributeFate]:
    return {fate.name: fate for fate in buffers_lab.attribute_fates(buffers_lab.Params())[0]}


def running_scaler_state_dict_keys() -> str:
    return ", ".join(buffers_lab.RunningScaler().state_dict())


def running_scaler_buffer_names() -> str:
    return ", ".join(name for name, _buffer in buffers_lab.RunningScaler().named_buffers())


def fate(name: str, question: str) -> object:
    return getattr(_fates()[name], question)


def batchnorm_state_dict_keys() -> str:
    return ", ".join(nn.BatchNorm1d(3).state_dict())


def batchnorm_changes(mode: str) -> bool:
    rows = buffers_lab.batchnorm_stats(buffers_lab.Params())[0]
    return next(row.changed for row in rows if row.mode == mode and row.name == "running_mean")


def num_batches_tracked_dtype_after_double() -> str:
    return str(nn.BatchNorm1d(3).double().num_batches_tracked.dtype)


def load_state_dict_report() -> str:
    return repr(buffers_lab.RunningScaler().load_state_dict(buffers_lab.RunningScaler().state_dict()))


def missing_buffer_error() -> str:
    """Load a state_dict saved before running_mean existed, as an old checkpoint would be."""
    state = buffers_lab.RunningScaler().state_dict()
    del state["running_mean"]
    try:
        buffers_lab.RunningScaler().load_state_dict(state)
    except RuntimeError as exc:
        return _one_line(exc)
    return "(no error)"


# --- lesson 8: detach, clone, view and .data ---


def view_outcome(operation: str, question: str, **choices: str) -> object:
    outcome = views_lab.outcome(operation, views_lab.Params(operation=operation, **choices))[0]
    return getattr(outcome, question)


def backward_after(operation: str, question: str) -> object:
    detail = views_lab.run(views_lab.Params(operation=operation, graph="square")).detail
    value = getattr(detail, question)
    return " ".join(value.split()) if isinstance(value, str) else value


# The facts lessons 6-8 quote, merged into app.course.facts.FACTS.
STATE_FACTS: dict[str, Callable[[], object]] = {
    "init_keeps_parameter": init_keeps_parameter,
    "init_returns_its_argument": init_returns_its_argument,
    "apply_returns_model": apply_returns_model,
    "init_modules_order": modules_order,
    "init_apply_order": apply_order,
    "init_apply_matches_loop": apply_matches_loop,
    "init_xavier_1d_error": xavier_1d_error,
    "init_batchnorm_weight_starts_at_ones": batchnorm_weight_starts_at_ones,
    "init_relu_gain": relu_gain,
    "init_assign_tensor_error": assign_tensor_error,
    "buffers_state_dict_keys": running_scaler_state_dict_keys,
    "buffers_buffer_names": running_scaler_buffer_names,
    "buffers_weight_dtype_after": lambda: fate("weight", "dtype_after"),
    "buffers_running_mean_dtype_after": lambda: fate("running_mean", "dtype_after"),
    "buffers_plain_dtype_after": lambda: fate("calls", "dtype_after"),
    "buffers_running_mean_in_parameters": lambda: fate("running_mean", "in_parameters"),
    **{
        f"buffers_{name}_{question}": (lambda name=name, question=question: fate(name, question))
        for name in ("weight", "running_mean", "last_input", "calls")
        for question in ("changed_by_step", "converted", "in_state_dict")
    },
    "buffers_last_input_restored": lambda: fate("last_input", "restored"),
    "buffers_running_mean_restored": lambda: fate("running_mean", "restored"),
    "buffers_weight_same_object_after_to": lambda: fate("weight", "same_object_after_to"),
    "buffers_running_mean_same_object_after_to": lambda: fate("running_mean", "same_object_after_to"),
    "buffers_load_report": load_state_dict_report,
    "buffers_missing_key_error": missing_buffer_error,
    "batchnorm_state_dict_keys": batchnorm_state_dict_keys,
    "batchnorm_train_changes_running_mean": lambda: batchnorm_changes("train"),
    "batchnorm_eval_changes_running_mean": lambda: batchnorm_changes("eval"),
    "batchnorm_num_batches_tracked_dtype_after_double": num_batches_tracked_dtype_after_double,
    "views_detach_requires_grad": lambda: view_outcome("detach", "requires_grad"),
    "views_detach_shares_storage": lambda: view_outcome("detach", "same_storage"),
    "views_detach_change_reaches_p": lambda: view_outcome("detach", "parameter_changed"),
    "views_clone_type": lambda: view_outcome("clone", "type_name"),
    "views_clone_grad_fn": lambda: view_outcome("clone", "grad_fn"),
    "views_clone_shares_storage": lambda: view_outcome("clone", "same_storage"),
    "views_clone_change_reaches_p": lambda: view_outcome("clone", "parameter_changed"),
    "views_index_is_leaf": lambda: view_outcome("index", "is_leaf"),
    "views_index_grad_fn": lambda: view_outcome("index", "grad_fn"),
    "views_index_shares_storage": lambda: view_outcome("index", "same_storage"),
    "views_index_in_place_error": lambda: view_outcome("index", "error"),
    "views_index_in_place_no_grad_reaches_p": lambda: view_outcome("index", "parameter_changed", context="no_grad"),
    "views_data_requires_grad": lambda: view_outcome("data", "requires_grad"),
    "views_data_change_reaches_p": lambda: view_outcome("data", "parameter_changed"),
    "views_data_version_after": lambda: view_outcome("data", "p_version_after"),
    "views_detach_version_after": lambda: view_outcome("detach", "p_version_after"),
    "views_detach_backward_error": lambda: backward_after("detach", "backward_error"),
    "views_data_grad_is_right": lambda: backward_after("data", "grad_is_right"),
    "views_detach_clone_shares_storage": lambda: view_outcome("detach_clone", "same_storage"),
}
