import torch
from torch import nn

p = nn.Parameter(torch.zeros(3))
results = {"p.detach()": p.detach(), "p.clone()": p.clone(), "p[:2]": p[:2], "p.data": p.data}
for label, t in results.items():
    shares = t.untyped_storage().data_ptr() == p.untyped_storage().data_ptr()
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    print(
        f"{label:11} {type(t).__name__:9} requires_grad={t.requires_grad!s:5} "
        f"grad_fn={grad_fn!s:14} 与 p 共享内存={shares}"
    )

p.detach().add_(1)
print("p.detach().add_(1) 之后：", p.tolist(), "p._version", p._version)
p.data.add_(1)
print("p.data.add_(1) 之后：    ", p.tolist(), "p._version", p._version)
