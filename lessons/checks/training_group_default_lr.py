# Which learning rate does a parameter group without its own "lr" use?
linear = nn.Linear(10, 5)
bias = nn.Parameter(torch.randn(1, 5))
optimizer = torch.optim.SGD([{"params": linear.parameters()}, {"params": [bias], "lr": 0.5}], lr=0.05)

shown = [group["lr"] for group in optimizer.param_groups]
answer = str(optimizer.param_groups[0]["lr"])
