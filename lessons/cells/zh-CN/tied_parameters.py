import torch
from torch import nn


class TiedLM(nn.Module):
    def __init__(self, vocab=10, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        self.decoder.weight = self.embedding.weight  # 绑定：一个 Parameter，两个名字

    def forward(self, tokens):
        return self.decoder(self.embedding(tokens))


torch.manual_seed(0)
model = TiedLM()
print("是同一个对象：", model.decoder.weight is model.embedding.weight)
print("named_parameters()：", [name for name, p in model.named_parameters()])
print("remove_duplicate=False：", [name for name, p in model.named_parameters(remove_duplicate=False)])
print("state_dict() 的键：", list(model.state_dict()))
print("按 parameters() 数出的元素个数：", sum(p.numel() for p in model.parameters()))
print("按 state_dict() 数出的元素个数：", sum(t.numel() for t in model.state_dict().values()))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print("优化器里有", len(optimizer.param_groups[0]["params"]), "个 Parameter")

tokens = torch.tensor([1, 3, 3, 0])
loss = nn.functional.cross_entropy(model(tokens[:-1]), tokens[1:])
loss.backward()
optimizer.step()
print("走一步之后仍然相等：", torch.equal(model.embedding.weight, model.decoder.weight))
print("只有一个 .grad，两处用法的梯度都累加进去：")
print(model.embedding.weight.grad)
