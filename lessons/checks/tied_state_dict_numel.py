# With the weight (10 x 4) tied, what does summing numel() over state_dict() give?
class TiedLM(nn.Module):
    def __init__(self, vocab=10, dim=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        self.decoder.weight = self.embedding.weight


model = TiedLM()
total = sum(t.numel() for t in model.state_dict().values())

shown = f"state_dict() keys: {list(model.state_dict())}; numel summed over them: {total}"
answer = str(total)
