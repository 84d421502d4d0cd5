import torch
from torch import nn


class Scale(nn.Module):
    """Multiply each feature by its own learnable factor, starting at 1."""

    def __init__(self, features):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(features))

    def forward(self, x):
        return x * self.scale


model = Scale(3)
print([name for name, p in model.named_parameters()])
