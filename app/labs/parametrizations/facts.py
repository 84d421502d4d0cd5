"""Facts lesson 13 (parametrizations) quotes, computed with torch and the lab's own code."""

from collections.abc import Callable

import torch
from torch import nn
from torch.nn.utils import parametrize

from app.labs import parametrizations as lab
from app.labs.errors import one_line


def _result(kind: str, remove: str = "keep") -> lab.Result:
    return lab.run(lab.Params(parametrization=kind, remove=remove))


def parameter_names(kind: str) -> str:
    return ", ".join(_result(kind).parameter_names)


def state_dict_keys(kind: str) -> str:
    return ", ".join(_result(kind).state_dict_keys)


def weight_type(kind: str) -> str:
    return _result(kind).weight.type_name


def weight_norm_shapes() -> str:
    layer = lab.build("weight_norm", 3)
    return ", ".join(f"{name} {tuple(p.shape)}" for name, p in layer.named_parameters() if "original" in name)


def removal(kind: str, leave: str, question: str) -> object:
    view = _result(kind, leave).removal
    return view.error if question == "error" else getattr(view, question)


def plain_checkpoint_into_weight_norm_error() -> str:
    """Load the state_dict of a plain nn.Linear into a weight-normed one, as an old checkpoint would be."""
    try:
        lab.build("weight_norm", 3).load_state_dict(nn.Linear(3, 3).state_dict())
    except RuntimeError as exc:
        return one_line(exc)
    return "(no error)"


def assign_without_right_inverse_error() -> str:
    layer = lab.build("symmetric", 3)
    try:
        layer.weight = torch.zeros(3, 3)
    except RuntimeError as exc:
        return one_line(exc)
    return "(no error)"


def cached_weight_is_one_object() -> bool:
    layer = lab.build("symmetric", 3)
    with parametrize.cached():
        return layer.weight is layer.weight


FACTS: dict[str, Callable[[], object]] = {
    "param_symmetric_names": lambda: parameter_names("symmetric"),
    "param_weight_norm_names": lambda: parameter_names("weight_norm"),
    "param_weight_norm_shapes": weight_norm_shapes,
    "param_orthogonal_state_dict_keys": lambda: state_dict_keys("orthogonal"),
    "param_orthogonal_names": lambda: parameter_names("orthogonal"),
    "param_class_name": lambda: _result("symmetric").class_name,
    "param_weight_type": lambda: weight_type("symmetric"),
    "param_weight_is_parameter": lambda: _result("symmetric").weight.is_parameter,
    "param_weight_grad_fn": lambda: _result("symmetric").weight.grad_fn,
    "param_weight_same_object": lambda: _result("symmetric").weight.same_object_on_each_read,
    "param_weight_cached_same_object": cached_weight_is_one_object,
    "param_symmetric_violation_after_step": lambda: _result("symmetric").weight.violation_after,
    "param_leave_true_equals_computed": lambda: removal("symmetric", "leave_true", "equals_computed_weight"),
    "param_leave_false_equals_original": lambda: removal("symmetric", "leave_false", "equals_original"),
    "param_leave_false_equals_computed": lambda: removal("symmetric", "leave_false", "equals_computed_weight"),
    "param_removed_names": lambda: ", ".join(removal("symmetric", "leave_true", "parameter_names")),
    "param_weight_norm_leave_false_error": lambda: removal("weight_norm", "leave_false", "error"),
    "param_plain_checkpoint_error": plain_checkpoint_into_weight_norm_error,
    "param_assign_without_right_inverse_error": assign_without_right_inverse_error,
}
