import torch
from torch import nn


class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3))
        self.offset = torch.zeros(3, requires_grad=True)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))


model = Scale()
print(isinstance(model.weight, torch.Tensor))
print([name for name, _ in model.named_parameters()])
model.offset.requires_grad
