import torch
from torch import nn

torch.manual_seed(0)
layer = nn.LazyLinear(3)  # 只给 out_features：in_features 由第一次的输入决定
print(layer)
print("weight 的类型：", type(layer.weight).__name__)
try:
    layer.weight.numel()
except ValueError as error:
    print("前向之前调用 numel() 抛出 ValueError：", error)

optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)  # 前向之前就可以创建
weight = layer.weight

y = layer(torch.randn(2, 4))  # 第一次前向：in_features = 4
print(layer)
print("现在的类型：", type(layer).__name__, "| weight 现在的类型：", type(layer.weight).__name__)
print("weight 的形状：", tuple(layer.weight.shape), "| numel：", layer.weight.numel())
print("和优化器里的是同一个对象：", optimizer.param_groups[0]["params"][0] is layer.weight is weight)

try:
    layer(torch.randn(2, 5))  # in_features 现在已经固定
except RuntimeError as error:
    print("换一个输入大小：", error)
print("y.shape：", y.shape)
