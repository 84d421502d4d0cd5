import torch
from torch import nn


def zero_parameters(model):
    """Set every parameter of `model` to zero, keeping the same Parameter objects."""
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()


model = nn.Linear(3, 2)
zero_parameters(model)
print(model.weight)
