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
    """Make model.decoder use the embedding's weight: one Parameter for both layers."""
    with torch.no_grad():
        model.decoder.weight.copy_(model.embedding.weight)


model = TinyLM()
tie_weights(model)
print("numbers to train:", sum(p.numel() for p in model.parameters()))
