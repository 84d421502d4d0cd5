import torch
from torch import nn


class Demo(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3))
        self.register_buffer("running_mean", torch.zeros(3))
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))
        self.scale = torch.ones(3)


model = Demo()
weight, running_mean = model.weight, model.running_mean
print("model.double() is model：", model.double() is model)
print("weight：      ", model.weight.dtype, "仍是同一个对象：", model.weight is weight)
print("running_mean：", model.running_mean.dtype, "仍是同一个对象：", model.running_mean is running_mean)
print("steps：       ", model.steps.dtype)
print("scale：       ", model.scale.dtype)

t = torch.zeros(3)
t.to(torch.float64)  # 张量本身不会变：返回的结果被丢掉了
t.dtype
