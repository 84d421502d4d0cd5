# Forward and backward twice on the same batch without zero_grad(): what is weight.grad compared with after the first?
model = nn.Linear(3, 1)
x, target = torch.randn(4, 3), torch.randn(4, 1)
try:
    nn.functional.mse_loss(model(x), target).backward()
    first = model.weight.grad.clone()
    nn.functional.mse_loss(model(x), target).backward()  # a fresh forward, so a fresh graph
    second = model.weight.grad
    shown = f"after the first backward: {first.flatten()}; after the second: {second.flatten()}"
    answer = "doubled" if torch.allclose(second, 2 * first) else "same" if torch.allclose(second, first) else "other"
except RuntimeError as exc:
    shown = f"RuntimeError: {exc}"
    answer = "error"
