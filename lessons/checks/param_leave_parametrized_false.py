# After remove_parametrizations(..., leave_parametrized=False), what is layer.weight?
from torch.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
computed = layer.weight.detach().clone()
original = layer.parametrizations.weight.original.detach().clone()
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
w = layer.weight.detach()

shown = (
    f"weight equals the symmetric weight it computed: {torch.equal(w, computed)}; "
    f"weight equals parametrizations.weight.original: {torch.equal(w, original)}"
)
answer = "symmetric" if torch.equal(w, computed) else "original" if torch.equal(w, original) else "other"
