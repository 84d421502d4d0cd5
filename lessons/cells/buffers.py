import torch
from torch import nn

torch.manual_seed(0)
bn = nn.BatchNorm1d(3)
x = torch.randn(8, 3) + 5  # a batch whose mean is far from zero
print("buffers:", [name for name, _ in bn.named_buffers()])
print("in parameters():", [name for name, _ in bn.named_parameters()])

print("at the start:       ", bn.running_mean)
bn(x)  # training mode (the default)
print("after a train step: ", bn.running_mean)
bn.eval()
bn(x)
print("after an eval step: ", bn.running_mean)
bn.num_batches_tracked
