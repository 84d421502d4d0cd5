import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(2, 2)
before = model.weight.detach().clone()
version_before = model.weight._version

for p in model.parameters():
    with torch.no_grad():
        p = torch.zeros(p.shape)  # points the name p at a new tensor
print("after the rebinding loop, weight unchanged:", torch.equal(before, model.weight))

for p in model.parameters():
    with torch.no_grad():
        p.zero_()  # changes the object p points at
print("after the p.zero_() loop, weight unchanged:", torch.equal(before, model.weight))
print("weight._version went from", version_before, "to", model.weight._version)
model.weight
