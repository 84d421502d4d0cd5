"""The training lab gives the same losses, groups and parameter values as the same loop in plain torch."""

import math

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.labs.training import Params, run
from app.labs.zoo import LinearBias

OPTIMIZERS = {
    "sgd": lambda groups, lr: torch.optim.SGD(groups, lr=lr),
    "sgd_momentum": lambda groups, lr: torch.optim.SGD(groups, lr=lr, momentum=0.9),
    "rmsprop": lambda groups, lr: torch.optim.RMSprop(groups, lr=lr),
    "adam": lambda groups, lr: torch.optim.Adam(groups, lr=lr),
    "adamw": lambda groups, lr: torch.optim.AdamW(groups, lr=lr),
}


def plain_torch(optimizer="sgd", lr=0.05, steps=20, frozen=(), bias_lr=None, samples=32, noise=0.1, seed=0):
    """Train LinearBias by hand on the same seeded data; return the model, losses and optimizer."""
    torch.manual_seed(seed)
    model = LinearBias(10, 5)
    data = torch.Generator().manual_seed(seed)
    x = torch.randn(samples, 10, generator=data)
    true_weight = torch.randn(5, 10, generator=data)
    true_bias = torch.randn(5, generator=data)
    y = x @ true_weight.T + true_bias + noise * torch.randn(samples, 5, generator=data)
    for name in frozen:
        dict(model.named_parameters())[name].requires_grad_(False)
    trainable = {name: p for name, p in model.named_parameters() if p.requires_grad}
    if bias_lr is None:
        groups = list(trainable.values())
    else:
        groups = [
            {"params": [p for name, p in trainable.items() if name != "bias"]},
            {"params": [p for name, p in trainable.items() if name == "bias"], "lr": bias_lr},
        ]
    opt = OPTIMIZERS[optimizer](groups, lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        opt.step()
    with torch.no_grad():
        final = ((model(x) - y) ** 2).mean().item()
    return model, losses, final, opt


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_losses_and_values_match_plain_torch(optimizer):
    result = run(Params(optimizer=optimizer, lr=0.05, steps=20, samples=32, seed=7))
    model, losses, final, _ = plain_torch(optimizer, steps=20, samples=32, seed=7)
    assert result.error is None and result.diverged_at is None
    assert result.losses == pytest.approx(losses, rel=1e-5)
    assert result.final_loss == pytest.approx(final, rel=1e-5)
    assert result.final_loss < result.losses[0]


@pytest.mark.parametrize("frozen", [("linear.weight",), ("bias", "linear.bias"), ("linear.bias",)])
def test_frozen_parameters_stay_equal_and_get_no_grad(frozen):
    result = run(Params(frozen=list(frozen), optimizer="adam", steps=15, samples=32))
    model, losses, _, _ = plain_torch("adam", steps=15, frozen=frozen, samples=32)
    torch.manual_seed(0)
    start = dict(LinearBias(10, 5).named_parameters())
    outcomes = {p.name: p for p in result.parameters}
    for name, p in model.named_parameters():
        assert outcomes[name].changed is (not torch.equal(p, start[name]))
        assert outcomes[name].grad_is_none is (p.grad is None)
        assert outcomes[name].requires_grad is p.requires_grad
        assert outcomes[name].changed is (name not in frozen)
    assert result.losses == pytest.approx(losses, rel=1e-5)


def test_counts_match_plain_torch():
    result = run(Params(frozen=["linear.weight"], steps=1))
    model, *_ = plain_torch(frozen=("linear.weight",), steps=1)
    assert result.trainable_count == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert result.total_count == sum(p.numel() for p in model.parameters())
    assert (result.trainable_count, result.total_count) == (10, 60)


def test_parameter_groups_with_their_own_lr():
    result = run(Params(bias_lr=0.5, lr=0.02, optimizer="sgd_momentum", steps=10, samples=32))
    model, losses, _, opt = plain_torch("sgd_momentum", lr=0.02, steps=10, bias_lr=0.5, samples=32)
    names = {id(p): n for n, p in model.named_parameters()}
    assert [(g.names, g.lr) for g in result.param_groups] == [
        ([names[id(p)] for p in group["params"]], group["lr"]) for group in opt.param_groups
    ]
    assert [g.lr for g in result.param_groups] == [0.02, 0.5]
    assert result.losses == pytest.approx(losses, rel=1e-5)
    assert [g.numel for g in result.param_groups] == [55, 5]


def test_everything_frozen_shows_torchs_own_errors():
    frozen = ["linear.weight", "linear.bias", "bias"]
    one_group = run(Params(frozen=frozen))
    with pytest.raises(ValueError) as empty:
        torch.optim.SGD([], lr=0.1)
    assert one_group.error == f"ValueError: {empty.value}" and one_group.trainable_count == 0
    two_groups = run(Params(frozen=frozen, bias_lr=0.1))
    assert two_groups.error.startswith("RuntimeError: element 0 of tensors does not require grad")
    assert [g.names for g in two_groups.param_groups] == [[], []]


def test_divergence_stops_training_and_is_reported():
    result = run(Params(optimizer="sgd", lr=10, steps=200))
    assert result.diverged_at is not None and result.final_loss is None
    assert len(result.losses) == result.diverged_at and all(math.isfinite(v) for v in result.losses)
    assert "<svg" in result.chart_svg
    _, losses, _, _ = plain_torch("sgd", lr=10, steps=result.diverged_at + 1, samples=64)
    assert not math.isfinite(losses[-1]) and all(math.isfinite(v) for v in losses[:-1])


def test_loss_table_samples_the_curve_and_ends_with_the_final_loss():
    result = run(Params(steps=200, optimizer="adam"))
    assert 20 <= len(result.loss_table) <= 22
    assert result.loss_table[0].loss == result.losses[0]
    assert (result.loss_table[-1].step, result.loss_table[-1].loss) == (200, result.final_loss)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_code_runs_and_gives_the_same_model(optimizer):
    params = Params(frozen=["linear.bias"], bias_lr=0.3, optimizer=optimizer, steps=8, samples=16, noise=0.5, seed=3)
    result = run(params)
    namespace = {"torch": torch, "nn": nn, "LinearBias": LinearBias}
    exec(result.code, namespace)
    assert namespace["loss"].item() == pytest.approx(result.losses[-1], rel=1e-6)
    assert (
        [group["lr"] for group in namespace["optimizer"].param_groups]
        == [g.lr for g in result.param_groups]
        == [0.05, 0.3]
    )
    assert (
        type(namespace["optimizer"]).__name__
        == OPTIMIZERS[optimizer]([torch.zeros(1, requires_grad=True)], 0.1).__class__.__name__
    )
    assert namespace["optimizer"].defaults.get("momentum", 0) == (0.9 if optimizer == "sgd_momentum" else 0)


def test_form_values_are_cleaned():
    params = Params.model_validate({"frozen": ["", "bias", "linear.weight", "bias"], "bias_lr": " "})
    assert params.frozen == ["linear.weight", "bias"] and params.bias_lr is None
    assert Params.model_validate({"frozen": "bias"}).frozen == ["bias"]


@pytest.mark.parametrize(
    "inputs, field, text",
    [
        ({"steps": 0}, "steps", "greater than or equal to 1"),
        ({"steps": 201}, "steps", "less than or equal to 200"),
        ({"lr": 0}, "lr", "greater than 0"),
        ({"lr": 11}, "lr", "less than or equal to 10"),
        ({"bias_lr": -1}, "bias_lr", "greater than 0"),
        ({"samples": 4}, "samples", "greater than or equal to 8"),
        ({"noise": 2}, "noise", "less than or equal to 1"),
        ({"optimizer": "lbfgs"}, "optimizer", "sgd"),
        ({"frozen": ["linear.weight", "weight"]}, "frozen", "linear.weight"),
        ({"frozen": ["bias"] * 8}, "frozen", "at most once"),
    ],
)
def test_bad_inputs_are_refused(inputs, field, text):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    first = error.value.errors()[0]
    assert first["loc"][0] == field and text in str(error.value)
