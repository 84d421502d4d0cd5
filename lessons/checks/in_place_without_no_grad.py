# What does `p += 1` do to a Parameter when autograd is recording (no torch.no_grad())?
model = nn.Linear(3, 2)
before = model.weight.detach().clone()
try:
    for p in model.parameters():
        p += 1
    answer = "nothing" if torch.equal(before, model.weight) else "changes"
    shown = None
except RuntimeError as exc:
    answer = "error"
    shown = f"RuntimeError: {exc}"
