import torch
from torch import nn


def make_model():
    """Build a small classifier whose layers read their input sizes from the first batch."""
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(4))


def materialize(model, in_features):
    """Give every lazy layer of `model` its real shape, for inputs with `in_features` features."""
    with torch.no_grad():
        model(torch.zeros(1, in_features))


torch.manual_seed(0)
model = make_model()
materialize(model, in_features=10)
print(model)  # after materialize: Linear layers with their real in_features
