# Is a symmetrically parametrized weight still symmetric after an optimizer step?
from torch.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
optimizer = torch.optim.SGD(layer.parameters(), lr=0.5)
layer(torch.randn(4, 3)).pow(2).sum().backward()
optimizer.step()
w = layer.weight.detach()

shown = f"layer.weight after the step:\n{w}\ntorch.equal(w, w.T) = {torch.equal(w, w.T)}"
answer = "symmetric" if torch.equal(w, w.T) else "not_symmetric"
