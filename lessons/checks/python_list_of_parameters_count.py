# How many tensors does parameters() yield when three Parameters sit in a plain Python list?
m = nn.Module()
try:
    m.blocks = [nn.Parameter(torch.zeros(2)) for _ in range(3)]
    count = len(list(m.parameters()))
    shown = f"len(list(m.parameters())) = {count}"
    answer = str(count)
except Exception as exc:
    shown = f"{type(exc).__name__}: {exc}"
    answer = "error"
