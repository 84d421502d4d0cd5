import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(2, 2)
before = model.weight.detach().clone()
version_before = model.weight._version

for p in model.parameters():
    with torch.no_grad():
        p = torch.zeros(p.shape)  # 只是让名字 p 指向一个新张量
print("重新绑定的循环之后，weight 没变：", torch.equal(before, model.weight))

for p in model.parameters():
    with torch.no_grad():
        p.zero_()  # 改的是 p 指向的那个对象
print("p.zero_() 的循环之后，weight 没变：", torch.equal(before, model.weight))
print("weight._version 从", version_before, "变成", model.weight._version)
model.weight
