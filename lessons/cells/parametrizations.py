import torch
from torch import nn
from torch.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)  # the upper triangle, mirrored


class Mixer(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.linear = nn.Linear(n, n)
        parametrize.register_parametrization(self.linear, "weight", Symmetric())

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(0)
model = Mixer(3)
print("named_parameters():", [name for name, _ in model.named_parameters()])
print("state_dict() keys: ", list(model.state_dict()))
print("type(model.linear.weight):", type(model.linear.weight).__name__)

optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
model(torch.randn(4, 3)).pow(2).sum().backward()
optimizer.step()
w = model.linear.weight.detach()
print("still symmetric after a step:", torch.equal(w, w.T))
print(w)

parametrize.remove_parametrizations(model.linear, "weight", leave_parametrized=True)
print("after removal:", [name for name, _ in model.named_parameters()])
