import torch
from torch import nn


class TiedLM(nn.Module):
    def __init__(self, vocab=10, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        self.decoder.weight = self.embedding.weight  # tie: one Parameter, two names

    def forward(self, tokens):
        return self.decoder(self.embedding(tokens))


torch.manual_seed(0)
model = TiedLM()
print("same object:", model.decoder.weight is model.embedding.weight)
print("named_parameters():", [name for name, p in model.named_parameters()])
print("remove_duplicate=False:", [name for name, p in model.named_parameters(remove_duplicate=False)])
print("state_dict() keys:", list(model.state_dict()))
print("numel over parameters():", sum(p.numel() for p in model.parameters()))
print("numel over state_dict():", sum(t.numel() for t in model.state_dict().values()))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print("the optimizer holds", len(optimizer.param_groups[0]["params"]), "Parameter(s)")

tokens = torch.tensor([1, 3, 3, 0])
loss = nn.functional.cross_entropy(model(tokens[:-1]), tokens[1:])
loss.backward()
optimizer.step()
print("still equal after a step:", torch.equal(model.embedding.weight, model.decoder.weight))
print("one .grad, both uses added into it:")
print(model.embedding.weight.grad)
