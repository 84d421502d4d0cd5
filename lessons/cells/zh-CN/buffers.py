import torch
from torch import nn

torch.manual_seed(0)
bn = nn.BatchNorm1d(3)
x = torch.randn(8, 3) + 5  # 一批均值远离 0 的数据
print("缓冲区：", [name for name, _ in bn.named_buffers()])
print("parameters() 里有：", [name for name, _ in bn.named_parameters()])

print("一开始：        ", bn.running_mean)
bn(x)  # 训练模式（默认）
print("训练模式跑一步后：", bn.running_mean)
bn.eval()
bn(x)
print("评估模式跑一步后：", bn.running_mean)
bn.num_batches_tracked
