"""Checks of lessons 7-10 over HTTP: torch's answer (computed here again, independently of the
probes) is the one the page accepts, every other option names its misconception, in both
languages, and each check is asked before the lesson reveals the answer."""

import pytest
import torch
from torch import nn

from tests.helpers import assert_only_torchs_answer_is_right, checks_and_labs_in_order, soup


def buffer_in_parameters() -> str:
    module = nn.Module()
    module.register_buffer("running_mean", torch.zeros(3))
    return "yes" if "running_mean" in dict(module.named_parameters()) else "no"


def non_persistent_listed() -> str:
    module = nn.Module()
    module.register_buffer("last_input", torch.zeros(3), persistent=False)
    listed, saved = "last_input" in dict(module.named_buffers()), "last_input" in module.state_dict()
    return {
        (True, True): "both",
        (True, False): "buffers_only",
        (False, True): "state_dict_only",
        (False, False): "neither",
    }[(listed, saved)]


def batchnorm_eval_forward() -> str:
    bn = nn.BatchNorm1d(2).eval()
    bn(torch.full((4, 2), 7.0))
    return "unchanged" if torch.equal(bn.running_mean, torch.zeros(2)) else "changes"


def detach_in_place() -> str:
    p = nn.Parameter(torch.zeros(2))
    p.detach().add_(1)
    return "changed" if torch.equal(p.detach(), torch.ones(2)) else "unchanged"


def clone_is_parameter() -> str:
    return str(isinstance(nn.Parameter(torch.zeros(2)).clone(), nn.Parameter))


def data_bumps_version() -> str:
    p = nn.Parameter(torch.zeros(2))
    p.data.mul_(2)
    return "bumped" if p._version else "same"


def tensor_to_without_assigning() -> str:
    t = torch.zeros(2)
    t.to(torch.float64)
    return str(t.dtype).removeprefix("torch.")


def double_keeps_parameter() -> str:
    model = nn.Linear(2, 2)
    weight = model.weight
    return str(model.double().weight is weight)


def plain_attribute_dtype() -> str:
    model = nn.Linear(2, 2)
    model.scale = torch.ones(2)
    return str(model.double().scale.dtype).removeprefix("torch.")


def frozen_weight_after_steps() -> str:
    model = nn.Linear(4, 2)
    model.weight.requires_grad_(False)
    before = model.weight.detach().clone()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    model(torch.ones(3, 4)).sum().backward()
    optimizer.step()
    return "unchanged" if torch.equal(before, model.weight) else "changed"


def trainable_count() -> str:
    linear = nn.Linear(10, 5)
    linear.weight.requires_grad_(False)
    extra_bias = nn.Parameter(torch.randn(1, 5))
    return str(sum(p.numel() for p in [*linear.parameters(), extra_bias] if p.requires_grad))


def group_default_lr() -> str:
    optimizer = torch.optim.SGD(
        [{"params": [nn.Parameter(torch.zeros(1))]}, {"params": [nn.Parameter(torch.zeros(1))], "lr": 0.5}], lr=0.05
    )
    return str(optimizer.param_groups[0]["lr"])


CHECKS = [
    ("buffers", "buffers_buffer_in_parameters", buffer_in_parameters),
    ("buffers", "buffers_non_persistent_listed", non_persistent_listed),
    ("buffers", "buffers_batchnorm_eval_forward", batchnorm_eval_forward),
    ("detach-clone-view", "views_detach_in_place_reaches_parameter", detach_in_place),
    ("detach-clone-view", "views_clone_is_parameter", clone_is_parameter),
    ("detach-clone-view", "views_data_bumps_version", data_bumps_version),
    ("devices-and-dtypes", "devices_tensor_to_without_assigning", tensor_to_without_assigning),
    ("devices-and-dtypes", "devices_double_keeps_parameter_object", double_keeps_parameter),
    ("devices-and-dtypes", "devices_plain_attribute_dtype", plain_attribute_dtype),
    ("putting-it-together", "training_frozen_weight_after_steps", frozen_weight_after_steps),
    ("putting-it-together", "training_trainable_count_weight_frozen", trainable_count),
    ("putting-it-together", "training_group_default_lr", group_default_lr),
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


def test_buffers_checks_are_asked_before_the_table_answers_them(client):
    page = soup(client.get("/lessons/buffers"))
    order = [element.get("id") or element.name for element in page.select("section.check, table")]
    assert order[:2] == ["check-buffers_buffer_in_parameters", "check-buffers_non_persistent_listed"]
