import torch
from torch import nn


def zero_parameters(model):
    """把 `model` 的每个参数都设为 0，并且保留原来的 Parameter 对象。"""
    for p in model.parameters():
        p = torch.zeros_like(p)


model = nn.Linear(3, 2)
zero_parameters(model)
print(model.weight)
