import torch
from torch import nn


def make_model():
    """搭一个小分类器：各层的输入大小从第一批数据里读出来。"""
    return nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(4))


def materialize(model, in_features):
    """让 `model` 里每个惰性层都得到真正的形状，输入有 `in_features` 个特征。"""
    pass  # 现在什么也没做：这些层仍是惰性的


torch.manual_seed(0)
model = make_model()
materialize(model, in_features=10)
print(model)  # materialize 之后：应是带真实 in_features 的 Linear 层
