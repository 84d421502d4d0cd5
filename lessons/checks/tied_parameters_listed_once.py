# The decoder's weight is tied to the embedding's: how many Parameters does model.parameters() yield?
class TiedLM(nn.Module):
    def __init__(self, vocab=10, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        self.decoder.weight = self.embedding.weight


model = TiedLM()
count = len(list(model.parameters()))

shown = f"len(list(model.parameters())): {count}; names: {[name for name, _ in model.named_parameters()]}"
answer = str(count)
