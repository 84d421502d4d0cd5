"""Facts lesson 7 (buffers and temporary state) quotes, computed with the lab's own code."""

from collections.abc import Callable

from torch import nn

from app.labs import buffers as buffers_lab
from app.labs.errors import one_line


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
        return one_line(exc)
    return "(no error)"


FACTS: dict[str, Callable[[], object]] = {
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
}
