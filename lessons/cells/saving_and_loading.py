import argparse
import io

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
print("state_dict() keys:", list(model.state_dict()))

buffer = io.BytesIO()  # a file in memory; torch.save(obj, "model.pt") works the same way
torch.save(model.state_dict(), buffer)
buffer.seek(0)
state = torch.load(buffer)  # weights_only=True is the default

fresh = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
weight = fresh[0].weight
print(fresh.load_state_dict(state))
print("same Parameter object after loading:", fresh[0].weight is weight)

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
torch.load(buffer, weights_only=False)["args"]  # only for files you trust
