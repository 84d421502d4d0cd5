"""Check that zero_parameters(model) zeroes every Parameter in place, telling autograd."""

INVARIANTS = ("all_zero", "same_objects", "version_bumped", "still_trainable")
MISTAKES = ("no_function", "rebound", "leaf_in_place", "replaced", "data_swap", "zero_grad")


def _rebinds_loop_variable(source):
    import ast

    for loop in ast.walk(ast.parse(source)):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name):
            for node in ast.walk(loop):
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                if isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
                    isinstance(t, ast.Name) and t.id == loop.target.id for t in targets
                ):
                    return True
    return False


def check(namespace, report):
    import torch
    from torch import nn

    function = namespace.get("zero_parameters")
    if not callable(function):
        report.mistake("no_function")
        return
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    before = dict(model.named_parameters())
    versions = {name: p._version for name, p in before.items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    function(model)
    after = dict(model.named_parameters())
    nonzero = [name for name, p in after.items() if bool(p.detach().ne(0).any())]
    report.invariant("all_zero", not nonzero, nonzero)
    moved = [name for name in before if after.get(name) is not before[name]]
    held = optimizer.param_groups[0]["params"]
    report.invariant("same_objects", not moved and all(a is b for a, b in zip(held, after.values())), moved)
    quiet = [name for name, p in before.items() if p._version == versions[name]]
    report.invariant("version_bumped", not quiet, quiet)
    frozen = [name for name, p in after.items() if not (isinstance(p, nn.Parameter) and p.requires_grad)]
    report.invariant("still_trainable", not frozen, frozen)
    if moved:
        report.mistake("replaced")
    elif nonzero and _rebinds_loop_variable(report.source):
        report.mistake("rebound")
    elif nonzero and "zero_grad(" in report.source:
        report.mistake("zero_grad")
    elif quiet and not nonzero:
        report.mistake("data_swap")


def explain(error, report):
    import torch

    try:
        torch.nn.Parameter(torch.ones(1)).zero_()
    except RuntimeError as expected:
        if type(error) is RuntimeError and str(error) == str(expected):
            report.mistake("leaf_in_place")
