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
x = torch.randn(64, 10)
y = x @ torch.randn(10, 5) + 0.1 * torch.randn(64, 5)
model = LinearBias()
model.linear.weight.requires_grad_(False)  # 在创建优化器之前就冻结
weight_before = model.linear.weight.clone()
linear_trainable = [p for p in model.linear.parameters() if p.requires_grad]
optimizer = torch.optim.SGD([{"params": linear_trainable}, {"params": [model.bias], "lr": 0.5}], lr=0.05)
print("可训练的数值个数：", sum(p.numel() for p in model.parameters() if p.requires_grad))
for step in range(31):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(f"第 {step:2} 步  损失 {loss.item():.4f}")
print("linear.weight 没变：", torch.equal(weight_before, model.linear.weight))
[group["lr"] for group in optimizer.param_groups]
