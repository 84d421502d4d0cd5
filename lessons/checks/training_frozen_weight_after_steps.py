# With linear.weight frozen but still handed to the optimizer, does training change it?
class LinearBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 5)
        self.bias = nn.Parameter(torch.randn(1, 5))

    def forward(self, x):
        return self.linear(x) + self.bias


model = LinearBias()
model.linear.weight.requires_grad_(False)
before = model.linear.weight.detach().clone()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # the frozen weight is in this list too
x, y = torch.randn(32, 10), torch.randn(32, 5)
for _ in range(5):
    optimizer.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    optimizer.step()

changed = not torch.equal(before, model.linear.weight)
shown = (
    f"torch.equal(before, linear.weight): {not changed}; linear.weight.grad is None: {model.linear.weight.grad is None}"
)
answer = "changed" if changed else "unchanged"
