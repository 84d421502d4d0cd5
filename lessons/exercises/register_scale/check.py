"""Check that Scale registers `scale` as a trainable Parameter that forward uses."""

INVARIANTS = ("scale_is_parameter", "scale_in_parameters", "starts_at_ones", "grad_after_backward", "changed_by_step")
MISTAKES = ("no_scale_class", "plain_tensor", "buffer", "frozen", "not_used_in_forward", "before_super_init")


def check(namespace, report):
    import torch
    from torch import nn

    cls = namespace.get("Scale")
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        report.mistake("no_scale_class")
        return
    torch.manual_seed(0)
    model = cls(4)
    scale = model.__dict__.get("_parameters", {}).get("scale")
    if scale is None:
        scale = model.__dict__.get("_buffers", {}).get("scale", model.__dict__.get("scale"))
    report.invariant("scale_is_parameter", isinstance(scale, nn.Parameter), type(scale).__name__)
    names = [name for name, p in model.named_parameters() if p is scale]
    report.invariant("scale_in_parameters", bool(names), [name for name, p in model.named_parameters()])
    is_tensor = isinstance(scale, torch.Tensor)
    ones = is_tensor and tuple(scale.shape) == (4,) and torch.equal(scale.detach(), torch.ones(4))
    report.invariant("starts_at_ones", ones, tuple(scale.shape) if is_tensor else None)
    if is_tensor and not isinstance(scale, nn.Parameter):
        report.mistake("buffer" if any(b is scale for b in model.buffers()) else "plain_tensor")
    out = model(torch.randn(2, 4))
    if isinstance(out, torch.Tensor) and out.requires_grad:
        out.pow(2).sum().backward()
    has_grad = is_tensor and scale.grad is not None
    report.invariant(
        "grad_after_backward", has_grad, "grad is None" if not has_grad else "grad " + str(tuple(scale.grad.shape))
    )
    if isinstance(scale, nn.Parameter) and not scale.requires_grad:
        report.mistake("frozen")
    elif isinstance(scale, nn.Parameter) and not has_grad:
        report.mistake("not_used_in_forward")
    changed, detail = False, ""
    if is_tensor:
        before = scale.detach().clone()
        try:
            torch.optim.SGD(model.parameters(), lr=0.1).step()
            changed = not torch.equal(before, scale.detach())
        except ValueError as exc:
            detail = str(exc)
    report.invariant("changed_by_step", changed, detail)


def explain(error, report):
    import torch
    from torch import nn

    class Early(nn.Module):
        def __init__(self):
            self.scale = nn.Parameter(torch.ones(1))

    try:
        Early()
    except AttributeError as expected:
        if type(error) is AttributeError and str(error) == str(expected):
            report.mistake("before_super_init")
