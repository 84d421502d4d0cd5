import torch
from torch import nn

torch.manual_seed(0)
layer = nn.LazyLinear(3)  # out_features only: in_features comes from the first input
print(layer)
print("weight type:", type(layer.weight).__name__)
try:
    layer.weight.numel()
except ValueError as error:
    print("numel() before the forward raised ValueError:", error)

optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)  # allowed before the forward
weight = layer.weight

y = layer(torch.randn(2, 4))  # the first forward: in_features = 4
print(layer)
print("type now:", type(layer).__name__, "| weight type now:", type(layer.weight).__name__)
print("weight shape:", tuple(layer.weight.shape), "| numel:", layer.weight.numel())
print("same object the optimizer holds:", optimizer.param_groups[0]["params"][0] is layer.weight is weight)

try:
    layer(torch.randn(2, 5))  # in_features is fixed now
except RuntimeError as error:
    print("a second input size:", error)
print("y.shape:", y.shape)
