"""Check that tie_weights(model) makes the decoder use the embedding's own Parameter."""

INVARIANTS = ("same_object", "keeps_embedding", "listed_once", "one_grad_for_both", "tied_after_step")
MISTAKES = ("no_function", "copied_values", "shared_storage", "wrong_way", "plain_tensor", "untouched")


def check(namespace, report):
    import torch
    from torch import nn

    function = namespace.get("tie_weights")
    if not callable(function):
        report.mistake("no_function")
        return

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(7, 3)
            self.decoder = nn.Linear(3, 7, bias=False)

        def forward(self, tokens):
            return self.decoder(self.embedding(tokens))

    torch.manual_seed(0)
    model = LM()
    embedding_weight, decoder_weight = model.embedding.weight, model.decoder.weight
    function(model)
    copied = torch.equal(model.decoder.weight, model.embedding.weight)
    shared = model.decoder.weight.data_ptr() == model.embedding.weight.data_ptr()
    same = model.decoder.weight is model.embedding.weight
    report.invariant("same_object", same, type(model.decoder.weight).__name__)
    kept = model.embedding.weight is embedding_weight
    report.invariant("keeps_embedding", kept)
    names = [name for name, _p in model.named_parameters()]
    report.invariant("listed_once", len(names) == 1, ", ".join(names))

    twin = LM()  # the same values in two separate Parameters: its two grads add up to the tied one
    with torch.no_grad():
        twin.embedding.weight.copy_(model.embedding.weight)
        twin.decoder.weight.copy_(model.decoder.weight)
    tokens = torch.tensor([1, 4, 4, 2, 6])
    for each in (model, twin):
        nn.functional.cross_entropy(each(tokens[:-1]), tokens[1:]).backward()
    grad = model.embedding.weight.grad
    expected = twin.embedding.weight.grad + twin.decoder.weight.grad
    report.invariant("one_grad_for_both", grad is not None and bool(torch.allclose(grad, expected)))
    torch.optim.SGD(model.parameters(), lr=0.5).step()
    report.invariant("tied_after_step", torch.equal(model.embedding.weight, model.decoder.weight))

    if same and not kept:
        report.mistake("wrong_way")
    elif not same and shared:
        report.mistake("shared_storage")
    elif not same and copied:
        report.mistake("copied_values")
    elif model.decoder.weight is decoder_weight:
        report.mistake("untouched")


def explain(error, report):
    import torch
    from torch import nn

    try:
        nn.Linear(2, 2).weight = torch.zeros(2, 2)
    except TypeError as expected:
        if type(error) is TypeError and str(error).split("'")[0] == str(expected).split("'")[0]:
            report.mistake("plain_tensor")
