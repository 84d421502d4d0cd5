"""Facts that lesson prose quotes: each is computed by torch every time a page asks for it.

A lesson writes [[fact:<id>]] instead of typing a value, so the text and torch cannot disagree.
"""

from typing import Callable

import torch
from torch import nn

from app.labs import facts_state as state


def _parameter() -> nn.Parameter:
    return nn.Parameter(torch.zeros(2))


def _parameter_in_no_grad() -> nn.Parameter:
    with torch.no_grad():
        return nn.Parameter(torch.zeros(2))


def _shares_storage() -> bool:
    source = torch.zeros(2)
    return nn.Parameter(source).data_ptr() == source.data_ptr()


def _int_parameter_error() -> str:
    try:
        nn.Parameter(torch.zeros(2, dtype=torch.int64))
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


FACTS: dict[str, Callable[[], object]] = {
    "parameter_is_tensor": lambda: isinstance(_parameter(), torch.Tensor),
    "tensor_is_parameter": lambda: isinstance(torch.zeros(2), nn.Parameter),
    "parameter_mro": lambda: " → ".join(cls.__name__ for cls in type(_parameter()).__mro__),
    "parameter_repr_first_line": lambda: repr(_parameter()).splitlines()[0],
    "parameter_requires_grad": lambda: _parameter().requires_grad,
    "tensor_requires_grad": lambda: torch.zeros(2).requires_grad,
    "parameter_requires_grad_in_no_grad": lambda: _parameter_in_no_grad().requires_grad,
    "frozen_parameter_requires_grad": lambda: nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad,
    "parameter_is_leaf": lambda: _parameter().is_leaf,
    "parameter_shares_storage": _shares_storage,
    "int_parameter_error": _int_parameter_error,
    # --- lessons 6-8: initialisation, buffers, detach/clone/view (helpers in facts_state.py) ---
    "init_keeps_parameter": state.init_keeps_parameter,
    "init_returns_its_argument": state.init_returns_its_argument,
    "apply_returns_model": state.apply_returns_model,
    "init_modules_order": state.modules_order,
    "init_apply_order": state.apply_order,
    "init_apply_matches_loop": state.apply_matches_loop,
    "init_xavier_1d_error": state.xavier_1d_error,
    "init_batchnorm_weight_starts_at_ones": state.batchnorm_weight_starts_at_ones,
    "init_relu_gain": state.relu_gain,
    "init_assign_tensor_error": state.assign_tensor_error,
    "buffers_state_dict_keys": state.running_scaler_state_dict_keys,
    "buffers_buffer_names": state.running_scaler_buffer_names,
    "buffers_weight_dtype_after": lambda: state.fate("weight", "dtype_after"),
    "buffers_running_mean_dtype_after": lambda: state.fate("running_mean", "dtype_after"),
    "buffers_plain_dtype_after": lambda: state.fate("calls", "dtype_after"),
    "buffers_running_mean_in_parameters": lambda: state.fate("running_mean", "in_parameters"),
    **{
        f"buffers_{name}_{question}": (lambda name=name, question=question: state.fate(name, question))
        for name in ("weight", "running_mean", "last_input", "calls")
        for question in ("changed_by_step", "converted", "in_state_dict")
    },
    "buffers_last_input_restored": lambda: state.fate("last_input", "restored"),
    "buffers_running_mean_restored": lambda: state.fate("running_mean", "restored"),
    "buffers_weight_same_object_after_to": lambda: state.fate("weight", "same_object_after_to"),
    "buffers_running_mean_same_object_after_to": lambda: state.fate("running_mean", "same_object_after_to"),
    "buffers_load_report": state.load_state_dict_report,
    "buffers_missing_key_error": state.missing_buffer_error,
    "batchnorm_state_dict_keys": state.batchnorm_state_dict_keys,
    "batchnorm_train_changes_running_mean": lambda: state.batchnorm_changes("train"),
    "batchnorm_eval_changes_running_mean": lambda: state.batchnorm_changes("eval"),
    "batchnorm_num_batches_tracked_dtype_after_double": state.num_batches_tracked_dtype_after_double,
    "views_detach_requires_grad": lambda: state.view_outcome("detach", "requires_grad"),
    "views_detach_shares_storage": lambda: state.view_outcome("detach", "same_storage"),
    "views_detach_change_reaches_p": lambda: state.view_outcome("detach", "parameter_changed"),
    "views_clone_type": lambda: state.view_outcome("clone", "type_name"),
    "views_clone_grad_fn": lambda: state.view_outcome("clone", "grad_fn"),
    "views_clone_shares_storage": lambda: state.view_outcome("clone", "same_storage"),
    "views_clone_change_reaches_p": lambda: state.view_outcome("clone", "parameter_changed"),
    "views_index_is_leaf": lambda: state.view_outcome("index", "is_leaf"),
    "views_index_grad_fn": lambda: state.view_outcome("index", "grad_fn"),
    "views_index_shares_storage": lambda: state.view_outcome("index", "same_storage"),
    "views_index_in_place_error": lambda: state.view_outcome("index", "error"),
    "views_index_in_place_no_grad_reaches_p": lambda: state.view_outcome("index", "parameter_changed", context="no_grad"),
    "views_data_requires_grad": lambda: state.view_outcome("data", "requires_grad"),
    "views_data_change_reaches_p": lambda: state.view_outcome("data", "parameter_changed"),
    "views_data_version_after": lambda: state.view_outcome("data", "p_version_after"),
    "views_detach_version_after": lambda: state.view_outcome("detach", "p_version_after"),
    "views_detach_backward_error": lambda: state.backward_after("detach", "backward_error"),
    "views_data_grad_is_right": lambda: state.backward_after("data", "grad_is_right"),
    "views_detach_clone_shares_storage": lambda: state.view_outcome("detach_clone", "same_storage"),
}


def compute(fact_id: str) -> str:
    """Compute one fact now and return it as the text the page shows."""
    return str(FACTS[fact_id]())
