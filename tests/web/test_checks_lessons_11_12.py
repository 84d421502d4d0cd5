"""Checks of lessons 11 and 12 over HTTP: torch's answer (computed here again, independently of the
probes) is the one the page accepts, every other option names its misconception, in both
languages, and each check is asked before the lab that reveals the answer."""

import pytest
import torch
from torch import nn

from tests.helpers import assert_only_torchs_answer_is_right, checks_and_labs_in_order, soup


def tied_model(tie: bool = True) -> nn.Module:
    model = nn.Module()
    model.embedding = nn.Embedding(10, 4)
    model.decoder = nn.Linear(4, 10, bias=False)
    if tie:
        model.decoder.weight = model.embedding.weight
    return model


def tied_parameters_listed_once() -> str:
    return str(len(list(tied_model().parameters())))


def tied_state_dict_numel() -> str:
    return str(sum(t.numel() for t in tied_model().state_dict().values()))


def tied_grad_accumulates() -> str:
    tied, untied = tied_model(), tied_model(tie=False)
    with torch.no_grad():
        untied.decoder.weight.copy_(tied.embedding.weight)
        untied.embedding.weight.copy_(tied.embedding.weight)
    tokens = torch.tensor([2, 5, 5, 1])
    for model in (tied, untied):
        nn.functional.cross_entropy(model.decoder(model.embedding(tokens[:-1])), tokens[1:]).backward()
    total = untied.embedding.weight.grad + untied.decoder.weight.grad
    return "sum" if torch.allclose(tied.embedding.weight.grad, total) else "other"


def lazy_numel_before_forward() -> str:
    try:
        return str(nn.LazyLinear(3).weight.numel())
    except ValueError:
        return "error"


def lazy_is_linear_before_forward() -> str:
    return str(isinstance(nn.LazyLinear(3), nn.Linear))


def lazy_optimizer_before_forward() -> str:
    layer = nn.LazyLinear(3)
    optimizer = torch.optim.Adam(layer.parameters())
    layer(torch.zeros(1, 4))
    return "yes" if any(p is layer.weight for p in optimizer.param_groups[0]["params"]) else "no"


CHECKS = [
    ("tied-parameters", "tied_parameters_listed_once", tied_parameters_listed_once),
    ("tied-parameters", "tied_state_dict_numel", tied_state_dict_numel),
    ("tied-parameters", "tied_grad_accumulates", tied_grad_accumulates),
    ("lazy-modules", "lazy_numel_before_forward", lazy_numel_before_forward),
    ("lazy-modules", "lazy_is_linear_before_forward", lazy_is_linear_before_forward),
    ("lazy-modules", "lazy_optimizer_before_forward", lazy_optimizer_before_forward),
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
    assert kinds.index("lab") > max(i for i, kind in enumerate(kinds) if kind == "check")


def test_a_wrong_answer_in_chinese_explains_the_misconception_in_chinese(client):
    response = client.get(
        "/lessons/lazy-modules",
        params={"check": "lazy_numel_before_forward", "answer": "0", "lang": "zh-CN"},
        headers={"HX-Request": "true"},
    )
    text = soup(response).select_one("#check-lazy_numel_before_forward .misconception").get_text()
    assert "占位" in text
