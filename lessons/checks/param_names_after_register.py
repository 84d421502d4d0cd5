# After register_parametrization on "weight", which names does named_parameters() list?
from torch.nn.utils import parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
names = [name for name, _p in layer.named_parameters()]

shown = f"named_parameters(): {names}"
answer = {
    ("weight", "bias"): "unchanged",
    ("bias", "parametrizations.weight.original"): "original",
    ("weight", "bias", "parametrizations.weight.original"): "both",
}.get(tuple(names), "other")
