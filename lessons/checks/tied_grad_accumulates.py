# After loss.backward(), what does the one .grad of a tied weight hold?
class TiedLM(nn.Module):
    def __init__(self, vocab=10, dim=4, tie=True):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        if tie:
            self.decoder.weight = self.embedding.weight

    def forward(self, tokens):
        return self.decoder(self.embedding(tokens))


tied = TiedLM()
untied = TiedLM(tie=False)  # the same values, in two separate Parameters
with torch.no_grad():
    untied.embedding.weight.copy_(tied.embedding.weight)
    untied.decoder.weight.copy_(tied.embedding.weight)
tokens = torch.tensor([1, 3, 3, 0])
for model in (tied, untied):
    nn.functional.cross_entropy(model(tokens[:-1]), tokens[1:]).backward()

grad = tied.decoder.weight.grad
via_embedding, via_decoder = untied.embedding.weight.grad, untied.decoder.weight.grad
if torch.allclose(grad, via_embedding + via_decoder):
    answer = "sum"
elif torch.allclose(grad, via_decoder):
    answer = "decoder_only"
elif torch.allclose(grad, via_embedding):
    answer = "embedding_only"
else:
    answer = "other"
shown = f"tied .grad equals the sum of the two untied grads: {torch.allclose(grad, via_embedding + via_decoder)}"
