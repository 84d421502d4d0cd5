import argparse
import io

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
print("state_dict() 的键：", list(model.state_dict()))

buffer = io.BytesIO()  # 内存里的文件；torch.save(obj, "model.pt") 用法完全一样
torch.save(model.state_dict(), buffer)
buffer.seek(0)
state = torch.load(buffer)  # 默认 weights_only=True

fresh = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
weight = fresh[0].weight
print(fresh.load_state_dict(state))
print("加载之后还是同一个 Parameter 对象：", fresh[0].weight is weight)

del state["2.bias"]
print(fresh.load_state_dict(state, strict=False))

buffer = io.BytesIO()
torch.save({"model": model.state_dict(), "args": argparse.Namespace(lr=0.1)}, buffer)
buffer.seek(0)
try:
    torch.load(buffer)
except Exception as exc:
    print(type(exc).__name__ + ":", str(exc).split(". ")[0])
buffer.seek(0)
torch.load(buffer, weights_only=False)["args"]  # 只用于你信任的文件
