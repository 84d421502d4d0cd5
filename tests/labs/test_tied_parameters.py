"""The tied-parameters lab and lesson 11's facts report what plain torch does with a tied weight."""

import warnings

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from app.course.facts import compute
from app.labs.tied_parameters import Params, TiedLM, run


def plain_model(vocab: int, dim: int, seed: int, tied: bool) -> nn.Module:
    """Build an embedding and a bias-free decoder by hand, tied by assignment or given its own copy."""
    torch.manual_seed(seed)
    model = nn.Module()
    model.embedding = nn.Embedding(vocab, dim)
    model.decoder = nn.Linear(dim, vocab, bias=False)
    model.decoder.weight = model.embedding.weight
    if not tied:
        model.decoder.weight = nn.Parameter(model.embedding.weight.detach().clone())
    return model


def plain_backward(model: nn.Module, tokens: list[int]) -> float:
    ids = torch.tensor(tokens)
    logits = model.decoder(model.embedding(ids[:-1]))
    loss = nn.functional.cross_entropy(logits, ids[1:])
    loss.backward()
    return loss.item()


@pytest.mark.parametrize("tie", ["tied", "untied"])
@pytest.mark.parametrize("vocab, dim, tokens, seed", [(5, 3, "1,3,3,0", 0), (8, 4, "7,7,2,5,0,1", 3), (2, 1, "0,1", 9)])
def test_names_counts_and_optimizer_match_plain_torch(tie, vocab, dim, tokens, seed):
    result = run(Params(tie=tie, vocab=vocab, dim=dim, tokens=tokens, seed=seed))
    model = plain_model(vocab, dim, seed, tied=tie == "tied")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    assert result.tied is (tie == "tied")
    assert result.same_object is (model.decoder.weight is model.embedding.weight)
    assert result.parameter_names == [name for name, _p in model.named_parameters()]
    assert result.all_names == [name for name, _p in model.named_parameters(remove_duplicate=False)]
    state = model.state_dict()
    assert [row.key for row in result.state_dict] == list(state)
    first = next(iter(state.values())).data_ptr()
    assert [row.same_storage_as_first for row in result.state_dict] == [t.data_ptr() == first for t in state.values()]
    assert result.parameters_numel == sum(p.numel() for p in model.parameters())
    assert result.state_dict_numel == sum(t.numel() for t in state.values())
    assert len(result.optimizer_names) == len(optimizer.param_groups[0]["params"])
    loss = plain_backward(model, [int(t) for t in tokens.split(",")])
    optimizer.step()
    assert result.loss == pytest.approx(loss, rel=1e-6)
    assert result.equal_after_step is torch.equal(model.embedding.weight, model.decoder.weight)


def test_tied_counts_once_and_the_state_dict_twice():
    result = run(Params(vocab=6, dim=4))
    assert result.parameters_numel == 24 and result.state_dict_numel == 48
    assert result.optimizer_names == ["embedding.weight = decoder.weight"]
    assert result.equal_after_step
    untied = run(Params(tie="untied", vocab=6, dim=4))
    assert untied.parameters_numel == untied.state_dict_numel == 48
    assert untied.optimizer_names == ["embedding.weight", "decoder.weight"]
    assert not untied.equal_after_step


@pytest.mark.parametrize("tokens", ["1,3,3,0", "2,2,2,2,4", "0,1"])
def test_the_tied_grad_is_the_sum_of_both_uses_in_plain_torch(tokens):
    result = run(Params(vocab=5, dim=3, tokens=tokens, seed=2))
    ids = [int(t) for t in tokens.split(",")]
    tied, untied = plain_model(5, 3, 2, tied=True), plain_model(5, 3, 2, tied=False)
    plain_backward(tied, ids)
    plain_backward(untied, ids)
    expected = tied.embedding.weight.grad
    assert torch.allclose(expected, untied.embedding.weight.grad + untied.decoder.weight.grad)
    assert torch.allclose(torch.tensor([row.tied_grad for row in result.grads]), expected)
    assert torch.allclose(torch.tensor([row.via_embedding for row in result.grads]), untied.embedding.weight.grad)
    assert torch.allclose(torch.tensor([row.via_decoder for row in result.grads]), untied.decoder.weight.grad)
    assert result.grad_is_sum
    # the embedding's part reaches only the rows it looked up: the input tokens, not the last target
    looked_up = set(ids[:-1])
    assert [row.in_input for row in result.grads] == [token in looked_up for token in range(5)]
    for row in result.grads:
        assert any(value != 0 for value in row.via_embedding) is (row.token in looked_up)


