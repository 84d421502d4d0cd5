# What does an in-place change to p.detach() do to the Parameter p?
p = nn.Parameter(torch.zeros(3))
try:
    p.detach().add_(1)
    answer = "changed" if torch.equal(p.detach(), torch.ones(3)) else "unchanged"
    shown = p
except RuntimeError as exc:
    answer = "error"
    shown = f"RuntimeError: {exc}"
