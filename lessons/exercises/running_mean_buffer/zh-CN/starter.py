import torch
from torch import nn


class Centre(nn.Module):
    """减去输入的滑动均值（训练时更新），再乘上一个权重。"""

    def __init__(self, features):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(features))
        self.running_mean = torch.zeros(features)

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.running_mean.mul_(0.9).add_(0.1 * x.mean(0))
        return (x - self.running_mean) * self.weight


model = Centre(3)
print(list(model.state_dict()))
