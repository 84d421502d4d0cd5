"""Check that materialize(model, in_features) gives every lazy layer its shape with one forward, in place."""

INVARIANTS = ("none_uninitialized", "first_layer_shape", "all_linear", "no_grad_left", "same_objects")
MISTAKES = ("no_function", "no_forward", "wrong_size", "called_backward", "replaced_layers", "counted_too_early")


def check(namespace, report):
    import torch
    from torch import nn
    from torch.nn.parameter import UninitializedParameter

    function = namespace.get("materialize")
    if not callable(function):
        report.mistake("no_function")
        return
    torch.manual_seed(0)
    model = nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(4))
    before = list(model.parameters())
    optimizer = torch.optim.SGD(before, lr=0.1)
    function(model, 7)
    after = list(model.parameters())
    lazy = [name for name, p in model.named_parameters() if isinstance(p, UninitializedParameter)]
    report.invariant("none_uninitialized", not lazy, ", ".join(lazy))
    shape = None if isinstance(model[0].weight, UninitializedParameter) else tuple(model[0].weight.shape)
    report.invariant("first_layer_shape", shape == (16, 7), shape)
    kinds = [type(model[i]).__name__ for i in (0, 2)]
    report.invariant("all_linear", all(type(model[i]) is nn.Linear for i in (0, 2)), ", ".join(kinds))
    with_grad = [name for name, p in model.named_parameters() if p.grad is not None]
    report.invariant("no_grad_left", not with_grad, ", ".join(with_grad))
    held = optimizer.param_groups[0]["params"]
    same = len(after) == len(held) and all(a is b for a, b in zip(after, held, strict=True))
    report.invariant("same_objects", same)
    if not same:
        report.mistake("replaced_layers")
    elif len(lazy) == len(after):
        report.mistake("no_forward")
    elif shape is not None and shape != (16, 7):
        report.mistake("wrong_size")
    if with_grad and same:
        report.mistake("called_backward")


def explain(error, report):
    if type(error) is ValueError and str(error).startswith("Attempted to use an uninitialized parameter"):
        report.mistake("counted_too_early")
