"""Checks of lessons 13-14 over HTTP: torch's answer (computed here again, independently of the
probes) is the one the page accepts, every other option names its misconception, in both
languages, and each check is asked before the lab that reveals it."""

import argparse
import io

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from tests.helpers import assert_only_torchs_answer_is_right, checks_and_labs_in_order, soup


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


def symmetric_layer() -> nn.Linear:
    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    return layer


def names_after_register() -> str:
    names = [name for name, _p in symmetric_layer().named_parameters()]
    return "original" if names == ["bias", "parametrizations.weight.original"] else "other"


def symmetric_after_step() -> str:
    layer = symmetric_layer()
    torch.optim.SGD(layer.parameters(), lr=5.0)
    layer(torch.randn(4, 3)).sum().backward()
    torch.optim.SGD(layer.parameters(), lr=5.0).step()
    w = layer.weight.detach()
    return "symmetric" if torch.equal(w, w.T) else "not_symmetric"


def leave_parametrized_false() -> str:
    layer = symmetric_layer()
    original = layer.parametrizations.weight.original.detach().clone()
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    return "original" if torch.equal(layer.weight, original) else "symmetric"


def same_object_after_load() -> str:
    model = nn.Linear(2, 2)
    weight = model.weight
    model.load_state_dict(nn.Linear(2, 2).state_dict())
    return "same" if model.weight is weight else "new"


def state_dict_is_live() -> str:
    model = nn.Linear(2, 2)
    best = model.state_dict()
    with torch.no_grad():
        model.weight.mul_(2).add_(1)
    return "changes" if torch.equal(best["weight"], model.weight) else "kept"


def strict_false_shape_mismatch() -> str:
    try:
        nn.Linear(4, 3).load_state_dict(nn.Linear(4, 5).state_dict(), strict=False)
    except RuntimeError:
        return "raises"
    return "skipped"


def weights_only_args() -> str:
    buffer = io.BytesIO()
    torch.save({"args": argparse.Namespace(lr=0.1)}, buffer)
    buffer.seek(0)
    try:
        torch.load(buffer)
    except Exception:
        return "raises"
    return "loads"


CHECKS = [
    ("parametrizations", "param_names_after_register", names_after_register),
    ("parametrizations", "param_symmetric_after_step", symmetric_after_step),
    ("parametrizations", "param_leave_parametrized_false", leave_parametrized_false),
    ("saving-and-loading", "ckpt_same_object_after_load", same_object_after_load),
    ("saving-and-loading", "ckpt_state_dict_is_live", state_dict_is_live),
    ("saving-and-loading", "ckpt_strict_false_shape_mismatch", strict_false_shape_mismatch),
    ("saving-and-loading", "ckpt_weights_only_args", weights_only_args),
]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("slug, check, expected", CHECKS, ids=[check for _, check, _ in CHECKS])
def test_only_torchs_answer_is_right_and_wrong_ones_explain_themselves(client, slug, check, expected, lang):
    assert_only_torchs_answer_is_right(client, slug, check, expected(), lang)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("slug", sorted({slug for slug, _, _ in CHECKS}))
def test_checks_come_before_the_lab_that_reveals_them(client, slug, lang):
    kinds = checks_and_labs_in_order(client, slug, lang)
    assert kinds.count("check") >= 2
    assert kinds.index("lab") > kinds.index("check")


def test_the_misconception_is_named_in_both_languages(client):
    for lang, words in (("en", "copies each saved tensor into the existing one"), ("zh-CN", "从不替换 Parameter")):
        response = client.get(
            "/lessons/saving-and-loading",
            params={"check": "ckpt_same_object_after_load", "answer": "new", "lang": lang},
            headers={"HX-Request": "true"},
        )
        assert words in soup(response).select_one("#check-ckpt_same_object_after_load .misconception").get_text()
