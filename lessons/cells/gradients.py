import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, target = torch.randn(4, 3), torch.randn(4, 2)

print("before any backward:", model.weight.grad)
for turn in (1, 2):
    loss = nn.functional.mse_loss(model(x), target)  # a fresh forward builds a fresh graph
    loss.backward()
    print(f"after backward {turn}, first row of weight.grad:", model.weight.grad[0])

optimizer.zero_grad()
print("after zero_grad():", model.weight.grad)
