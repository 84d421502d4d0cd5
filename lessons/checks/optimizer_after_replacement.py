# After replacing a Parameter with setattr, does an optimizer built earlier hold the new one?
model = nn.Linear(3, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
model.weight = nn.Parameter(torch.zeros(2, 3))

holds_new = opt.param_groups[0]["params"][0] is model.weight
shown = holds_new
answer = str(holds_new)
