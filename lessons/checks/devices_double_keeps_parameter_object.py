# After model.double(), is model.weight still the Parameter object it was before?
model = nn.Linear(3, 2)
weight = model.weight
model.double()

same = model.weight is weight
shown = f"model.weight is weight: {same}; dtype now {model.weight.dtype}"
answer = str(same)
