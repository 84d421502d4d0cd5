import torch
from torch import nn


class Scale(nn.Module):
    """每个特征乘上它自己的可学习系数，初始值为 1。"""

    def __init__(self, features):
        super().__init__()
        self.scale = torch.ones(features, requires_grad=True)

    def forward(self, x):
        return x * self.scale


model = Scale(3)
print([name for name, p in model.named_parameters()])
