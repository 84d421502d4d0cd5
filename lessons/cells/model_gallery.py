import torch
from torch import nn


class LinearBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 5)
        self.bias = nn.Parameter(torch.randn(1, 5))

    def forward(self, x):
        return self.linear(x) + self.bias


torch.manual_seed(0)
for model in (LinearBias(), nn.LSTM(input_size=8, hidden_size=4)):
    print(type(model).__name__, "holds", sum(p.numel() for p in model.parameters()), "numbers")
    for name, p in model.named_parameters():
        print(f"  {name:14} {tuple(p.shape)}")
