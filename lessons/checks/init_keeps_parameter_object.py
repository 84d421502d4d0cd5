# After nn.init.kaiming_normal_(layer.weight), is layer.weight the same Parameter object as before?
layer = nn.Linear(4, 3)
before = layer.weight
values_before = layer.weight.detach().clone()
nn.init.kaiming_normal_(layer.weight)

same_object = layer.weight is before
values_changed = not torch.equal(values_before, layer.weight)
shown = f"layer.weight is before: {same_object}; values changed: {values_changed}"
answer = "same" if same_object else "new"
