import torch
from torch import nn
from torch.nn.utils import parametrize


def make_symmetric(layer):
    """让 layer.weight 变成对称矩阵，并且在训练中一直保持对称。"""
    with torch.no_grad():
        layer.weight.copy_((layer.weight + layer.weight.T) / 2)
    return layer


torch.manual_seed(0)
layer = make_symmetric(nn.Linear(3, 3))
w = layer.weight.detach()
print("现在对称吗：", torch.equal(w, w.T))
print("已参数化：", parametrize.is_parametrized(layer, "weight"))
print("named_parameters()：", [name for name, _ in layer.named_parameters()])
