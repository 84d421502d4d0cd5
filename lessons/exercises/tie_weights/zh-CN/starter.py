import torch
from torch import nn


class TinyLM(nn.Module):
    def __init__(self, vocab=10, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)

    def forward(self, tokens):
        return self.decoder(self.embedding(tokens))


def tie_weights(model):
    """让 model.decoder 使用嵌入层的权重：两层共用一个 Parameter。"""
    with torch.no_grad():
        model.decoder.weight.copy_(model.embedding.weight)


model = TinyLM()
tie_weights(model)
print("要训练的数字个数：", sum(p.numel() for p in model.parameters()))
