# After requires_grad_(False) on the bias, forward and backward: what is bias.grad?
model = nn.Linear(3, 1)
model.bias.requires_grad_(False)
model(torch.randn(4, 3)).sum().backward()

grad = model.bias.grad
shown = grad
answer = "None" if grad is None else "zeros" if not grad.any() else "gradient"
