# After backward, what does optimizer.zero_grad() (default arguments) leave in weight.grad?
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
model(torch.randn(4, 3)).sum().backward()
opt.zero_grad()

grad = model.weight.grad
shown = grad
answer = "None" if grad is None else "zeros" if not grad.any() else "unchanged"
