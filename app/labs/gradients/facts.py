"""Facts that lesson 4 (gradients) quotes, each computed by torch on the gallery's linear_bias model."""

from collections.abc import Callable

import torch
import torch.nn.functional as F

from app.labs.seeding import seed_cpu
from app.labs.zoo import LinearBiasParams, build, example_input

HYPER = LinearBiasParams()


def _setup():
    model = build("linear_bias", HYPER)
    x = example_input("linear_bias", HYPER)
    seed_cpu(HYPER.seed + 2)
    target = torch.randn(x.shape[0], HYPER.out_features)
    return model, x, target


def _after_backwards(times: int) -> list[torch.Tensor]:
    """Run forward+backward `times` times without zero_grad; return linear.weight.grad after each."""
    model, x, target = _setup()
    grads = []
    for _ in range(times):
        F.mse_loss(model(x), target).backward()
        grads.append(model.linear.weight.grad.clone())
    return grads


def _grad_before_backward() -> object:
    model, x, target = _setup()
    F.mse_loss(model(x), target)
    return model.linear.weight.grad


def _second_backward_doubles() -> bool:
    first, second = _after_backwards(2)
    return torch.allclose(second, 2 * first)


def _backward_twice_error() -> str:
    model, x, target = _setup()
    loss = F.mse_loss(model(x), target)
    loss.backward()
    try:
        loss.backward()
    except RuntimeError as exc:
        return str(exc)
    return "(no error)"


def _grad_after_zero_grad(set_to_none: bool) -> str:
    model, x, target = _setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    F.mse_loss(model(x), target).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    return repr(model.bias.grad)


def _frozen_grad() -> object:
    model, x, target = _setup()
    model.linear.bias.requires_grad_(False)
    F.mse_loss(model(x), target).backward()
    return model.linear.bias.grad


def _plain_tensor_story() -> dict[str, object]:
    model, x, target = _setup()
    model.shift = torch.zeros(1, HYPER.out_features, requires_grad=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    F.mse_loss(model(x) + model.shift, target).backward()
    before = model.shift.detach().clone()
    optimizer.step()
    return {
        "in_parameters": any(p is model.shift for p in model.parameters()),
        "grad_is_none": model.shift.grad is None,
        "unchanged": torch.equal(before, model.shift.detach()),
    }


def _sgd_rule() -> bool:
    model, x, target = _setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    F.mse_loss(model(x), target).backward()
    before = model.linear.weight.detach().clone()
    optimizer.step()
    return torch.allclose(model.linear.weight.detach(), before - 0.1 * model.linear.weight.grad)


def _adam_state_keys() -> str:
    model, x, target = _setup()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    F.mse_loss(model(x), target).backward()
    optimizer.step()
    return ", ".join(optimizer.state[model.linear.weight])


def _adam_moves_with_zero_grads() -> bool:
    model, x, target = _setup()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    F.mse_loss(model(x), target).backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=False)
    before = model.linear.weight.detach().clone()
    optimizer.step()  # every grad is zeros now
    return not torch.equal(before, model.linear.weight.detach())


def _frozen_with_old_grad_moves() -> bool:
    model, x, target = _setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    F.mse_loss(model(x), target).backward()
    model.linear.bias.requires_grad_(False)  # frozen, but its old .grad is still there
    before = model.linear.bias.detach().clone()
    optimizer.step()
    return not torch.equal(before, model.linear.bias.detach())


FACTS: dict[str, Callable[[], object]] = {
    "linear_weight_shape": lambda: tuple(_setup()[0].linear.weight.shape),
    "grad_before_backward": _grad_before_backward,
    "grad_shape_after_backward": lambda: tuple(_after_backwards(1)[0].shape),
    "second_backward_doubles": _second_backward_doubles,
    "backward_twice_error": _backward_twice_error,
    "grad_after_zero_grad": lambda: _grad_after_zero_grad(True),
    "grad_after_zero_grad_keep": lambda: _grad_after_zero_grad(False),
    "frozen_parameter_grad": _frozen_grad,
    "plain_tensor_in_parameters": lambda: _plain_tensor_story()["in_parameters"],
    "plain_tensor_grad_is_none": lambda: _plain_tensor_story()["grad_is_none"],
    "plain_tensor_unchanged_by_step": lambda: _plain_tensor_story()["unchanged"],
    "sgd_step_is_minus_lr_grad": _sgd_rule,
    "adam_state_keys": _adam_state_keys,
    "adam_moves_with_zero_grads": _adam_moves_with_zero_grads,
    "frozen_with_old_grad_moves": _frozen_with_old_grad_moves,
}
