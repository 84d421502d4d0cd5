# How many numbers are trainable in linear_bias (Linear(10, 5) plus a (1, 5) bias) with linear.weight frozen?
class LinearBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 5)
        self.bias = nn.Parameter(torch.randn(1, 5))


model = LinearBias()
model.linear.weight.requires_grad_(False)
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)

shown = trainable
answer = str(trainable)
