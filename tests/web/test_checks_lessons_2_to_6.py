"""The checks of lessons 2, 3, 4 and 6 over HTTP: torch, asked here in plain code, decides the
verdict, and a wrong prediction names its misconception in both languages."""

import pytest
import torch
from torch import nn

from tests.helpers import soup


def plain_tensor_registered() -> str:
    m = nn.Module()
    m.scale = torch.ones(3, requires_grad=True)
    return str("scale" in dict(m.named_parameters()))


def parameters_behind_a_list() -> str:
    m = nn.Module()
    m.blocks = [nn.Parameter(torch.zeros(2)) for _ in range(3)]
    return str(len(list(m.parameters())))


def non_persistent_buffer() -> str:
    m = nn.Module()
    m.register_buffer("cache", torch.zeros(2), persistent=False)
    return "buffers_only" if "cache" in dict(m.named_buffers()) and "cache" not in m.state_dict() else "other"


def own_parameters_first() -> str:
    m = nn.Module()
    m.linear = nn.Linear(10, 5)
    m.bias = nn.Parameter(torch.zeros(1, 5))
    return "own_first" if next(iter(dict(m.named_parameters()))) == "bias" else "assignment_order"


def pool_and_sigmoid() -> str:
    return str(len(list(nn.AdaptiveAvgPool2d(1).parameters())) + len(list(nn.Sigmoid().parameters())))


def lstm_shape() -> str:
    return "x".join(str(size) for size in nn.LSTM(512, 64).weight_ih_l0.shape)


def twice_backward() -> str:
    model, x = nn.Linear(2, 1), torch.ones(3, 2)
    model(x).sum().backward()
    first = model.weight.grad.clone()
    model(x).sum().backward()
    return "doubled" if torch.equal(model.weight.grad, 2 * first) else "same"


def after_zero_grad() -> str:
    model = nn.Linear(2, 1)
    model(torch.ones(3, 2)).sum().backward()
    torch.optim.SGD(model.parameters(), lr=0.1).zero_grad()
    return "None" if model.weight.grad is None else "zeros"


def frozen_grad() -> str:
    model = nn.Linear(2, 1)
    model.bias.requires_grad_(False)
    model(torch.ones(3, 2)).sum().backward()
    return "None" if model.bias.grad is None else "gradient"


def plain_tensor_after_step() -> str:
    model = nn.Linear(2, 1)
    model.shift = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    (model(torch.ones(3, 2)) + model.shift).sum().backward()
    optimizer.step()
    return "grad_but_still" if model.shift.grad is not None and model.shift.item() == 1.0 else "moves"


def init_identity() -> str:
    layer = nn.Linear(4, 3)
    before = layer.weight
    nn.init.kaiming_normal_(layer.weight)
    return "same" if layer.weight is before else "new"


def apply_order() -> str:
    visited = []
    nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(lambda module: visited.append(type(module).__name__))
    return "children_then_model" if visited == ["Linear", "ReLU", "Sequential"] else "other"


def xavier_bias() -> str:
    try:
        nn.init.xavier_uniform_(nn.Linear(4, 3).bias)
    except ValueError:
        return "error"
    return "fills"


# (lesson slug, check id, torch's answer computed here, a wrong option, words of its feedback in en and zh-CN)
CHECKS = [
    (
        "live-registration",
        "plain_tensor_attribute_registered",
        plain_tensor_registered,
        "True",
        "not registered",
        "不会被登记",
    ),
    (
        "live-registration",
        "python_list_of_parameters_count",
        parameters_behind_a_list,
        "3",
        "never looks inside",
        "从不往里面看",
    ),
    ("live-registration", "non_persistent_buffer_views", non_persistent_buffer, "both", "out of", "排除在"),
    (
        "model-gallery",
        "own_parameters_listed_first",
        own_parameters_first,
        "assignment_order",
        "own Parameters",
        "自己的 Parameter",
    ),
    ("model-gallery", "pool_and_sigmoid_parameter_count", pool_and_sigmoid, "2", "fixed formulas", "固定的公式"),
    ("model-gallery", "lstm_weight_ih_shape", lstm_shape, "64x512", "four gates", "四个门"),
    ("gradients", "second_backward_without_zero_grad", twice_backward, "same", "adds to it", "往上加"),
    ("gradients", "grad_after_default_zero_grad", after_zero_grad, "zeros", "set_to_none=True", "set_to_none=True"),
    ("gradients", "frozen_parameter_grad", frozen_grad, "zeros", "not even zeros", "连零也不写"),
    (
        "gradients",
        "plain_tensor_moved_by_step",
        plain_tensor_after_step,
        "moves",
        "only registered Parameters",
        "只产出登记过的",
    ),
    ("initialisation", "init_keeps_parameter_object", init_identity, "new", "in-place", "原地操作"),
    ("initialisation", "apply_visit_order", apply_order, "model_then_children", "modules()", "modules()"),
    ("initialisation", "xavier_on_bias", xavier_bias, "fills", "fan-in and fan-out", "fan-in 和 fan-out"),
]


def ask(client, slug, check, answer, lang="en"):
    response = client.get(
        f"/lessons/{slug}", params={"check": check, "answer": answer, "lang": lang}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return soup(response).select_one(f"#check-{check}")


@pytest.mark.parametrize("slug, check, torch_answer, wrong, words_en, words_zh", CHECKS, ids=[c[1] for c in CHECKS])
def test_torch_decides_and_wrong_predictions_name_the_misconception(
    client, slug, check, torch_answer, wrong, words_en, words_zh
):
    right = torch_answer()
    assert right != wrong
    assert ask(client, slug, check, right)["data-check-result"] == "correct"
    for lang, words in (("en", words_en), ("zh-CN", words_zh)):
        block = ask(client, slug, check, wrong, lang)
        assert block["data-check-result"] == "wrong"
        assert words in block.select_one(".misconception").get_text()


@pytest.mark.parametrize("slug", sorted({c[0] for c in CHECKS}))
def test_checks_come_before_the_lab_that_reveals_them(client, slug):
    for lang in ("en", "zh-CN"):
        page = soup(client.get(f"/lessons/{slug}", params={"lang": lang}))
        blocks = page.select("section.check, [id^='lab-']")
        order = [block.get("data-check-id") or "lab" for block in blocks]
        ours = [c[1] for c in CHECKS if c[0] == slug]
        assert order.index("lab") > max(order.index(check) for check in ours), order