def test_the_shown_code_runs_and_gives_the_same_model():
    params = Params(tie="untied", vocab=4, dim=2, tokens="3,1,2", seed=5)
    result = run(params)
    namespace = {"torch": torch, "nn": nn, "TiedLM": TiedLM}
    exec(result.code, namespace)
    model = namespace["model"]
    assert [name for name, _p in model.named_parameters()] == result.parameter_names
    assert namespace["loss"].item() == pytest.approx(result.loss)


@pytest.mark.parametrize(
    "inputs, field",
    [
        ({"vocab": 9}, "vocab"),
        ({"vocab": 1}, "vocab"),
        ({"dim": 5}, "dim"),
        ({"tokens": "1"}, "tokens"),
        ({"tokens": "1,2,3,4,0,1,2,3,4,0,1,2,3"}, "tokens"),
        ({"tokens": "1,5"}, "tokens"),
        ({"tokens": "1,-2"}, "tokens"),
        ({"tokens": "a,b"}, "tokens"),
        ({"tie": "both"}, "tie"),
        ({"seed": -1}, "seed"),
    ],
)
def test_inputs_are_bounded(inputs, field):
    with pytest.raises(ValidationError) as error:
        Params(**inputs)
    assert error.value.errors()[0]["loc"] == (field,)


def plain_fact_model(tied: bool = True) -> nn.Module:
    return plain_model(10, 4, 0, tied)


def test_lesson_11_facts_match_plain_torch():
    model = plain_fact_model()
    assert compute("tied_is_same_object") == str(model.decoder.weight is model.embedding.weight) == "True"
    assert compute("tied_parameter_names") == ", ".join(name for name, _p in model.named_parameters())
    assert compute("tied_all_names") == ", ".join(n for n, _p in model.named_parameters(remove_duplicate=False))
    assert compute("tied_state_dict_keys") == ", ".join(model.state_dict()) == "embedding.weight, decoder.weight"
    assert compute("tied_parameters_numel") == str(sum(p.numel() for p in model.parameters())) == "40"
    assert compute("tied_state_dict_numel") == str(sum(t.numel() for t in model.state_dict().values())) == "80"
    assert compute("untied_parameters_numel") == str(sum(p.numel() for p in plain_fact_model(False).parameters()))
    assert compute("tied_optimizer_holds") == str(len(torch.optim.SGD(model.parameters()).param_groups[0]["params"]))
    untied = plain_fact_model(False)
    with torch.no_grad():
        untied.decoder.weight.mul_(-1.0)
    loaded = plain_fact_model()
    loaded.load_state_dict(untied.state_dict())
    assert compute("tied_load_keeps_later_key") == str(torch.equal(loaded.decoder.weight, untied.decoder.weight))
    tied, untied = plain_fact_model(), plain_fact_model(False)
    plain_backward(tied, [1, 3, 3, 0])
    plain_backward(untied, [1, 3, 3, 0])
    summed = untied.embedding.weight.grad + untied.decoder.weight.grad
    assert compute("tied_grad_is_sum") == str(torch.allclose(tied.embedding.weight.grad, summed))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.optim.SGD([model.embedding.weight, model.decoder.weight], lr=0.1)
    assert compute("tied_duplicate_warning") == str(caught[0].message)
    assert "duplicate parameters" in compute("tied_duplicate_warning")
