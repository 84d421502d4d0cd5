"""The checkpoint lab reports what plain torch does when a state_dict is saved, edited and loaded."""

import io

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.course.facts import compute
from app.labs.checkpoint import Classifier, Config, Params, run

EDITS = ["none", "prefix", "rename_head", "drop_key", "add_key"]
TARGETS = ["same", "no_head_bias", "wider"]


def run_shown_code(code: str) -> dict:
    """Run the code the lab shows with plain torch; return its namespace and what the last line did."""
    *body, last = code.splitlines()
    namespace = {"torch": torch, "nn": nn, "io": io, "Classifier": Classifier, "Config": Config}
    exec("\n".join(body), namespace)
    try:
        namespace["outcome"], namespace["error"] = eval(last, namespace), None
    except RuntimeError as exc:
        namespace["outcome"], namespace["error"] = None, exc
    return namespace


def test_state_dict_holds_parameters_and_persistent_buffers_only():
    model = Classifier()
    keys = set(model.state_dict())
    rows = {row.name: row for row in run(Params()).saved_state}
    assert {name for name, row in rows.items() if row.in_state_dict} == keys
    assert keys == {name for name, _p in model.named_parameters()} | {"mean"}
    assert rows["cache"].kind == "buffer_not_persistent" and not rows["cache"].in_state_dict
    assert rows["temperature"].kind == "plain" and not rows["temperature"].in_state_dict


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("strict", [True, False])
def test_keys_and_outcome_match_plain_torch(edit, target, strict):
    result = run(Params(edit=edit, target=target, strict=strict, seed=3))
    ns = run_shown_code(result.code)
    model, state = ns["model"], ns["state"]
    expected = model.state_dict()
    statuses = {row.key: row.status for row in result.keys}
    assert set(statuses) == set(expected) | set(state)
    for key, status in statuses.items():
        if key not in state:
            assert status == "missing"
        elif key not in expected:
            assert status == "unexpected"
        else:
            assert status == ("matched" if state[key].shape == expected[key].shape else "shape_mismatch")
    if ns["error"] is None:
        assert result.load_state_dict_error is None and result.load_state_dict_result == repr(ns["outcome"])
        assert result.missing_keys == ns["outcome"].missing_keys
        assert result.unexpected_keys == ns["outcome"].unexpected_keys
    else:
        assert result.load_state_dict_error == str(ns["error"]).strip() and result.load_state_dict_result is None
    source = dict(ns["source"].named_parameters())
    for row in result.parameters:
        p = dict(model.named_parameters())[row.name]
        assert row.same_object and row.held_by_optimizer
        if row.equals_checkpoint is None:
            assert source[row.name].shape != p.shape
        else:
            assert row.equals_checkpoint is torch.equal(source[row.name], p)


def test_strict_false_does_not_forgive_a_shape_mismatch():
    with pytest.raises(RuntimeError, match="size mismatch"):
        Classifier(hidden=5).load_state_dict(Classifier().state_dict(), strict=False)
    assert "size mismatch" in run(Params(target="wider", strict=False)).load_state_dict_error


def test_a_failed_strict_load_has_already_copied_the_matching_keys():
    source, model = Classifier(), Classifier()
    state = source.state_dict()
    del state["head.bias"]
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict(state)
    assert torch.equal(model.body.weight, source.body.weight)
    rows = {row.name: row.equals_checkpoint for row in run(Params(edit="drop_key")).parameters}
    assert rows == {"body.weight": True, "body.bias": True, "head.weight": True, "head.bias": False}
    assert compute("ckpt_body_loaded_despite_error") == "True"


@pytest.mark.parametrize("payload", ["state_dict", "with_epoch", "with_config", "whole_model"])
@pytest.mark.parametrize("weights_only", [True, False])
def test_weights_only_refuses_what_plain_torch_refuses(payload, weights_only):
    result = run(Params(payload=payload, weights_only=weights_only))
    ns = {"torch": torch, "io": io, "Classifier": Classifier, "Config": Config, "source": Classifier()}
    exec(f"buffer = io.BytesIO()\n{result.code.splitlines()[3]}\nbuffer.seek(0)", ns)
    try:
        torch.load(ns["buffer"], weights_only=weights_only)
    except Exception as exc:
        assert type(exc).__name__ == "UnpicklingError" and result.load_error.startswith("UnpicklingError: ")
        assert "Unsupported global" in result.load_error and "\x1b" not in result.load_error
        assert result.keys == [] and result.parameters == []
    else:
        assert result.load_error is None and result.load_state_dict_result == "<All keys matched successfully>"
    refused = weights_only and payload in ("with_config", "whole_model")
    assert (result.load_error is not None) is refused


def test_state_dict_shares_storage_with_the_parameters():
    model = nn.Linear(2, 2)
    saved = model.state_dict()
    assert saved["weight"].data_ptr() == model.weight.data_ptr() and not saved["weight"].requires_grad
    assert compute("ckpt_state_dict_shares_storage") == "True"


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"payload": "pickle"}, "payload"),
        ({"edit": "rename_all"}, "edit"),
        ({"target": "deeper"}, "target"),
        ({"strict": "perhaps"}, "strict"),
        ({"weights_only": "sometimes"}, "weights_only"),
        ({"seed": -1}, "seed"),
        ({"path": "/etc/passwd"}, "path"),
    ],
)
def test_inputs_are_bounded(raw, field):
    with pytest.raises(ValidationError) as error:
        Params.model_validate(raw)
    assert error.value.errors()[0]["loc"][0] == field
