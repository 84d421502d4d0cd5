# After load_state_dict, is the model's weight the same Parameter object as before?
model = nn.Linear(3, 2)
weight = model.weight
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model.load_state_dict(nn.Linear(3, 2).state_dict())

same = model.weight is weight
held = optimizer.param_groups[0]["params"][0] is model.weight
shown = f"model.weight is weight: {same}; the optimizer holds model.weight: {held}"
answer = "same" if same else "new"
