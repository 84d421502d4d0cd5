# With strict=False, what happens when a key's shape differs between the checkpoint and the model?
model = nn.Linear(4, 3)
checkpoint = nn.Linear(4, 5).state_dict()  # weight (5, 4) and bias (5,) instead of (3, 4) and (3,)
before = model.weight.detach().clone()
try:
    model.load_state_dict(checkpoint, strict=False)
    answer = "skipped" if torch.equal(model.weight, before) else "resized"
    shown = f"no error; model.weight.shape is {tuple(model.weight.shape)}"
except RuntimeError as exc:
    answer = "raises"
    shown = str(exc).splitlines()[1].strip()
