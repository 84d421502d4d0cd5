"""Check that Centre keeps running_mean as a persistent buffer: saved, moved, updated, never trained."""

INVARIANTS = (
    "in_buffers",
    "in_state_dict",
    "not_in_parameters",
    "follows_to",
    "updated_by_forward",
    "weight_still_parameter",
)
MISTAKES = ("no_centre_class", "plain_tensor", "parameter", "not_persistent")


def check(namespace, report):
    import torch
    from torch import nn

    cls = namespace.get("Centre")
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        report.mistake("no_centre_class")
        return
    torch.manual_seed(0)
    model = cls(3)
    buffers = dict(model.named_buffers())
    params = dict(model.named_parameters())
    report.invariant("in_buffers", "running_mean" in buffers, list(buffers))
    report.invariant("in_state_dict", "running_mean" in model.state_dict(), list(model.state_dict()))
    report.invariant("not_in_parameters", "running_mean" not in params, list(params))
    report.invariant("weight_still_parameter", isinstance(params.get("weight"), nn.Parameter), list(params))
    model.to(torch.float64)
    mean = getattr(model, "running_mean", None)
    dtype = mean.dtype if isinstance(mean, torch.Tensor) else None
    report.invariant("follows_to", dtype == torch.float64, dtype)
    model.train()
    before = mean.detach().clone() if isinstance(mean, torch.Tensor) else None
    try:
        model(torch.randn(8, 3, dtype=torch.float64) + 5)
    except Exception as exc:  # e.g. a float32 tensor left behind by .to(), updated in place with float64
        report.invariant("updated_by_forward", False, f"{type(exc).__name__}: {exc}")
    else:
        mean = getattr(model, "running_mean", None)
        moved = before is not None and isinstance(mean, torch.Tensor) and not torch.equal(before, mean.detach())
        report.invariant("updated_by_forward", moved, None if mean is None else [round(v, 2) for v in mean.tolist()])
    if "running_mean" in params:
        report.mistake("parameter")
    elif "running_mean" in buffers and "running_mean" not in model.state_dict():
        report.mistake("not_persistent")
    elif "running_mean" not in buffers:
        report.mistake("plain_tensor")
