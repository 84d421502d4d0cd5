import torch
from torch import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(2, 3))
        self.scale = torch.ones(2, requires_grad=True)
        self.register_buffer("running", torch.zeros(2))
        self.register_buffer("cache", torch.zeros(2), persistent=False)
        self.head = nn.Linear(3, 1)
        self.extras = [nn.Parameter(torch.zeros(2)) for _ in range(3)]


torch.manual_seed(0)
model = Block()
print("named_parameters()：", [name for name, _ in model.named_parameters()])
print("named_buffers()：   ", [name for name, _ in model.named_buffers()])
print("state_dict() 的键： ", list(model.state_dict()))
