"""Check that make_symmetric keeps a layer's weight symmetric through training, by a parametrization."""

INVARIANTS = ("symmetric_now", "symmetric_after_steps", "still_trains", "parametrized", "optimizer_holds_original")
MISTAKES = ("no_function", "fixed_once", "frozen", "not_symmetric")


def _is_symmetric(weight):
    import torch

    return isinstance(weight, torch.Tensor) and weight.dim() == 2 and torch.allclose(weight, weight.T, atol=1e-6)


def check(namespace, report):
    import torch
    from torch import nn
    from torch.nn.utils import parametrize

    make = namespace.get("make_symmetric")
    if not callable(make):
        report.mistake("no_function")
        return
    torch.manual_seed(0)
    layer = nn.Linear(4, 4)
    returned = make(layer)
    layer = returned if isinstance(returned, nn.Module) else layer
    report.invariant("symmetric_now", _is_symmetric(layer.weight.detach()))
    is_parametrized = parametrize.is_parametrized(layer, "weight")
    report.invariant("parametrized", is_parametrized, [name for name, _p in layer.named_parameters()])
    names = {id(p): name for name, p in layer.named_parameters()}
    trainable = [p for p in layer.parameters() if p.requires_grad]
    if not trainable:
        report.invariant("symmetric_after_steps", _is_symmetric(layer.weight.detach()))
        report.invariant("still_trains", False, "no parameter requires grad")
        report.invariant("optimizer_holds_original", False)
        report.mistake("frozen")
        return
    optimizer = torch.optim.SGD(trainable, lr=0.5)
    held = [names.get(id(p)) for p in optimizer.param_groups[0]["params"]]
    report.invariant("optimizer_holds_original", "parametrizations.weight.original" in held, held)
    before = layer.weight.detach().clone()
    for _ in range(3):
        optimizer.zero_grad()
        layer(torch.randn(8, 4)).pow(2).sum().backward()
        optimizer.step()
    after = layer.weight.detach()
    symmetric = _is_symmetric(after)
    gap = (after - after.T).abs().max().item()
    report.invariant("symmetric_after_steps", symmetric, f"max |W - W.T| = {gap:.3g}")
    changed = not torch.equal(before, after)
    report.invariant("still_trains", changed, "" if changed else "the weight did not change in 3 SGD steps")
    if not is_parametrized and not symmetric:
        report.mistake("fixed_once")
    elif not changed:
        report.mistake("frozen")
    elif is_parametrized and not symmetric:
        report.mistake("not_symmetric")
