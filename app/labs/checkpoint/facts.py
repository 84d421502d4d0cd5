"""Facts lesson 14 (saving and loading) quotes, computed with torch and the lab's own code."""

from collections.abc import Callable

import torch

from app.labs import checkpoint as lab


def _result(**params) -> lab.Result:
    return lab.run(lab.Params(**params))


def state_dict_keys() -> str:
    return ", ".join(lab.Classifier().state_dict())


def not_saved() -> str:
    return ", ".join(row.name for row in _result().saved_state if not row.in_state_dict)


def load_error(**params) -> str:
    """Quote load_state_dict's error on one line (its first two lines: the heading and the first problem)."""
    text = _result(**params).load_state_dict_error
    return "RuntimeError: " + " ".join(" ".join(text.splitlines()[:2]).split()) if text else "(no error)"


def load_outcome(**params) -> str:
    return _result(**params).load_state_dict_result or "(it raised)"


def same_objects_after_load() -> bool:
    return all(row.same_object and row.held_by_optimizer for row in _result().parameters)


def loaded_despite_error(name: str) -> object:
    """Say whether a Parameter holds the saved value after a strict load that raised."""
    rows = {row.name: row for row in _result(edit="drop_key").parameters}
    return rows[name].equals_checkpoint


def weights_only_error(payload: str) -> str:
    return _result(payload=payload).load_error or "(no error)"


def state_dict_shares_storage() -> bool:
    """Take state_dict() in memory, change the weight in place, and see whether the 'saved' value moved."""
    model = lab.Classifier()
    saved = model.state_dict()
    with torch.no_grad():
        model.body.weight.add_(1)
    return torch.equal(saved["body.weight"], model.body.weight.detach())


def state_dict_requires_grad() -> bool:
    return lab.Classifier().state_dict()["body.weight"].requires_grad


FACTS: dict[str, Callable[[], object]] = {
    "ckpt_state_dict_keys": state_dict_keys,
    "ckpt_not_saved": not_saved,
    "ckpt_same_objects_after_load": same_objects_after_load,
    "ckpt_missing_error": lambda: load_error(edit="drop_key"),
    "ckpt_unexpected_error": lambda: load_error(edit="add_key"),
    "ckpt_prefix_error": lambda: load_error(edit="prefix"),
    "ckpt_missing_not_strict": lambda: load_outcome(edit="drop_key", strict=False),
    "ckpt_prefix_not_strict": lambda: load_outcome(edit="prefix", strict=False),
    "ckpt_shape_error_not_strict": lambda: load_error(target="wider", strict=False),
    "ckpt_body_loaded_despite_error": lambda: loaded_despite_error("body.weight"),
    "ckpt_config_refused": lambda: weights_only_error("with_config"),
    "ckpt_whole_model_refused": lambda: weights_only_error("whole_model"),
    "ckpt_epoch_loads": lambda: ", ".join(_result(payload="with_epoch").checkpoint_keys),
    "ckpt_state_dict_shares_storage": state_dict_shares_storage,
    "ckpt_state_dict_requires_grad": state_dict_requires_grad,
}
