import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, target = torch.randn(4, 3), torch.randn(4, 2)

print("还没有 backward 时：", model.weight.grad)
for turn in (1, 2):
    loss = nn.functional.mse_loss(model(x), target)  # 每次重新 forward 都会建一张新的计算图
    loss.backward()
    print(f"第 {turn} 次 backward 之后，weight.grad 的第一行：", model.weight.grad[0])

optimizer.zero_grad()
print("zero_grad() 之后：", model.weight.grad)
