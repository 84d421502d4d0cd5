import torch
from torch import nn
from torch.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)  # the upper triangle, mirrored


torch.manual_seed(0)
layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
print("named_parameters():", [name for name, _ in layer.named_parameters()])
print("state_dict() keys: ", list(layer.state_dict()))
print("type(layer.weight):", type(layer.weight).__name__)

optimizer = torch.optim.SGD(layer.parameters(), lr=0.5)
layer(torch.randn(4, 3)).pow(2).sum().backward()
optimizer.step()
w = layer.weight.detach()
print("still symmetric after a step:", torch.equal(w, w.T))

parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
print("after removal:", [name for name, _ in layer.named_parameters()])
print(layer.weight)
